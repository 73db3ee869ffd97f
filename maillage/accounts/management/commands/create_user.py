"""manage.py create_user: create an account from the command line (see the help text)."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.accounts import services
from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.territory.models import EPCI, Zone

ROLE_LINES = "\n".join(f"  {role.value:<18} {role.label}" for role in Role)

HELP = f"""Crée un compte Maillage.

Rôles :
{ROLE_LINES}

Rattachements :
  --zone CODE        zone(s) de travail (obligatoire pour conseiller·ère, chargé·e de relation
                     entreprises et responsable d'antenne) ; répétez l'option ou séparez par des virgules ;
  --all-zones        rattache à toutes les zones ;
  --epci SIREN       EPCI d'un·e élu·e (obligatoire pour le rôle elected).
Un code de zone inconnu est refusé avec la liste des codes existants.
Les rôles director, analyst et admin voient toutes les zones sans rattachement ; admin donne aussi
l'accès à /admin/.

Mot de passe : demandé deux fois au clavier (au moins 12 caractères, pas un mot de passe courant).
Avec --generate-password, ou si l'entrée n'est pas un terminal, un mot de passe aléatoire est
généré et affiché UNE seule fois : transmettez-le par un canal sûr.

Exemples :
  manage.py create_user c.legoff@example.org counsellor --zone antenne-du-pays-de-broceliande
  manage.py create_user y.morvan@example.org zone_manager --zone rennes --first-name Yann --last-name Morvan
  manage.py create_user elu@example.org elected --epci 243500550 --generate-password
  manage.py create_user direction@example.org director
"""


def _codes(values: list[str] | None) -> list[str]:
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="adresse e-mail (identifiant de connexion)")
        parser.add_argument("role", help="rôle (voir la liste ci-dessus)")
        parser.add_argument("--zone", action="append", metavar="CODE", help="code de zone (répétable)")
        parser.add_argument("--all-zones", action="store_true", help="rattacher à toutes les zones")
        parser.add_argument("--epci", action="append", metavar="SIREN", help="SIREN d'un EPCI (répétable)")
        parser.add_argument("--first-name", default="", help="prénom")
        parser.add_argument("--last-name", default="", help="nom")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="générer un mot de passe aléatoire (affiché une seule fois) au lieu de le demander",
        )

    def handle(self, *args, **options) -> None:
        zones = self._zones(options)
        epcis = self._epcis(_codes(options["epci"]))
        generate = options["generate_password"] or not self.interactive()
        try:
            # Everything but the password first, so that nobody types a password for nothing.
            email = services.check_new_account(
                email=options["email"], role=options["role"], zones=zones, epcis=epcis
            )
            candidate = User(email=email, first_name=options["first_name"], last_name=options["last_name"])
            password = services.generate_password() if generate else self._ask_password(candidate)
            user = services.create_account(
                email=options["email"],
                role=options["role"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                zones=zones,
                epcis=epcis,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Compte créé : {user.email} ({user.get_role_display()})."))
        if zones:
            self.stdout.write("Zones : " + ", ".join(zone.name for zone in zones))
        if epcis:
            self.stdout.write("EPCI : " + ", ".join(epci.name for epci in epcis))
        if generate:
            self.stdout.write(f"Mot de passe (affiché une seule fois) : {password}")

    def interactive(self) -> bool:
        return sys.stdin.isatty()

    def _zones(self, options) -> list[Zone]:
        if options["all_zones"]:
            return list(Zone.objects.order_by("name"))
        codes = _codes(options["zone"])
        found = {zone.code: zone for zone in Zone.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            known = ", ".join(Zone.objects.order_by("code").values_list("code", flat=True)) or "aucune"
            raise CommandError(f"Zone inconnue : {', '.join(unknown)}. Zones existantes : {known}.")
        return [found[code] for code in dict.fromkeys(codes)]

    def _epcis(self, sirens: list[str]) -> list[EPCI]:
        found = {epci.siren: epci for epci in EPCI.objects.filter(siren__in=sirens)}
        unknown = [siren for siren in sirens if siren not in found]
        if unknown:
            raise CommandError(f"EPCI inconnu (SIREN) : {', '.join(unknown)}.")
        return [found[siren] for siren in dict.fromkeys(sirens)]

    def _ask_password(self, candidate: User) -> str:
        while True:
            password = getpass.getpass("Mot de passe : ")
            if not password:
                self.stderr.write("Le mot de passe ne peut pas être vide.")
                continue
            if getpass.getpass("Mot de passe (confirmation) : ") != password:
                self.stderr.write("Les deux saisies ne correspondent pas.")
                continue
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                for message in exc.messages:
                    self.stderr.write(message)
                continue
            return password
