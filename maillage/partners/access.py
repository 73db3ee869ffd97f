"""Who may see and change what in the partners app. Views load protected objects only through these.

- Directory: every staff role reads everything; directors, zone managers and administrators edit every
  listing; a partner user reads and edits only their own organisation's listing and services. Elected
  officials and young people get a 404 everywhere here.
- Projects and funding lines: director, analyst, administrator (write) and zone managers (read).
- Governance meetings: director and administrator see all; zone managers see and run their zones' meetings.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from maillage.accounts.roles import STAFF_ROLES, Role
from maillage.core.access import get_or_404

from .models import (
    DIRECTORY_EDITOR_ROLES,
    MEETING_ALL_ZONES_ROLES,
    PROJECT_EDITOR_ROLES,
    Decision,
    FundingLine,
    Meeting,
    Organisation,
    Project,
    Service,
)

#: Roles that reach the directory's staff pages (search, lists, exports).
DIRECTORY_READER_ROLES = frozenset(STAFF_ROLES)
#: Roles that import a data·inclusion file (an import changes the whole directory).
IMPORT_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


# ----------------------------------------------------------------------------------------------- directory


def can_edit_directory(user: Any) -> bool:
    """Create organisations and edit every listing (partner users only edit their own, see below)."""
    return _role(user) in DIRECTORY_EDITOR_ROLES


def get_organisation_for_user(user: Any, pk: object) -> Organisation:
    return get_or_404(Organisation.objects.visible_to(user), pk=pk)


def get_organisation_for_edit(user: Any, pk: object) -> Organisation:
    return get_or_404(Organisation.objects.editable_by(user), pk=pk)


def get_service_for_user(user: Any, pk: object) -> Service:
    return get_or_404(Service.objects.visible_to(user).select_related("organisation"), pk=pk)


def get_service_for_edit(user: Any, pk: object) -> Service:
    return get_or_404(Service.objects.editable_by(user).select_related("organisation"), pk=pk)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    if _role(user) in DIRECTORY_EDITOR_ROLES:
        return True
    return _role(user) == Role.PARTNER and organisation.memberships.filter(user=user).exists()


def partner_organisations(user: Any):
    """The organisations a partner user belongs to (empty for anybody else)."""
    if _role(user) != Role.PARTNER:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


# ----------------------------------------------------------------------------------------------- projects


def can_edit_projects(user: Any) -> bool:
    return _role(user) in PROJECT_EDITOR_ROLES


def require_project_editor(user: Any) -> None:
    if not can_edit_projects(user):
        raise Http404


def get_project_for_user(user: Any, pk: object) -> Project:
    return get_or_404(Project.objects.visible_to(user), pk=pk)


def get_funding_line_for_user(user: Any, pk: object) -> FundingLine:
    return get_or_404(FundingLine.objects.visible_to(user).select_related("project", "zone"), pk=pk)


# ----------------------------------------------------------------------------------------------- governance


def get_meeting_for_user(user: Any, pk: object) -> Meeting:
    return get_or_404(Meeting.objects.visible_to(user).select_related("zone"), pk=pk)


def get_decision_for_user(user: Any, pk: object) -> Decision:
    return get_or_404(Decision.objects.visible_to(user).select_related("meeting", "meeting__zone"), pk=pk)


def meeting_zones(user: Any):
    """The zones in which this user may hold meetings."""
    from maillage.territory.models import Zone

    if _role(user) in MEETING_ALL_ZONES_ROLES:
        return Zone.objects.all()
    if _role(user) == Role.ZONE_MANAGER:
        return Zone.objects.filter(pk__in=user.zone_ids())
    return Zone.objects.none()
