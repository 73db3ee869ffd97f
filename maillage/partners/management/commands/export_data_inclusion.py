from pathlib import Path

from django.core.management.base import BaseCommand

from maillage.partners.data_inclusion import SCHEMA_VERSION, export_json


class Command(BaseCommand):
    help = "Exporte l'annuaire des partenaires au format data·inclusion (JSON, schéma 1.0)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Fichier à écrire (par défaut : la sortie standard).")
        parser.add_argument(
            "--schema-only",
            action="store_true",
            help="Sans le bloc « maillage » (fiches actives seulement) : "
            "le fichier à envoyer à data·inclusion.",
        )

    def handle(self, *args, output=None, schema_only=False, **options):
        text = export_json(schema_only=schema_only)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Annuaire exporté (schéma data·inclusion {SCHEMA_VERSION}) dans {output}.")
        else:
            self.stdout.write(text)
