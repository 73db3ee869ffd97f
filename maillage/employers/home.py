"""The employers panel of the home page (registered in EmployersConfig.ready)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from .enums import RequestStatus
from .models import Offer, RecruitmentRequest


def home_panel_context(request: HttpRequest) -> dict | None:
    today = timezone.localdate()
    open_offers = Offer.objects.open(today)
    return {
        "requests_to_review": RecruitmentRequest.objects.filter(status=RequestStatus.TO_REVIEW).count(),
        "open_offers": open_offers.count(),
        "expiring_soon": open_offers.filter(expires_on__lte=today + timedelta(days=7)).count(),
    }


#: Follow-ups shown on the home page: overdue ones and those due within this many days.
FOLLOW_UP_HORIZON_DAYS = 35
FOLLOW_UPS_SHOWN = 15


def follow_ups_to_do(user, today=None):
    """Pending follow-ups after hiring, due within the horizon, for this user: an officer's (offers they
    follow or applications they made), a counsellor's (their caseload)."""
    from django.db.models import Q

    from maillage.accounts.roles import Role

    from .models import FollowUp

    today = today or timezone.localdate()
    follow_ups = FollowUp.objects.pending().filter(due_on__lte=today + timedelta(days=FOLLOW_UP_HORIZON_DAYS))
    if user.role == Role.EMPLOYER_OFFICER:
        follow_ups = follow_ups.filter(Q(application__offer__officer=user) | Q(application__proposed_by=user))
    else:
        follow_ups = follow_ups.filter(application__youth__counsellor=user)
    return follow_ups.select_related("application__youth", "application__offer__company").order_by(
        "due_on", "pk"
    )


def follow_up_panel_context(request: HttpRequest) -> dict | None:
    """The to-do list of follow-ups after hiring (employer officers, counsellors)."""
    from maillage.accounts.roles import Role

    today = timezone.localdate()
    follow_ups = follow_ups_to_do(request.user, today)
    rows = list(follow_ups[: FOLLOW_UPS_SHOWN + 1])
    if not rows and request.user.role != Role.EMPLOYER_OFFICER:
        return None
    return {
        "rows": rows[:FOLLOW_UPS_SHOWN],
        "more": len(rows) > FOLLOW_UPS_SHOWN,
        "today": today,
        "horizon": FOLLOW_UP_HORIZON_DAYS,
    }
