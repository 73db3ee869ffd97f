from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("Siège")
    ESC = "esc", _("Espace social commun (ESC)")
    PAE = "pae", _("Point accueil emploi (PAE)")
    TOWN_HALL = "town_hall", _("Mairie")
    OTHER = "other", _("Autre lieu")


class EpciKind(models.TextChoices):
    """Legal form of an EPCI à fiscalité propre, as coded by the DGCL (`epci_type` in the data pack)."""

    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d'agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    MET69 = "MET69", _("Métropole de Lyon")
