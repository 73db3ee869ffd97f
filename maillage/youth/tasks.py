"""Background work of the lists (django-tasks). Run `manage.py anonymise_inactive --enqueue` once a day
(cron or the platform's scheduler), or `manage.py anonymise_inactive` directly."""

from __future__ import annotations

from django_tasks import task

from . import retention


@task()
def anonymise_inactive() -> dict[str, int]:
    """The daily retention cycle (retention.run_retention): notices given and withdrawn, files anonymised."""
    report = retention.run_retention()
    return {"noticed": report.noticed, "withdrawn": report.withdrawn, "anonymised": report.anonymised}
