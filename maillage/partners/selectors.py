"""Read side of the partners app: funding-line participants, deadlines, directory figures, services
suggested for a young person's barriers, and the referrals' response times.

Participants of a funding line — the extension point
-----------------------------------------------------
A funding line names the programme (dispositif) it pays for by its code (`FundingLine.programme_code`,
e.g. "cej"). Its participants are the young people with an enrolment in that programme overlapping the
line's period (and in the line's zone when it has one); their attendance is the meetings marked
"attended" during their enrolment within the period. Both are read from the youth app, through its
models' QuerySets only (`Enrolment.objects`, `Event.objects.attended()`), never written.

Everything that knows how the youth app stores participants is in `_enrolments()`, `with_achieved()` and
`participants()` below. To count another source (for instance the collective sessions of an agenda app),
add it there; the pages, the CSV and the PDF only use `with_achieved()` and `participants()`. When the
youth app is not installed the counts are 0 and the evidence pack is empty (with a message saying why).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from . import conf
from .enums import PROJECT_PREPARING_STATUSES, TaskStatus, Theme
from .models import (
    FundingLine,
    Organisation,
    Project,
    ProjectTask,
    Referral,
    ReferralQuerySet,
    Service,
    ServiceTheme,
)


def _youth_model(name: str):
    try:
        return apps.get_model("youth", name)
    except LookupError:
        return None


def youth_data_available() -> bool:
    return _youth_model("Enrolment") is not None and _youth_model("Event") is not None


def _enrolments(programme_code: Any, starts_on: Any, ends_on: Any, zone_id: Any):
    """Enrolments that make someone a participant of a funding line (arguments may be OuterRefs)."""
    enrolment = _youth_model("Enrolment")
    queryset = enrolment.objects.filter(programme__code=programme_code, start_on__lte=ends_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=starts_on)
    )
    if isinstance(zone_id, OuterRef):
        # A line without zone counts every zone: Coalesce(NULL, own zone) always equals the own zone.
        return queryset.filter(youth__zone_id=Coalesce(zone_id, F("youth__zone_id")))
    return queryset.filter(youth__zone_id=zone_id) if zone_id else queryset


def with_achieved(queryset: models.QuerySet[FundingLine]) -> models.QuerySet[FundingLine]:
    """Annotate `achieved`: distinct participants of each line, in one query for the whole list."""
    if not youth_data_available():
        return queryset.annotate(achieved=Value(0, output_field=models.IntegerField()))
    counted = (
        _enrolments(
            OuterRef("programme_code"), OuterRef("starts_on"), OuterRef("ends_on"), OuterRef("zone_id")
        )
        .order_by()
        .values("programme_id")
        .annotate(n=Count("youth_id", distinct=True))
        .values("n")[:1]
    )
    return queryset.annotate(achieved=Coalesce(Subquery(counted, output_field=models.IntegerField()), 0))


def achieved_participants(line: FundingLine) -> int:
    annotated = with_achieved(FundingLine.objects.filter(pk=line.pk)).first()
    return int(getattr(annotated, "achieved", 0) or 0)


@dataclass(frozen=True)
class Participant:
    youth_id: int
    last_name: str
    first_names: str
    birth_date: date | None
    age_at_entry: int | None
    commune: str
    zone: str
    in_qpv: bool
    education_level: str
    entered_on: date
    left_on: date | None
    status: str
    eligible: bool
    eligibility_note: str
    attended_events: int
    attended_hours: Decimal


def _age_on(birth: date, day: date) -> int:
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def _age_limits() -> tuple[int, int]:
    try:
        from maillage.youth import conf as youth_conf

        return youth_conf.min_age(), youth_conf.max_age()
    except ImportError:  # pragma: no cover - the youth app is part of the project
        return 16, 25


def participants(line: FundingLine, *, user: Any) -> list[Participant]:
    """The evidence pack of a funding line: each participant with eligibility and attendance.

    Only the young people `user` may see are listed (a zone manager sees their zones' participants).
    """
    if not youth_data_available() or not line.programme_code:
        return []
    youth_model = _youth_model("Youth")
    event_model = _youth_model("Event")
    enrolments = (
        _enrolments(line.programme_code, line.starts_on, line.ends_on, line.zone_id)
        .filter(youth__in=youth_model.objects.visible_to(user))
        .select_related("youth", "youth__commune", "youth__zone", "programme")
        .order_by("youth__last_name", "youth__first_names", "youth_id", "start_on")
    )
    rows = list(enrolments)
    if not rows:
        return []
    tz = timezone.get_current_timezone()
    period_start = datetime.combine(line.starts_on, time.min, tzinfo=tz)
    period_end = datetime.combine(line.ends_on + timedelta(days=1), time.min, tzinfo=tz)
    events = (
        event_model.objects.attended()
        .filter(
            youth_id__in={e.youth_id for e in rows}, starts_at__gte=period_start, starts_at__lt=period_end
        )
        .values_list("youth_id", "starts_at", "duration_minutes")
    )
    by_youth: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for youth_id, starts_at, minutes in events:
        by_youth[youth_id].append((timezone.localtime(starts_at, tz).date(), minutes or 0))
    min_age, max_age = _age_limits()
    result: list[Participant] = []
    seen: set[int] = set()
    for enrolment in rows:
        youth = enrolment.youth
        if youth.pk in seen:  # one line per young person: their first enrolment in the period
            continue
        seen.add(youth.pk)
        entry = enrolment.start_on
        until = enrolment.ended_on or line.ends_on
        attended = [m for day, m in by_youth.get(youth.pk, []) if entry <= day <= until]
        age = _age_on(youth.birth_date, entry) if youth.birth_date else None
        notes = []
        if age is None or not min_age <= age <= max_age:
            notes.append(f"âge à l'entrée hors {min_age}-{max_age} ans")
        if line.zone_id and youth.zone_id != line.zone_id:
            notes.append("hors de la zone financée")
        result.append(
            Participant(
                youth_id=youth.pk,
                last_name=youth.last_name,
                first_names=youth.first_names,
                birth_date=youth.birth_date,
                age_at_entry=age,
                commune=str(youth.commune) if youth.commune_id else "",
                zone=str(youth.zone) if youth.zone_id else "",
                in_qpv=bool(getattr(youth, "qpv_id", None)),
                education_level=youth.get_education_level_display() if youth.education_level else "",
                entered_on=entry,
                left_on=enrolment.ended_on,
                status=enrolment.get_status_display(),
                eligible=not notes,
                eligibility_note="; ".join(notes) if notes else "éligible",
                attended_events=len(attended),
                attended_hours=(Decimal(sum(attended)) / 60).quantize(Decimal("0.1")),
            )
        )
    return result


# ----------------------------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    on: date
    kind: str  # "call" or "task"
    label: str
    project: Project
    owner: str
    overdue: bool


def upcoming_deadlines(*, today: date | None = None, horizon_days: int = 365) -> list[Deadline]:
    """Call deadlines of projects in preparation and open project tasks (overdue ones first)."""
    today = today or timezone.localdate()
    until = today + timedelta(days=horizon_days)
    deadlines = []
    projects = Project.objects.filter(
        status__in=PROJECT_PREPARING_STATUSES, deadline__isnull=False, deadline__lte=until
    ).select_related("manager")
    for p in projects:
        if p.deadline is None:
            continue
        deadlines.append(
            Deadline(
                on=p.deadline,
                kind="call",
                label=f"Dépôt : {p.call_title or p.title}",
                project=p,
                owner=str(p.manager) if p.manager_id else "",
                overdue=p.deadline < today,
            )
        )
    tasks = ProjectTask.objects.filter(status=TaskStatus.TODO, due_on__isnull=False, due_on__lte=until)
    for t in tasks.select_related("project", "owner"):
        if t.due_on is None:
            continue
        deadlines.append(
            Deadline(
                on=t.due_on,
                kind="task",
                label=t.title,
                project=t.project,
                owner=str(t.owner) if t.owner_id else "",
                overdue=t.due_on < today,
            )
        )
    # Past call deadlines of projects still "in preparation" are shown (overdue), old ones are not.
    deadlines = [d for d in deadlines if d.on >= today - timedelta(days=90)]
    return sorted(deadlines, key=lambda d: (d.on, d.kind, d.label))


def deadlines_by_month(deadlines: list[Deadline]) -> list[tuple[date, list[Deadline]]]:
    months: dict[date, list[Deadline]] = defaultdict(list)
    for deadline in deadlines:
        months[deadline.on.replace(day=1)].append(deadline)
    return sorted(months.items())


def services_for_barrier(domain: str, commune: Any):
    """Active services whose theme is this barrier domain and which serve the young person's commune
    (the barrier domains of the youth app use the same codes as our themes)."""
    return (
        Service.objects.active()
        .with_theme(domain)
        .serving_commune(commune)
        .select_related("organisation")
        .order_by("organisation__search_name", "search_name", "pk")
    )


def share_total(line: FundingLine) -> Decimal:
    return line.shares.aggregate(total=Coalesce(Sum("percentage"), Decimal(0)))["total"]


# ---------------------------------------------------------------------------------- barriers → services

#: Services suggested per barrier domain on a youth file (the directory search shows the rest).
SUGGESTIONS_PER_DOMAIN = 5


def suggested_services(
    domains: Any, commune: Any, *, per_domain: int = SUGGESTIONS_PER_DOMAIN
) -> dict[str, list[Service]]:
    """For each barrier domain, the first `per_domain` active services of that theme serving the commune
    (those located in the commune first, then by organisation and name).

    One query whatever the number of domains: the service themes are ranked per theme with a window
    function (ROW_NUMBER() OVER (PARTITION BY theme …)) and cut at `per_domain`, on SQLite and PostgreSQL
    alike.
    """
    codes = sorted({d for d in domains if d in Theme.values})
    result: dict[str, list[Service]] = {code: [] for code in codes}
    if not codes or commune is None:
        return result
    serving = Service.objects.active().serving_commune(commune).values("pk")
    local_first = Case(When(service__commune_id=commune.pk, then=Value(0)), default=Value(1))
    ranked = (
        ServiceTheme.objects.filter(theme__in=codes, service__in=serving)
        .select_related("service__organisation", "service__commune")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("theme")],
                order_by=[
                    local_first.asc(),
                    F("service__organisation__search_name").asc(),
                    F("service__search_name").asc(),
                    F("service_id").asc(),
                ],
            )
        )
        .filter(rank__lte=per_domain)
        .order_by("theme", "rank")
    )
    for row in ranked:
        result[row.theme].append(row.service)
    return result


# ------------------------------------------------------------------------------- referral response time


@dataclass(frozen=True)
class ResponseTime:
    organisation: Organisation
    answered: int
    median_seconds: float
    waiting: int

    @property
    def median_days(self) -> float:
        return self.median_seconds / 86400

    @property
    def median_label(self) -> str:
        return format_duration(self.median_seconds)


def format_duration(seconds: float) -> str:
    """ "3 h", "2,5 jours": a response time as people say it."""
    hours = seconds / 3600
    if hours < 24:
        return f"{max(1, round(hours))} h"
    days = round(seconds / 86400, 1)
    text = f"{days:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} jour{'s' if days >= 2 else ''}"


def median_response_times(referrals: ReferralQuerySet, *, now: Any = None) -> list[ResponseTime]:
    """The median time from sending to the answer (accepted or declined), per partner organisation, over
    the referrals of `referrals` answered in the last PARTNERS_REFERRAL_MEDIAN_WINDOW_DAYS (365) days;
    with the number answered and the number still waiting. Slowest first.

    Computed exactly and database-neutrally: each answer stores its delay in seconds
    (`Referral.response_seconds`); the answered referrals are ranked per organisation with window functions
    (ROW_NUMBER() and COUNT() OVER (PARTITION BY organisation)), and only the one or two middle rows of each
    organisation come back (n ≤ 2·rank ≤ n + 2): the query returns at most two rows per organisation however
    many referrals there are, and Python averages them. SQLite (3.25+) and PostgreSQL run the same SQL.
    """
    since = (now or timezone.now()) - timedelta(days=conf.referral_median_window_days())
    answered = referrals.filter(response_seconds__isnull=False, answered_at__gte=since).order_by()
    middle = (
        answered.annotate(
            position=Window(
                RowNumber(), partition_by=[F("organisation_id")], order_by=[F("response_seconds").asc()]
            ),
            total=Window(Count("pk"), partition_by=[F("organisation_id")]),
        )
        .filter(total__lte=F("position") * 2, total__gte=F("position") * 2 - 2)
        .values_list("organisation_id", "total", "response_seconds")
    )
    values: dict[int, list[int]] = defaultdict(list)
    totals: dict[int, int] = {}
    for organisation_id, total, seconds in middle:
        values[organisation_id].append(int(seconds or 0))
        totals[organisation_id] = total
    waiting = dict(
        referrals.waiting()
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    organisations = Organisation.objects.in_bulk(set(values) | set(waiting))
    rows = [
        ResponseTime(
            organisation=organisations[pk],
            answered=totals.get(pk, 0),
            median_seconds=(sum(values[pk]) / len(values[pk])) if values.get(pk) else 0.0,
            waiting=waiting.get(pk, 0),
        )
        for pk in organisations
    ]
    return sorted(rows, key=lambda r: (-(r.median_seconds if r.answered else -1), r.organisation.search_name))


@dataclass(frozen=True)
class PortalReferral:
    """What the young person sees of a referral in their portal: no partner answer detail, no notes."""

    service: str
    organisation: str
    status: str
    updated: Any


def referrals_for_youth(youth: Any) -> list[PortalReferral]:
    """The young person's own referrals, for the portal (maillage.portal.integrations)."""
    referrals = (
        Referral.objects.filter(youth=youth)
        .select_related("service", "organisation")
        .order_by("-status_changed_at")[:50]
    )
    return [
        PortalReferral(
            service=r.service.name,
            organisation=r.organisation.name,
            status=r.get_status_display(),
            updated=r.status_changed_at,
        )
        for r in referrals
    ]
