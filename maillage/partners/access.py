"""Who may see and change what in the partners app. Views load protected objects only through these.

- Directory: every staff role reads everything; directors, zone managers and administrators edit every
  listing; a partner user reads and edits only their own organisation's listing and services. Elected
  officials and young people get a 404 everywhere here.
- Projects and funding lines: director, analyst, administrator (write) and zone managers (read).
- Governance meetings: director and administrator see all; zone managers see and run their zones' meetings.
- Referrals: the staff who see a young person (youth roles, by zone) see their referrals, and those who
  may write on the file refer them; the shared barriers of a referral are shown to staff only if they may
  read the diagnosis. A partner user sees, and answers, only the referrals addressed to their organisation,
  and only the snapshot of what was shared: never the youth file.
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
    Referral,
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


# ----------------------------------------------------------------------------------------------- referrals


def referral_staff_roles() -> frozenset[str]:
    """Staff roles that reach the referrals of the young people they see (the youth app's roles)."""
    from maillage.youth.roles import YOUTH_ROLES

    return frozenset(YOUTH_ROLES)


def is_referral_staff(user: Any) -> bool:
    return _role(user) in referral_staff_roles()


def is_partner(user: Any) -> bool:
    return _role(user) == Role.PARTNER


def _referral_queryset():
    return Referral.objects.select_related("service", "organisation", "referred_by")


def get_referral_for_user(user: Any, pk: object) -> Referral:
    """A referral this user may see: staff through the young person's zone, a partner through their
    organisation. Anybody else, and any other referral, gets a 404."""
    return get_or_404(_referral_queryset().visible_to(user), pk=pk)


def get_referral_for_partner(user: Any, pk: object) -> Referral:
    """A referral addressed to this partner user's organisation (the only ones they answer), else 404."""
    if not is_partner(user):
        raise Http404
    return get_or_404(_referral_queryset().visible_to(user), pk=pk)


def can_refer(user: Any, youth: Any) -> bool:
    """Those who may write on the file refer the young person (the file was loaded through
    maillage.youth.access.get_youth_for_user)."""
    from maillage.youth.access import can_edit_youth

    return can_edit_youth(user, youth)


def can_see_shared_barriers(user: Any, referral: Referral) -> bool:
    """The partner sees what was shared with it; staff see the shared barriers only if they may read the
    young person's diagnosis."""
    if is_partner(user):
        return True
    from maillage.youth.access import can_read_diagnosis

    return can_read_diagnosis(user, referral.youth)


def read_open_barriers(user: Any, youth: Any) -> list[Any] | None:
    """The young person's open barriers for those who may read the diagnosis (None for the others), the read
    audited like the diagnosis: through maillage.youth.access.read_diagnosis(), once per request.

    The youth file page already calls read_diagnosis() (one "youth.diagnosis_read" entry); its referrals
    section, rendered in the same request, must not log a second read of the same file, so when this request
    already audited it (same request id, user and file), the barriers are read again without a new entry.
    Outside a request (no request id), every read is audited.
    """
    from maillage.core import context
    from maillage.core.models import AuditEntry
    from maillage.youth.access import can_read_diagnosis, read_diagnosis

    if not can_read_diagnosis(user, youth):
        return None
    request_id = context.current().request_id
    if (
        request_id
        and AuditEntry.objects.filter(
            action="youth.diagnosis_read",
            object_type="youth.youth",
            object_id=str(youth.pk),
            request_id=request_id,
            user=user,
        ).exists()
    ):
        return list(youth.barriers.open().order_by("-noted_on", "-id"))
    return [barrier for barrier in read_diagnosis(user, youth) or [] if barrier.is_open]
