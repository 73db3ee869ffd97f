from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from maillage.employers.tasks import sync_job_profiles


class Command(BaseCommand):
    help = (
        "Met à jour, dans les profils professionnels, la copie de la zone, de la commune, du statut et du "
        "niveau du dossier (transferts, déménagements, archivage). À lancer chaque nuit (cron)."
    )

    def handle(self, *args, **options):
        result = sync_job_profiles.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"{result.return_value} profil(s) professionnel(s) mis à jour.")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError(
                "La mise à jour des profils professionnels a échoué : voyez le journal des tâches."
            )
        else:
            self.stdout.write(f"Tâche mise en file d'attente (identifiant {result.id}).")
