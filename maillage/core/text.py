"""Text helpers shared by every app: the accent- and case-insensitive search key."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def search_key(value: str | None) -> str:
    """Lower-case ASCII words separated by single spaces: "Châteaugiron" -> "chateaugiron".

    Stored beside names so that PostgreSQL and SQLite search alike with a plain LIKE/startswith.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = ascii_only.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return _NON_ALNUM.sub(" ", ascii_only.lower()).strip()
