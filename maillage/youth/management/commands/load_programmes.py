from django.core.management.base import BaseCommand

from maillage.youth.programmes import load_programmes


class Command(BaseCommand):
    help = "Crée ou met à jour les dispositifs de référence (PACEA, CEJ, Garantie jeunes…). Idempotent."

    def handle(self, *args, **options):
        created, updated = load_programmes()
        self.stdout.write(f"Dispositifs : {created} créé(s), {updated} mis à jour.")
