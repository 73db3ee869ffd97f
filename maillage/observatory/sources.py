"""Where each family of indicators comes from, and whether that source exists in this installation.

The youth app is always there. Referrals (partners app), job offers and applications (employers app) are
read only when the app is installed AND its model exists with the fields the indicators need: an app built
after the observatory, or renamed fields, make the family say "source absente" on the page instead of
breaking the refresh. The fields each adapter reads are listed here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    app_label: str
    app_name: str
    model_name: str
    #: Alternatives for each role: the first field that exists is used ("sent": ("sent_at", "created")).
    fields: dict[str, tuple[str, ...]]
    #: Roles that may be missing (the indicators needing them are then left out).
    optional: tuple[str, ...] = ()

    def model(self):
        """The model, or None when the app is not installed or does not define it."""
        if not apps.is_installed(self.app_name):
            return None
        try:
            return apps.get_model(self.app_label, self.model_name)
        except LookupError:
            return None

    def resolve(self) -> dict[str, str] | None:
        """{role: field name} for this installation, or None when a required field is missing."""
        model = self.model()
        if model is None:
            return None
        resolved = {}
        for role, candidates in self.fields.items():
            for name in candidates:
                try:
                    model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                resolved[role] = name
                break
            else:
                if role not in self.optional:
                    return None
        return resolved

    @property
    def available(self) -> bool:
        return self.resolve() is not None

    def table_ready(self) -> bool:
        """The model's table exists in the database (its migrations are applied): one query."""
        from django.db import connection

        model = self.model()
        return model is not None and model._meta.db_table in connection.introspection.table_names()

    def missing_reason(self) -> str:
        if not apps.is_installed(self.app_name):
            return f"{self.label} : le module n'est pas installé."
        if self.model() is None:
            return f"{self.label} : le module est installé mais ne définit pas encore ces données."
        return f"{self.label} : les données existent mais pas sous la forme attendue par l'observatoire."


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "youth",
            "Accompagnement des jeunes",
            "youth",
            "maillage.youth",
            "Youth",
            {"commune": ("commune",)},
        ),
        Source(
            "referrals",
            "Orientations vers les partenaires",
            "partners",
            "maillage.partners",
            "Referral",
            {
                "youth": ("youth",),
                "sent": ("sent_at", "sent_on", "created"),
                "answered": ("answered_at", "responded_at", "decided_at", "answered_on", "responded_on"),
            },
            optional=("answered",),
        ),
        Source(
            "offers",
            "Offres d'emploi",
            "employers",
            "maillage.employers",
            "Offer",
            {"commune": ("commune",), "published": ("published_on", "created"), "positions": ("positions",)},
            optional=("positions",),
        ),
        Source(
            "applications",
            "Mises en relation",
            "employers",
            "maillage.employers",
            "Application",
            {
                "youth": ("youth",),
                "sent": ("sent_on", "proposed_on", "created"),
                "hired": ("hired_on", "hired_at"),
            },
            optional=("hired",),
        ),
    )
}


def source_for_family(family_code: str) -> Source:
    from .indicators import FAMILIES

    return SOURCES[FAMILIES[family_code].source]
