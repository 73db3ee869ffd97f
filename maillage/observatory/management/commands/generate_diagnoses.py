"""Archive the local diagnosis (PDF) of every zone and EPCI for a quarter (cron, early each quarter).

manage.py generate_diagnoses                 # the last complete quarter
manage.py generate_diagnoses --periode 2025-T3
manage.py generate_diagnoses --enqueue       # as a background task
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from maillage.observatory import dashboard, diagnosis


class Command(BaseCommand):
    help = (
        "Produit et archive l'état des lieux local (PDF) de chaque zone et de chaque EPCI pour un trimestre."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--periode", default="", help="Trimestre au format AAAA-Tn (défaut : le dernier complet)."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Lance une tâche de fond au lieu d'attendre."
        )

    def handle(self, *args, periode: str, enqueue: bool, **options):
        _, last = dashboard.month_bounds()
        try:
            quarter = diagnosis.parse_period(periode or None, default=diagnosis.last_complete_quarter(last))
        except diagnosis.PeriodError as exc:
            raise CommandError(str(exc)) from exc
        if last is None:
            raise CommandError(
                "Les indicateurs n'ont pas encore été calculés : lancez d'abord refresh_indicators."
            )
        if enqueue:
            from maillage.observatory.tasks import generate_quarterly_diagnoses

            result = generate_quarterly_diagnoses.enqueue(quarter.key)
            self.stdout.write(
                f"Production des états des lieux du {quarter.label} mise en file d'attente ({result.id})."
            )
            return
        reports = diagnosis.archive_quarter(quarter)
        self.stdout.write(self.style.SUCCESS(f"{len(reports)} états des lieux du {quarter.label} archivés."))
