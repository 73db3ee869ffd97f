"""Write the indicator table of docs/indicators.md from the registry (`indicators.REGISTRY`).

manage.py document_indicators            # rewrite the generated block of docs/indicators.md
manage.py document_indicators --check    # fail when the page is not in sync (CI)
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.observatory.indicators import documentation_table

BEGIN = "<!-- indicateurs : début (généré par manage.py document_indicators) -->"
END = "<!-- indicateurs : fin -->"


def synced(text: str) -> str:
    if BEGIN not in text or END not in text:
        raise CommandError(f"Les repères « {BEGIN} » et « {END} » manquent dans docs/indicators.md.")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{documentation_table()}\n{END}{tail}"


class Command(BaseCommand):
    help = "Écrit la table des indicateurs de docs/indicators.md à partir du registre."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Échoue si la page n'est pas à jour.")

    def handle(self, *args, check: bool, **options):
        path = Path(settings.BASE_DIR) / "docs" / "indicators.md"
        text = path.read_text(encoding="utf-8")
        updated = synced(text)
        if check:
            if updated != text:
                raise CommandError(
                    "docs/indicators.md n'est pas à jour : lancez manage.py document_indicators."
                )
            self.stdout.write("docs/indicators.md est à jour.")
            return
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS("docs/indicators.md mis à jour."))
