from django.core.management.base import BaseCommand, CommandError

from maillage.employers.referentials import (
    DEFAULT_NAF_DIR,
    DEFAULT_ROME_DIR,
    ReferentialError,
    load_referentials,
    read_referentials,
)


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) les référentiels ROME 4.0 et NAF rév. 2 depuis data/rome et data/naf. "
        "Idempotent ; un fichier mal formé est refusé (fichier, ligne, champ) sans rien modifier."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rome", default=None, help=f"Dossier ROME (défaut : {DEFAULT_ROME_DIR}).")
        parser.add_argument("--naf", default=None, help=f"Dossier NAF (défaut : {DEFAULT_NAF_DIR}).")
        parser.add_argument(
            "--check", action="store_true", help="Vérifie seulement les fichiers, sans rien écrire."
        )

    def handle(self, *args, rome=None, naf=None, check=False, **options):
        try:
            if check:
                data = read_referentials(rome, naf)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Fichiers valides : {len(data.fiches)} fiches, "
                        f"{len(data.appellations)} appellations, {len(data.naf_subclasses)} sous-classes NAF."
                    )
                )
                return
            report = load_referentials(rome, naf)
        except ReferentialError as error:
            raise CommandError(str(error)) from error
        for line in report.summary_lines():
            self.stdout.write(line)
