from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.employers.demo import DemoError, generate_employers_demo


class Command(BaseCommand):
    help = (
        "Crée les entreprises, contacts, échanges, offres, profils professionnels, mises en relation, "
        "immersions et la cohorte de démonstration (mode démonstration uniquement ; idempotent). "
        "Le territoire, les référentiels et les jeunes de démonstration (generate_demo) doivent être chargés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=600, help="Nombre d'entreprises (défaut 600).")
        parser.add_argument("--offers", type=int, default=400, help="Nombre d'offres (défaut 400).")
        parser.add_argument("--seed", type=int, default=4, help="Graine du tirage (défaut 4).")

    def handle(self, *args, companies: int, offers: int, seed: int, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "generate_employers_demo ne fonctionne qu'en mode démonstration (MAILLAGE_DEMO=1)."
            )
        if companies < 1 or offers < 0:
            raise CommandError("--companies doit être au moins 1, --offers positif.")
        try:
            counts = generate_employers_demo(companies=companies, offers=offers, seed=seed)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if counts.skipped:
            self.stdout.write("Relation employeurs de démonstration : déjà présente, rien à faire.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Relation employeurs de démonstration : {counts.companies} entreprises, "
                f"{counts.contacts} contacts, {counts.interactions} échanges, {counts.needs} besoins, "
                f"{counts.offers} offres, "
                f"{counts.profiles} profils professionnels ({counts.experiences} expériences), "
                f"{counts.applications} mises en relation dont {counts.hires} embauches, "
                f"{counts.immersions} immersions, {counts.cohorts} cohorte."
            )
        )
