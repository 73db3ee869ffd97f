from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Conseiller·ère")
    EMPLOYER_OFFICER = "employer_officer", _("Chargé·e de relation entreprises")
    ZONE_MANAGER = "zone_manager", _("Responsable d'antenne")
    DIRECTOR = "director", _("Direction")
    ANALYST = "analyst", _("Chargé·e d'études")
    PARTNER = "partner", _("Partenaire")
    ELECTED = "elected", _("Élu·e")
    YOUTH = "youth", _("Jeune")
    ADMIN = "admin", _("Administrateur·rice")


#: Roles of the organisation's own staff (they see staff pages and need 2FA when required).
STAFF_ROLES = frozenset(
    {Role.COUNSELLOR, Role.EMPLOYER_OFFICER, Role.ZONE_MANAGER, Role.DIRECTOR, Role.ANALYST, Role.ADMIN}
)
#: Roles that see every zone.
ALL_ZONES_ROLES = frozenset({Role.DIRECTOR, Role.ANALYST, Role.ADMIN})
