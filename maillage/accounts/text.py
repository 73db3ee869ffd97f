"""French wording of durations (lockout, session limits, reset link validity)."""

from __future__ import annotations

from datetime import timedelta


def duration_fr(value: timedelta | int | float | None) -> str:
    """A duration (timedelta or seconds) in French words: "15 minutes", "1 heure 30 minutes", "3 jours"."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        return ""
    minutes = max(int(seconds // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = ((days, "jour", "jours"), (hours, "heure", "heures"), (minutes, "minute", "minutes"))
    parts = [f"{count} {singular if count == 1 else plural}" for count, singular, plural in units if count]
    return " ".join(parts) or "moins d'une minute"
