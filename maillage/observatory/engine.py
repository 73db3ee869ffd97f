"""Computing the summary tables (`IndicatorValue`) from the other apps' data, month by month.

Set-based SQL, built by the ORM and run by the database — ``GROUP BY month, commune`` —, never a Python loop
over young people: Python only sees aggregated rows (and loops over months or indicators). The database
work is written so that it runs on PostgreSQL and SQLite alike:

- every inner query is an ORM QuerySet (``TruncMonth``, ``Count(filter=…)``, ``Subquery``, ``Exists``), read
  through the other apps' QuerySet methods (`Event.objects.contacts()`…), so that the ORM writes each
  database's own date functions;
- the few things the ORM cannot express — a window over an aggregate, an aggregate over a subquery,
  ``INSERT … SELECT`` — are thin wrappers of standard SQL around the ORM's SQL (subqueries in FROM,
  ``MAX(…) OVER (PARTITION BY … ORDER BY … ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)``,
  temporary tables), which both databases understand;
- two date helpers (`DaysBetween`, `AddDays`) have a PostgreSQL and a SQLite spelling, as Django's own
  functions do.

Each ``compute_<family>(months)`` deletes and rewrites the rows of its indicators for the given months
(``None``: every month, the full refresh) and returns the number of rows written. `refresh.py` decides
which months, in which transaction, and logs the run.
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from . import indicators
from .formatting import add_months
from .indicators import HORIZON_DAYS, HORIZONS, VULNERABLE_DIMENSIONS
from .models import IndicatorValue
from .sources import SOURCES

Months = Sequence[date] | None

GEO_FIELDS = ("commune_id", "quartier_id", "qpv_id")
TARGET_COLUMNS = (
    "month",
    "commune_id",
    "quartier_id",
    "qpv_id",
    "indicator",
    "dimension",
    "previous_month",
    "value",
    "persons",
)


# --- SQL helpers ------------------------------------------------------------------------------------------


class DaysBetween(Func):
    """Whole days from `start` to `end` (two dates): ``end - start`` on PostgreSQL, julianday on SQLite."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"(({end})::date - ({start})::date)", [*end_params, *start_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", [*end_params, *start_params]


class AddDays(Func):
    """A date plus a whole number of days, as a date."""

    output_field = DateField()

    def __init__(self, expression, days: int, **extra):
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql})::date + {self.days})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def table() -> str:
    return q(IndicatorValue._meta.db_table)


def month_of(field: str) -> TruncMonth:
    """The first day of the (local) month of a date or datetime field, as a date."""
    return TruncMonth(field, output_field=DateField())


def month_ranges(months: Iterable[date]) -> list[tuple[date, date]]:
    """[(first month, first month after the run)] for each run of consecutive months."""
    ordered = sorted(set(months))
    ranges: list[tuple[date, date]] = []
    for month in ordered:
        if ranges and ranges[-1][1] == month:
            ranges[-1] = (ranges[-1][0], add_months(month, 1))
        else:
            ranges.append((month, add_months(month, 1)))
    return ranges


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def in_months(field: str, months: Months, *, is_datetime: bool = False) -> Q:
    """Rows whose `field` falls in one of the months (an empty Q when months is None: every month)."""
    if months is None:
        return Q()
    condition = Q(pk__in=[])
    for start, stop in month_ranges(months):
        if is_datetime:
            condition |= Q(**{f"{field}__gte": _local_midnight(start), f"{field}__lt": _local_midnight(stop)})
        else:
            condition |= Q(**{f"{field}__gte": start, f"{field}__lt": stop})
    return condition


def delete_values(codes: Iterable[str], months: Months) -> None:
    rows = IndicatorValue.objects.filter(indicator__in=list(codes))
    if months is not None:
        rows = rows.filter(month__in=list(months))
    rows.delete()  # nothing points at IndicatorValue and no signal listens: one plain DELETE


def _execute(sql: str, params: Sequence) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return max(cursor.rowcount, 0)


def _insert(select_sql: str, params: Sequence) -> int:
    columns = ", ".join(q(c) for c in TARGET_COLUMNS)
    return _execute(f"INSERT INTO {table()} ({columns}) {select_sql}", params)


class TempTable:
    """A scratch table holding an aggregated result that several indicators are read from.

    A temporary table on SQLite; on PostgreSQL an UNLOGGED table (no WAL, and read through the shared
    buffers rather than the small per-session temporary buffers), created and dropped inside the step's
    transaction: a failure rolls it back with everything else.
    """

    _counter = itertools.count()

    def __init__(
        self,
        select_sql: str,
        params: Sequence,
        *,
        analyse: bool = False,
        sorted_aggregation: bool = False,
        hashed_aggregation: bool = False,
    ):
        postgres = connection.vendor == "postgresql"
        self.name = q(f"obs_scratch_{os.getpid()}_{next(self._counter)}")
        self.kind = "UNLOGGED TABLE" if postgres else "TEMPORARY TABLE"
        self.select_sql, self.params = select_sql, list(params)
        self.analyse = analyse
        #: PostgreSQL planner hints for this statement only: aggregate in index order (the per young person
        #: and month aggregation then streams, already sorted for the window that follows), or by hashing
        #: (the planner cannot know that millions of rows fold into a few thousand groups).
        self.settings = []
        if postgres and sorted_aggregation:
            self.settings.append("enable_hashagg")
        if postgres and hashed_aggregation:
            self.settings.append("enable_sort")

    def __enter__(self) -> TempTable:
        _execute(f"DROP TABLE IF EXISTS {self.name}", [])
        for setting in self.settings:
            _execute(f"SET LOCAL {setting} = off", [])
        _execute(f"CREATE {self.kind} {self.name} AS {self.select_sql}", self.params)
        for setting in self.settings:
            _execute(f"SET LOCAL {setting} = on", [])
        if self.analyse:
            # Statistics for the next query's plan (PostgreSQL and SQLite both have ANALYZE).
            _execute(f"ANALYZE {self.name}", [])
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:  # after an error, the rollback drops it (the transaction may be unusable)
            _execute(f"DROP TABLE IF EXISTS {self.name}", [])

    def insert(
        self,
        indicator: str,
        value: str,
        persons: str | None,
        *,
        dimension: str = "",
        previous: str | None = None,
        months: Months = None,
    ) -> int:
        """Copy one metric column into the summary table. With `previous`, rows are kept as they are (counts
        of distinct young people, split by their previous month); without, they are summed by month and
        geography (flows)."""
        month_filter, params = "", [indicator, dimension]
        if months is not None:
            month_filter = f" AND {q('month')} IN ({', '.join(['%s'] * len(months))})"
            params += list(months)
        geo = ", ".join(q(c) for c in GEO_FIELDS)
        persons_sql = "NULL" if persons is None else (q(persons) if previous else f"SUM({q(persons)})")
        if previous:
            return _insert(
                f"SELECT {q('month')}, {geo}, %s, %s, {q(previous)}, {q(value)}, {persons_sql} FROM "  # noqa: S608 - identifiers and ORM SQL, no user input
                f"{self.name} "
                f"WHERE {q(value)} > 0{month_filter}",
                params,
            )
        return _insert(
            f"SELECT {q('month')}, {geo}, %s, %s, NULL, SUM({q(value)}), {persons_sql} FROM {self.name} "  # noqa: S608 - identifiers and ORM SQL, no user input
            f"WHERE 1 = 1{month_filter} GROUP BY {q('month')}, {geo} HAVING SUM({q(value)}) > 0",
            params,
        )


def grouped(
    queryset: QuerySet,
    *,
    month: str,
    geo_prefix: str,
    dimension=None,
    metrics: dict,
) -> tuple[str, list]:
    """SQL of `queryset` grouped by month, geography (and dimension), with the given aggregate metrics.

    Columns: month, commune_id, quartier_id, qpv_id, dimension, then one column per metric."""
    annotations = {
        "o_month": month_of(month),
        "o_commune": F(f"{geo_prefix}commune_id"),
        "o_quartier": F(f"{geo_prefix}quartier_id"),
        "o_qpv": F(f"{geo_prefix}qpv_id"),
        "o_dimension": dimension if dimension is not None else Value("", output_field=CharField()),
    }
    rows = (
        queryset.annotate(**annotations)
        .values(*annotations)
        .annotate(**{f"m_{name}": metric for name, metric in metrics.items()})
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    metric_columns = ", ".join(f"x.{q('m_' + name)} AS {q(name)}" for name in metrics)
    wrapper = (
        f"SELECT x.{q('o_month')} AS {q('month')}, x.{q('o_commune')} AS {q('commune_id')}, "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"x.{q('o_quartier')} AS {q('quartier_id')}, x.{q('o_qpv')} AS {q('qpv_id')}, "
        f"x.{q('o_dimension')} AS {q('dimension')}, {metric_columns} FROM ({sql}) x"
    )
    return wrapper, list(params)


def insert_grouped(
    indicator: str,
    queryset: QuerySet,
    *,
    month: str,
    geo_prefix: str,
    dimension=None,
    value=None,
    persons=None,
) -> int:
    """One indicator straight from a grouped QuerySet (value: Count("pk") by default)."""
    metrics = {"value": value if value is not None else Count("pk")}
    if persons is not None:
        metrics["persons"] = persons
    sql, params = grouped(queryset, month=month, geo_prefix=geo_prefix, dimension=dimension, metrics=metrics)
    persons_sql = q("persons") if persons is not None else "NULL"
    geo = ", ".join(q(c) for c in GEO_FIELDS)
    return _insert(
        f"SELECT {q('month')}, {geo}, %s, {q('dimension')}, NULL, {q('value')}, {persons_sql} "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"FROM ({sql}) g WHERE {q('value')} > 0",
        [indicator, *params],
    )


def insert_metrics(
    queryset: QuerySet, *, month: str, geo_prefix: str, dimension=None, metrics: dict, outputs: list
) -> int:
    """Several indicators from one grouped QuerySet, computed once (a temporary table).

    `outputs`: (indicator, value metric, persons metric or None)."""
    sql, params = grouped(queryset, month=month, geo_prefix=geo_prefix, dimension=dimension, metrics=metrics)
    geo = ", ".join(q(c) for c in GEO_FIELDS)
    written = 0
    with TempTable(sql, params) as tmp:
        for indicator, value_name, persons_name in outputs:
            persons_sql = q(persons_name) if persons_name else "NULL"
            written += _insert(
                f"SELECT {q('month')}, {geo}, %s, {q('dimension')}, NULL, {q(value_name)}, {persons_sql} "  # noqa: S608 - identifiers and ORM SQL, no user input
                f"FROM {tmp.name} WHERE {q(value_name)} > 0",
                [indicator],
            )
    return written


def distinct_youths(field: str = "youth_id"):
    return Count(field, distinct=True)


# --- The youth app ------------------------------------------------------------------------------------------


def _youth_models():
    from maillage.youth import models as youth

    return youth


def _contact_q() -> Q:
    from maillage.youth.enums import EventKind, EventStatus

    return Q(status=EventStatus.ATTENDED) | Q(kind=EventKind.MESSAGE)


def compute_accompaniment_events(months: Months, *, today: date | None = None) -> int:
    """Everything read from the events, in one pass over them: young people accompanied and vulnerable
    publics (distinct, split by the month of the previous contact), contacts by kind, appointments
    attended and missed (flows, with their number of young people).

    1. per young person and month: their counts of each kind of event (ORM: GROUP BY youth, month);
    2. the month of their previous contact (window over the young person's months);
    3. by month, geography and previous contact month: sums and numbers of young people (a temporary
       table), from which each indicator is inserted.
    """
    youth = _youth_models()
    from maillage.youth.enums import EventKind, EventStatus

    contact = _contact_q()
    events = youth.Event.objects.filter(contact | Q(kind=EventKind.APPOINTMENT, status=EventStatus.MISSED))
    if months is not None:
        touched = youth.Event.objects.filter(in_months("starts_at", months, is_datetime=True))
        events = events.filter(youth_id__in=touched.values("youth_id"))
        last = add_months(max(months), 1)
        events = events.filter(starts_at__lt=_local_midnight(last))
    kinds = [k for k, _ in EventKind.choices]
    per_month = (
        events.annotate(o_month=month_of("starts_at"))
        .values("youth_id", "o_month")
        # COUNT(youth_id), not COUNT(id): every column read is then in an index on (youth, date) including
        # the kind and the status, which PostgreSQL reads alone and in order (docs/performance.md).
        .annotate(
            n_contact=Count("youth_id", filter=contact),
            n_attended=Count("youth_id", filter=Q(kind=EventKind.APPOINTMENT, status=EventStatus.ATTENDED)),
            n_missed=Count("youth_id", filter=Q(kind=EventKind.APPOINTMENT, status=EventStatus.MISSED)),
            **{f"n_k_{k}": Count("youth_id", filter=contact & Q(kind=k)) for k in kinds},
        )
        .order_by()
    )
    inner_sql, inner_params = per_month.query.sql_with_params()

    flags = youth.Barrier.objects.all()
    if months is not None:
        flags = flags.filter(youth_id__in=touched.values("youth_id"))
    flag_columns = {}
    for index, (code, _) in enumerate(VULNERABLE_DIMENSIONS):
        domain, _, detail = code.partition(":")
        condition = Q(domain=domain, detail=detail) if detail else Q(domain=domain)
        flag_columns[f"f_{index}"] = Max(Case(When(condition, then=Value(1)), default=Value(0)))
    flags_sql, flags_params = (
        flags.values("youth_id").annotate(**flag_columns).order_by().query.sql_with_params()
    )

    youth_table = q(youth.Youth._meta.db_table)
    flag_list = ", ".join(f"f.{q(name)} AS {q(name)}" for name in flag_columns)
    month, prev = q("o_month"), q("prev")

    def positive(column: str) -> str:
        return f"SUM(CASE WHEN w.{q(column)} > 0 THEN 1 ELSE 0 END)"

    selects = [
        f"w.{month} AS {q('month')}",
        f"y.{q('commune_id')} AS {q('commune_id')}",
        f"y.{q('quartier_id')} AS {q('quartier_id')}",
        f"y.{q('qpv_id')} AS {q('qpv_id')}",
        f"w.{prev} AS {q('prev')}",
        f"{positive('n_contact')} AS {q('accompanied')}",
        f"SUM(w.{q('n_attended')}) AS {q('attended')}",
        f"{positive('n_attended')} AS {q('attended_p')}",
        f"SUM(w.{q('n_missed')}) AS {q('missed')}",
        f"{positive('n_missed')} AS {q('missed_p')}",
    ]
    for k in kinds:
        selects.append(f"SUM(w.{q('n_k_' + k)}) AS {q('k_' + k)}")
        selects.append(f"{positive('n_k_' + k)} AS {q('k_' + k + '_p')}")
    for index in range(len(VULNERABLE_DIMENSIONS)):
        selects.append(
            f"SUM(CASE WHEN w.{q('n_contact')} > 0 AND y.{q(f'f_{index}')} = 1 THEN 1 ELSE 0 END) "
            f"AS {q(f'v_{index}')}"
        )
    where, where_params = "", []
    if months is not None:
        where = f" WHERE w.{month} IN ({', '.join(['%s'] * len(months))})"
        where_params = list(months)
    # Step 1 (a temporary table): per young person and month, the counts and the previous contact month.
    # On PostgreSQL the rows are aggregated in the young person's order (with an index on the events' young
    # person and date, a stream) so that the window needs no sort of its own.
    window_sql = (
        f"SELECT ym.*, MAX(CASE WHEN ym.{q('n_contact')} > 0 THEN ym.{month} END) OVER ("  # noqa: S608 - identifiers and ORM SQL, no user input
        f"PARTITION BY ym.{q('youth_id')} ORDER BY ym.{month} "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS {prev} "
        f"FROM ({inner_sql}) ym"
    )
    # Step 2: by month, geography and previous contact month. The young person's geography and barrier
    # flags are joined once per young person.
    codes = ["youths_accompanied", "vulnerable", "appointments_attended", "appointments_missed", "contacts"]
    delete_values(codes, months)
    written = 0
    with TempTable(window_sql, inner_params, analyse=True, sorted_aggregation=True) as per_month:
        sql = (
            f"SELECT {', '.join(selects)} FROM {per_month.name} w "  # noqa: S608 - identifiers and ORM SQL, no user input
            f"JOIN (SELECT yy.{q('id')} AS {q('id')}, yy.{q('commune_id')} AS {q('commune_id')}, "
            f"yy.{q('quartier_id')} AS {q('quartier_id')}, yy.{q('qpv_id')} AS {q('qpv_id')}, {flag_list} "
            f"FROM {youth_table} yy LEFT JOIN ({flags_sql}) f ON f.{q('youth_id')} = yy.{q('id')}) y "
            f"ON y.{q('id')} = w.{q('youth_id')}"
            f"{where} GROUP BY w.{month}, y.{q('commune_id')}, y.{q('quartier_id')}, y.{q('qpv_id')}, "
            f"w.{prev}"
        )
        with TempTable(sql, [*flags_params, *where_params], hashed_aggregation=True) as tmp:
            written += tmp.insert("youths_accompanied", "accompanied", "accompanied", previous="prev")
            for index, (code, _) in enumerate(VULNERABLE_DIMENSIONS):
                written += tmp.insert(
                    "vulnerable", f"v_{index}", f"v_{index}", dimension=code, previous="prev"
                )
            written += tmp.insert("appointments_attended", "attended", "attended_p")
            written += tmp.insert("appointments_missed", "missed", "missed_p")
            for k in kinds:
                written += tmp.insert("contacts", f"k_{k}", f"k_{k}_p", dimension=k)
    return written


# --- What the refresh last read of each young person ----------------------------------------------------


def _barrier_conditions() -> list[Q]:
    conditions = []
    for code, _ in VULNERABLE_DIMENSIONS:
        domain, _, detail = code.partition(":")
        conditions.append(Q(domain=domain, detail=detail) if detail else Q(domain=domain))
    return conditions


def barrier_mask_sql(youth_ids_sql: str = "", params: Sequence = ()) -> tuple[str, list]:
    """SELECT youth_id, mask: the barrier domains of each young person as a bitmask (ORM SQL)."""
    youth = _youth_models()
    barriers = youth.Barrier.objects.all()
    if youth_ids_sql:
        barriers = barriers.filter(youth_id__in=RawSQL(youth_ids_sql, list(params)))  # noqa: S611 - our own SQL
    mask = None
    for bit, condition in enumerate(_barrier_conditions()):
        term = Max(Case(When(condition, then=Value(1 << bit)), default=Value(0)))
        mask = term if mask is None else mask + term
    return barriers.values("youth_id").annotate(mask=mask).order_by().query.sql_with_params()


def youth_state_sql(youth_ids_sql: str = "", params: Sequence = ()) -> tuple[str, list]:
    """SELECT youth_id, commune_id, quartier_id, qpv_id, intake_on, flags — what the indicators read of
    each young person (all of them, or those whose ids `youth_ids_sql` selects)."""
    youth = _youth_models()
    flags_sql, flags_params = barrier_mask_sql(youth_ids_sql, params)
    where, where_params = "", []
    if youth_ids_sql:
        where, where_params = f" WHERE y.{q('id')} IN ({youth_ids_sql})", list(params)
    sql = (
        f"SELECT y.{q('id')} AS {q('youth_id')}, y.{q('commune_id')} AS {q('commune_id')}, "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"y.{q('quartier_id')} AS {q('quartier_id')}, y.{q('qpv_id')} AS {q('qpv_id')}, "
        f"y.{q('intake_on')} AS {q('intake_on')}, COALESCE(f.{q('mask')}, 0) AS {q('flags')} "
        f"FROM {q(youth.Youth._meta.db_table)} y LEFT JOIN ({flags_sql}) f ON f.{q('youth_id')} = y.{q('id')}"
        f"{where}"
    )
    return sql, [*flags_params, *where_params]


def changed_youths_sql(since, until) -> tuple[str, list]:
    """Ids of the young people whose file or barriers were written in (since, until]."""
    youth = _youth_models()
    y, b = q(youth.Youth._meta.db_table), q(youth.Barrier._meta.db_table)
    updated = q("updated")
    return (
        f"SELECT {q('id')} FROM {y} WHERE {updated} > %s AND {updated} <= %s "  # noqa: S608 - identifiers, no user input
        f"UNION SELECT {q('youth_id')} FROM {b} WHERE {updated} > %s AND {updated} <= %s",
        [since, until, since, until],
    )


def moved_youths_sql(since, until) -> tuple[str, list]:
    """SELECT youth_id, old_intake_on of the young people whose geography, intake date or barrier domains
    differ from what the last refresh read (or who are new to it)."""
    from .models import YouthSnapshot

    changed_sql, changed_params = changed_youths_sql(since, until)
    current_sql, current_params = youth_state_sql(changed_sql, changed_params)
    snapshot = q(YouthSnapshot._meta.db_table)

    def differs(column: str) -> str:
        return f"COALESCE(s.{q(column)}, -1) <> COALESCE(c.{q(column)}, -1)"

    sql = (
        f"SELECT c.{q('youth_id')} AS {q('youth_id')}, s.{q('intake_on')} AS {q('old_intake_on')} "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"FROM ({current_sql}) c LEFT JOIN {snapshot} s ON s.{q('youth_id')} = c.{q('youth_id')} "
        f"WHERE s.{q('youth_id')} IS NULL OR s.{q('intake_on')} <> c.{q('intake_on')} OR "
        f"s.{q('flags')} <> c.{q('flags')} OR " + " OR ".join(differs(column) for column in GEO_FIELDS)
    )
    return sql, current_params


def store_youth_snapshot(*, since=None, until=None) -> int:
    """Record what this refresh read of every young person (full refresh), or of those written in
    (since, until]."""
    from .models import YouthSnapshot

    snapshot = q(YouthSnapshot._meta.db_table)
    columns = ", ".join(
        q(c) for c in ("youth_id", "commune_id", "quartier_id", "qpv_id", "intake_on", "flags")
    )
    if since is None:
        empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        _execute(f"{empty} {snapshot}", [])
        sql, params = youth_state_sql()
    else:
        changed_sql, changed_params = changed_youths_sql(since, until)
        _execute(f"DELETE FROM {snapshot} WHERE {q('youth_id')} IN ({changed_sql})", changed_params)  # noqa: S608
        sql, params = youth_state_sql(changed_sql, changed_params)
    return _execute(f"INSERT INTO {snapshot} ({columns}) {sql}", params)  # noqa: S608 - identifiers and ORM SQL


def compute_accompaniment_files(months: Months, *, today: date | None = None) -> int:
    """New files, and the delay before their first appointment (by month of intake)."""
    youth = _youth_models()
    from maillage.youth.enums import EventKind, EventStatus

    delete_values(["new_files", "first_appointment_files", "first_appointment_days"], months)
    files = youth.Youth.objects.filter(in_months("intake_on", months))
    written = insert_grouped(
        "new_files", files, month="intake_on", geo_prefix="", value=Count("pk"), persons=Count("pk")
    )
    first = (
        youth.Event.objects.filter(
            youth=OuterRef("pk"),
            kind=EventKind.APPOINTMENT,
            status=EventStatus.ATTENDED,
            starts_at__date__gte=OuterRef("intake_on"),
        )
        .annotate(o_day=TruncDate("starts_at"))
        .order_by("starts_at")
        .values("o_day")[:1]
    )
    seen = files.annotate(o_first=Subquery(first, output_field=DateField())).filter(o_first__isnull=False)
    written += insert_metrics(
        seen,
        month="intake_on",
        geo_prefix="",
        metrics={"files": Count("pk"), "days": Sum(DaysBetween(F("o_first"), F("intake_on")))},
        outputs=[
            ("first_appointment_files", "files", "files"),
            ("first_appointment_days", "days", "files"),
        ],
    )
    return written


def compute_programmes(months: Months, *, today: date | None = None) -> int:
    """Entries and exits by programme (flows); the stock is derived from them by `compute_programme_stock`."""
    youth = _youth_models()
    delete_values(["programme_entries", "programme_exits"], months)
    enrolments = youth.Enrolment.objects.all()
    written = insert_grouped(
        "programme_entries",
        enrolments.filter(in_months("start_on", months)),
        month="start_on",
        geo_prefix="youth__",
        dimension=F("programme__code"),
        persons=distinct_youths(),
    )
    written += insert_grouped(
        "programme_exits",
        enrolments.filter(ended_on__isnull=False).filter(in_months("ended_on", months)),
        month="ended_on",
        geo_prefix="youth__",
        dimension=F("programme__code"),
        persons=distinct_youths(),
    )
    return written


def stock_behind(month: date) -> bool:
    """The programme stock stops before `month` (a new month began since it was computed)."""
    last = IndicatorValue.objects.filter(indicator="programme_active").aggregate(last=Max("month"))["last"]
    return last is None or last < month


def compute_programme_stock(until: date) -> int:
    """Young people in a programme at the end of each month: cumulated entries minus cumulated exits, from
    the stored flows (aggregated rows only), for every month from the first entry to `until`."""
    flows = (
        IndicatorValue.objects.filter(
            indicator__in=["programme_entries", "programme_exits"], month__lte=until
        )
        .values_list("indicator", "month", *GEO_FIELDS, "dimension")
        .annotate(total=Sum("value"))
        .order_by()
    )
    changes: dict[tuple, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    first_month = None
    for indicator, month, commune, quartier, qpv, dimension, total in flows:
        sign = 1 if indicator == "programme_entries" else -1
        changes[commune, quartier, qpv, dimension][month] += sign * total
        first_month = month if first_month is None else min(first_month, month)
    delete_values(["programme_active"], None)
    if first_month is None:
        return 0
    months = []
    current = first_month
    while current <= until:
        months.append(current)
        current = add_months(current, 1)
    rows = []
    for (commune, quartier, qpv, dimension), by_month in changes.items():
        running = 0
        for month in months:
            running += by_month.get(month, 0)
            if running > 0:
                rows.append(
                    IndicatorValue(
                        month=month,
                        commune_id=commune,
                        quartier_id=quartier,
                        qpv_id=qpv,
                        indicator="programme_active",
                        dimension=dimension,
                        value=running,
                        persons=running,
                    )
                )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def compute_proposals(months: Months, *, today: date | None = None) -> int:
    """Proposals by kind and by status, in one pass (per young person and month, then by geography)."""
    youth = _youth_models()
    from maillage.youth.enums import ProposalKind, ProposalStatus

    delete_values(["proposals", "proposal_outcomes"], months)
    columns = [("proposals", kind, Q(kind=kind)) for kind in ProposalKind.values]
    columns += [("proposal_outcomes", status, Q(status=status)) for status in ProposalStatus.values]
    return insert_youth_month_counts(
        youth.Proposal.objects.filter(in_months("proposed_on", months)), month="proposed_on", columns=columns
    )


def insert_youth_month_counts(queryset: QuerySet, *, month: str, columns: list[tuple[str, str, Q]]) -> int:
    """Flows with their exact number of young people, without COUNT(DISTINCT): count each young person's
    rows of the month for every (indicator, dimension) condition (ORM: GROUP BY youth, month), then sum by
    month and geography the counts and the young people with a non-zero count (one scratch table)."""
    youth = _youth_models()
    per_month = (
        queryset.annotate(o_month=month_of(month))
        .values("youth_id", "o_month")
        .annotate(
            **{f"n_{k}": Count("youth_id", filter=condition) for k, (_, _, condition) in enumerate(columns)}
        )
        .order_by()
    )
    inner_sql, inner_params = per_month.query.sql_with_params()
    selects = [
        f"w.{q('o_month')} AS {q('month')}",
        *(f"y.{q(c)} AS {q(c)}" for c in GEO_FIELDS),
    ]
    for k in range(len(columns)):
        selects.append(f"SUM(w.{q(f'n_{k}')}) AS {q(f'v_{k}')}")
        selects.append(f"SUM(CASE WHEN w.{q(f'n_{k}')} > 0 THEN 1 ELSE 0 END) AS {q(f'p_{k}')}")
    geo = ", ".join(f"y.{q(c)}" for c in GEO_FIELDS)
    sql = (
        f"SELECT {', '.join(selects)} FROM ({inner_sql}) w "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"JOIN {q(youth.Youth._meta.db_table)} y ON y.{q('id')} = w.{q('youth_id')} "
        f"GROUP BY w.{q('o_month')}, {geo}"
    )
    written = 0
    with TempTable(sql, inner_params, hashed_aggregation=True) as tmp:
        for k, (indicator, dimension, _) in enumerate(columns):
            written += tmp.insert(indicator, f"v_{k}", f"p_{k}", dimension=dimension)
    return written


def exit_situations() -> QuerySet:
    """Situations that are an exit: a job or a training starting on or after the first intake."""
    youth = _youth_models()
    from maillage.youth.enums import ContractType, SituationKind

    return youth.Situation.objects.filter(
        kind__in=[SituationKind.JOB, SituationKind.TRAINING], started_on__gte=F("youth__intake_on")
    ).annotate(
        o_exit=Case(
            When(
                kind=SituationKind.JOB,
                contract_type=ContractType.APPRENTICESHIP,
                then=Value("apprenticeship"),
            ),
            When(kind=SituationKind.JOB, then=Value("job")),
            default=Value("training"),
            output_field=CharField(),
        )
    )


def compute_exits(months: Months, *, today: date | None = None) -> int:
    """Exits by kind, and for each horizon the exits followed, or not, by a job or a training."""
    youth = _youth_models()
    from maillage.youth.enums import SituationKind

    today = today or timezone.localdate()
    codes = ["exits"] + [f"exits_{sign}_{h}m" for h in HORIZONS for sign in ("positive", "negative")]
    delete_values(codes, months)
    exits = exit_situations().filter(in_months("started_on", months))
    written = insert_grouped(
        "exits",
        exits,
        month="started_on",
        geo_prefix="youth__",
        dimension=F("o_exit"),
        persons=distinct_youths(),
    )
    # The three horizons in one pass: an exit is observed at h months when its date + h is past.
    metrics, outputs, observed = {}, [], exits
    for h in HORIZONS:
        days = HORIZON_DAYS[h]
        horizon = AddDays(OuterRef("started_on"), days)
        in_place = youth.Situation.objects.filter(
            youth=OuterRef("youth"),
            kind__in=[SituationKind.JOB, SituationKind.TRAINING],
            started_on__lte=horizon,
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=horizon))
        observed = observed.annotate(**{f"o_ok_{h}": Exists(in_place)})
        seen = Q(started_on__lte=today - timedelta(days=days))
        ok, not_ok = seen & Q(**{f"o_ok_{h}": True}), seen & Q(**{f"o_ok_{h}": False})
        metrics |= {
            f"pos_{h}": Count("pk", filter=ok),
            f"pos_{h}_p": Count("youth_id", distinct=True, filter=ok),
            f"neg_{h}": Count("pk", filter=not_ok),
            f"neg_{h}_p": Count("youth_id", distinct=True, filter=not_ok),
        }
        outputs += [
            (f"exits_positive_{h}m", f"pos_{h}", f"pos_{h}_p"),
            (f"exits_negative_{h}m", f"neg_{h}", f"neg_{h}_p"),
        ]
    # Only exits old enough for the shortest horizon can count.
    observed = observed.filter(started_on__lte=today - timedelta(days=min(HORIZON_DAYS.values())))
    written += insert_metrics(
        observed,
        month="started_on",
        geo_prefix="youth__",
        dimension=F("o_exit"),
        metrics=metrics,
        outputs=outputs,
    )
    return written


# --- Optional sources (partners, employers) ----------------------------------------------------------------


def compute_referrals(months: Months, *, today: date | None = None) -> int:
    source = SOURCES["referrals"]
    fields = source.resolve()
    delete_values(["referrals", "referrals_answered", "referral_response_days"], months)
    if fields is None or not source.table_ready():
        return 0
    model = source.model()
    sent, is_datetime = fields["sent"], _is_datetime(model, fields["sent"])
    rows = model._default_manager.filter(in_months(sent, months, is_datetime=is_datetime))
    written = insert_grouped("referrals", rows, month=sent, geo_prefix="youth__", persons=distinct_youths())
    answered = fields.get("answered")
    if answered:
        done = rows.filter(**{f"{answered}__isnull": False})
        written += insert_metrics(
            done,
            month=sent,
            geo_prefix="youth__",
            metrics={
                "n": Count("pk"),
                "p": distinct_youths(),
                "days": Sum(DaysBetween(_as_date(model, answered), _as_date(model, sent))),
            },
            outputs=[("referrals_answered", "n", "p"), ("referral_response_days", "days", "p")],
        )
    return written


def compute_offers(months: Months, *, today: date | None = None) -> int:
    source = SOURCES["offers"]
    fields = source.resolve()
    delete_values(["offers", "offer_positions"], months)
    if fields is None or not source.table_ready():
        return 0
    model = source.model()
    published = fields["published"]
    rows = model._default_manager.filter(
        in_months(published, months, is_datetime=_is_datetime(model, published))
    )
    metrics = {"n": Count("pk")}
    outputs = [("offers", "n", None)]
    if "positions" in fields:
        metrics["positions"] = Sum(fields["positions"])
        outputs.append(("offer_positions", "positions", None))
    sql, params = _grouped_by_commune(
        rows, month=published, commune=f"{fields['commune']}_id", metrics=metrics
    )
    written = 0
    geo = ", ".join(q(c) for c in GEO_FIELDS)
    with TempTable(sql, params) as tmp:
        for indicator, value_name, _ in outputs:
            written += _insert(
                f"SELECT {q('month')}, {geo}, %s, '', NULL, {q(value_name)}, NULL FROM {tmp.name} "  # noqa: S608 - identifiers and ORM SQL, no user input
                f"WHERE {q(value_name)} > 0",
                [indicator],
            )
    return written


def compute_applications(months: Months, *, today: date | None = None) -> int:
    source = SOURCES["applications"]
    fields = source.resolve()
    delete_values(["applications", "hires"], months)
    if fields is None or not source.table_ready():
        return 0
    model = source.model()
    sent = fields["sent"]
    rows = model._default_manager.filter(in_months(sent, months, is_datetime=_is_datetime(model, sent)))
    written = insert_grouped(
        "applications", rows, month=sent, geo_prefix="youth__", persons=distinct_youths()
    )
    if "hired" in fields:
        written += insert_grouped(
            "hires",
            rows.filter(**{f"{fields['hired']}__isnull": False}),
            month=sent,
            geo_prefix="youth__",
            persons=distinct_youths(),
        )
    return written


def _is_datetime(model, name: str) -> bool:
    from django.db.models import DateTimeField

    return isinstance(model._meta.get_field(name), DateTimeField)


def _as_date(model, name: str):
    return TruncDate(name) if _is_datetime(model, name) else F(name)


def _grouped_by_commune(queryset: QuerySet, *, month: str, commune: str, metrics: dict) -> tuple[str, list]:
    """Like `grouped`, for rows that only know a commune (offers): quartier and QPV are NULL."""
    rows = (
        queryset.annotate(o_month=month_of(month), o_commune=F(commune))
        .values("o_month", "o_commune")
        .annotate(**{f"m_{name}": metric for name, metric in metrics.items()})
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    metric_columns = ", ".join(f"x.{q('m_' + name)} AS {q(name)}" for name in metrics)
    return (
        f"SELECT x.{q('o_month')} AS {q('month')}, x.{q('o_commune')} AS {q('commune_id')}, "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"CAST(NULL AS BIGINT) AS {q('quartier_id')}, CAST(NULL AS BIGINT) AS {q('qpv_id')}, "
        f"{metric_columns} FROM ({sql}) x",
        list(params),
    )


def family_available(family: str) -> bool:
    return SOURCES[indicators.FAMILIES[family].source].available
