"""Background work of the observatory (django-tasks; the immediate backend runs it at once, the database
backend in a worker: `make worker`).

- `refresh_indicators(run_id)`: runs a logged refresh (refresh.execute). Enqueued by the page's button and
  by `manage.py refresh_indicators --enqueue`; cron runs `manage.py refresh_indicators` nightly.
- `generate_quarterly_diagnoses(period)`: archives the local diagnosis of every zone and EPCI for a quarter
  (the last complete one by default); cron runs `manage.py generate_diagnoses --enqueue` early each quarter.
"""

from __future__ import annotations

from django_tasks import task

from . import diagnosis, refresh
from .models import RefreshRun


@task()
def refresh_indicators(run_id: int) -> dict[str, object]:
    run = RefreshRun.objects.get(pk=run_id)
    refresh.execute(run)
    return {"run": run.pk, "status": run.status, "rows": run.rows_written}


@task()
def generate_quarterly_diagnoses(period: str = "") -> dict[str, object]:
    _, last = diagnosis.dashboard.month_bounds()
    quarter = diagnosis.parse_period(period or None, default=diagnosis.last_complete_quarter(last))
    reports = diagnosis.archive_quarter(quarter)
    return {"period": quarter.key, "reports": len(reports)}
