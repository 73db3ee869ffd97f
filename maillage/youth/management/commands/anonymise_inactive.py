from django.core.management.base import BaseCommand

from maillage.youth import retention


class Command(BaseCommand):
    help = (
        "Conservation des données : donne un préavis de 30 jours aux dossiers sans contact depuis 2 ans "
        "(YOUTH_RETENTION_DAYS) et anonymise ceux dont le préavis est échu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Affiche ce qui serait fait, sans rien enregistrer."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Met le travail en file d'attente (worker) au lieu de le faire.",
        )

    def handle(self, *args, dry_run, enqueue, **options):
        if enqueue:
            from maillage.youth.tasks import anonymise_inactive

            result = anonymise_inactive.enqueue()
            self.stdout.write(f"Tâche mise en file d'attente ({result.id}).")
            return
        report = retention.run_retention(dry_run=dry_run)
        prefix = "[simulation] " if dry_run else ""
        verb = "seraient" if dry_run else "ont été"
        self.stdout.write(
            f"{prefix}Dossiers sans contact depuis le {retention.retention_cutoff(report.on):%d/%m/%Y} : "
            f"{report.noticed} préavis {'à donner' if dry_run else 'donnés'} "
            f"(anonymisation le {report.anonymise_on:%d/%m/%Y}), {report.withdrawn} préavis levés "
            "(contact repris)."
        )
        self.stdout.write(
            self.style.SUCCESS(f"{prefix}{report.anonymised} dossier(s) {verb} anonymisé(s) (préavis échu).")
        )
        self.stdout.write(f"{report.waiting} dossier(s) en préavis.")
