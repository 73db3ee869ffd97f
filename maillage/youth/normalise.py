"""Normalisation of what a counsellor types: phone numbers, e-mails, names, and the keys derived from them.

The keys are plain functions so that bulk inserts (imports, the demo generator) compute them exactly as
the services do, without going through `save()`.
"""

from __future__ import annotations

import re
from datetime import date

from maillage.core.text import search_key

_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]+")
PHONE_ERROR = (
    "Numéro de téléphone invalide : saisissez 10 chiffres (06 12 34 56 78) "
    "ou un numéro international (+33 6 12 34 56 78)."
)


def normalise_phone(raw: str | None) -> str:
    """French numbers become "+33XXXXXXXXX"; other international numbers are kept as "+<digits>".

    Accepts "06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78", "+33 (0)6 12…",
    "0033 6 12 34 56 78". Raises ValueError (with a French message) for anything else. "" stays "".
    """
    value = (raw or "").strip()
    if not value:
        return ""
    value = value.replace("(0)", "")
    value = _PHONE_SEPARATORS.sub("", value)
    if value.startswith("00"):
        value = "+" + value[2:]
    if value.startswith("+"):
        digits = value[1:]
        if not digits.isdigit():
            raise ValueError(PHONE_ERROR)
        if digits.startswith("33"):
            national = digits[2:]
            if national.startswith("0"):
                national = national[1:]
            if len(national) != 9 or national[0] == "0":
                raise ValueError(PHONE_ERROR)
            return "+33" + national
        if not 8 <= len(digits) <= 15:
            raise ValueError(PHONE_ERROR)
        return "+" + digits
    if value.isdigit() and len(value) == 10 and value[0] == "0" and value[1] != "0":
        return "+33" + value[1:]
    raise ValueError(PHONE_ERROR)


def format_phone(value: str | None) -> str:
    """ "+33612345678" -> "06 12 34 56 78" for display; other numbers are shown as stored."""
    if not value:
        return ""
    if value.startswith("+33") and len(value) == 12:
        national = "0" + value[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return value


def normalise_email(raw: str | None) -> str:
    return (raw or "").strip().lower()


def clean_name(raw: str | None) -> str:
    """Collapse inner spaces; keep the case the person typed (names have their own capitals)."""
    return " ".join((raw or "").split())


def youth_search_key(last_name: str, first_names: str) -> str:
    """The stored search key: "last first", accent- and case-insensitive (see core.text.search_key)."""
    return f"{search_key(last_name)} {search_key(first_names)}".strip()


def _compact(value: str) -> str:
    return search_key(value).replace(" ", "")


def youth_identity_key(last_name: str, first_names: str, birth_date: date | None) -> str:
    """Duplicate-detection key: last name + first given name (spaces, accents, hyphens ignored) + birth date.

    "Le Gall" and "LEGALL" match; "Jean-Pierre Marie" matches "Jean-Pierre" but not "Jean" (a hyphenated
    first name is one name). Phone and e-mail catch what this key misses.
    """
    if not last_name or not first_names or birth_date is None:
        return ""
    first_given = re.split(r"[\s,]+", first_names.strip())[0]
    return f"{_compact(last_name)}|{_compact(first_given)}|{birth_date:%Y%m%d}"


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on a date (a person born on 29 February ages on 1 March in common years)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
