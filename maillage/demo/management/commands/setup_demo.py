from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from maillage.demo.accounts import ensure_demo_accounts
from maillage.demo.sites import ensure_demo_sites


class Command(BaseCommand):
    help = "Charge le territoire et les données de démonstration, crée un compte par rôle et les affiche."

    def add_arguments(self, parser):
        parser.add_argument(
            "--youths", type=int, default=8000, help="Nombre de jeunes fictifs (défaut 8000)."
        )

    def handle(self, *args, youths: int, **options):
        if not settings.DEMO_MODE:
            raise CommandError("setup_demo ne fonctionne qu'en mode démonstration (MAILLAGE_DEMO=1).")
        call_command("load_territory", stdout=self.stdout)
        created = ensure_demo_sites()
        self.stdout.write(f"Lieux d'accueil de démonstration : {created} créé(s).")
        accounts = ensure_demo_accounts()
        available = get_commands()
        for command, kwargs in (
            ("import_open_data", {}),
            ("load_referentials", {}),
            ("load_programmes", {}),
            ("generate_demo", {"youths": youths}),
            ("generate_partners_demo", {}),
            ("generate_employers_demo", {}),
            ("generate_portal_demo", {}),
            ("refresh_indicators", {"full": True}),
            ("generate_diagnoses", {}),
        ):
            if command in available:
                call_command(command, stdout=self.stdout, **kwargs)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (mot de passe : maillage-demo) :"))
        for account, _user in accounts:
            self.stdout.write(f"  {account.email:<42} {account.description}")
        self.stdout.write("")
        self.stdout.write("Ouvrez http://127.0.0.1:8000/connexion/")
