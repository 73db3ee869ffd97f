"""What the partners app adds to other pages: home-page panels (maillage.core.home) and the referrals
section of the youth file (maillage.core.slots). Registered in apps.py; each keeps a fixed number of
queries whatever the amount of data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from . import access, conf, selectors
from .enums import ANSWERED_REFERRAL_STATUSES, OPEN_REFERRAL_STATUSES
from .models import Organisation, Referral

#: Rows shown in each home-panel list (the full lists are one click away).
PANEL_ROWS = 10
#: "Recently answered" on the counsellor's home: answers of the last N days.
RECENT_ANSWER_DAYS = 14
#: Referrals listed on the youth file (the most recent first).
FILE_REFERRALS = 20


def partner_home_context(request: HttpRequest) -> dict | None:
    """Home panel of a partner user: their organisation(s), with what needs checking."""
    organisations = list(access.partner_organisations(request.user).order_by("search_name"))
    if not organisations:
        return {"organisations": []}
    stale_ids = set(
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .with_stale_listings()
        .values_list("pk", flat=True)
    )
    return {"organisations": [(o, o.pk in stale_ids) for o in organisations]}


def partner_referrals_context(request: HttpRequest) -> dict | None:
    """Home panel of a partner user: the referrals waiting for their organisation's answer."""
    waiting = Referral.objects.visible_to(request.user).waiting()
    rows = list(waiting.select_related("service").order_by("sent_at", "pk")[:PANEL_ROWS])
    return {"referrals": rows, "count": waiting.count(), "reminder_days": conf.referral_reminder_days()}


def counsellor_referrals_context(request: HttpRequest) -> dict | None:
    """Home panel of those who refer: their referrals unanswered for PARTNERS_REFERRAL_OVERDUE_DAYS (30)
    days (flagged), and the answers of the last two weeks. Hidden when there is nothing to show."""
    user = request.user
    mine = Referral.objects.visible_to(user).filter(referred_by_id=user.pk)
    related = ("youth", "service", "organisation")
    overdue_qs = mine.overdue()
    overdue = list(overdue_qs.select_related(*related).order_by("sent_at", "pk")[:PANEL_ROWS])
    since = timezone.now() - timedelta(days=RECENT_ANSWER_DAYS)
    answered = list(
        mine.filter(status__in=ANSWERED_REFERRAL_STATUSES, status_changed_at__gte=since)
        .select_related(*related)
        .order_by("-status_changed_at", "-pk")[:PANEL_ROWS]
    )
    if not overdue and not answered:
        return None
    return {
        "overdue": overdue,
        "overdue_count": overdue_qs.count() if overdue else 0,
        "answered": answered,
        "overdue_days": conf.referral_overdue_days(),
        "recent_days": RECENT_ANSWER_DAYS,
    }


def youth_file_section(request: HttpRequest, youth: Any = None, **kwargs: Any) -> dict | None:
    """The "Orientations" section of the youth file: services suggested for each open barrier (for those
    who may read the diagnosis; the read goes through the youth app's audited read_diagnosis()), each with
    an "Orienter" action, and the young person's referrals with their status.

    The youth view loaded the file through get_youth_for_user(), so the user sees this young person.
    Queries: the referrals (1), the barriers (2: whether this request already audited the diagnosis read,
    then the barriers), the suggestions (1, one window query for every domain).
    """
    from maillage.youth.access import can_read_diagnosis

    user = request.user
    if youth is None or not access.is_referral_staff(user):
        return None
    referrals = list(
        Referral.objects.filter(youth=youth)
        .select_related("service", "organisation")
        .order_by("-sent_at", "-pk")[:FILE_REFERRALS]
    )
    groups: list[dict[str, Any]] = []
    readable = can_read_diagnosis(user, youth)
    if readable:
        open_barriers = access.read_open_barriers(user, youth) or []
        suggestions = selectors.suggested_services({b.domain for b in open_barriers}, youth.commune)
        seen: set[str] = set()
        for barrier in open_barriers:
            if barrier.domain in suggestions and barrier.domain not in seen:
                seen.add(barrier.domain)
                groups.append({"barrier": barrier, "services": suggestions[barrier.domain]})
    return {
        "youth": youth,
        "referrals": referrals,
        # Services this young person already has an open referral to (no second "Orienter" for them).
        "open_service_ids": {r.service_id for r in referrals if r.status in OPEN_REFERRAL_STATUSES},
        "groups": groups,
        "can_read_diagnosis": readable,
        "can_refer": access.can_refer(user, youth) and youth.status == "active",
        "overdue_days": conf.referral_overdue_days(),
    }
