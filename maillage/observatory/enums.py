from django.db import models
from django.utils.translation import gettext_lazy as _


class GeoLevel(models.TextChoices):
    """Geographic level of a job-seekers series (the codes are those of the France Travail export)."""

    COMMUNE = "commune", _("Commune")
    DEPARTMENT = "departement", _("Département")
    REGION = "region", _("Région")
