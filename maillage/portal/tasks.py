"""Background work of the portal (django-tasks). Run `manage.py send_portal_reminders --enqueue` once a day
(cron or the platform's scheduler), or `manage.py send_portal_reminders` to send directly."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_portal_reminders() -> dict[str, int]:
    """Invitations unanswered for 3 days and appointments of tomorrow get a reminder (once each)."""
    return services.send_reminders()
