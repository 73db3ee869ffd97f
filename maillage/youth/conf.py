"""Settings of the youth app, read at call time with their defaults (config/settings.py may set them)."""

from __future__ import annotations

from django.conf import settings


def cej_weekly_hours_min() -> int:
    return int(getattr(settings, "YOUTH_CEJ_WEEKLY_HOURS_MIN", 15))


def cej_weekly_hours_max() -> int:
    return int(getattr(settings, "YOUTH_CEJ_WEEKLY_HOURS_MAX", 20))


def min_age() -> int:
    return int(getattr(settings, "YOUTH_MIN_AGE", 16))


def max_age() -> int:
    """The oldest age accepted (inclusive): a 26th birthday ends new intakes and enrolments."""
    return int(getattr(settings, "YOUTH_MAX_AGE", 25))


def consent_text_version() -> str:
    return str(getattr(settings, "YOUTH_CONSENT_TEXT_VERSION", "2025-01"))


def document_max_bytes() -> int:
    return int(getattr(settings, "YOUTH_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024))


def not_seen_weeks() -> int:
    return int(getattr(settings, "YOUTH_NOT_SEEN_WEEKS", 6))
