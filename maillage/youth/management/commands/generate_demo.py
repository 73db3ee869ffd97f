from datetime import date

from django.core.management.base import BaseCommand, CommandError

from maillage.youth.generator import GenerationError, generate
from maillage.youth.programmes import load_programmes


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = (
        "Génère une population fictive, réaliste et reproductible de jeunes (avec leurs événements, "
        "dispositifs, situations, freins, propositions et plans) sur le territoire chargé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--youths", type=int, default=8000, help="Nombre de jeunes (défaut 8000).")
        parser.add_argument("--seed", type=int, default=42, help="Graine du tirage (défaut 42).")
        parser.add_argument(
            "--as-of", type=_date, default=None, help="Date de référence AAAA-MM-JJ (défaut : aujourd'hui)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Supprime d'abord les jeunes fictifs déjà générés."
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Jeunes écrits par lot.")

    def handle(self, *args, youths, seed, as_of, reset, batch_size, **options):
        if youths < 0:
            raise CommandError("--youths doit être positif.")
        load_programmes()
        try:
            report = generate(
                youths=youths,
                seed=seed,
                as_of=as_of,
                reset=reset,
                batch_size=batch_size,
                progress=options["verbosity"] > 0,
            )
        except GenerationError as exc:
            raise CommandError(str(exc)) from exc
        if report.skipped_existing:
            self.stdout.write(
                f"{report.skipped_existing} jeunes fictifs existent déjà (référence externe « demo: ») : "
                "rien n'a été généré. Relancez avec --reset pour les remplacer."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.youths} jeunes fictifs générés ({report.total_rows} lignes, "
                f"{report.counsellors_created} conseiller·ères créé·es) en {report.seconds:.1f} s."
            )
        )
