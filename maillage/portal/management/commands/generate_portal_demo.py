from django.core.management.base import BaseCommand, CommandError

from maillage.portal.demo import DemoError, generate_portal_demo


class Command(BaseCommand):
    help = (
        "Démonstration du portail : relie jeune@demo.maillage.test à un dossier de l'Antenne du Pays de "
        "Brocéliande (rendez-vous, messages, plan), publie des créneaux libres pour "
        "conseiller@demo.maillage.test "
        "et met quelques pré-inscriptions dans la file d'attente. Peut être relancée sans doublon."
    )

    def handle(self, *args, **options):
        try:
            report = generate_portal_demo()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Portail des jeunes : démonstration prête."))
        for line in report:
            self.stdout.write(f"  {line}")
