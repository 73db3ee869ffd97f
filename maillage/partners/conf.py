"""Settings of the partners app, read at call time with their defaults (config/settings.py may set them)."""

from __future__ import annotations

from django.conf import settings


def listing_stale_days() -> int:
    """A listing (organisation or service) not checked for this many days is flagged as stale."""
    return int(getattr(settings, "PARTNERS_LISTING_STALE_DAYS", 183))


def reminder_interval_days() -> int:
    """An owner organisation is reminded of its stale listings at most once per this many days."""
    return int(getattr(settings, "PARTNERS_REMINDER_INTERVAL_DAYS", 30))


def data_inclusion_source() -> str:
    """The producer name (`source`) written in data·inclusion exports and in new listings' identifiers."""
    return str(getattr(settings, "PARTNERS_DATA_INCLUSION_SOURCE", "maillage"))


def document_max_bytes() -> int:
    return int(getattr(settings, "PARTNERS_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


def import_max_bytes() -> int:
    return int(getattr(settings, "PARTNERS_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


#: File types accepted as project documents: extension -> accepted content types.
DOCUMENT_TYPES: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    "odt": frozenset({"application/vnd.oasis.opendocument.text"}),
    "ods": frozenset({"application/vnd.oasis.opendocument.spreadsheet"}),
    "docx": frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    "xlsx": frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    "png": frozenset({"image/png"}),
    "jpg": frozenset({"image/jpeg"}),
    "jpeg": frozenset({"image/jpeg"}),
    "csv": frozenset({"text/csv", "application/vnd.ms-excel", "text/plain"}),
    "txt": frozenset({"text/plain"}),
}


def referral_reminder_days() -> int:
    """A referral still waiting for the partner's answer after this many days sends one reminder."""
    return int(getattr(settings, "PARTNERS_REFERRAL_REMINDER_DAYS", 10))


def referral_overdue_days() -> int:
    """A referral still waiting after this many days is flagged on the counsellor's home page."""
    return int(getattr(settings, "PARTNERS_REFERRAL_OVERDUE_DAYS", 30))


def referral_median_window_days() -> int:
    """The median response time per organisation covers the referrals answered in this many past days."""
    return int(getattr(settings, "PARTNERS_REFERRAL_MEDIAN_WINDOW_DAYS", 365))
