"""Background work of the partners app (django-tasks). Run once a day (cron or the platform's scheduler):
`manage.py remind_stale_listings` and `manage.py remind_referrals`, which enqueue the tasks below."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def remind_stale_listings() -> int:
    """E-mail the owners of listings unchecked for six months (PARTNERS_LISTING_STALE_DAYS), at most once per
    PARTNERS_REMINDER_INTERVAL_DAYS. Returns the number of organisations reminded."""
    return services.send_stale_listing_reminders()


@task()
def remind_referrals() -> int:
    """E-mail each organisation about its referrals waiting for an answer for PARTNERS_REFERRAL_REMINDER_DAYS
    (10) days; each referral is reminded once. Returns the number of e-mails sent."""
    return services.send_referral_reminders()


@task()
def notify_new_referral(referral_id: int) -> bool:
    """Tell the receiving organisation that a referral arrived (enqueued when the referral is committed)."""
    return services.send_referral_notification(referral_id)
