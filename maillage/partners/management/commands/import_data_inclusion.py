from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.partners.data_inclusion import DataInclusionImportError, import_document


class Command(BaseCommand):
    help = (
        "Importe un fichier JSON au format data·inclusion (structures et services). Idempotent : les fiches "
        "sont reconnues par leur identifiant. Tout ou rien : une seule erreur et rien n'est enregistré."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier JSON.")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            report = import_document(path.read_bytes())
        except DataInclusionImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Import refusé : {len(exc.errors)} erreur(s), rien n'a été enregistré."
            ) from exc
        self.stdout.write(self.style.SUCCESS(report.as_text()))
