from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from maillage.employers.tasks import expire_offers


class Command(BaseCommand):
    help = (
        "Passe au statut « expirée » les offres ouvertes dont la date d'expiration est passée. "
        "À lancer chaque jour (cron) ; la tâche est exécutée par le worker, ou tout de suite sans worker."
    )

    def handle(self, *args, **options):
        result = expire_offers.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"{result.return_value} offre(s) passée(s) au statut « expirée ».")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("La tâche d'expiration des offres a échoué : voyez le journal des tâches.")
        else:
            self.stdout.write(f"Tâche mise en file d'attente (identifiant {result.id}).")
