"""Refreshing the summary tables: which months, in which order, logged in `RefreshRun`.

- **Full** (``manage.py refresh_indicators --full``): every month of every family.
- **Incremental** (the default, nightly and from the page's button): only the months touched since the
  last successful run. The log keeps a *watermark* — the time the last successful run started reading,
  minus `WATERMARK_LAG` for transactions that were still open then —, and each step lists the months its
  indicators depend on for the rows created or updated (``updated`` column) after it:

  ========================== =====================================================================
  rows changed               months recomputed
  ========================== =====================================================================
  events                     their month, the next contact month of the same young person (its
                             "previous contact" changes), the intake month (first appointment)
  young people, barriers     when what the indicators read of the young person changed — commune,
                             quartier, QPV, intake date, barrier domains (compared with `YouthSnapshot`,
                             what the last refresh read) —: every month they appear in, and the old and
                             new intake months; an edited phone number or an anonymisation: nothing
  enrolments                 start and end months (then the whole programme stock, from the flows)
  proposals                  their month
  situations                 the exit months of the young person (exits and their outcomes)
  (time passing)             exits that became observable 3, 6 or 12 months after since the last run
  referrals, offers…         their month
  ========================== =====================================================================

- **Recent months** (``--months N``): the incremental months plus the last N months, whatever happened.

What watermarks cannot see — a deleted row, or a date moved out of a month (the old month keeps it) — is
caught by the next full refresh: run ``refresh_indicators --full`` weekly (docs/indicators.md, "Moteur").

Each step runs in its own transaction (readers see a consistent family, the progress is visible), the run
fails as a whole when a step fails, and only a successful run moves the watermark.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Case, DateField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from . import engine
from .enums import RefreshMode, RefreshStatus
from .formatting import add_months, month_key
from .indicators import HORIZON_DAYS
from .models import RefreshRun
from .sources import SOURCES

logger = logging.getLogger(__name__)

WATERMARK_LAG = timedelta(minutes=5)
#: A step with more months to recompute than this is recomputed whole (cheaper than many month filters).
WHOLE_STEP_ABOVE = 12
#: A run still "running" after this long is considered dead (worker killed): a new one may start.
STALE_AFTER = timedelta(hours=2)
#: Memory for the large sorts and hash tables of a refresh (PostgreSQL, this transaction only).
POSTGRES_WORK_MEM = "256MB"
#: Database connections a refresh uses at once on PostgreSQL (setting OBSERVATORY_REFRESH_CONNECTIONS).
DEFAULT_CONNECTIONS = 2
#: Shared scratch tables of a parallel run: obs_run_<run id>_<step>, dropped at its end.
SCRATCH_PREFIX = "obs_run_"
STOCK_LABEL = "Jeunes en dispositif en fin de mois"
SNAPSHOT_LABEL = "Ce que l'actualisation a lu de chaque jeune"


class RefreshBusy(Exception):
    """Another refresh is queued or running."""


# --- Months -------------------------------------------------------------------------------------------------


def _month_set(queryset: QuerySet, field: str) -> set[date]:
    months = queryset.annotate(o_m=engine.month_of(field)).values_list("o_m", flat=True).order_by().distinct()
    return {_as_date(m) for m in months if m is not None}


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def current_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return date(today.year, today.month, 1)


def touched_months(since: datetime, until: datetime, *, today: date | None = None) -> dict[str, set[date]]:
    """The months each step must recompute for the rows written in (since, until] (module docstring)."""
    from maillage.youth.enums import EventKind
    from maillage.youth.models import Enrolment, Event, Proposal, Situation, Youth

    today = today or timezone.localdate()
    touched: dict[str, set[date]] = {key: set() for key, _, _ in STEPS}
    window = {"updated__gt": since, "updated__lte": until}
    events = Event.objects.filter(**window)

    # Events: their months, the next contact month of the same young person (its "previous contact" changes)
    # and, for appointments, the intake month (first appointment) — in one pass over the changed events.
    next_contact = (
        Event.objects.contacts()
        .filter(youth=OuterRef("youth"), starts_at__gt=OuterRef("starts_at"))  # an index range, in order
        .annotate(o_next=engine.month_of("starts_at"))
        .filter(o_next__gt=OuterRef("o_month"))
        .order_by("starts_at")
        .values("o_next")[:1]
    )
    rows = (
        events.annotate(o_month=engine.month_of("starts_at"))
        .annotate(
            o_following=Subquery(next_contact),
            o_intake=Case(
                When(kind=EventKind.APPOINTMENT, then=engine.month_of("youth__intake_on")),
                default=Value(None),
                output_field=DateField(),
            ),
        )
        .values_list("o_month", "o_following", "o_intake")
        .order_by()
        .distinct()
    )
    for month, following, intake in rows:
        touched["events"] |= {_as_date(m) for m in (month, following) if m is not None}
        if intake is not None:
            touched["files"].add(_as_date(intake))
    # Young people whose geography, intake date or barrier domains changed (not a phone number…): every
    # month they appear in, and their old and new intake months.
    moved_sql, moved_params = engine.moved_youths_sql(since, until)
    moved = RawSQL(f"SELECT {engine.q('youth_id')} FROM ({moved_sql}) m", moved_params)  # noqa: S608, S611
    touched["events"] |= _month_set(Event.objects.filter(youth_id__in=moved), "starts_at")
    touched["files"] |= _month_set(Youth.objects.filter(pk__in=moved), "intake_on")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {engine.q('old_intake_on')} FROM ({moved_sql}) m "  # noqa: S608
            f"WHERE {engine.q('old_intake_on')} IS NOT NULL",
            moved_params,
        )
        touched["files"] |= {current_month(_as_date(day)) for (day,) in cursor.fetchall()}
    enrolments = Enrolment.objects.filter(Q(**window) | Q(youth_id__in=moved))
    touched["programmes"] |= _month_set(enrolments, "start_on")
    touched["programmes"] |= _month_set(enrolments.filter(ended_on__isnull=False), "ended_on")
    proposals = Proposal.objects.filter(Q(**window) | Q(youth_id__in=moved))
    touched["proposals"] |= _month_set(proposals, "proposed_on")
    exit_people = Q(youth_id__in=Situation.objects.filter(**window).values("youth_id")) | Q(
        youth_id__in=moved
    )
    touched["exits"] |= _month_set(engine.exit_situations().filter(exit_people), "started_on")
    # Optional sources: the month of each changed row.
    for key, source_key, role in (
        ("referrals", "referrals", "sent"),
        ("offers", "offers", "published"),
        ("applications", "applications", "sent"),
    ):
        source = SOURCES[source_key]
        fields = source.resolve()
        if fields is None or not source.table_ready():
            continue
        model = source.model()
        changed = model._default_manager.all()
        if "updated" in {f.name for f in model._meta.get_fields()}:
            changed = changed.filter(**window)
        touched[key] |= _month_set(changed, fields[role])
    return touched


def horizon_months(last_day: date, today: date) -> set[date]:
    """Months whose exits became observable 3, 6 or 12 months after, between `last_day` and `today`."""
    months: set[date] = set()
    for days in HORIZON_DAYS.values():
        start, end = (
            current_month(last_day - timedelta(days=days)),
            current_month(today - timedelta(days=days)),
        )
        while start <= end:
            months.add(start)
            start = add_months(start, 1)
    return months


def recent_months(count: int, today: date | None = None) -> set[date]:
    last = current_month(today)
    return {add_months(last, -k) for k in range(max(count, 0))}


# --- Runs ---------------------------------------------------------------------------------------------------


STEPS: tuple[tuple[str, str, Callable], ...] = (
    ("events", "Contacts, jeunes accompagnés, publics vulnérables", engine.compute_accompaniment_events),
    ("files", "Nouveaux dossiers et premier entretien", engine.compute_accompaniment_files),
    ("programmes", "Entrées et fins de dispositif", engine.compute_programmes),
    ("proposals", "Propositions", engine.compute_proposals),
    ("exits", "Sorties et situation 3, 6 et 12 mois après", engine.compute_exits),
    ("referrals", "Orientations vers les partenaires", engine.compute_referrals),
    ("offers", "Offres d'emploi", engine.compute_offers),
    ("applications", "Mises en relation et embauches", engine.compute_applications),
)


def last_success() -> RefreshRun | None:
    return RefreshRun.objects.succeeded().order_by("-watermark", "-id").first()


def current_run() -> RefreshRun | None:
    """The queued or running refresh, if any (runs stuck for longer than STALE_AFTER are marked failed)."""
    cutoff = timezone.now() - STALE_AFTER
    RefreshRun.objects.unfinished().filter(created__lt=cutoff).update(
        status=RefreshStatus.FAILED,
        error="Interrompue (aucune nouvelle depuis plus de deux heures).",
        finished_at=timezone.now(),
    )
    return RefreshRun.objects.unfinished().order_by("-created").first()


def start_run(
    *, mode: str = RefreshMode.INCREMENTAL, months: int | None = None, by: Any = None
) -> RefreshRun:
    """Log a queued refresh (or raise RefreshBusy when one is queued or running)."""
    with transaction.atomic():
        if current_run() is not None:
            raise RefreshBusy("Une actualisation est déjà en cours.")
        return RefreshRun.objects.create(
            mode=mode, months_requested=months, requested_by=by if getattr(by, "pk", None) else None
        )


def _progress(run: RefreshRun, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    RefreshRun.objects.filter(pk=run.pk).update(**fields, updated=timezone.now())


def connections_for_run() -> int:
    """How many database connections this refresh may use at once (module docstring, « Parallel »)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # SQLite writes one transaction at a time; inside a transaction (a test, a caller's atomic block)
        # other connections would not see its uncommitted rows.
        return 1
    return max(1, int(getattr(settings, "OBSERVATORY_REFRESH_CONNECTIONS", DEFAULT_CONNECTIONS)))


@contextmanager
def _step_transaction(connections: int = 1):
    """One step's transaction, with the PostgreSQL settings of a refresh (this transaction only)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{POSTGRES_WORK_MEM}'")
                # Dozens of short statements: compiling each one costs more than it saves.
                cursor.execute("SET LOCAL jit = off")
                if connections > 1:
                    # The cores are already busy with the refresh's own connections: parallel workers would
                    # only add their start-up and the merging of their rows (« Gather Merge »).
                    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


@dataclass
class _Unit:
    """A piece of work done in one transaction, on whichever connection is free."""

    name: str
    step: str  # the step its time counts towards (RefreshRun.step_seconds)
    label: str
    work: Callable[[], int]
    after: frozenset[str] = frozenset()
    #: False for the parts of a split step: they fill a scratch table, the merge writes the summary rows.
    counts_rows: bool = True
    #: Started once every other unit has started, and committed only once they have all succeeded (rolled
    #: back otherwise): its work overlaps theirs instead of following it.
    last: bool = False


def _units(
    run: RefreshRun,
    months_by_step: dict[str, list[date] | None],
    *,
    since: datetime | None,
    today: date,
    connections: int,
) -> tuple[list[_Unit], list[tuple[engine.ByYoungPeople, str, list[date] | None]]]:
    """The units of work of a run, in the order they are started when ready (the longest first), and the
    shared scratch tables the split steps need."""
    units: list[_Unit] = []
    scratch: list[tuple[engine.ByYoungPeople, str, list[date] | None]] = []
    for key, label, function in STEPS:
        months = months_by_step[key]
        if months == []:
            continue
        ranges = engine.youth_id_ranges(connections) if isinstance(function, engine.ByYoungPeople) else []
        if connections > 1 and len(ranges) > 1:
            name = f"{SCRATCH_PREFIX}{run.pk}_{key}"
            scratch.append((function, name, months))
            parts = [
                _Unit(
                    f"{key}:{n}",
                    key,
                    f"{label} ({n}/{len(ranges)})",
                    partial(function.fill_part, name, months, ids),
                    counts_rows=False,
                )
                for n, ids in enumerate(ranges, 1)
            ]
            merge = _Unit(
                f"{key}:merge",
                key,
                label,
                _by_difference(partial(function.merge, engine.q(name), months), months),
                after=frozenset(part.name for part in parts),
            )
            units += [*parts, merge]
        else:
            units.append(
                _Unit(key, key, label, _by_difference(partial(function, months, today=today), months))
            )

    def stock() -> int:
        if months_by_step["programmes"] != [] or engine.stock_behind(current_month(today)):
            return engine.compute_programme_stock(current_month(today))
        return 0

    names = {unit.name for unit in units}
    units.append(_Unit("stock", "stock", STOCK_LABEL, stock, after=frozenset(names & {"programmes"})))

    def snapshot() -> int:
        engine.store_youth_snapshot(since=since, until=run.watermark)
        return 0

    # Committed last, once every other unit succeeded: what was read of each young person, for the next
    # incremental refresh (a failed run leaves the previous state, and the next run recomputes the same
    # months).
    units.append(_Unit("snapshot", "snapshot", SNAPSHOT_LABEL, snapshot, last=True))
    return units, scratch


def _by_difference(work: Callable[[], int], months: list[date] | None) -> Callable[[], int]:
    """A step recomputing every month writes only the rows that changed (`engine.writing_differences`)."""
    if months is not None:
        return work

    def run() -> int:
        with engine.writing_differences():
            return work()

    return run


def _drop_scratch(names: list[str]) -> None:
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP TABLE IF EXISTS {engine.q(name)}")


def _drop_leftover_scratch(run: RefreshRun) -> None:
    """Shared scratch tables left by a refresh that was killed (its process, not a failed step)."""
    running = {
        str(pk) for pk in RefreshRun.objects.unfinished().exclude(pk=run.pk).values_list("pk", flat=True)
    }
    leftovers = [
        name
        for name in connection.introspection.table_names()
        if name.startswith(SCRATCH_PREFIX) and name[len(SCRATCH_PREFIX) :].split("_", 1)[0] not in running
    ]
    _drop_scratch(leftovers)


class _OtherUnitFailed(Exception):
    """Rolls back a unit that waited for the others, one of which failed."""


class _Schedule:
    """Runs the units on `connections` connections: this thread's and, beyond one, threads of their own
    (each thread has its own Django connection, closed at its end). A unit starts when the units it comes
    after have succeeded; after a failure no unit starts, and the first error is raised."""

    def __init__(self, run: RefreshRun, units: list[_Unit], connections: int):
        self.run, self.pending, self.connections = run, list(units), connections
        self.total = len(units)
        self.done: set[str] = set()
        self.running: dict[str, str] = {}
        self.errors: list[BaseException] = []
        self.written = 0
        self.spans: dict[str, list[float]] = {}
        self.condition = threading.Condition()

    def seconds(self) -> dict[str, float]:
        """Per step, from the start of its first unit to the end of its last (steps overlap)."""
        return {key: round(end - start, 2) for key, (start, end) in self.spans.items()}

    def _next(self) -> _Unit | None:
        with self.condition:
            while True:
                if self.errors or not self.pending:
                    return None
                for unit in self.pending:
                    if unit.after <= self.done and (not unit.last or len(self.pending) == 1):
                        self.pending.remove(unit)
                        self.running[unit.name] = unit.label
                        return unit
                self.condition.wait()

    def _report(self) -> None:
        with self.condition:
            label = " · ".join(self.running.values())[:200]
            fields = {"steps_done": len(self.done), "step_label": label, "step_seconds": self.seconds()}
        _progress(self.run, **fields)

    def _work(self) -> None:
        while (unit := self._next()) is not None:
            self._report()
            started = time.perf_counter()
            try:
                with _step_transaction(self.connections):
                    written = unit.work()
                    if unit.last:
                        self._wait_for_the_others(unit)
            except BaseException as exc:
                with self.condition:
                    if not isinstance(exc, _OtherUnitFailed):
                        self.errors.append(exc)
                    self.running.pop(unit.name, None)
                    self.condition.notify_all()
                return
            ended = time.perf_counter()
            logger.debug("Actualisation %s : %s en %.1f s", self.run.pk, unit.name, ended - started)
            with self.condition:
                self.written += (written or 0) if unit.counts_rows else 0
                self.done.add(unit.name)
                self.running.pop(unit.name, None)
                span = self.spans.setdefault(unit.step, [started, ended])
                span[0], span[1] = min(span[0], started), max(span[1], ended)
                self.condition.notify_all()

    def _wait_for_the_others(self, unit: _Unit) -> None:
        """Hold `unit`'s transaction open until every other unit has succeeded (raise if one failed)."""
        with self.condition:
            while not self.errors and len(self.done) < self.total - 1:
                self.condition.wait()
            if self.errors:
                raise _OtherUnitFailed(unit.name)

    def _thread(self) -> None:
        try:
            self._work()
        finally:
            connections.close_all()  # this thread's connection only

    def run_all(self) -> None:
        threads = [
            threading.Thread(target=self._thread, name=f"refresh-{self.run.pk}-{n}", daemon=True)
            for n in range(1, self.connections)
        ]
        for thread in threads:
            thread.start()
        try:
            self._work()
        finally:
            for thread in threads:
                thread.join()
        if self.errors:
            raise self.errors[0]


def plan(run: RefreshRun, *, today: date) -> tuple[dict[str, list[date] | None], datetime | None]:
    """Months per step (None: every month) and the watermark the plan was made from."""
    previous = last_success()
    if run.mode == RefreshMode.FULL or previous is None or previous.watermark is None:
        return {key: None for key, _, _ in STEPS}, None
    since = previous.watermark - WATERMARK_LAG
    touched = touched_months(since, run.watermark, today=today)
    touched["exits"] |= horizon_months(timezone.localtime(previous.watermark).date(), today)
    if run.mode == RefreshMode.MONTHS and run.months_requested:
        forced = recent_months(run.months_requested, today)
        for key in touched:
            touched[key] |= forced
    limit = current_month(today)
    months_by_step: dict[str, list[date] | None] = {}
    for key, months in touched.items():
        kept = sorted(m for m in months if m <= limit)
        months_by_step[key] = None if len(kept) > WHOLE_STEP_ABOVE else kept
    return months_by_step, since


def execute(run: RefreshRun, *, today: date | None = None) -> RefreshRun:
    """Run a logged refresh to its end (what the task does)."""
    today = today or timezone.localdate()
    watermark = timezone.now()
    _progress(run, status=RefreshStatus.RUNNING, started_at=watermark, watermark=watermark, error="")
    scratch_names: list[str] = []
    try:
        months_by_step, since = plan(run, today=today)
        workers = connections_for_run()
        units, scratch = _units(run, months_by_step, since=since, today=today, connections=workers)
        _progress(
            run,
            since=since,
            months={
                key: None if m is None else [month_key(x) for x in m] for key, m in months_by_step.items()
            },
            steps_total=len(units),
        )
        if scratch:
            _drop_leftover_scratch(run)
            for function, name, months in scratch:
                scratch_names.append(name)
                function.create_parts(name, months)  # committed: the other connections fill it
        schedule = _Schedule(run, units, workers)
        schedule.run_all()
        _progress(
            run,
            status=RefreshStatus.SUCCEEDED,
            steps_done=len(units),
            step_label="",
            rows_written=schedule.written,
            step_seconds=schedule.seconds(),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("Échec de l'actualisation des indicateurs %s", run.pk)
        _progress(
            run,
            status=RefreshStatus.FAILED,
            error=f"{type(exc).__name__} : {exc}\n{traceback.format_exc(limit=5)}"[:4000],
            finished_at=timezone.now(),
        )
    finally:
        if scratch_names:
            _drop_scratch(scratch_names)
    return run


def refresh(
    *,
    mode: str = RefreshMode.INCREMENTAL,
    months: int | None = None,
    by: Any = None,
    today: date | None = None,
) -> RefreshRun:
    """Log and run a refresh now, in this process (management command, tests)."""
    run = start_run(mode=mode, months=months, by=by)
    return execute(run, today=today)
