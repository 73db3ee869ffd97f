"""Who may see and do what on a young person's file. The only way views load a file.

- Counsellors and zone managers see the young people of their zones; the director, analysts and the
  administrator see all; everybody else (employer officers, partners, elected officials, young people)
  sees none here, and gets a 404.
- The diagnosis (barriers) is read by the file's counsellor, a manager of the file's zone, the director
  and the administrator; every read goes through `read_diagnosis()`, which writes the audit log.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from maillage.accounts.roles import Role
from maillage.core import audit
from maillage.core.access import get_or_404

from .models import Barrier, Youth, YouthQuerySet
from .roles import ALL_ZONES_MANAGER_ROLES, DIAGNOSIS_ALL_ROLES, WRITER_ROLES, ZONE_MANAGER_ROLES


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def visible_youths(user: Any) -> QuerySet[Youth]:
    return Youth.objects.visible_to(user)


def get_youth_for_user(user: Any, pk: object, *, queryset: YouthQuerySet | None = None) -> Youth:
    """The file if this user may see it, else 404 (whether it exists or not)."""
    base = queryset if queryset is not None else Youth.objects.all()
    return get_or_404(base.visible_to(user), pk=pk)


def can_see_youth(user: Any, youth: Youth) -> bool:
    return Youth.objects.visible_to(user).filter(pk=youth.pk).exists()


def can_edit_youth(user: Any, youth: Youth) -> bool:
    """Writers (counsellors, zone managers, director) on a file they can see. Callers already loaded the
    file through get_youth_for_user(), so only the role and, for zone roles, the zone are checked."""
    role = _role(user)
    if role not in WRITER_ROLES:
        return False
    if role == Role.DIRECTOR:
        return True
    return youth.zone_id in user.zone_ids()


def require_edit(user: Any, youth: Youth) -> None:
    if not can_edit_youth(user, youth):
        raise Http404


def can_read_diagnosis(user: Any, youth: Youth) -> bool:
    role = _role(user)
    if role in DIAGNOSIS_ALL_ROLES:
        return True
    if role == Role.ZONE_MANAGER:
        return youth.zone_id in user.zone_ids()
    if role == Role.COUNSELLOR:
        return youth.counsellor_id == user.pk and youth.zone_id in user.zone_ids()
    return False


def read_diagnosis(user: Any, youth: Youth) -> list[Barrier] | None:
    """The barriers, for those allowed (the read is audited); None for the others."""
    if not can_read_diagnosis(user, youth):
        return None
    barriers = list(youth.barriers.select_related("recorded_by"))
    audit.record("youth.diagnosis_read", by=user, obj=youth, count=len(barriers))
    return barriers


def managed_zone_ids(user: Any) -> list[int] | None:
    """Zones this user manages: a zone manager's zones; None means all (director, admin); [] none."""
    role = _role(user)
    if role in ALL_ZONES_MANAGER_ROLES:
        return None
    if role in ZONE_MANAGER_ROLES:
        return list(user.zone_ids())
    return []


def can_manage_zone(user: Any, zone: Any) -> bool:
    """Zone managers for their zones; the director and administrator for every zone."""
    zone_ids = managed_zone_ids(user)
    if zone_ids is None:
        return True
    zone_id = getattr(zone, "pk", zone)
    return zone_id in zone_ids


def can_request_transfer(user: Any) -> bool:
    return _role(user) in {Role.COUNSELLOR, Role.ZONE_MANAGER}
