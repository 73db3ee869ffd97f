"""Read side of the young person's space and of the staff pages: bounded lists, a fixed number of queries."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from maillage.youth.enums import ActionStatus, GoalStatus
from maillage.youth.models import Action, Event, Goal, Youth

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
