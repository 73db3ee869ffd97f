"""Write side of the partners app: every change goes through a function here, which checks the rule,
writes the rows, records the audit entry and schedules the side effects.

Callers (views, commands, the demo) pass the acting user as `by`; authorisation to load the object was
checked before (access.py), the rules about the change itself are checked here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.roles import Role
from maillage.core.audit import record
from maillage.territory.models import EPCI, Commune, Zone

from . import conf
from .access import meeting_zones
from .enums import (
    OPEN_REFERRAL_STATUSES,
    PROJECT_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    ConsortiumRole,
    DeclineReason,
    ProjectStatus,
    ReferralStatus,
    TaskStatus,
    Theme,
)
from .models import (
    ConsortiumMember,
    Contact,
    Decision,
    FundingLine,
    FundingShare,
    Meeting,
    MeetingAttendee,
    Organisation,
    PartnerMembership,
    Project,
    ProjectDocument,
    ProjectTask,
    Referral,
    Service,
    ServiceTheme,
    stale_cutoff,
)

logger = logging.getLogger(__name__)

STALE_EDIT_MESSAGE = (
    "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la modifiiez. "
    "Rechargez la page pour voir la version à jour, puis refaites vos changements."
)


class StaleEditError(ValidationError):
    """Raised when the row changed since the form was displayed (optimistic lock)."""

    def __init__(self) -> None:
        super().__init__(STALE_EDIT_MESSAGE, code="stale_edit")


@dataclass(frozen=True)
class TerritoryInput:
    """The territory a listing serves, as chosen in a form or read from an import."""

    whole_area: bool = False
    communes: Sequence[Commune] = field(default_factory=tuple)
    epcis: Sequence[EPCI] = field(default_factory=tuple)
    zones: Sequence[Zone] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not (self.whole_area or self.communes or self.epcis or self.zones)


def _lock(model: Any, pk: int, expected_version: int | None) -> Any:
    """Reload the row for update and refuse the change if someone saved it since the form was shown."""
    obj = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise StaleEditError
    return obj


def _apply(obj: models.Model, fields: dict[str, Any]) -> list[str]:
    """Set the given attributes; returns the names of the fields whose value changed (for the audit)."""
    changed = []
    for name, value in fields.items():
        if getattr(obj, name) != value:
            changed.append(name)
        setattr(obj, name, value)
    return changed


def _set_territory(obj: Organisation | Service, territory: TerritoryInput) -> None:
    obj.whole_area = territory.whole_area
    obj.save(update_fields=["whole_area"])
    obj.communes.set(territory.communes)
    obj.epcis.set(territory.epcis)
    obj.zones.set(territory.zones)


def _clean_themes(themes: Iterable[str]) -> list[str]:
    codes = sorted(set(themes))
    unknown = [code for code in codes if code not in Theme.values]
    if unknown:
        raise ValidationError(f"Thème inconnu : {', '.join(unknown)}.")
    if not codes:
        raise ValidationError("Choisissez au moins un thème.")
    return codes


# ----------------------------------------------------------------------------------------------- directory

#: Fields a partner user may change on their own organisation (not its kind, identifiers or status).
PARTNER_ORGANISATION_FIELDS = frozenset(
    {"name", "description", "address", "postal_code", "commune", "phone", "email", "website", "opening_hours"}
)


@transaction.atomic
def save_organisation(
    *,
    by: Any,
    fields: dict[str, Any],
    territory: TerritoryInput | None = None,
    organisation: Organisation | None = None,
    expected_version: int | None = None,
    checked_on: date | None = None,
) -> Organisation:
    """Create or update an organisation. Saving a listing counts as checking it (dated today)."""
    if getattr(by, "role", None) == Role.PARTNER:
        refused = set(fields) - PARTNER_ORGANISATION_FIELDS
        if refused or territory is not None:
            raise ValidationError("Ces informations sont tenues par la Mission locale.")
    today = checked_on or timezone.localdate()
    if organisation is None:
        organisation = Organisation(**fields, last_checked_on=today)
        organisation.full_clean(exclude=["external_id"])
        organisation.save()
        created, changed = True, sorted(fields)
    else:
        organisation = _lock(Organisation, organisation.pk, expected_version)
        changed = _apply(organisation, fields)
        organisation.last_checked_on = today
        organisation.reminder_sent_on = None
        organisation.version = F("version") + 1
        organisation.full_clean(exclude=["external_id", "version"])
        organisation.save()
        organisation.refresh_from_db()
        created = False
    if territory is not None:
        _set_territory(organisation, territory)
    record(
        "partners.organisation_created" if created else "partners.organisation_updated",
        by=by,
        obj=organisation,
        fields=changed,
    )
    return organisation


@transaction.atomic
def confirm_organisation_listing(*, by: Any, organisation: Organisation) -> int:
    """ "Everything is still right": date the organisation and its active services as checked today."""
    today = timezone.localdate()
    Organisation.objects.filter(pk=organisation.pk).update(
        last_checked_on=today, reminder_sent_on=None, version=F("version") + 1
    )
    count = Service.objects.filter(organisation=organisation, is_active=True).update(
        last_checked_on=today, version=F("version") + 1
    )
    record("partners.listing_confirmed", by=by, obj=organisation, services=count)
    return count


@transaction.atomic
def save_contact(
    *, by: Any, organisation: Organisation, fields: dict[str, Any], contact: Contact | None = None
) -> Contact:
    if contact is None:
        contact = Contact(organisation=organisation, **fields)
    else:
        if contact.organisation_id != organisation.pk:
            raise ValidationError("Ce contact n'appartient pas à cette structure.")
        _apply(contact, fields)
    contact.full_clean()
    contact.save()
    record("partners.contact_saved", by=by, obj=organisation, contact=contact.pk)
    return contact


@transaction.atomic
def remove_contact(*, by: Any, contact: Contact) -> None:
    organisation = contact.organisation
    contact_id = contact.pk
    contact.delete()
    record("partners.contact_removed", by=by, obj=organisation, contact=contact_id)


@transaction.atomic
def save_service(
    *,
    by: Any,
    organisation: Organisation,
    fields: dict[str, Any],
    themes: Iterable[str],
    territory: TerritoryInput | None = None,
    service: Service | None = None,
    expected_version: int | None = None,
    checked_on: date | None = None,
) -> Service:
    """Create or update a service of `organisation`. Saving it counts as checking it (dated today)."""
    codes = _clean_themes(themes)
    today = checked_on or timezone.localdate()
    if service is None:
        service = Service(organisation=organisation, **fields, last_checked_on=today)
        service.full_clean(exclude=["external_id"])
        service.save()
        created, changed = True, sorted(fields)
    else:
        if service.organisation_id != organisation.pk:
            raise ValidationError("Ce service n'appartient pas à cette structure.")
        service = _lock(Service, service.pk, expected_version)
        changed = _apply(service, fields)
        service.last_checked_on = today
        service.version = F("version") + 1
        service.full_clean(exclude=["external_id", "version"])
        service.save()
        service.refresh_from_db()
        created = False
    before = set(ServiceTheme.objects.filter(service=service).values_list("theme", flat=True))
    if before != set(codes):
        ServiceTheme.objects.filter(service=service).exclude(theme__in=codes).delete()
        ServiceTheme.objects.bulk_create(
            ServiceTheme(service=service, theme=c) for c in codes if c not in before
        )
        changed.append("themes")
    if territory is not None:
        _set_territory(service, territory)
    record(
        "partners.service_created" if created else "partners.service_updated",
        by=by,
        obj=service,
        organisation=organisation.pk,
        fields=changed,
    )
    return service


@transaction.atomic
def confirm_service(*, by: Any, service: Service) -> None:
    Service.objects.filter(pk=service.pk).update(
        last_checked_on=timezone.localdate(), version=F("version") + 1
    )
    record("partners.service_confirmed", by=by, obj=service)


@transaction.atomic
def add_partner_member(*, by: Any, organisation: Organisation, user: Any) -> PartnerMembership:
    """Give a partner user the keeping of this organisation's listing (and, later, its referrals)."""
    if user.role != Role.PARTNER:
        raise ValidationError("Seul un compte de rôle « Partenaire » peut être rattaché à une structure.")
    membership, created = PartnerMembership.objects.get_or_create(user=user, organisation=organisation)
    if created:
        record("partners.member_added", by=by, obj=organisation, user=user.pk)
    return membership


@transaction.atomic
def remove_partner_member(*, by: Any, membership: PartnerMembership) -> None:
    organisation, user_id = membership.organisation, membership.user_id
    membership.delete()
    record("partners.member_removed", by=by, obj=organisation, user=user_id)


def _reminder_recipients(organisation: Organisation) -> list[str]:
    emails = [c.email for c in organisation.contacts.all() if c.receives_reminders and c.email]
    if not emails and organisation.email:
        emails = [organisation.email]
    return sorted(set(emails))


def send_stale_listing_reminders(*, today: date | None = None) -> int:
    """E-mail the contacts of every organisation with listings unchecked for too long, once per interval.

    Each organisation is handled in its own transaction: the reminder date is written only when the message
    left, so a failed send is retried on the next run and a successful one is not repeated.
    """
    today = today or timezone.localdate()
    base_url = getattr(settings, "SITE_URL", "").rstrip("/")
    sent = 0
    candidates = list(Organisation.objects.due_for_reminder(today).values_list("pk", flat=True))
    for pk in candidates:
        with transaction.atomic():
            organisation = (
                Organisation.objects.select_for_update().due_for_reminder(today).filter(pk=pk).first()
            )
            if organisation is None:
                continue
            recipients = _reminder_recipients(organisation)
            if not recipients:
                record("partners.reminder_skipped", obj=organisation, reason="no_recipient")
                continue
            stale_services = list(
                Service.objects.filter(organisation=organisation)
                .active()
                .stale(today)
                .order_by("search_name")
            )
            context = {
                "organisation": organisation,
                "organisation_stale": organisation.last_checked_on is None
                or organisation.last_checked_on < stale_cutoff(today),
                "services": stale_services,
                "stale_days": conf.listing_stale_days(),
                "url": base_url + reverse("partners:organisation_detail", args=[organisation.pk]),
            }
            message = EmailMessage(
                subject=render_to_string("partners/email/stale_reminder_subject.txt", context).strip(),
                body=render_to_string("partners/email/stale_reminder.txt", context),
                to=recipients,
            )
            message.send()
            Organisation.objects.filter(pk=pk).update(reminder_sent_on=today)
            record(
                "partners.reminder_sent",
                obj=organisation,
                recipients=len(recipients),
                services=len(stale_services),
            )
            sent += 1
    return sent


# ----------------------------------------------------------------------------------------------- projects


@transaction.atomic
def save_project(
    *, by: Any, fields: dict[str, Any], project: Project | None = None, expected_version: int | None = None
) -> Project:
    if "status" in fields:
        raise ValidationError("Le statut d'un projet change par ses transitions, pas par le formulaire.")
    if project is None:
        project = Project(**fields)
        project.full_clean()
        project.save()
        record("partners.project_created", by=by, obj=project)
        return project
    project = _lock(Project, project.pk, expected_version)
    changed = _apply(project, fields)
    project.version = F("version") + 1
    project.full_clean(exclude=["version"])
    project.save()
    project.refresh_from_db()
    record("partners.project_updated", by=by, obj=project, fields=changed)
    return project


def allowed_project_transitions(project: Project) -> list[ProjectStatus]:
    return [ProjectStatus(s) for s in ProjectStatus.values if s in PROJECT_TRANSITIONS[project.status]]


@transaction.atomic
def change_project_status(*, by: Any, project: Project, to: str, outcome: str = "") -> Project:
    """Move a project along its life cycle: idea → drafting → submitted → won / lost → running → closed."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to not in ProjectStatus.values:
        raise ValidationError(f"Statut inconnu : « {to} ».")
    if to not in PROJECT_TRANSITIONS[project.status]:
        raise ValidationError(
            f"Un projet « {ProjectStatus(project.status).label} » ne peut pas passer à "
            f"« {ProjectStatus(to).label} »."
        )
    if to == ProjectStatus.SUBMITTED and not project.members.filter(role=ConsortiumRole.LEAD).exists():
        raise ValidationError("Désignez le chef de file du consortium avant de déposer le projet.")
    previous = project.status
    project.status = to
    project.status_changed_on = timezone.localdate()
    if outcome:
        project.outcome = (project.outcome + "\n\n" + outcome).strip()
    project.version = F("version") + 1
    project.save(update_fields=["status", "status_changed_on", "outcome", "version", "updated"])
    project.refresh_from_db()
    record("partners.project_status_changed", by=by, obj=project, before=previous, after=to)
    return project


@transaction.atomic
def add_consortium_member(
    *, by: Any, project: Project, organisation: Organisation, role: str, contribution: str = ""
) -> ConsortiumMember:
    if project.members.filter(organisation=organisation).exists():
        raise ValidationError(f"« {organisation} » fait déjà partie du consortium.")
    if role == ConsortiumRole.LEAD:
        lead = project.members.filter(role=ConsortiumRole.LEAD).select_related("organisation").first()
        if lead is not None:
            raise ValidationError(f"Le consortium a déjà un chef de file : {lead.organisation}.")
    member = ConsortiumMember.objects.create(
        project=project, organisation=organisation, role=role, contribution=contribution
    )
    record("partners.member_joined_project", by=by, obj=project, organisation=organisation.pk, role=role)
    return member


@transaction.atomic
def remove_consortium_member(*, by: Any, member: ConsortiumMember) -> None:
    project, organisation_id = member.project, member.organisation_id
    member.delete()
    record("partners.member_left_project", by=by, obj=project, organisation=organisation_id)


_MAGIC = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
}


def check_document(upload: UploadedFile) -> tuple[str, str]:
    """Refuse files that are too large or of a type we do not keep. Returns (extension, content type)."""
    limit = conf.document_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(f"Le fichier dépasse la taille maximale de {limit // (1024 * 1024)} Mo.")
    if upload.size == 0:
        raise ValidationError("Le fichier est vide.")
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    accepted = conf.DOCUMENT_TYPES.get(extension)
    if accepted is None:
        names = ", ".join(sorted(conf.DOCUMENT_TYPES))
        raise ValidationError(f"Type de fichier non accepté (« .{extension} »). Types acceptés : {names}.")
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type and content_type not in accepted and content_type != "application/octet-stream":
        raise ValidationError(
            f"Le contenu annoncé ({content_type}) ne correspond pas à un fichier .{extension}."
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    magic = _MAGIC.get(extension)
    if magic and not any(head.startswith(m) for m in magic):
        raise ValidationError(f"Le contenu du fichier ne correspond pas à un fichier .{extension}.")
    if extension in {"csv", "txt"} and b"\x00" in head:
        raise ValidationError("Ce fichier texte contient des données binaires.")
    return extension, sorted(accepted)[0]


@transaction.atomic
def add_project_document(
    *, by: Any, project: Project, upload: UploadedFile, title: str = ""
) -> ProjectDocument:
    _extension, content_type = check_document(upload)
    document = ProjectDocument(
        project=project,
        title=(title or upload.name or "Document")[:160],
        original_name=(upload.name or "")[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.save()
    record("partners.project_document_added", by=by, obj=project, document=document.pk, size=document.size)
    return document


@transaction.atomic
def delete_project_document(*, by: Any, document: ProjectDocument) -> None:
    project, document_id, storage, name = (
        document.project,
        document.pk,
        document.file.storage,
        document.file.name,
    )
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    record("partners.project_document_deleted", by=by, obj=project, document=document_id)


@transaction.atomic
def add_project_task(
    *, by: Any, project: Project, title: str, owner: Any = None, due_on: date | None = None
) -> ProjectTask:
    task = ProjectTask.objects.create(project=project, title=title, owner=owner, due_on=due_on)
    record("partners.project_task_added", by=by, obj=project, task=task.pk)
    return task


@transaction.atomic
def set_project_task_done(*, by: Any, task: ProjectTask, done: bool) -> ProjectTask:
    task.status = TaskStatus.DONE if done else TaskStatus.TODO
    task.done_on = timezone.localdate() if done else None
    task.save(update_fields=["status", "done_on", "updated"])
    record(
        "partners.project_task_done" if done else "partners.project_task_reopened",
        by=by,
        obj=task.project,
        task=task.pk,
    )
    return task


@transaction.atomic
def save_funding_line(*, by: Any, fields: dict[str, Any], line: FundingLine | None = None) -> FundingLine:
    if line is None:
        line = FundingLine(**fields)
        changed = sorted(fields)
    else:
        line = FundingLine.objects.select_for_update().get(pk=line.pk)
        changed = _apply(line, fields)
    line.full_clean()
    line.save()
    record("partners.funding_line_saved", by=by, obj=line, fields=changed)
    return line


@dataclass(frozen=True)
class ShareInput:
    funder_kind: str
    funder_name: str
    percentage: Decimal


def validate_shares(shares: Sequence[ShareInput]) -> None:
    """Co-financing shares: each above 0 and at most 100 %, no funder twice, all together at most 100 %."""
    errors = []
    seen = set()
    for index, share in enumerate(shares, start=1):
        if share.percentage <= 0 or share.percentage > 100:
            errors.append(
                f"Part n° {index} ({share.funder_name}) : le pourcentage doit être entre 0 et 100 %."
            )
        key = (share.funder_kind, share.funder_name.strip().lower())
        if key in seen:
            errors.append(f"Part n° {index} : le financeur « {share.funder_name} » apparaît deux fois.")
        seen.add(key)
    total = sum((share.percentage for share in shares), Decimal(0))
    if total > 100:
        errors.append(
            f"Le total des parts de cofinancement atteint {total} % : il ne peut pas dépasser 100 %."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_funding_shares(*, by: Any, line: FundingLine, shares: Sequence[ShareInput]) -> list[FundingShare]:
    """Replace the co-financing shares of a funding line (all or nothing)."""
    validate_shares(shares)
    FundingLine.objects.select_for_update().filter(pk=line.pk).first()
    line.shares.all().delete()
    created = FundingShare.objects.bulk_create(
        FundingShare(
            funding_line=line,
            funder_kind=s.funder_kind,
            funder_name=s.funder_name.strip(),
            percentage=s.percentage,
        )
        for s in shares
    )
    record(
        "partners.funding_shares_set",
        by=by,
        obj=line,
        shares=[[s.funder_kind, str(s.percentage)] for s in shares],
    )
    return created


# ----------------------------------------------------------------------------------------------- governance


@transaction.atomic
def save_meeting(
    *, by: Any, fields: dict[str, Any], meeting: Meeting | None = None, expected_version: int | None = None
) -> Meeting:
    zone = fields.get("zone", meeting.zone if meeting else None)
    if zone is None or not meeting_zones(by).filter(pk=zone.pk).exists():
        raise ValidationError({"zone": "Vous ne pouvez pas tenir d'instance dans cette zone."})
    if meeting is None:
        meeting = Meeting(**fields, created_by=by if getattr(by, "is_authenticated", False) else None)
        meeting.full_clean()
        meeting.save()
        record("partners.meeting_created", by=by, obj=meeting)
        return meeting
    meeting = _lock(Meeting, meeting.pk, expected_version)
    changed = _apply(meeting, fields)
    meeting.version = F("version") + 1
    meeting.full_clean(exclude=["version"])
    meeting.save()
    meeting.refresh_from_db()
    record("partners.meeting_updated", by=by, obj=meeting, fields=changed)
    return meeting


@transaction.atomic
def add_attendee(
    *,
    by: Any,
    meeting: Meeting,
    category: str,
    user: Any = None,
    name: str = "",
    organisation_name: str = "",
    attended: bool = True,
) -> MeetingAttendee:
    if user is None and not name.strip():
        raise ValidationError("Choisissez un compte ou saisissez le nom de la personne.")
    attendee = MeetingAttendee(
        meeting=meeting,
        user=user,
        name=name.strip(),
        organisation_name=organisation_name.strip(),
        category=category,
        attended=attended,
    )
    attendee.full_clean()
    attendee.save()
    record("partners.attendee_added", by=by, obj=meeting, attendee=attendee.pk)
    return attendee


@transaction.atomic
def remove_attendee(*, by: Any, attendee: MeetingAttendee) -> None:
    meeting, attendee_id = attendee.meeting, attendee.pk
    attendee.delete()
    record("partners.attendee_removed", by=by, obj=meeting, attendee=attendee_id)


@transaction.atomic
def add_decision(
    *,
    by: Any,
    meeting: Meeting,
    text: str,
    owner: Any = None,
    owner_name: str = "",
    due_on: date | None = None,
) -> Decision:
    if owner is None and not owner_name.strip():
        raise ValidationError({"owner_name": "Indiquez qui porte la décision (un compte ou un nom)."})
    decision = Decision(
        meeting=meeting, text=text.strip(), owner=owner, owner_name=owner_name.strip(), due_on=due_on
    )
    decision.full_clean()
    decision.save()
    record("partners.decision_added", by=by, obj=decision, meeting=meeting.pk)
    return decision


@transaction.atomic
def update_decision(*, by: Any, decision: Decision, fields: dict[str, Any]) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    before = decision.status
    changed = _apply(decision, fields)
    if decision.owner_id is None and not decision.owner_name.strip():
        raise ValidationError({"owner_name": "Indiquez qui porte la décision (un compte ou un nom)."})
    if decision.status != before:
        decision.status_changed_on = timezone.localdate()
    decision.full_clean()
    decision.save()
    record(
        "partners.decision_updated", by=by, obj=decision, fields=changed, before=before, after=decision.status
    )
    return decision


# ----------------------------------------------------------------------------------------------- referrals
#
# A referral is written here only. The youth file is never written directly: the matching proposal
# ("service d'un partenaire") goes through maillage.youth.services, and the barriers are read through
# access.read_open_barriers(), i.e. maillage.youth.access.read_diagnosis(), which checks who may read them
# and audits the read (once per request).

#: What the matching proposal on the youth file becomes at each answer of the partner.
_PROPOSAL_STATUS: dict[str, str] = {
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "refused",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.NO_SHOW: "abandoned",
}


def _site_url(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _proposal_description(service: Service) -> str:
    return f"Orientation vers « {service.name} » ({service.organisation.name})"[:255]


@transaction.atomic
def refer_youth(
    *,
    by: Any,
    youth: Any,
    service: Service,
    consent_given_on: date | None,
    message: str = "",
    barrier_ids: Iterable[int] = (),
    barrier_comment_ids: Iterable[int] = (),
) -> Referral:
    """Refer a young person to a partner service, with their consent to share (recorded with its date).

    Shared: identity and contact, always; the barriers in `barrier_ids` (domain and severity only) if the
    young person agreed, their comment only for those also in `barrier_comment_ids`; never a note. The
    snapshot is what the partner will see. The partner organisation is told by e-mail after the commit.
    """
    from maillage.youth import services as youth_services
    from maillage.youth.access import can_edit_youth
    from maillage.youth.enums import ProposalKind, YouthStatus

    from .access import read_open_barriers

    if not can_edit_youth(by, youth):
        raise ValidationError("Vous ne pouvez pas orienter ce jeune.")
    if youth.status != YouthStatus.ACTIVE:
        raise ValidationError("Ce dossier n'est plus actif : il ne peut pas être orienté.")
    current = Service.objects.active().select_related("organisation").filter(pk=service.pk).first()
    if current is None:
        raise ValidationError({"service": "Ce service n'est plus proposé dans l'annuaire."})
    service = current
    today = timezone.localdate()
    if consent_given_on is None:
        raise ValidationError(
            {"consent_given_on": "Indiquez la date à laquelle le jeune a donné son accord."}
        )
    if consent_given_on > today:
        raise ValidationError({"consent_given_on": "L'accord ne peut pas être daté dans le futur."})
    chosen = {int(pk) for pk in barrier_ids}
    with_comment = {int(pk) for pk in barrier_comment_ids}
    if not with_comment <= chosen:
        raise ValidationError(
            {"barrier_comments": "Un commentaire ne se partage qu'avec son frein : cochez aussi le frein."}
        )
    shared: list[dict[str, str]] = []
    if chosen:
        barriers = read_open_barriers(by, youth)
        if barriers is None:
            raise ValidationError({"barriers": "Le diagnostic de ce jeune ne vous est pas accessible."})
        open_barriers = {b.pk: b for b in barriers}
        if chosen - set(open_barriers):
            raise ValidationError(
                {"barriers": "Un frein coché a été levé ou supprimé entre-temps : rechargez la page."}
            )
        for pk in sorted(chosen):
            barrier = open_barriers[pk]
            row = {"domain": barrier.domain, "severity": barrier.severity}
            if pk in with_comment and barrier.comment:
                row["comment"] = barrier.comment
            shared.append(row)
    already = (
        Referral.objects.filter(youth=youth, service=service, status__in=OPEN_REFERRAL_STATUSES)
        .order_by("-sent_at")
        .first()
    )
    if already is not None:
        raise ValidationError(
            f"Ce jeune a déjà une orientation en cours vers ce service "
            f"(envoyée le {timezone.localtime(already.sent_at):%d/%m/%Y})."
        )
    proposal = youth_services.add_proposal(
        by=by, youth=youth, kind=ProposalKind.PARTNER_SERVICE, description=_proposal_description(service)
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                youth=youth,
                service=service,
                organisation=service.organisation,
                referred_by=by,
                proposal=proposal,
                message=message.strip(),
                status=ReferralStatus.SENT,
                sent_at=now,
                status_changed_at=now,
                consent_given_on=consent_given_on,
                consent_recorded_by=by,
                shares_barriers=bool(shared),
                shared_last_name=youth.last_name,
                shared_first_names=youth.first_names,
                shared_birth_date=youth.birth_date,
                shared_phone=youth.phone,
                shared_email=youth.email,
                shared_commune=youth.commune.name if youth.commune_id else "",
                shared_barriers=shared,
            )
    except IntegrityError as exc:  # the same referral sent twice at the same moment
        raise ValidationError("Ce jeune a déjà une orientation en cours vers ce service.") from exc
    record(
        "partners.referral_sent",
        by=by,
        obj=referral,
        youth=youth.pk,
        service=service.pk,
        organisation=service.organisation_id,
        barriers=[row["domain"] for row in shared],
        comments=sum(1 for row in shared if "comment" in row),
        consent_given_on=consent_given_on.isoformat(),
    )
    transaction.on_commit(lambda: _enqueue_notification(referral.pk))
    return referral


def _enqueue_notification(referral_id: int) -> None:
    from .tasks import notify_new_referral

    notify_new_referral.enqueue(referral_id)


def allowed_referral_transitions(referral: Referral) -> frozenset[str]:
    return REFERRAL_TRANSITIONS[referral.status]


def _require_member(by: Any, referral: Referral) -> None:
    """Only a partner user of the receiving organisation answers a referral."""
    if (
        getattr(by, "role", None) != Role.PARTNER
        or not PartnerMembership.objects.filter(user=by, organisation_id=referral.organisation_id).exists()
    ):
        raise ValidationError("Seule la structure destinataire répond à cette orientation.")


def _move(*, by: Any, referral: Referral, to: str, **fields: Any) -> Referral:
    """Check the move against REFERRAL_TRANSITIONS on the locked row, date it, audit it, and keep the
    matching proposal of the youth file in step."""
    _require_member(by, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if to not in REFERRAL_TRANSITIONS[referral.status]:
        raise ValidationError(
            f"Une orientation « {ReferralStatus(referral.status).label} » ne peut pas passer à "
            f"« {ReferralStatus(to).label} »."
        )
    now = timezone.now()
    before = referral.status
    referral.status = to
    referral.status_changed_at = now
    if referral.acknowledged_at is None:
        referral.acknowledged_at = now  # an answer implies the acknowledgement
    if to in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
        referral.answered_at = now
        referral.response_seconds = max(0, int((now - referral.sent_at).total_seconds()))
    if to in (ReferralStatus.COMPLETED, ReferralStatus.NO_SHOW):
        referral.closed_at = now
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save()
    record(
        f"partners.referral_{to}",
        by=by,
        obj=referral,
        before=before,
        after=to,
        **({"reason": fields["decline_reason"]} if "decline_reason" in fields else {}),
    )
    if to in _PROPOSAL_STATUS and referral.proposal_id:
        _sync_proposal(by=by, referral=referral)
    return referral


def _sync_proposal(*, by: Any, referral: Referral) -> None:
    from maillage.youth import services as youth_services
    from maillage.youth.models import Proposal

    proposal = Proposal.objects.filter(pk=referral.proposal_id).first() if referral.proposal_id else None
    if proposal is None:
        return
    if referral.status == ReferralStatus.DECLINED:
        outcome = f"Refusée par la structure : {DeclineReason(referral.decline_reason).label}"
        if referral.decline_detail:
            outcome += f" ({referral.decline_detail})"
    elif referral.status == ReferralStatus.NO_SHOW:
        outcome = "Le jeune ne s'est pas présenté."
    elif referral.status == ReferralStatus.COMPLETED:
        outcome = referral.outcome
    else:
        outcome = "Acceptée par la structure."
    youth_services.set_proposal_outcome(
        by=by,
        proposal=proposal,
        status=_PROPOSAL_STATUS[referral.status],
        outcome=outcome[:255],
        outcome_on=max(timezone.localdate(), proposal.proposed_on),
    )


@transaction.atomic
def acknowledge_referral(*, by: Any, referral: Referral) -> Referral:
    """The partner says it received the referral (it still has to accept or decline it)."""
    return _move(by=by, referral=referral, to=ReferralStatus.ACKNOWLEDGED)


@transaction.atomic
def accept_referral(*, by: Any, referral: Referral) -> Referral:
    return _move(by=by, referral=referral, to=ReferralStatus.ACCEPTED)


@transaction.atomic
def decline_referral(*, by: Any, referral: Referral, reason: str, detail: str = "") -> Referral:
    """Decline, with a reason (required; "other" needs a precision)."""
    if reason not in DeclineReason.values:
        raise ValidationError({"decline_reason": "Indiquez le motif du refus."})
    detail = detail.strip()
    if reason == DeclineReason.OTHER and not detail:
        raise ValidationError({"decline_detail": "Précisez le motif du refus."})
    return _move(
        by=by, referral=referral, to=ReferralStatus.DECLINED, decline_reason=reason, decline_detail=detail
    )


@transaction.atomic
def complete_referral(*, by: Any, referral: Referral, outcome: str) -> Referral:
    """The service was delivered: the partner says what came of it."""
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": "Indiquez ce qui a été fait avec le jeune."})
    return _move(by=by, referral=referral, to=ReferralStatus.COMPLETED, outcome=outcome)


@transaction.atomic
def mark_referral_no_show(*, by: Any, referral: Referral, comment: str = "") -> Referral:
    """The young person did not come (after the referral was accepted)."""
    return _move(by=by, referral=referral, to=ReferralStatus.NO_SHOW, outcome=comment.strip())


def _referral_recipients(organisation: Organisation, service: Service | None = None) -> list[str]:
    """The organisation's partner users (they answer in Maillage); without any, the service's or the
    organisation's address, so that the referral is at least known."""
    from maillage.accounts.models import User

    members = User.objects.filter(
        partner_memberships__organisation=organisation, is_active=True, role=Role.PARTNER
    ).exclude(email="")
    emails = sorted(set(members.values_list("email", flat=True)))
    if emails:
        return emails
    fallback = (service.email if service else "") or organisation.email
    return [fallback] if fallback else []


def send_referral_notification(referral_id: int) -> bool:
    """E-mail the receiving organisation that a referral arrived. The message holds no personal data:
    only "une nouvelle orientation", the service and a link to the referral in Maillage."""
    referral = Referral.objects.select_related("service", "organisation").filter(pk=referral_id).first()
    if referral is None:
        return False
    recipients = _referral_recipients(referral.organisation, referral.service)
    if not recipients:
        record("partners.referral_notification_skipped", obj=referral, reason="no_recipient")
        return False
    context = {
        "organisation": referral.organisation,
        "service": referral.service,
        "url": _site_url(reverse("partners:referral_detail", args=[referral.pk])),
    }
    EmailMessage(
        subject=render_to_string("partners/email/referral_new_subject.txt", context).strip(),
        body=render_to_string("partners/email/referral_new.txt", context),
        to=recipients,
    ).send()
    record("partners.referral_notified", obj=referral, recipients=len(recipients))
    return True


def send_referral_reminders(*, now: Any = None) -> int:
    """Remind each organisation, once per referral, of the referrals waiting for its answer for
    PARTNERS_REFERRAL_REMINDER_DAYS days. One e-mail per organisation (counts and a link, no personal
    data). Each organisation in its own transaction: the reminder date is written only when the message
    left, so a failed send is retried by the next run and a sent one never repeated. Returns the number
    of e-mails sent."""
    now = now or timezone.now()
    organisation_ids = sorted(
        set(Referral.objects.due_for_reminder(now).values_list("organisation_id", flat=True))
    )
    sent = 0
    for organisation_id in organisation_ids:
        with transaction.atomic():
            due = list(
                Referral.objects.select_for_update()
                .due_for_reminder(now)
                .filter(organisation_id=organisation_id)
                .order_by("sent_at", "pk")
            )
            if not due:
                continue
            organisation = Organisation.objects.get(pk=organisation_id)
            recipients = _referral_recipients(organisation)
            if not recipients:
                record("partners.referral_reminder_skipped", obj=organisation, reason="no_recipient")
                continue
            context = {
                "organisation": organisation,
                "count": len(due),
                "days": conf.referral_reminder_days(),
                "url": _site_url(reverse("partners:referral_inbox")),
            }
            EmailMessage(
                subject=render_to_string("partners/email/referral_reminder_subject.txt", context).strip(),
                body=render_to_string("partners/email/referral_reminder.txt", context),
                to=recipients,
            ).send()
            Referral.objects.filter(pk__in=[r.pk for r in due]).update(reminder_sent_at=now)
            record(
                "partners.referral_reminder_sent",
                obj=organisation,
                referrals=[r.pk for r in due],
                recipients=len(recipients),
            )
            sent += 1
    return sent


def anonymise_referrals(youth_ids: Sequence[int]) -> None:
    """Retention (registered with maillage.youth.retention): wipe what the referrals of these young
    people shared; statuses, dates and the services stay for the statistics."""
    Referral.objects.filter(youth_id__in=list(youth_ids)).update(
        shared_last_name="ANONYME",
        shared_first_names="",
        shared_birth_date=None,
        shared_phone="",
        shared_email="",
        shared_barriers=[],
        message="",
        decline_detail="",
        outcome="",
        updated=timezone.now(),
    )
