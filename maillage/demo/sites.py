"""Reception sites for the demo. The data pack has none: only the head office address is real."""

from __future__ import annotations

from django.db import transaction

from maillage.territory.enums import SiteKind
from maillage.territory.models import Commune, Site

# (name, kind, address, INSEE code, illustrative)
DEMO_SITES = [
    ("Siège We Ker", SiteKind.HEAD_OFFICE, "7 rue de la Parcheminerie, 35000 Rennes", "35238", False),
    (
        "Antenne de Montfort-sur-Meu",
        SiteKind.OTHER,
        "Place de l'Hôtel de Ville, 35160 Montfort-sur-Meu",
        "35188",
        True,
    ),
    (
        "Point accueil emploi de Plélan-le-Grand",
        SiteKind.PAE,
        "Rue de l'Hermine, 35380 Plélan-le-Grand",
        "35223",
        True,
    ),
    ("Antenne de Guichen", SiteKind.OTHER, "Place de l'Abbé Gérard, 35580 Guichen", "35126", True),
    (
        "Mairie de Bain-de-Bretagne",
        SiteKind.TOWN_HALL,
        "Place de la Mairie, 35470 Bain-de-Bretagne",
        "35012",
        True,
    ),
    ("Antenne de Liffré", SiteKind.OTHER, "Rue de Rennes, 35340 Liffré", "35152", True),
    ("Espace social commun du Blosne", SiteKind.ESC, "Boulevard de Yougoslavie, 35200 Rennes", "35238", True),
    (
        "Point accueil emploi de Cesson-Sévigné",
        SiteKind.PAE,
        "Rue de Rennes, 35510 Cesson-Sévigné",
        "35051",
        True,
    ),
]


@transaction.atomic
def ensure_demo_sites() -> int:
    created = 0
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=[s[3] for s in DEMO_SITES])}
    for name, kind, address, insee, illustrative in DEMO_SITES:
        commune = communes.get(insee)
        if commune is None:
            continue
        _, was_created = Site.objects.update_or_create(
            name=name,
            commune=commune,
            defaults={
                "kind": kind,
                "address": address,
                "zone": commune.zone,
                "is_illustrative": illustrative,
            },
        )
        created += int(was_created)
    return created
