"""Who may load what in the portal. The only way views load a protected object.

- A young person (role youth, with an active PortalAccount whose file is not anonymised) reaches only the
  rows of their own file: every query below is scoped to `account.youth`. Anything else is a 404.
- Staff reach the portal rows of the files they may see (youth.access): the intake queue by zone, a file's
  messages, invitations and slots through `get_youth_for_user`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from maillage.accounts.roles import Role
from maillage.core.access import get_or_404
from maillage.youth.access import get_youth_for_user, require_edit
from maillage.youth.models import Consent, Youth

from .i18n import portal_language
from .models import CorrectionRequest, PortalAccount, PreRegistration, Slot, Thread

#: Roles that work the intake queue (counsellors and zone managers of the zone; the director, all zones).
QUEUE_ROLES = frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR})
#: Roles that publish appointment slots (their own).
SLOT_ROLES = frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER})
#: Roles that use the portal's staff pages of a file (messages, invitations): those who write on files.
STAFF_ROLES = frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR})


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


# ------------------------------------------------------------------------------------------- young people


def portal_account_for(user: Any) -> PortalAccount | None:
    """The signed-in young person's account, or None (staff, partners, a deactivated account…)."""
    if _role(user) != Role.YOUTH:
        return None
    return (
        PortalAccount.objects.usable()
        .select_related("youth", "youth__counsellor", "youth__zone", "youth__commune")
        .filter(user=user)
        .first()
    )


def youth_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page of the young person's space: 404 for anyone but a young person with a portal account.

    Sets request.portal_account and request.portal_youth; renders in the young person's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account = portal_account_for(request.user)
        if account is None:
            raise Http404
        request.portal_account = account  # type: ignore[attr-defined]
        request.portal_youth = account.youth  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return portal_language(wrapper)


def own_slots(youth: Youth) -> QuerySet[Slot]:
    return Slot.objects.filter(youth=youth)


def own_threads(youth: Youth) -> QuerySet[Thread]:
    return Thread.objects.filter(youth=youth)


def own_consents(youth: Youth) -> QuerySet[Consent]:
    return Consent.objects.filter(youth=youth)


# ----------------------------------------------------------------------------------------------------- staff


def queue_zone_ids(user: Any) -> list[int] | None:
    """Zones whose intake queue this user works: None means all (director); [] none."""
    role = _role(user)
    if role == Role.DIRECTOR:
        return None
    if role in {Role.COUNSELLOR, Role.ZONE_MANAGER}:
        return list(user.zone_ids())
    return []


def get_preregistration_for_user(user: Any, pk: object) -> PreRegistration:
    return get_or_404(
        PreRegistration.objects.visible_to(user).select_related("commune", "quartier", "zone", "youth"), pk=pk
    )


def get_youth_for_staff(user: Any, pk: object, *, edit: bool = False) -> Youth:
    youth = get_youth_for_user(
        user, pk, queryset=Youth.objects.select_related("commune", "zone", "counsellor")
    )
    if edit:
        require_edit(user, youth)
    return youth


def staff_threads(user: Any) -> QuerySet[Thread]:
    """Threads of the files this user may see."""
    return Thread.objects.filter(youth__in=Youth.objects.visible_to(user))


def worklist_youths(user: Any) -> QuerySet[Youth]:
    """The files whose portal messages and requests land in this user's lists: a counsellor's caseload and
    the unassigned files of their zones; a zone manager's zones; the director, all."""
    role = _role(user)
    visible = Youth.objects.visible_to(user)
    if role == Role.COUNSELLOR:
        return visible.filter(Q(counsellor=user) | Q(counsellor__isnull=True))
    if role in STAFF_ROLES:
        return visible
    return Youth.objects.none()


def staff_corrections(user: Any) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(youth__in=worklist_youths(user))
