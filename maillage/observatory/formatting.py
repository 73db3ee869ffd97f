"""French number and month formatting for the observatory (pure functions, no database, no request).

French typography: thousands separated by a no-break space, decimal comma, a no-break space before "%".
The same text goes into the page, the SVG charts and their data tables, so that they never disagree.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

Number = int | float | Decimal


def _rounded(value: Number, decimals: int) -> Decimal:
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def fr_number(value: Number | None, decimals: int = 0, *, empty: str = "—") -> str:
    """1234567.891 → "1 234 568" (decimals=0) or "1 234 567,9" (decimals=1); None → "—"."""
    if value is None:
        return empty
    rounded = _rounded(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0"
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):,.{decimals}f}"
    integer, _, fraction = text.partition(".")
    integer = integer.replace(",", NBSP)
    return f"{sign}{integer},{fraction}" if fraction else f"{sign}{integer}"


def fr_percent(value: Number | None, decimals: int = 1, *, empty: str = "—") -> str:
    """15.734 → "15,7 %" (the value is already a percentage)."""
    if value is None:
        return empty
    return f"{fr_number(value, decimals)}{NBSP}%"


def fr_signed(value: Number | None, decimals: int = 0, *, suffix: str = "", empty: str = "—") -> str:
    """A change: +1 234, -12, 0 (with a typographic minus sign)."""
    if value is None:
        return empty
    rounded = _rounded(value, decimals)
    text = fr_number(abs(rounded), decimals)
    if rounded > 0:
        text = "+" + text
    elif rounded < 0:
        text = "\u2212" + text
    return f"{text}{NBSP}{suffix}" if suffix else text


def share(part: Number | None, whole: Number | None) -> Decimal | None:
    """part / whole in percent, None when it cannot be computed."""
    if part is None or whole is None or whole == 0:
        return None
    return Decimal(str(part)) * 100 / Decimal(str(whole))


def fr_month(value: date, *, short: bool = False) -> str:
    """date(2024, 6, 1) → "juin 2024" (or "juin 2024" / "janv. 2024" when short)."""
    names = SHORT_MONTHS if short else MONTHS
    return f"{names[value.month - 1]} {value.year}"


def month_key(value: date) -> str:
    """date(2024, 6, 1) → "2024-06", the form of the month in URLs and CSV files."""
    return f"{value.year:04d}-{value.month:02d}"


def add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """Every first-of-month from start to end inclusive."""
    months = []
    current = date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months
