"""Read side of the young person's space and of the staff pages: bounded lists, a fixed number of queries."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.youth.enums import ActionStatus, EventKind, EventStatus, GoalStatus
from maillage.youth.models import Action, Event, Goal, Note, Youth

from .access import staff_corrections, staff_threads, worklist_youths
from .enums import InvitationStatus
from .models import CorrectionRequest, Invitation, PreRegistration, Slot, Thread

#: How far ahead the slot lists look, and how many slots they show.
SLOT_DAYS_AHEAD = 45
SLOT_LIMIT = 80


def upcoming_meetings(youth: Youth, *, limit: int = 20) -> list[Event]:
    """Planned appointments and sessions, with the online slot when there is one (to move or cancel it)."""
    return list(
        Event.objects.filter(youth=youth)
        .meetings()
        .upcoming()
        .select_related("counsellor", "site", "portal_slot")
        .order_by("starts_at", "id")[:limit]
    )


def past_meetings(youth: Youth, *, limit: int = 10) -> list[Event]:
    return list(
        Event.objects.filter(youth=youth, starts_at__lt=timezone.now())
        .meetings()
        .select_related("counsellor", "site", "portal_feedback")
        .order_by("-starts_at", "-id")[:limit]
    )


def plan(youth: Youth) -> list[Goal]:
    """Open and achieved goals, with their actions (cancelled ones left out)."""
    actions = Action.objects.exclude(status=ActionStatus.CANCELLED).order_by("status", "due_on", "id")
    return list(
        Goal.objects.filter(youth=youth)
        .exclude(status=GoalStatus.ABANDONED)
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("status", "due_on", "id")[:30]
    )


def open_invitation(youth: Youth, pk: Any = None) -> Invitation | None:
    invitations = Invitation.objects.filter(youth=youth, status=InvitationStatus.SENT).select_related(
        "counsellor"
    )
    if pk not in (None, ""):
        invitations = invitations.filter(pk=pk if str(pk).isdigit() else 0)
    return invitations.order_by("-created").first()


def slots_by_day(slots: QuerySet[Slot]) -> list[tuple[date, list[Slot]]]:
    horizon = timezone.now() + timedelta(days=SLOT_DAYS_AHEAD)
    days: OrderedDict[date, list[Slot]] = OrderedDict()
    for slot in slots.filter(starts_at__lt=horizon)[:SLOT_LIMIT]:
        days.setdefault(timezone.localtime(slot.starts_at).date(), []).append(slot)
    return list(days.items())


def threads_for_youth(youth: Youth) -> list[Thread]:
    return list(
        Thread.objects.filter(youth=youth).with_unread_for_youth().order_by("-last_message_at", "-id")[:50]
    )


def unread_for_youth(youth: Youth) -> int:
    return Thread.objects.filter(youth=youth).aggregate(
        n=Count("messages", filter=Q(messages__from_youth=False, messages__read_at__isnull=True))
    )["n"]


# ------------------------------------------------------------------------------------ notes shared with me

#: How many shared notes a page of « Mon suivi » shows.
SHARED_NOTES_PER_PAGE = 20

#: The kind of event a shared note comes from, in the portal's words (translated with the portal).
EVENT_KIND_TEXTS: dict[str, Any] = {
    EventKind.APPOINTMENT: _("Rendez-vous individuel"),
    EventKind.WORKSHOP: _("Atelier"),
    EventKind.INFORMATION: _("Réunion d'information"),
    EventKind.MESSAGE: _("Message"),
}

#: The only columns read: what the young person may see, nothing else of the note, the event or the staff.
_SHARED_COLUMNS = ("source", "row_id", "at", "body", "event_kind", "writer")


@dataclass(frozen=True)
class SharedNote:
    """A note the counsellor shared with the young person: a note on the file, or the notes of an event."""

    at: datetime
    text: str
    #: The first name of the note's author, or of the event's counsellor ("" when unknown or deleted).
    first_name: str
    #: "" for a note on the file, else the event's kind code.
    event_kind: str

    @property
    def month(self) -> date:
        """The first day of the (local) month, to group the list by month."""
        return timezone.localtime(self.at).date().replace(day=1)

    @property
    def is_event(self) -> bool:
        return bool(self.event_kind)

    @property
    def kind_label(self) -> str:
        return str(EVENT_KIND_TEXTS.get(self.event_kind, EVENT_KIND_TEXTS[EventKind.APPOINTMENT]))


def shared_notes(youth: Youth, *, now: datetime | None = None) -> QuerySet:
    """What the counsellors shared with the young person, newest first, as one query (a UNION of rows):

    - the file's notes not marked internal (`Note.objects.shareable()`), dated when written;
    - the notes of events not marked internal, once the event has taken place (past, or attended),
      dated on the event.

    Only the columns of `_SHARED_COLUMNS` are selected; slice or paginate it, then `as_shared_notes()`."""
    now = now or timezone.now()
    text = CharField()
    notes = (
        Note.objects.filter(youth=youth)
        .shareable()
        .exclude(text="")
        .annotate(
            source=Value("note", output_field=text),
            row_id=F("pk"),
            at=F("created"),
            body=F("text"),
            event_kind=Value("", output_field=text),
            writer=F("author__first_name"),
        )
        .values(*_SHARED_COLUMNS)
        .order_by()  # no default ordering inside a UNION
    )
    events = (
        Event.objects.filter(youth=youth, is_internal=False)
        .exclude(notes="")
        .filter(Q(starts_at__lte=now) | Q(status=EventStatus.ATTENDED))
        .annotate(
            source=Value("event", output_field=text),
            row_id=F("pk"),
            at=F("starts_at"),
            body=F("notes"),
            event_kind=F("kind"),
            writer=F("counsellor__first_name"),
        )
        .values(*_SHARED_COLUMNS)
        .order_by()  # no default ordering inside a UNION
    )
    return notes.union(events, all=True).order_by("-at", "-source", "-row_id")


def as_shared_notes(rows) -> list[SharedNote]:
    return [
        SharedNote(
            at=row["at"], text=row["body"], first_name=row["writer"] or "", event_kind=row["event_kind"]
        )
        for row in rows
    ]


def latest_shared_notes(youth: Youth, *, limit: int = 1) -> list[SharedNote]:
    return as_shared_notes(shared_notes(youth)[:limit])


# --------------------------------------------------------------------------------------------------- staff


def staff_counts(user: Any) -> dict[str, int]:
    """The figures of the staff home panel."""
    from .access import queue_zone_ids

    zone_ids = queue_zone_ids(user)
    queue = PreRegistration.objects.pending()
    if zone_ids is not None:
        queue = queue.filter(zone_id__in=zone_ids)
    worklist = worklist_youths(user)
    return {
        "queue": queue.count(),
        "unread": Thread.objects.filter(youth__in=worklist)
        .filter(messages__from_youth=True, messages__read_at__isnull=True)
        .distinct()
        .count(),
        "corrections": CorrectionRequest.objects.open().filter(youth__in=worklist).count(),
        "free_slots": Slot.objects.filter(counsellor=user).bookable().count(),
    }


def staff_inbox(user: Any) -> QuerySet[Thread]:
    """Conversations of the user's worklist with messages from the young person not read yet, first."""
    return (
        Thread.objects.filter(youth__in=worklist_youths(user))
        .with_unread_for_staff()
        .select_related("youth")
        .order_by("-unread", "-last_message_at", "-id")  # type: ignore[misc]  # annotated above
    )


def corrections_for(user: Any) -> QuerySet[CorrectionRequest]:
    return staff_corrections(user).select_related("youth", "handled_by").order_by("status", "-created")


def youth_threads_for_staff(user: Any, youth: Youth) -> list[Thread]:
    return list(
        staff_threads(user)
        .filter(youth=youth)
        .prefetch_related("messages__attachments", "messages__author")
        .order_by("-last_message_at", "-id")[:30]
    )
