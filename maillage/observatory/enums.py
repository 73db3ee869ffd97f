from django.db import models
from django.utils.translation import gettext_lazy as _


class GeoLevel(models.TextChoices):
    """Geographic level of a job-seekers series (the codes are those of the France Travail export)."""

    COMMUNE = "commune", _("Commune")
    DEPARTMENT = "departement", _("Département")
    REGION = "region", _("Région")


class RefreshMode(models.TextChoices):
    FULL = "full", _("Complète")
    INCREMENTAL = "incremental", _("Incrémentale")
    MONTHS = "months", _("Derniers mois")


class RefreshStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Terminée")
    FAILED = "failed", _("Échec")


class TerritoryKind(models.TextChoices):
    """What a local diagnosis covers (the URL says /diagnostic/<kind>/<id>/)."""

    ZONE = "zone", _("Zone (antenne)")
    EPCI = "epci", _("EPCI")
