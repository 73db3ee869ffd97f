"""Background work of the employers app (django-tasks).

`expire_offers` is meant to run once a day (cron: `manage.py expire_offers`, which enqueues it). Offers are
already shown as expired by `OfferQuerySet.with_effective_status()` as soon as their date has passed; the
task writes the status down and audits it, so that exports and other apps see a stored value.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def expire_offers() -> int:
    return services.expire_offers()


@task()
def sync_job_profiles() -> int:
    """Nightly: the job profiles' copy of the file (zone, commune, status, level) follows transfers, moves
    and archiving (`manage.py sync_job_profiles`). The rows a ranking shows are checked against the file."""
    return services.sync_job_profiles()
