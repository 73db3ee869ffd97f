from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("Siège")
    ESC = "esc", _("Espace social commun (ESC)")
    PAE = "pae", _("Point accueil emploi (PAE)")
    TOWN_HALL = "town_hall", _("Mairie")
    OTHER = "other", _("Autre lieu")
