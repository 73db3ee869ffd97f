from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.employers.imports import ImportFileError, import_companies


class Command(BaseCommand):
    help = (
        "Importe des entreprises depuis un fichier CSV ou Excel (.xlsx) ; "
        "colonnes : docs/imports-companies.md. "
        "Tout ou rien : au moindre problème, rien n'est enregistré et chaque ligne fautive est listée."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier .csv ou .xlsx.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifie le fichier sans rien enregistrer."
        )

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            result = import_companies(filename=path.name, content=path.read_bytes(), by=None, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if result.ignored_columns:
            self.stdout.write(f"Colonnes ignorées : {', '.join(result.ignored_columns)}")
        if result.errors:
            lines = [f"{len(result.errors)} erreur(s) ; rien n'a été importé :"]
            lines += [f"- {error}" for error in result.errors]
            raise CommandError("\n".join(lines))
        for row, siret, company in result.skipped:
            self.stdout.write(f"Ligne {row} : SIRET {siret} déjà enregistré ({company.name}), ignorée.")
        verb = "seraient créées" if dry_run else "créées"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} entreprise(s) {verb}, {len(result.skipped)} déjà enregistrée(s), "
                f"sur {result.rows} ligne(s)."
            )
        )
