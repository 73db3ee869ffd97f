"""The demo accounts, one per role, all with the demo password (only accepted in demo mode)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from maillage.accounts.models import EpciMembership, User, ZoneMembership
from maillage.accounts.roles import Role
from maillage.accounts.validators import DEMO_PASSWORD
from maillage.territory.models import EPCI, Zone

BROCELIANDE = "Antenne du Pays de Brocéliande"
RENNES = "Rennes"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: Role
    zones: tuple[str, ...] = field(default=())
    all_zones: bool = False
    epcis: tuple[str, ...] = field(default=())
    description: str = ""


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "conseiller@demo.maillage.test",
        "Camille",
        "Le Goff",
        Role.COUNSELLOR,
        (BROCELIANDE,),
        description="conseillère, Antenne du Pays de Brocéliande",
    ),
    DemoAccount(
        "conseiller.rennes@demo.maillage.test",
        "Yann",
        "Morvan",
        Role.COUNSELLOR,
        (RENNES,),
        description="conseiller, Rennes",
    ),
    DemoAccount(
        "responsable@demo.maillage.test",
        "Nolwenn",
        "Guillou",
        Role.ZONE_MANAGER,
        (BROCELIANDE,),
        description="responsable de l'Antenne du Pays de Brocéliande",
    ),
    DemoAccount("direction@demo.maillage.test", "Anne", "Rault", Role.DIRECTOR, description="direction"),
    DemoAccount("etudes@demo.maillage.test", "Erwan", "Tanguy", Role.ANALYST, description="chargé d'études"),
    DemoAccount(
        "entreprises@demo.maillage.test",
        "Sophie",
        "Jégou",
        Role.EMPLOYER_OFFICER,
        all_zones=True,
        description="chargée de relation entreprises",
    ),
    DemoAccount("partenaire@demo.maillage.test", "Marc", "Briand", Role.PARTNER, description="partenaire"),
    DemoAccount(
        "elu@demo.maillage.test",
        "Hélène",
        "Perrin",
        Role.ELECTED,
        epcis=("Montfort Communauté",),
        description="élue, Montfort Communauté",
    ),
    DemoAccount("jeune@demo.maillage.test", "Lucas", "Hamon", Role.YOUTH, description="jeune"),
    DemoAccount("admin@demo.maillage.test", "Alex", "Martin", Role.ADMIN, description="administrateur"),
]


def _epci_by_name(name: str) -> EPCI:
    return EPCI.objects.get(name__icontains=name)


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, User]]:
    result = []
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            email=account.email,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "role": account.role,
                "is_demo_account": True,
                "is_staff": account.role == Role.ADMIN,
                "is_superuser": account.role == Role.ADMIN,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        zones = Zone.objects.all() if account.all_zones else Zone.objects.filter(name__in=account.zones)
        for zone in zones:
            ZoneMembership.objects.get_or_create(user=user, zone=zone)
        for epci_name in account.epcis:
            EpciMembership.objects.get_or_create(user=user, epci=_epci_by_name(epci_name))
        result.append((account, user))
    return result
