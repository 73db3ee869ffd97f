from django.core.management.base import BaseCommand

from maillage.partners.tasks import remind_stale_listings


class Command(BaseCommand):
    help = "Envoie (par la file des tâches) les rappels de mise à jour des fiches partenaires non vérifiées."

    def handle(self, *args, **options):
        result = remind_stale_listings.enqueue()
        self.stdout.write(f"Tâche de rappel mise en file ({result.id}, statut {result.status}).")
