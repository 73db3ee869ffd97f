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

import contextvars
import itertools
import os
import threading
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import lru_cache

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
    Min,
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


class LocalMonth(TruncMonth):
    """The first day of the local month of a datetime, as a date: `TruncMonth`, spelt on PostgreSQL as a
    binary search among the local month boundaries (``width_bucket`` over a constant array, then the month
    at that position). Converting each timestamp to a named time zone (``AT TIME ZONE 'Europe/Paris'``, what
    TruncMonth writes) costs PostgreSQL a time-zone lookup per row: for the 20 million events of a full
    refresh, more than reading them. Outside the boundaries (before 2000, or 20 years ahead) the exact
    conversion is used."""

    output_field = DateField()
    FIRST_YEAR = 2000

    def __init__(self, expression, **extra):
        super().__init__(expression, output_field=DateField(), **extra)

    @staticmethod
    @lru_cache(maxsize=8)
    def _boundaries(tzname: str, last_year: int) -> tuple[str, str]:
        zone = zoneinfo.ZoneInfo(tzname)
        starts = [
            datetime(year, month, 1, tzinfo=zone)
            for year in range(LocalMonth.FIRST_YEAR, last_year + 1)
            for month in range(1, 13)
        ]
        thresholds = ",".join(f'"{start.isoformat(sep=" ")}"' for start in starts)
        months = ",".join(start.date().isoformat() for start in starts[:-1])
        return f"'{{{thresholds}}}'::timestamptz[]", f"'{{{months}}}'::date[]"

    def as_postgresql(self, compiler, connection, **extra_context):
        exact, exact_params = super().as_sql(compiler, connection, **extra_context)
        value, value_params = compiler.compile(self.lhs)
        thresholds, months = self._boundaries(self.get_tzname(), timezone.localdate().year + 20)
        # Bucket k (1-based) holds [start of month k, start of month k + 1); 0 and the last bucket are
        # outside the known months: the subscript then gives NULL and COALESCE the exact conversion.
        return (
            f"COALESCE(({months})[width_bucket({value}, {thresholds})], ({exact})::date)",
            [*value_params, *exact_params],
        )


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
    """Delete the rows of these indicators for the months (None: every month) — or, inside
    `writing_differences`, remember the codes: the rows are then replaced by difference."""
    staged = _staging.get()
    if staged is not None and months is None:
        staged.codes.update(codes)
        return
    rows = IndicatorValue.objects.filter(indicator__in=list(codes))
    if months is not None:
        rows = rows.filter(month__in=list(months))
    rows.delete()  # nothing points at IndicatorValue and no signal listens: one plain DELETE


class _Staging:
    def __init__(self, name: str):
        self.name, self.codes = name, set()


_staging: contextvars.ContextVar[_Staging | None] = contextvars.ContextVar(
    "observatory_staging", default=None
)


@contextmanager
def writing_differences() -> Iterator[None]:
    """Replace every month of a family by difference: what the step inserts goes to a scratch table, then
    only the stored rows that are not in it are deleted and only its rows that are not stored are
    inserted (in the step's transaction). A weekly full refresh finds most figures unchanged — the nightly
    incremental refreshes kept them current —, and deleting and rewriting a million rows with their two
    indexes cost more than computing them (docs/performance.md, « Observatoire »). Incremental refreshes
    keep replacing the rows of their months."""
    name = q(f"obs_staging_{os.getpid()}_{threading.get_ident()}_{next(TempTable._counter)}")
    columns = ", ".join(q(c) for c in TARGET_COLUMNS)
    _execute(f"CREATE {scratch_kind()} {name} AS SELECT {columns} FROM {table()} WHERE 1 = 0", [])  # noqa: S608
    staged = _Staging(name)
    token = _staging.set(staged)
    try:
        yield
    finally:
        _staging.reset(token)
    if staged.codes:
        _apply_differences(staged)
    _execute(f"DROP TABLE IF EXISTS {name}", [])


def _same_row(a: str, b: str) -> str:
    """SQL: rows `a` and `b` of the summary table hold the same figure — NULL equal to NULL, in equalities
    a hash join can use (a NULL previous month compares as the month itself, which no previous month is)."""
    conditions = []
    for column in TARGET_COLUMNS:
        left, right = f"{a}.{q(column)}", f"{b}.{q(column)}"
        if column in ("quartier_id", "qpv_id", "persons"):
            left, right = f"COALESCE({left}, -1)", f"COALESCE({right}, -1)"
        elif column == "previous_month":
            left = f"COALESCE({left}, {a}.{q('month')})"
            right = f"COALESCE({right}, {b}.{q('month')})"
        conditions.append(f"{left} = {right}")
    return " AND ".join(conditions)


def _apply_differences(staged: _Staging) -> None:
    codes = sorted(staged.codes)
    marks = ", ".join(["%s"] * len(codes))
    columns = ", ".join(q(c) for c in TARGET_COLUMNS)
    _execute(f"ANALYZE {staged.name}", [])
    hints = planner_hints(hashed_join=True)
    _execute_with(
        hints,
        f"DELETE FROM {table()} WHERE {q('indicator')} IN ({marks}) AND NOT EXISTS ("  # noqa: S608 - identifiers, no user input
        f"SELECT 1 FROM {staged.name} s WHERE {_same_row('s', table())})",
        codes,
    )
    _execute_with(
        hints,
        f"INSERT INTO {table()} ({columns}) SELECT {', '.join(f's.{q(c)}' for c in TARGET_COLUMNS)} "  # noqa: S608
        f"FROM {staged.name} s WHERE NOT EXISTS (SELECT 1 FROM {table()} v WHERE "
        f"v.{q('indicator')} IN ({marks}) AND {_same_row('v', 's')})",
        codes,
    )


def _execute(sql: str, params: Sequence) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return max(cursor.rowcount, 0)


def _insert(select_sql: str, params: Sequence) -> int:
    columns = ", ".join(q(c) for c in TARGET_COLUMNS)
    staged = _staging.get()
    target = staged.name if staged is not None else table()
    return _execute(f"INSERT INTO {target} ({columns}) {select_sql}", params)


def planner_hints(
    *,
    sorted_aggregation: bool = False,
    hashed_aggregation: bool = False,
    streaming: bool = False,
    hashed_join: bool = False,
) -> list[str]:
    """PostgreSQL planner settings switched off for one statement: aggregate in index order (the per young
    person and month aggregation then streams, already sorted for the window that follows), or by hashing
    (the planner cannot know that millions of rows fold into a few thousand groups), or stream everything
    in index order (group and merge-join by young person, no hash table), or join by hashing (rather than
    sorting a million rows on nine columns to merge them). Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return []
    hints = []
    if sorted_aggregation or streaming:
        hints.append("enable_hashagg")
    if streaming:
        hints.append("enable_hashjoin")
    if hashed_aggregation:
        hints.append("enable_sort")
    if hashed_join:
        hints.append("enable_mergejoin")
    return hints


def _execute_with(hints: Sequence[str], sql: str, params: Sequence) -> int:
    """Run one statement with the given planner settings off (this transaction only, restored after)."""
    for setting in hints:
        _execute(f"SET LOCAL {setting} = off", [])
    try:
        return _execute(sql, params)
    finally:
        for setting in hints:
            _execute(f"SET LOCAL {setting} = on", [])


def scratch_kind() -> str:
    """A temporary table on SQLite; on PostgreSQL an UNLOGGED table (no WAL, read through the shared buffers
    rather than the small per-session temporary buffers, and visible to the refresh's other connections once
    committed)."""
    return "UNLOGGED TABLE" if connection.vendor == "postgresql" else "TEMPORARY TABLE"


def insert_from(
    source: str,
    indicator: str,
    value: str,
    persons: str | None,
    *,
    dimension: str = "",
    previous: str | None = None,
    months: Months = None,
) -> int:
    """Copy one metric column of a scratch table into the summary table, summed by month and geography —
    and, with `previous`, by previous month too (counts of distinct young people, split by their previous
    month). Summing makes a table filled in parts (ranges of young people) give the same rows as one filled
    at once."""
    month_filter, params = "", [indicator, dimension]
    if months is not None:
        month_filter = f" AND {q('month')} IN ({', '.join(['%s'] * len(months))})"
        params += list(months)
    geo = ", ".join(q(c) for c in GEO_FIELDS)
    persons_sql = "NULL" if persons is None else f"SUM({q(persons)})"
    previous_sql = q(previous) if previous else "NULL"
    group = f"{q('month')}, {geo}" + (f", {q(previous)}" if previous else "")
    return _insert(
        f"SELECT {q('month')}, {geo}, %s, %s, {previous_sql}, SUM({q(value)}), {persons_sql} "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"FROM {source} WHERE 1 = 1{month_filter} GROUP BY {group} HAVING SUM({q(value)}) > 0",
        params,
    )


class TempTable:
    """A scratch table holding an aggregated result that several indicators are read from (`scratch_kind`),
    created and dropped inside the step's transaction: a failure rolls it back with everything else."""

    _counter = itertools.count()

    def __init__(
        self,
        select_sql: str,
        params: Sequence,
        *,
        analyse: bool = False,
        **planner: bool,
    ):
        self.name = q(f"obs_scratch_{os.getpid()}_{threading.get_ident()}_{next(self._counter)}")
        self.select_sql, self.params = select_sql, list(params)
        self.analyse = analyse
        self.hints = planner_hints(**planner)

    def __enter__(self) -> TempTable:
        _execute(f"DROP TABLE IF EXISTS {self.name}", [])
        _execute_with(self.hints, f"CREATE {scratch_kind()} {self.name} AS {self.select_sql}", self.params)
        if self.analyse:
            # Statistics for the next query's plan (PostgreSQL and SQLite both have ANALYZE).
            _execute(f"ANALYZE {self.name}", [])
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:  # after an error, the rollback drops it (the transaction may be unusable)
            _execute(f"DROP TABLE IF EXISTS {self.name}", [])

    def insert(self, indicator: str, value: str, persons: str | None, **kwargs) -> int:
        """`insert_from` this table."""
        return insert_from(self.name, indicator, value, persons, **kwargs)


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


IdRange = tuple[int, int] | None


class ByYoungPeople:
    """A step whose figures are sums over young people, so that it can be computed in parts.

    `part_sql(months, ids)` is the SELECT of the step's aggregated rows for the young people whose id is
    in ``[ids[0], ids[1])`` (all of them when `ids` is None), every column a sum or a count over young
    people; `merge(table, months)` (the table's quoted name) deletes the step's rows for the months and
    inserts them from a table holding one or several such parts, summed (`insert_from`).

    Called as a step function, it computes the whole step in the current transaction: one part in a
    scratch table, then the merge (SQLite, a refresh inside a transaction, one connection). The parallel
    refresh (refresh.py) instead creates a shared scratch table (`create_parts`), fills it range by range
    on several database connections at once (`fill_part`, each in its own transaction), then merges it in
    one transaction: the family is still replaced atomically, by the same SQL.
    """

    def __init__(self, name: str, part_sql, merge, *, doc: str = "", **planner: bool):
        self.__name__ = self.__qualname__ = name
        self.__doc__ = doc
        self.part_sql, self.merge = part_sql, merge
        self.planner = planner  # `planner_hints` for the part's statement

    def __call__(self, months: Months, *, today: date | None = None) -> int:
        sql, params = self.part_sql(months, None)
        with TempTable(sql, params, **self.planner) as parts:
            return self.merge(parts.name, months)

    def create_parts(self, name: str, months: Months) -> None:
        """An empty table with the parts' columns (PostgreSQL: UNLOGGED, visible once committed)."""
        sql, params = self.part_sql(months, None)
        _execute(f"CREATE {scratch_kind()} {q(name)} AS SELECT * FROM ({sql}) p WHERE 1 = 0", params)  # noqa: S608

    def fill_part(self, name: str, months: Months, ids: IdRange) -> int:
        sql, params = self.part_sql(months, ids)
        hints = planner_hints(**self.planner)
        return _execute_with(hints, f"INSERT INTO {q(name)} {sql}", params)  # noqa: S608 - identifiers and ORM SQL


def youth_id_ranges(parts: int) -> list[IdRange]:
    """`parts` ranges of young people's ids of about the same size (ids are dense: a sequence)."""
    youth = _youth_models()
    bounds = youth.Youth.objects.aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    if low is None or parts <= 1:
        return [None]
    step = max((high - low + 1 + parts - 1) // parts, 1)
    ranges = []
    for start in range(low, high + 1, step):
        ranges.append((start, min(start + step, high + 1)))
    return ranges


def _in_range(queryset: QuerySet, field: str, ids: IdRange) -> QuerySet:
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__gte": ids[0], f"{field}__lt": ids[1]})


def _accompaniment_part_sql(months: Months, ids: IdRange) -> tuple[str, list]:
    """Everything read from the events, in one pass over them, for the young people in `ids`: by month,
    geography and month of the previous contact, the young people accompanied and their barrier domains
    (distinct young people), contacts by kind and appointments attended and missed (with their number of
    young people). One statement:

    1. per young person and month, their counts of each kind of event (ORM: GROUP BY youth, month) — on
       PostgreSQL a stream over the index (youth, date) INCLUDE (kind, status), which holds every column read;
    2. the month of their previous contact: a window over the young person's months, already in order;
    3. joined once per person-month to the young person's geography and barrier domains (a bitmask), then
       summed by month, geography and previous month (a hash aggregate: ~9 million person-months fold into
       ~80,000 rows). Counts are COUNT(CASE …), and the per-month counts integers, so that PostgreSQL sums
       machine integers, not numerics.
    """
    youth = _youth_models()
    from maillage.youth.enums import EventKind, EventStatus

    contact = _contact_q()
    events = youth.Event.objects.filter(contact | Q(kind=EventKind.APPOINTMENT, status=EventStatus.MISSED))
    events = _in_range(events, "youth_id", ids)
    if months is not None:
        touched = youth.Event.objects.filter(in_months("starts_at", months, is_datetime=True))
        events = events.filter(youth_id__in=touched.values("youth_id"))
        last = add_months(max(months), 1)
        events = events.filter(starts_at__lt=_local_midnight(last))
    kinds = [k for k, _ in EventKind.choices]
    # Contacts by kind and missed appointments; a person-month's contacts are the sum of its contacts by
    # kind, and its appointments attended its contacts of the kind "appointment" (a contact is an attended
    # event or a message): two counts fewer per event and per person-month.
    counts = {
        **{f"n_k_{k}": contact & Q(kind=k) for k in kinds},
        "n_missed": Q(kind=EventKind.APPOINTMENT, status=EventStatus.MISSED),
    }
    per_month = (
        events.annotate(o_month=LocalMonth("starts_at"))
        .values("youth_id", "o_month")
        # COUNT(youth_id), not COUNT(id): every column read is then in the index on (youth, date) including
        # the kind and the status, which PostgreSQL reads alone and in order (docs/performance.md).
        .annotate(**{name: Count("youth_id", filter=condition) for name, condition in counts.items()})
        .order_by()
    )
    inner_sql, inner_params = per_month.query.sql_with_params()
    flags_sql, flags_params = barrier_mask_sql(ids=ids)

    month, prev = q("o_month"), q("prev")
    contacts = " + ".join(f"ym.{q('n_k_' + k)}" for k in kinds)
    window_sql = (
        f"SELECT ym.{q('youth_id')} AS {q('youth_id')}, ym.{month} AS {month}, "  # noqa: S608 - identifiers and ORM SQL, no user input
        + "".join(f"CAST(ym.{q(name)} AS INTEGER) AS {q(name)}, " for name in counts)
        + f"CAST({contacts} AS INTEGER) AS {q('n_contact')}, "
        + f"MAX(CASE WHEN {contacts} > 0 THEN ym.{month} END) OVER ("
        f"PARTITION BY ym.{q('youth_id')} ORDER BY ym.{month} "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS {prev} "
        f"FROM ({inner_sql}) ym"
    )

    def positive(column: str, extra: str = "") -> str:
        return f"COUNT(CASE WHEN w.{q(column)} > 0{extra} THEN 1 END)"

    selects = [
        f"w.{month} AS {q('month')}",
        *(f"y.{q(c)} AS {q(c)}" for c in GEO_FIELDS),
        f"w.{prev} AS {q('prev')}",
        f"{positive('n_contact')} AS {q('accompanied')}",
        f"SUM(w.{q('n_missed')}) AS {q('missed')}",
        f"{positive('n_missed')} AS {q('missed_p')}",
    ]
    for k in kinds:
        selects.append(f"SUM(w.{q('n_k_' + k)}) AS {q('k_' + k)}")
        selects.append(f"{positive('n_k_' + k)} AS {q('k_' + k + '_p')}")
    flags = f"y.{q('flags')}"
    for bit in range(len(VULNERABLE_DIMENSIONS)):
        # The young person's barrier domains as a bitmask (`barrier_mask_sql`); & is standard in both.
        selects.append(f"{positive('n_contact', f' AND ({flags} & {1 << bit}) <> 0')} AS {q(f'v_{bit}')}")
    youth_table = q(youth.Youth._meta.db_table)
    youth_where, youth_params = "", []
    if ids is not None:
        youth_where, youth_params = f" WHERE yy.{q('id')} >= %s AND yy.{q('id')} < %s", list(ids)
    where, where_params = "", []
    if months is not None:
        where = f" WHERE w.{month} IN ({', '.join(['%s'] * len(months))})"
        where_params = list(months)
    sql = (
        f"SELECT {', '.join(selects)} FROM ({window_sql}) w "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"JOIN (SELECT yy.{q('id')} AS {q('id')}, "
        + ", ".join(f"yy.{q(c)} AS {q(c)}" for c in GEO_FIELDS)
        + f", COALESCE(f.{q('mask')}, 0) AS {q('flags')} "
        f"FROM {youth_table} yy LEFT JOIN ({flags_sql}) f ON f.{q('youth_id')} = yy.{q('id')}"
        f"{youth_where}) y "
        f"ON y.{q('id')} = w.{q('youth_id')}{where} "
        f"GROUP BY w.{month}, " + ", ".join(f"y.{q(c)}" for c in GEO_FIELDS) + f", w.{prev}"
    )
    return sql, [*inner_params, *flags_params, *youth_params, *where_params]


ACCOMPANIMENT_EVENT_CODES = (
    "youths_accompanied",
    "vulnerable",
    "appointments_attended",
    "appointments_missed",
    "contacts",
)


def _accompaniment_merge(source: str, months: Months) -> int:
    from maillage.youth.enums import EventKind

    delete_values(ACCOMPANIMENT_EVENT_CODES, months)
    written = insert_from(source, "youths_accompanied", "accompanied", "accompanied", previous="prev")
    for bit, (code, _) in enumerate(VULNERABLE_DIMENSIONS):
        written += insert_from(source, "vulnerable", f"v_{bit}", f"v_{bit}", dimension=code, previous="prev")
    attended = f"k_{EventKind.APPOINTMENT}"  # attended appointments: the contacts of that kind
    written += insert_from(source, "appointments_attended", attended, f"{attended}_p")
    written += insert_from(source, "appointments_missed", "missed", "missed_p")
    for k, _ in EventKind.choices:
        written += insert_from(source, "contacts", f"k_{k}", f"k_{k}_p", dimension=k)
    return written


compute_accompaniment_events = ByYoungPeople(
    "compute_accompaniment_events",
    _accompaniment_part_sql,
    _accompaniment_merge,
    hashed_aggregation=True,
    doc="""Young people accompanied and vulnerable publics (distinct, split by the month of the previous
    contact), contacts by kind, appointments attended and missed (flows, with their number of young people):
    everything read from the events, in one pass over them (`_accompaniment_part_sql`).""",
)


# --- What the refresh last read of each young person ----------------------------------------------------


def _barrier_conditions() -> list[Q]:
    conditions = []
    for code, _ in VULNERABLE_DIMENSIONS:
        domain, _, detail = code.partition(":")
        conditions.append(Q(domain=domain, detail=detail) if detail else Q(domain=domain))
    return conditions


def barrier_mask_sql(
    youth_ids_sql: str = "", params: Sequence = (), *, ids: IdRange = None
) -> tuple[str, list]:
    """SELECT youth_id, mask: the barrier domains of each young person as a bitmask (ORM SQL): bit k is
    `indicators.VULNERABLE_DIMENSIONS[k]`."""
    youth = _youth_models()
    barriers = _in_range(youth.Barrier.objects.all(), "youth_id", ids)
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
    hints: list[str] = []
    if since is None:
        empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        _execute(f"{empty} {snapshot}", [])
        sql, params = youth_state_sql()
        # Every young person: their barriers grouped in id order and merged with them, a stream, rather
        # than a hash table of a million groups (the planner's choice, twice as slow).
        hints = planner_hints(streaming=True)
    else:
        changed_sql, changed_params = changed_youths_sql(since, until)
        _execute(f"DELETE FROM {snapshot} WHERE {q('youth_id')} IN ({changed_sql})", changed_params)  # noqa: S608
        sql, params = youth_state_sql(changed_sql, changed_params)
    return _execute_with(hints, f"INSERT INTO {snapshot} ({columns}) {sql}", params)  # noqa: S608 - identifiers and ORM SQL


def compute_accompaniment_files(months: Months, *, today: date | None = None) -> int:
    """New files, and the delay before their first appointment (by month of intake).

    One row per young person first (a scratch table: intake month, geography, days to the first attended
    appointment or NULL), so that the first appointment — a subquery per young person, an index probe — is
    looked up once; written as one query, both aggregates and the filter would each repeat it."""
    youth = _youth_models()
    from maillage.youth.enums import EventKind, EventStatus

    delete_values(["new_files", "first_appointment_files", "first_appointment_days"], months)
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
    per_youth = (
        youth.Youth.objects.filter(in_months("intake_on", months))
        .annotate(
            o_month=month_of("intake_on"),
            o_days=DaysBetween(Subquery(first, output_field=DateField()), F("intake_on")),
        )
        .values("o_month", *GEO_FIELDS, "o_days")
        .order_by()
    )
    sql, params = per_youth.query.sql_with_params()
    geo = ", ".join(q(c) for c in GEO_FIELDS)
    written = 0
    with TempTable(sql, params) as files:
        by_month = (
            f"SELECT {q('o_month')} AS {q('month')}, {geo}, COUNT(*) AS {q('files')}, "  # noqa: S608 - identifiers, no user input
            f"COUNT({q('o_days')}) AS {q('seen')}, SUM({q('o_days')}) AS {q('days')} "
            f"FROM {files.name} GROUP BY {q('o_month')}, {geo}"
        )
        with TempTable(by_month, []) as tmp:
            written += tmp.insert("new_files", "files", "files")
            written += tmp.insert("first_appointment_files", "seen", "seen")
            written += tmp.insert("first_appointment_days", "days", "seen")
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


def _proposal_columns() -> list[tuple[str, str, Q]]:
    from maillage.youth.enums import ProposalKind, ProposalStatus

    columns = [("proposals", kind, Q(kind=kind)) for kind in ProposalKind.values]
    columns += [("proposal_outcomes", status, Q(status=status)) for status in ProposalStatus.values]
    return columns


def _proposals_part_sql(months: Months, ids: IdRange) -> tuple[str, list]:
    youth = _youth_models()
    proposals = _in_range(youth.Proposal.objects.filter(in_months("proposed_on", months)), "youth_id", ids)
    return youth_month_counts_sql(proposals, month="proposed_on", columns=_proposal_columns(), ids=ids)


def _proposals_merge(source: str, months: Months) -> int:
    delete_values(["proposals", "proposal_outcomes"], months)
    written = 0
    for k, (indicator, dimension, _) in enumerate(_proposal_columns()):
        written += insert_from(source, indicator, f"v_{k}", f"p_{k}", dimension=dimension)
    return written


def youth_month_counts_sql(
    queryset: QuerySet, *, month: str, columns: list[tuple[str, str, Q]], ids: IdRange = None
) -> tuple[str, list]:
    """Flows with their exact number of young people, without COUNT(DISTINCT): count each young person's
    rows of the month for every (indicator, dimension) condition (ORM: GROUP BY youth, month), then sum by
    month and geography the counts and the young people with a non-zero count. Columns: month, geography,
    then v_k and p_k for each condition k."""
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
        selects.append(f"COUNT(CASE WHEN w.{q(f'n_{k}')} > 0 THEN 1 END) AS {q(f'p_{k}')}")
    geo = ", ".join(f"y.{q(c)}" for c in GEO_FIELDS)
    youth_where, youth_params = "", []
    if ids is not None:
        youth_where, youth_params = f" WHERE y.{q('id')} >= %s AND y.{q('id')} < %s", list(ids)
    sql = (
        f"SELECT {', '.join(selects)} FROM ({inner_sql}) w "  # noqa: S608 - identifiers and ORM SQL, no user input
        f"JOIN {q(youth.Youth._meta.db_table)} y ON y.{q('id')} = w.{q('youth_id')}{youth_where} "
        f"GROUP BY w.{q('o_month')}, {geo}"
    )
    return sql, [*inner_params, *youth_params]


compute_proposals = ByYoungPeople(
    "compute_proposals",
    _proposals_part_sql,
    _proposals_merge,
    streaming=True,
    doc="Proposals by kind and by status, in one pass (per young person and month, then by geography).",
)


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
    """Exits by kind, and for each horizon the exits followed, or not, by a job or a training.

    One row per exit first (a scratch table: month, geography, kind, young person and, for each horizon,
    1 / 0 for in a job or a training then / not, NULL while not yet observable), so that each horizon's
    lookup — a subquery per exit — runs once; written as one query, the four counts of each horizon would
    each repeat it."""
    youth = _youth_models()
    from maillage.youth.enums import SituationKind

    today = today or timezone.localdate()
    codes = ["exits"] + [f"exits_{sign}_{h}m" for h in HORIZONS for sign in ("positive", "negative")]
    delete_values(codes, months)
    exits = exit_situations().filter(in_months("started_on", months))
    outcomes = {}
    for h in HORIZONS:
        days = HORIZON_DAYS[h]
        horizon = AddDays(OuterRef("started_on"), days)
        in_place = youth.Situation.objects.filter(
            youth=OuterRef("youth"),
            kind__in=[SituationKind.JOB, SituationKind.TRAINING],
            started_on__lte=horizon,
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=horizon))
        # An exit is observed at h months when its date + h is past.
        seen = Q(started_on__lte=today - timedelta(days=days))
        outcomes[f"o_ok_{h}"] = Case(
            When(seen & Q(Exists(in_place)), then=Value(1)),
            When(seen, then=Value(0)),
            default=Value(None),
            output_field=IntegerField(),
        )
    per_exit = (
        exits.annotate(
            o_month=month_of("started_on"),
            o_commune=F("youth__commune_id"),
            o_quartier=F("youth__quartier_id"),
            o_qpv=F("youth__qpv_id"),
            **outcomes,
        )
        .values("o_month", "o_commune", "o_quartier", "o_qpv", "o_exit", "youth_id", *outcomes)
        .order_by()
    )
    sql, params = per_exit.query.sql_with_params()

    youth_id = q("youth_id")
    metrics = [("n", "COUNT(*)"), ("n_p", f"COUNT(DISTINCT {youth_id})")]
    outputs = [("exits", "n", "n_p")]
    for h in HORIZONS:
        for sign, flag in (("positive", 1), ("negative", 0)):
            condition = f"{q(f'o_ok_{h}')} = {flag}"
            metrics += [
                (f"{sign}_{h}", f"COUNT(CASE WHEN {condition} THEN 1 END)"),
                (f"{sign}_{h}_p", f"COUNT(DISTINCT CASE WHEN {condition} THEN {youth_id} END)"),
            ]
            outputs.append((f"exits_{sign}_{h}m", f"{sign}_{h}", f"{sign}_{h}_p"))
    columns = ", ".join(f"{expression} AS {q(name)}" for name, expression in metrics)
    written = 0
    with TempTable(sql, params) as per_exit_table:
        by_month = (
            f"SELECT {q('o_month')} AS {q('month')}, {q('o_commune')} AS {q('commune_id')}, "  # noqa: S608 - identifiers, no user input
            f"{q('o_quartier')} AS {q('quartier_id')}, {q('o_qpv')} AS {q('qpv_id')}, "
            f"{q('o_exit')} AS {q('dimension')}, {columns} FROM {per_exit_table.name} GROUP BY "
            f"{q('o_month')}, {q('o_commune')}, {q('o_quartier')}, {q('o_qpv')}, {q('o_exit')}"
        )
        with TempTable(by_month, []) as tmp:
            geo = ", ".join(q(c) for c in GEO_FIELDS)
            for indicator, value, persons in outputs:
                written += _insert(
                    f"SELECT {q('month')}, {geo}, %s, {q('dimension')}, NULL, {q(value)}, {q(persons)} "  # noqa: S608 - identifiers, no user input
                    f"FROM {tmp.name} WHERE {q(value)} > 0",
                    [indicator],
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
