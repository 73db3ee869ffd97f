from django.core.management.base import BaseCommand

from maillage.portal import services


class Command(BaseCommand):
    help = (
        "Portail des jeunes : relance les invitations sans réponse depuis 3 jours et rappelle "
        "les rendez-vous "
        "du lendemain (une seule fois chacun). À lancer une fois par jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Met le travail en file d'attente (worker) au lieu de le faire.",
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            from maillage.portal.tasks import send_portal_reminders

            result = send_portal_reminders.enqueue()
            self.stdout.write(f"Tâche mise en file d'attente ({result.id}).")
            return
        sent = services.send_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"{sent['invitations']} relance(s) d'invitation et {sent['appointments']} rappel(s) de rendez-vous envoyés."  # noqa: E501
            )
        )
