from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.territory.loader import TerritoryPackError, apply_territory_pack, read_territory_pack


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) le territoire depuis un pack de données : zones, EPCI, communes, anciennes "
        "communes, quartiers, QPV et contours. Idempotent ; un pack mal formé est refusé sans rien modifier."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=None, help="Dossier du pack (défaut : settings.TERRITORY_PACK)."
        )
        parser.add_argument(
            "--millesime",
            type=int,
            default=None,
            dest="population_vintage",
            help="Millésime de la population, s'il n'est pas indiqué dans zones.csv.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Vérifie seulement le pack, sans rien écrire en base."
        )

    def handle(self, *args, path=None, population_vintage=None, check=False, **options):
        path = path or settings.TERRITORY_PACK
        try:
            pack = read_territory_pack(path, population_vintage=population_vintage)
        except TerritoryPackError as error:
            raise CommandError(str(error)) from error
        if check:
            for warning in pack.warnings:
                self.stdout.write(self.style.WARNING(f"Attention : {warning}"))
            self.stdout.write(self.style.SUCCESS(f"Pack valide : {len(pack.communes)} communes ({path})."))
            return
        report = apply_territory_pack(pack)
        self.stdout.write(f"Pack de territoire : {path}")
        for line in report.summary_lines():
            style = self.style.WARNING if line.startswith("Attention") else None
            self.stdout.write(style(line) if style else line)
