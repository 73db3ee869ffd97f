"""Read side of the file page and the agenda: a fixed number of queries whatever the data size.

Each list on the file page is bounded (the most recent N) and loaded with its related rows, so that a
file with ten years of history costs the same as a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from maillage.core.audit import object_type_of
from maillage.core.models import AuditEntry

from . import hours
from .access import read_diagnosis
from .enums import EventStatus
from .models import (
    Barrier,
    Enrolment,
    Event,
    Goal,
    Note,
    Proposal,
    Situation,
    TransferRequest,
    Youth,
    monday_of,
)
from .retention import notice_of

#: How many rows of each list the file page shows (the newest ones).
FILE_LIMITS = {
    "situations": 30,
    "upcoming": 10,
    "past_events": 20,
    "proposals": 20,
    "goals": 20,
    "notes": 20,
    "documents": 30,
    "history": 25,
    "cej_weeks": 6,
}

#: Audit actions of reads: they are the access log, not the file's history.
READ_ACTIONS = ("youth.file_viewed", "youth.diagnosis_read", "youth.document_downloaded")

ACTION_LABELS = {
    "youth.created": "Dossier créé",
    "youth.updated": "Identité ou coordonnées modifiées",
    "youth.zone_overridden": "Zone changée par l'antenne",
    "youth.counsellor_assigned": "Conseiller·ère changé·e",
    "youth.transfer_requested": "Transfert demandé",
    "youth.transfer_accepted": "Transfert accepté",
    "youth.transfer_refused": "Transfert refusé",
    "youth.barrier_recorded": "Frein ajouté au diagnostic",
    "youth.barrier_resolved": "Frein levé",
    "youth.enrolled": "Entrée en dispositif",
    "youth.enrolment_ended": "Sortie de dispositif",
    "youth.enrolment_suspended": "Dispositif suspendu",
    "youth.enrolment_resumed": "Dispositif repris",
    "youth.week_validated": "Semaine d'activité validée",
    "youth.event_recorded": "Événement enregistré",
    "youth.event_status": "Statut d'un événement changé",
    "youth.proposal_added": "Proposition faite",
    "youth.proposal_outcome": "Résultat d'une proposition",
    "youth.situation_added": "Situation ajoutée",
    "youth.situation_ended": "Situation close",
    "youth.goal_added": "Objectif ajouté",
    "youth.goal_status": "Objectif mis à jour",
    "youth.action_added": "Action ajoutée",
    "youth.action_done": "Action faite",
    "youth.note_added": "Note ajoutée",
    "youth.document_added": "Document déposé",
    "youth.event_updated": "Événement corrigé",
    "youth.event_deleted": "Événement supprimé (saisie erronée)",
    "youth.proposal_deleted": "Proposition supprimée (saisie erronée)",
    "youth.situation_deleted": "Situation supprimée (saisie erronée)",
    "youth.note_deleted": "Note supprimée",
    "youth.note_visibility": "Visibilité d'une note changée",
    "youth.document_deleted": "Document supprimé",
    "youth.barrier_deleted": "Frein supprimé (saisie erronée)",
    "youth.enrolment_deleted": "Entrée en dispositif supprimée (saisie erronée)",
    "youth.consent_recorded": "Consentement enregistré",
    "youth.consent_withdrawn": "Consentement retiré",
    "youth.retention_notice": "Préavis d'anonymisation",
}


@dataclass
class FileData:
    situations: list[Situation]
    current_situation: Situation | None
    barriers: list[Barrier] | None
    diagnosis_exists: bool
    enrolments: list[Enrolment]
    weeks: dict[int, list[hours.WeekHours]]
    upcoming_events: list[Event]
    past_events: list[Event]
    proposals: list[Proposal]
    goals: list[Goal]
    notes: list[Note]
    documents: list[Any]
    history: list[AuditEntry]
    consents: list[Any]
    pending_transfers: list[TransferRequest]
    retention_notice: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def open_barriers(self) -> list[Barrier]:
        return [b for b in self.barriers or [] if b.is_open]

    @property
    def resolved_barriers(self) -> list[Barrier]:
        return [b for b in self.barriers or [] if not b.is_open]

    @property
    def open_enrolments(self) -> list[Enrolment]:
        return [e for e in self.enrolments if e.is_open]

    @property
    def next_appointment(self) -> Event | None:
        return self.upcoming_events[0] if self.upcoming_events else None

    @property
    def current_programmes(self) -> str:
        return ", ".join(e.programme.name for e in self.open_enrolments)


@dataclass(frozen=True)
class EventLine:
    """What the file page prints of an event, computed once in Python: the list shows up to 30 events and
    each `get_…_display` and date filter in the template cost more than the event's query."""

    when: str
    when_short: str
    kind: str
    status: str
    channel: str
    edit_url: str
    status_url: str


def _event_lines(youth: Youth, events: list[Event]) -> None:
    from django.urls import reverse
    from django.utils.formats import date_format

    from .enums import Channel, EventKind

    kinds = {k: str(v) for k, v in EventKind.choices}
    statuses = {k: str(v) for k, v in EventStatus.choices}
    channels = {k: str(v) for k, v in Channel.choices}
    base = reverse("youth:file", args=[youth.pk])
    for event in events:
        local = timezone.localtime(event.starts_at)
        event.line = EventLine(  # type: ignore[attr-defined]
            when=date_format(local, "l d/m/Y H:i"),
            when_short=f"{local:%d/%m/%Y %H:%M}",
            kind=kinds.get(event.kind, event.kind),
            status=statuses.get(event.status, event.status),
            channel=channels.get(event.channel, event.channel),
            edit_url=f"{base}evenements/{event.pk}/",
            status_url=f"{base}evenements/{event.pk}/statut/",
        )


def file_data(user: Any, youth: Youth) -> FileData:
    today = timezone.localdate()
    now = timezone.now()
    situations = list(youth.situations.all()[: FILE_LIMITS["situations"]])
    current = next((s for s in situations if s.is_current_on(today)), None)
    barriers = read_diagnosis(user, youth)
    diagnosis_exists = bool(barriers) if barriers is not None else youth.barriers.exists()
    enrolments = list(youth.enrolments.select_related("programme").prefetch_related("suspensions"))
    tracked = [e for e in enrolments if e.programme.tracks_weekly_hours and e.start_on <= today]
    tracked = [e for e in tracked if e.is_open or (e.ended_on and e.ended_on >= today - timedelta(weeks=8))]
    weeks = hours.compute_weeks(
        tracked, {e.pk: hours.enrolment_weeks(e, count=FILE_LIMITS["cej_weeks"]) for e in tracked}
    )
    events = youth.events.select_related("counsellor", "site")
    upcoming = list(events.upcoming(now).order_by("starts_at", "pk")[: FILE_LIMITS["upcoming"]])
    past = list(
        events.exclude(pk__in=[e.pk for e in upcoming]).order_by("-starts_at", "-pk")[
            : FILE_LIMITS["past_events"]
        ]
    )
    _event_lines(youth, upcoming + past)
    goals = list(youth.goals.prefetch_related("actions")[: FILE_LIMITS["goals"]])
    history = list(
        AuditEntry.objects.for_object(object_type_of(youth), youth.pk)
        .exclude(action__in=READ_ACTIONS)
        .order_by("-at", "-id")[: FILE_LIMITS["history"]]
    )
    for entry in history:
        entry.label = ACTION_LABELS.get(entry.action, entry.action)  # type: ignore[attr-defined]
    return FileData(
        situations=situations,
        current_situation=current,
        barriers=barriers,
        diagnosis_exists=diagnosis_exists,
        enrolments=enrolments,
        weeks=weeks,
        upcoming_events=upcoming,
        past_events=past,
        proposals=list(youth.proposals.select_related("created_by")[: FILE_LIMITS["proposals"]]),
        goals=goals,
        notes=list(youth.notes.select_related("author")[: FILE_LIMITS["notes"]]),
        documents=list(youth.documents.select_related("uploaded_by")[: FILE_LIMITS["documents"]]),
        history=history,
        consents=list(youth.consents.select_related("recorded_by")),
        pending_transfers=list(youth.transfer_requests.pending().select_related("to_zone", "requested_by")),
        retention_notice=notice_of(youth),
    )


# -------------------------------------------------------------------------------------------------- agenda


def parse_iso_week(value: str | None) -> date:
    """ "2025-W03" -> the Monday of that ISO week; anything else -> this week's Monday."""
    value = (value or "").strip().upper()
    try:
        year_text, week_text = value.split("-W")
        return date.fromisocalendar(int(year_text), int(week_text), 1)
    except (ValueError, TypeError):
        return monday_of(timezone.localdate())


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class AgendaDay:
    day: date
    events: list[Event]

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


def week_agenda(viewer: Any, counsellor: Any, monday: date) -> list[AgendaDay]:
    """The counsellor's events of the week, by day (Monday to Friday, plus the weekend when it has events),
    restricted to the young people the viewer may see. One query."""
    events = list(
        Event.objects.for_counsellor(counsellor)
        .in_week(monday)
        .filter(youth__in=Youth.objects.visible_to(viewer))
        .select_related("youth", "site")
        .order_by("starts_at", "pk")
    )
    by_day: dict[date, list[Event]] = {monday + timedelta(days=i): [] for i in range(7)}
    for event in events:
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    days = [AgendaDay(day, items) for day, items in sorted(by_day.items())]
    return [d for d in days if d.day.weekday() < 5 or d.events]


def agenda_counts(days: list[AgendaDay]) -> dict[str, int]:
    events = [e for d in days for e in d.events]
    return {
        "total": len(events),
        "planned": sum(1 for e in events if e.status == EventStatus.PLANNED),
        "attended": sum(1 for e in events if e.status == EventStatus.ATTENDED),
        "missed": sum(1 for e in events if e.status == EventStatus.MISSED),
    }
