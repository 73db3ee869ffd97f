"""From aggregated figures to published cells: the secrecy rule applied to the observatory's own tables.

A `Figure` is a value with the number of young people it is built from. A `Publisher` turns figures into
`suppression.Published` cells — with the rule (elected officials always; staff when they ask for the
"diffusable" version: docs/indicators.md, "Qui voit quoi") or without it (staff, internal use) — and builds
the `tables.Table` the page shows and exports, so that the page, the CSV and the PDF are the same cells.

`build_table` is the one table-building function of the youth indicators: each count column is an equation
(rows + total), protected by `suppression.suppress_values`; a rate column follows the count it is computed
from (a published rate times a published population would give the count back). Tested with hypothesis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from . import tables
from .formatting import fr_number, fr_percent
from .suppression import (
    Published,
    PublishedChange,
    Status,
    min_cell,
    publish_change,
    publish_count,
    suppress_values,
    suppressed_label,
)


@dataclass(frozen=True)
class Figure:
    """An aggregated value and the number of distinct young people behind it (None: not about people)."""

    value: int = 0
    persons: int | None = 0

    def __add__(self, other: Figure) -> Figure:
        persons = (
            None
            if self.persons is None and other.persons is None
            else (self.persons or 0) + (other.persons or 0)
        )
        return Figure(self.value + other.value, persons)


ZERO = Figure(0, 0)


def total(figures: Sequence[Figure]) -> Figure:
    result = ZERO
    for figure in figures:
        result = result + figure
    return result


@dataclass(frozen=True)
class Publisher:
    #: Apply the secrecy rule (elected officials, "diffusable" exports, the diagnosis).
    secret: bool
    threshold: int = field(default_factory=min_cell)

    def _open(self, value: int) -> Published:
        return Published(value=value, status=Status.PUBLISHED, threshold=self.threshold)

    def count(self, figure: Figure) -> Published:
        """A figure shown on its own: primary suppression only."""
        if not self.secret or figure.persons is None:
            return self._open(figure.value)
        return publish_count(figure.value, threshold=self.threshold, persons=figure.persons)

    def column(
        self, figures: Sequence[Figure], column_total: Figure, *, additive: bool = True
    ) -> tuple[list[Published], Published]:
        """A list and its total (one equation when `additive`)."""
        if not self.secret or column_total.persons is None:
            return [self._open(f.value) for f in figures], self._open(column_total.value)
        series = suppress_values(
            [f.value for f in figures],
            threshold=self.threshold,
            total=column_total.value,
            persons=[f.persons for f in figures],
            total_persons=column_total.persons,
            additive=additive,
        )
        return list(series.values), series.total

    def change(self, before: Published, after: Published) -> PublishedChange:
        return publish_change(before, after)

    def ratio(
        self,
        numerator: int,
        denominator: int,
        *,
        parts: Sequence[Figure] = (),
        scale: int = 1,
        base: Published | None = None,
    ) -> Decimal | None:
        """numerator / denominator × scale, or None when it cannot be computed or must not be published:
        every part must reach the threshold, and a rate computed from a suppressed count is suppressed."""
        if not denominator:
            return None
        if self.secret:
            if base is not None and base.suppressed:
                return None
            if any(p.persons is not None and p.persons < self.threshold for p in parts):
                return None
        return Decimal(numerator) * scale / Decimal(denominator)


def cell(published: Published, decimals: int = 0) -> tables.TableCell:
    if published.suppressed:
        return tables.secret(suppressed_label(published.threshold))
    return tables.number(published.value, decimals)


def rate_cell(
    value: Decimal | None, *, suppressed: bool, threshold: int, percent: bool = True
) -> tables.TableCell:
    if suppressed:
        return tables.secret(suppressed_label(threshold))
    if value is None:
        return tables.TableCell(display="—", raw=None)
    if percent:
        return tables.percent(value)
    return tables.number(value, 1)


def display(published: Published, unit: str = "") -> str:
    if published.suppressed:
        return suppressed_label(published.threshold)
    text = fr_number(published.value)
    return f"{text}\u00a0{unit}" if unit else text


def display_rate(value: Decimal | None, *, percent: bool = True, threshold: int | None = None) -> str:
    if value is None:
        return "non publiable" if threshold is not None else "—"
    return fr_percent(value) if percent else fr_number(value, 1)


@dataclass(frozen=True)
class CountColumn:
    label: str
    figures: Sequence[Figure]
    total: Figure
    #: False when the total is not the sum of the rows (distinct young people over breakdowns).
    additive: bool = True


@dataclass(frozen=True)
class RateColumn:
    """A rate computed from a count column (index `base`) and a published denominator per row."""

    label: str
    base: int
    denominators: Sequence[Decimal | int | None]
    total_denominator: Decimal | int | None
    scale: int = 100


def build_table(
    *,
    key: str,
    caption: str,
    header_label: str,
    row_labels: Sequence[str],
    columns: Sequence[CountColumn | RateColumn],
    publisher: Publisher,
    total_label: str = "Total",
    source: str = "",
    note: str = "",
    with_total: bool = True,
) -> tables.Table:
    """The table of the page, the CSV and the PDF: rows (communes, kinds…) × count and rate columns."""
    published: dict[int, tuple[list[Published], Published]] = {}
    for index, column in enumerate(columns):
        if isinstance(column, CountColumn):
            if len(column.figures) != len(row_labels):
                raise ValueError(
                    f"« {column.label} » : {len(column.figures)} valeurs pour {len(row_labels)} lignes."
                )
            published[index] = publisher.column(column.figures, column.total, additive=column.additive)

    def cells_for(row: int | None) -> list[tables.TableCell]:
        result = []
        for index, column in enumerate(columns):
            if isinstance(column, CountColumn):
                values, column_total = published[index]
                result.append(cell(values[row] if row is not None else column_total))
                continue
            values, column_total = published[column.base]
            base = values[row] if row is not None else column_total
            denominator = column.denominators[row] if row is not None else column.total_denominator
            count_column = columns[column.base]
            assert isinstance(count_column, CountColumn)
            raw = count_column.figures[row].value if row is not None else count_column.total.value
            value = None
            if denominator:
                value = Decimal(raw) * column.scale / Decimal(str(denominator))
            result.append(rate_cell(value, suppressed=base.suppressed, threshold=publisher.threshold))
        return result

    rows = tuple(tables.row(label, cells_for(k)) for k, label in enumerate(row_labels))
    return tables.Table(
        key=key,
        caption=caption,
        header_label=header_label,
        columns=tuple(tables.Column(c.label) for c in columns),
        rows=rows,
        footer=tables.row(total_label, cells_for(None)) if with_total else None,
        source=source,
        note=note,
    )
