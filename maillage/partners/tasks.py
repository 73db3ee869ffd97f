"""Background work of the partners app (django-tasks). `manage.py remind_stale_listings` enqueues the
reminder task; run it once a day (cron or the platform's scheduler)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def remind_stale_listings() -> int:
    """E-mail the owners of listings unchecked for six months (PARTNERS_LISTING_STALE_DAYS), at most once per
    PARTNERS_REMINDER_INTERVAL_DAYS. Returns the number of organisations reminded."""
    return services.send_stale_listing_reminders()
