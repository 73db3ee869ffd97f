from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.partners.demo import create_demo_partners


class Command(BaseCommand):
    help = (
        "Crée (ou met à jour) l'annuaire des partenaires, les projets, les lignes de financement, "
        "les instances et les orientations de démonstration. Idempotent. Le territoire doit être "
        "chargé (load_territory) ; les orientations demandent les jeunes de démonstration (generate_demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Même hors du mode démonstration.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "generate_partners_demo ne fonctionne qu'en mode démonstration (MAILLAGE_DEMO=1)."
            )
        try:
            counts = create_demo_partners()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                "Partenaires de démonstration : {organisations} structures, {services} services, "
                "{projects} projets, "
                "{funding_lines} lignes de financement, {meetings} instances, {decisions} décisions, "
                "{referrals} orientations.".format(**counts)
            )
        )
