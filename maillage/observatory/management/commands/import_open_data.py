from django.core.management.base import BaseCommand, CommandError

from maillage.observatory.open_data import OpenDataError, apply_open_data, default_directory, read_open_data


class Command(BaseCommand):
    help = (
        "Importe les données ouvertes de l'observatoire (population par âge, demandeurs d'emploi, BMO, "
        "emplois et établissements) depuis un dossier (défaut : data/open-data/). Tout est vérifié avant "
        "d'écrire ; un fichier mal formé est refusé sans rien modifier. Idempotent ; un nouveau millésime "
        "s'ajoute à côté des "
        "anciens."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=None, help="Dossier des fichiers CSV.")
        parser.add_argument(
            "--check", action="store_true", help="Vérifie seulement les fichiers, sans rien écrire."
        )

    def handle(self, *args, directory=None, check=False, **options):
        directory = directory or default_directory()
        try:
            pack = read_open_data(directory)
        except OpenDataError as error:
            raise CommandError(str(error)) from error
        for warning in pack.warnings:
            self.stdout.write(self.style.WARNING(f"Attention : {warning}"))
        if check:
            rows = sum(len(d.rows) for d in pack.datasets)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Fichiers valides : {len(pack.datasets)} fichiers, {rows} lignes ({directory})."
                )
            )
            return
        pack.warnings = []
        report = apply_open_data(pack)
        self.stdout.write(f"Données ouvertes : {directory}")
        for line in report.summary_lines():
            self.stdout.write(line)
