from django.core.management.base import BaseCommand, CommandError

from maillage.accounts.models import User
from maillage.youth import imports


class Command(BaseCommand):
    help = (
        "Importe des dossiers de jeunes depuis un fichier CSV (« ; » ou « , ») ou Excel (.xlsx) : tout ou "
        "rien, chaque ligne en erreur est signalée, les dossiers déjà présents ne sont pas recréés. "
        "Colonnes : docs/imports-youths.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier .csv ou .xlsx.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifie le fichier sans rien enregistrer."
        )
        parser.add_argument(
            "--by", default="", help="E-mail du compte à qui attribuer l'import (journal d'audit)."
        )

    def handle(self, *args, file, dry_run, by, **options):
        user = None
        if by:
            user = User.objects.filter(email__iexact=by).first()
            if user is None:
                raise CommandError(f"Aucun compte « {by} ».")
        try:
            report = imports.import_youths(file, by=user, dry_run=dry_run)
        except imports.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for warning in report.warnings:
            self.stdout.write(f"Attention, {warning}")
        for duplicate in report.duplicates:
            self.stdout.write(str(duplicate))
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(imports.summary(report))
        self.stdout.write(self.style.SUCCESS(imports.summary(report)))
