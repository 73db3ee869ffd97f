"""Write side of the partners app: every change goes through a function here, which checks the rule,
writes the rows, records the audit entry and schedules the side effects.

Callers (views, commands, the demo, later the referrals) pass the acting user as `by`; authorisation to
load the object was checked before (access.py), the rules about the change itself are checked here.
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
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.roles import Role
from maillage.core.audit import record
from maillage.territory.models import EPCI, Commune, Zone

from . import conf
from .access import meeting_zones
from .enums import PROJECT_TRANSITIONS, ConsortiumRole, ProjectStatus, TaskStatus, Theme
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
