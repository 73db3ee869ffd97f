"""Refresh the observatory's summary tables (nightly from cron; docs/indicators.md, "Moteur").

manage.py refresh_indicators              # incremental: the months touched since the last refresh
manage.py refresh_indicators --months 2   # the same, plus the last two months whatever happened
manage.py refresh_indicators --full       # every month (weekly: catches deletions and moved dates)
manage.py refresh_indicators --enqueue    # as a background task (django-tasks) instead of here
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from maillage.observatory import refresh
from maillage.observatory.enums import RefreshMode, RefreshStatus


class Command(BaseCommand):
    help = "Actualise les indicateurs de l'observatoire (tables de synthèse)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--full", action="store_true", help="Recalcule tous les mois.")
        group.add_argument(
            "--months",
            type=int,
            metavar="N",
            help="Recalcule aussi les N derniers mois (mois en cours compris).",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Lance une tâche de fond au lieu d'attendre."
        )

    def handle(self, *args, full: bool, months: int | None, enqueue: bool, **options):
        if months is not None and months < 1:
            raise CommandError("--months doit être un nombre de mois supérieur ou égal à 1.")
        mode = RefreshMode.FULL if full else RefreshMode.MONTHS if months else RefreshMode.INCREMENTAL
        try:
            run = refresh.start_run(mode=mode, months=months)
        except refresh.RefreshBusy as exc:
            raise CommandError(str(exc)) from exc
        if enqueue:
            from maillage.observatory.tasks import refresh_indicators

            result = refresh_indicators.enqueue(run.pk)
            self.stdout.write(f"Actualisation n° {run.pk} mise en file d'attente (tâche {result.id}).")
            return
        refresh.execute(run)
        if run.status != RefreshStatus.SUCCEEDED:
            raise CommandError(
                f"Échec de l'actualisation n° {run.pk} : {run.error.splitlines()[0] if run.error else ''}"
            )
        recomputed = run.months or {}
        detail = ", ".join(
            f"{key} : {'tous les mois' if value is None else len(value)}"
            for key, value in recomputed.items()
            if value != []
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Indicateurs actualisés ({run.get_mode_display().lower()}) en "
                f"{run.duration_seconds:.1f} s : "
                f"{run.rows_written} lignes écrites. Mois recalculés — {detail or 'aucun'}."
            )
        )
