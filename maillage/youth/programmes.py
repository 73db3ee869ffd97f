"""The reference programmes (dispositifs). Idempotent: run by `manage.py load_programmes` and the demo.

They are data, not code: the administrator edits them in /admin/ and another Mission locale adds its own.
"""

from __future__ import annotations

from django.db import transaction

from .models import Programme

#: code, name, exclusive, tracks weekly hours, usual duration (months), historic, description
REFERENCE_PROGRAMMES = [
    (
        "cej",
        "Contrat d'engagement jeune (CEJ)",
        True,
        True,
        12,
        False,
        "Accompagnement intensif de 15 à 20 heures d'activité par semaine, avec allocation.",
    ),
    (
        "pacea",
        "Parcours contractualisé d'accompagnement vers l'emploi et l'autonomie (PACEA)",
        True,
        False,
        24,
        False,
        "Cadre contractuel de l'accompagnement des Missions locales, par phases.",
    ),
    (
        "garantie-jeunes",
        "Garantie jeunes",
        True,
        True,
        12,
        True,
        "Remplacée par le CEJ le 1er mars 2022 : conservée pour l'historique.",
    ),
    (
        "cej-jeunes-en-rupture",
        "CEJ — jeunes en rupture",
        True,
        True,
        12,
        False,
        "Volet du CEJ pour les jeunes les plus éloignés, porté avec des partenaires.",
    ),
    (
        "obligation-formation",
        "Obligation de formation (16-18 ans)",
        False,
        False,
        None,
        False,
        "Repérage et accompagnement des mineurs ni en emploi, ni en études, ni en formation.",
    ),
    (
        "parrainage",
        "Parrainage vers l'emploi",
        False,
        False,
        6,
        False,
        "Un·e parrain ou marraine du monde du travail.",
    ),
    (
        "100-chances-100-emplois",
        "100 chances 100 emplois",
        False,
        False,
        6,
        False,
        "Parcours avec des entreprises partenaires du territoire.",
    ),
]


@transaction.atomic
def load_programmes() -> tuple[int, int]:
    """Create or update the reference programmes; returns (created, updated). Never deletes."""
    created = updated = 0
    for position, (code, name, exclusive, hours, months, historic, description) in enumerate(
        REFERENCE_PROGRAMMES
    ):
        _, was_created = Programme.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "is_exclusive": exclusive,
                "tracks_weekly_hours": hours,
                "default_duration_months": months,
                "is_historic": historic,
                "is_active": True,
                "description": description,
                "position": position * 10,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated
