"""Weekly activity hours of programmes that track them (CEJ): computed from what is already recorded.

The counsellor never re-types hours: each *source* turns recorded facts into hours per (young person,
week), in ONE query for any number of young people and weeks. Built-in sources: attended appointments,
workshops and information sessions (their duration), and training situations (their weekly hours,
pro rata of the weekdays covered). Another app adds a source (immersions, collective sessions…) with
`register_hours_source()` in its AppConfig.ready(). The counsellor may add hours for activities recorded
nowhere, and validates the week (CejWeek).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from django.utils import timezone

from .enums import SituationKind
from .models import (
    MEETING_KINDS,
    CejWeek,
    Enrolment,
    EnrolmentSuspension,
    Event,
    Situation,
    local_day_bounds,
    monday_of,
    visible_youth_q,
)

ZERO = Decimal(0)
HOURS_QUANTUM = Decimal("0.01")

#: Situation kinds whose weekly hours count as CEJ activity.
COUNTED_SITUATION_KINDS = (SituationKind.TRAINING,)


class HoursSource(Protocol):
    key: str
    label: str

    def hours_by_week(
        self, *, youth_ids: Collection[int], first_monday: date, last_monday: date
    ) -> dict[tuple[int, date], Decimal]:
        """Hours per (youth_id, monday) for the weeks first_monday..last_monday, in one query."""
        ...


class AttendedEventsSource:
    key = "events"
    label = "Entretiens et ateliers suivis"

    def hours_by_week(self, *, youth_ids, first_monday, last_monday):
        start, _ = local_day_bounds(first_monday)
        end, _ = local_day_bounds(last_monday + timedelta(days=7))
        rows = (
            Event.objects.attended()
            .filter(youth_id__in=list(youth_ids), kind__in=MEETING_KINDS)
            .between(start, end)
            .values_list("youth_id", "starts_at", "duration_minutes")
        )
        result: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
        for youth_id, starts_at, minutes in rows:
            monday = monday_of(timezone.localtime(starts_at).date())
            result[(youth_id, monday)] += Decimal(minutes) / 60
        return result


class TrainingSituationsSource:
    key = "training"
    label = "Formation"

    def hours_by_week(self, *, youth_ids, first_monday, last_monday):
        last_friday = last_monday + timedelta(days=4)
        rows = (
            Situation.objects.filter(
                youth_id__in=list(youth_ids),
                kind__in=COUNTED_SITUATION_KINDS,
                weekly_hours__gt=0,
                started_on__lte=last_friday,
            )
            .exclude(ended_on__lt=first_monday)
            .values_list("youth_id", "started_on", "ended_on", "weekly_hours")
        )
        result: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
        for youth_id, started_on, ended_on, weekly_hours in rows:
            for monday in weeks_between(first_monday, last_monday):
                days = sum(
                    1
                    for offset in range(5)
                    if started_on <= monday + timedelta(days=offset)
                    and (ended_on is None or monday + timedelta(days=offset) <= ended_on)
                )
                if days and weekly_hours is not None:
                    result[(youth_id, monday)] += weekly_hours * days / 5
        return result


_SOURCES: list[HoursSource] = [AttendedEventsSource(), TrainingSituationsSource()]


def register_hours_source(source: HoursSource) -> None:
    """Add a source of hours (e.g. immersions, from the employers app). Idempotent by key."""
    global _SOURCES
    _SOURCES = [s for s in _SOURCES if s.key != source.key] + [source]


def hours_sources() -> list[HoursSource]:
    return list(_SOURCES)


def weeks_between(first_monday: date, last_monday: date) -> list[date]:
    weeks = []
    monday = first_monday
    while monday <= last_monday:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


@dataclass
class WeekHours:
    """One week of one enrolment: hours by source, hours added by the counsellor, target, validation."""

    enrolment: Enrolment
    week_start: date
    by_source: dict[str, Decimal] = field(default_factory=dict)
    week: CejWeek | None = None
    target_min: int = 0
    target_max: int = 0
    source_labels: dict[str, str] = field(default_factory=dict)
    #: The enrolment was suspended on at least one weekday of the week: the target does not apply.
    suspended: bool = False

    @property
    def computed(self) -> Decimal:
        return sum(self.by_source.values(), ZERO).quantize(HOURS_QUANTUM)

    @property
    def added(self) -> Decimal:
        return self.week.added_hours if self.week else ZERO

    @property
    def total(self) -> Decimal:
        return (self.computed + self.added).quantize(HOURS_QUANTUM)

    @property
    def under_target(self) -> bool:
        return not self.suspended and self.total < self.target_min

    @property
    def over_target(self) -> bool:
        return not self.suspended and self.total > self.target_max

    @property
    def is_validated(self) -> bool:
        return bool(self.week and self.week.validated_at)

    @property
    def is_current(self) -> bool:
        return self.week_start == monday_of(timezone.localdate())

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def lines(self) -> list[tuple[str, Decimal]]:
        return [
            (self.source_labels.get(key, key), hours.quantize(HOURS_QUANTUM))
            for key, hours in self.by_source.items()
            if hours
        ]


def enrolment_weeks(enrolment: Enrolment, *, until: date | None = None, count: int = 6) -> list[date]:
    """The last `count` Mondays of an enrolment up to `until` (default: this week), newest first."""
    last = monday_of(until or timezone.localdate())
    if enrolment.ended_on:
        last = min(last, monday_of(enrolment.ended_on))
    first_allowed = monday_of(enrolment.start_on)
    weeks: list[date] = []
    monday = last
    while monday >= first_allowed and len(weeks) < count:
        weeks.append(monday)
        monday -= timedelta(days=7)
    return weeks


def compute_weeks(
    enrolments: Iterable[Enrolment], weeks_by_enrolment: dict[int, list[date]]
) -> dict[int, list[WeekHours]]:
    """WeekHours for the given weeks of each enrolment: one query per source, plus one for CejWeek.

    Enrolments must come with their programme loaded (select_related("programme")).
    """
    enrolments = list(enrolments)
    all_weeks = [w for weeks in weeks_by_enrolment.values() for w in weeks]
    result: dict[int, list[WeekHours]] = {e.pk: [] for e in enrolments}
    if not enrolments or not all_weeks:
        return result
    first, last = min(all_weeks), max(all_weeks)
    youth_ids = {e.youth_id for e in enrolments}
    sources = hours_sources()
    per_source = {
        s.key: s.hours_by_week(youth_ids=youth_ids, first_monday=first, last_monday=last) for s in sources
    }
    labels = {s.key: s.label for s in sources}
    suspensions: dict[int, list[EnrolmentSuspension]] = defaultdict(list)
    for suspension in EnrolmentSuspension.objects.filter(
        enrolment__in=[e.pk for e in enrolments], starts_on__lte=last + timedelta(days=4)
    ).exclude(ends_on__lte=first):
        suspensions[suspension.enrolment_id].append(suspension)
    stored = {
        (w.enrolment_id, w.week_start): w
        for w in CejWeek.objects.filter(
            enrolment__in=[e.pk for e in enrolments], week_start__gte=first, week_start__lte=last
        ).select_related("validated_by")
    }
    for enrolment in enrolments:
        for monday in weeks_by_enrolment.get(enrolment.pk, []):
            result[enrolment.pk].append(
                WeekHours(
                    enrolment=enrolment,
                    week_start=monday,
                    by_source={
                        key: hours.get((enrolment.youth_id, monday), ZERO)
                        for key, hours in per_source.items()
                    },
                    week=stored.get((enrolment.pk, monday)),
                    target_min=enrolment.programme.hours_min,
                    target_max=enrolment.programme.hours_max,
                    source_labels=labels,
                    suspended=any(
                        period.covers(monday + timedelta(days=offset))
                        for period in suspensions.get(enrolment.pk, ())
                        for offset in range(5)
                    ),
                )
            )
    return result


def week_hours(enrolment: Enrolment, week_start: date) -> WeekHours:
    return compute_weeks([enrolment], {enrolment.pk: [monday_of(week_start)]})[enrolment.pk][0]


def weeks_under_target(counsellor, week_start: date | None = None) -> list[WeekHours]:
    """The week in progress and the last complete week of the counsellor's active CEJ-like enrolments, when
    under target (a suspended week is not), the last complete week first.

    Only the files of the counsellor's zones (a file moved to another zone is no longer theirs to follow).
    A fixed number of queries whatever the caseload: enrolments, one per hours source, suspensions, weeks.
    """
    monday = monday_of(week_start or timezone.localdate())
    previous = monday - timedelta(days=7)
    enrolments = list(
        Enrolment.objects.active()
        .tracking_hours()
        .for_counsellor(counsellor)
        .filter(visible_youth_q(counsellor, "youth__"), start_on__lte=monday + timedelta(days=6))
        .select_related("programme", "youth")
        .order_by("youth__search_key", "pk")
    )
    weeks = compute_weeks(
        enrolments,
        {e.pk: [m for m in (previous, monday) if m + timedelta(days=6) >= e.start_on] for e in enrolments},
    )
    flagged = [w for e in enrolments for w in weeks[e.pk] if w.under_target]
    return sorted(flagged, key=lambda w: w.week_start)
