"""The one table structure of the observatory: shown as an HTML table, exported as CSV (pure, no database).

A chart's companion data table, a figures-by-commune table and a CSV export are the same `Table`, so
what is downloaded is exactly what is shown (plus, for some tables, the rows cut from the page: see
`export_rows`). Every cell carries its display text (French formatting, "< 11" when suppressed) and the
value written to the CSV file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .formatting import fr_number, fr_percent


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = True


@dataclass(frozen=True)
class TableCell:
    display: str
    #: What the CSV file receives: a number, a text, or the display text of a suppressed cell.
    raw: Any = None
    suppressed: bool = False
    #: Right-aligned with tabular figures (numbers, and "< 11" in their place).
    numeric: bool = True

    def csv_value(self) -> Any:
        if self.suppressed:
            return self.display
        if self.raw is None:
            return ""
        if isinstance(self.raw, float | Decimal):
            # French spreadsheets read "767,9" as a number, "767.9" as a date or a text.
            return str(self.raw).replace(".", ",")
        return self.raw


@dataclass(frozen=True)
class TableRow:
    header: TableCell
    cells: tuple[TableCell, ...]


@dataclass(frozen=True)
class Table:
    #: Export key, unique on the page (``?export=<key>``) and CSV file name.
    key: str
    caption: str
    header_label: str
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    footer: TableRow | None = None
    note: str = ""
    #: Rows written to the CSV file when they differ from the rows shown (e.g. all occupations, 15 shown).
    export_rows: tuple[TableRow, ...] | None = None
    #: Credit and vintage, repeated in the CSV file so that a downloaded table keeps its source.
    source: str = ""

    @property
    def filename(self) -> str:
        return f"observatoire-{self.key}.csv"

    def csv_header(self) -> list[str]:
        return [self.header_label, *(column.label for column in self.columns)]

    def csv_rows(self) -> Iterable[list[Any]]:
        for row in self.export_rows if self.export_rows is not None else self.rows:
            yield [row.header.csv_value(), *(cell.csv_value() for cell in row.cells)]
        if self.footer is not None:
            yield [self.footer.header.csv_value(), *(cell.csv_value() for cell in self.footer.cells)]
        if self.source:
            yield []
            yield [f"Source : {self.source}"]
        if self.note:
            yield [self.note]


def text(value: str) -> TableCell:
    return TableCell(display=value, raw=value, numeric=False)


def number(value: int | float | Decimal | None, decimals: int = 0) -> TableCell:
    """A count or a measure; None is shown "—" and exported empty."""
    if value is None:
        return TableCell(display="—", raw=None)
    raw: Any = value
    if decimals == 0 and not isinstance(value, int):
        raw = int(Decimal(str(value)).quantize(Decimal(1)))
    elif decimals and not isinstance(value, int):
        raw = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals))
    return TableCell(display=fr_number(value, decimals), raw=raw)


def percent(value: int | float | Decimal | None, decimals: int = 1) -> TableCell:
    if value is None:
        return TableCell(display="—", raw=None)
    return TableCell(
        display=fr_percent(value, decimals), raw=Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals))
    )


def secret(label: str) -> TableCell:
    """A value withheld by its producer or by our own suppression rule: the label, never a number."""
    return TableCell(display=label, raw=None, suppressed=True)


def row(header: str, cells: Sequence[TableCell]) -> TableRow:
    return TableRow(header=text(header), cells=tuple(cells))
