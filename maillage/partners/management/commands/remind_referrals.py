from django.core.management.base import BaseCommand

from maillage.partners.tasks import remind_referrals


class Command(BaseCommand):
    help = (
        "Relance (par la file des tâches) les structures partenaires dont des orientations attendent une "
        "réponse depuis PARTNERS_REFERRAL_REMINDER_DAYS jours (10 par défaut). À lancer une fois par jour."
    )

    def handle(self, *args, **options):
        result = remind_referrals.enqueue()
        self.stdout.write(
            f"Tâche de relance des orientations mise en file ({result.id}, statut {result.status})."
        )
