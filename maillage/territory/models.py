from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.core.text import search_key

from .enums import SiteKind


class Zone(BaseModel):
    """An operating zone (antenne): Rennes, Rennes Métropole and the three antennes."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("zone (antenne)")
        verbose_name_plural = _("zones (antennes)")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class EPCI(BaseModel):
    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=160)
    kind = models.CharField(_("type"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet["Commune"]):
    def search(self, query: str) -> CommuneQuerySet:
        """By name (accent- and case-insensitive, any word prefix) or by postal code prefix."""
        query = (query or "").strip()
        if not query:
            return self.none()
        digits = query.replace(" ", "")
        if digits.isdigit():
            return self.filter(
                models.Q(postal_codes__contains=digits) | models.Q(insee_code__startswith=digits)
            )
        key = search_key(query)
        if not key:
            return self.none()
        return self.filter(models.Q(search_name__startswith=key) | models.Q(search_name__contains=" " + key))


class Commune(BaseModel):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    search_name = models.CharField(_("nom normalisé"), max_length=120, db_index=True, editable=False)
    postal_codes = models.CharField(
        _("codes postaux"), max_length=120, help_text=_("Séparés par des points-virgules.")
    )
    population = models.PositiveIntegerField(_("population municipale"))
    population_vintage = models.PositiveSmallIntegerField(_("millésime de la population"))
    epci = models.ForeignKey(EPCI, verbose_name=_("EPCI"), on_delete=models.PROTECT, related_name="communes")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="communes")
    latitude = models.FloatField(_("latitude du centroïde"), null=True, blank=True)
    longitude = models.FloatField(_("longitude du centroïde"), null=True, blank=True)
    geometry = models.JSONField(_("contour (GeoJSON)"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self) -> list[str]:
        return [c for c in self.postal_codes.split(";") if c]


class FormerCommune(BaseModel):
    """A commune merged into a commune nouvelle: old records resolve to the current commune."""

    insee_code = models.CharField(_("ancien code INSEE"), max_length=5)
    name = models.CharField(_("ancien nom"), max_length=120)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune actuelle"), on_delete=models.CASCADE, related_name="former_communes"
    )
    effective_date = models.DateField(_("date d'effet"))

    class Meta:
        verbose_name = _("ancienne commune")
        verbose_name_plural = _("anciennes communes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["insee_code", "name"], name="former_commune_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.commune}"


class Quartier(BaseModel):
    number = models.PositiveSmallIntegerField(_("numéro"))
    name = models.CharField(_("nom"), max_length=160)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="quartiers"
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="quartiers")

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["commune", "number"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "number"], name="quartier_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class QPV(BaseModel):
    """Quartier prioritaire de la politique de la ville."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("nom"), max_length=160)
    generation = models.CharField(_("génération"), max_length=200, blank=True)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qpvs")
    quartier = models.ForeignKey(
        Quartier, verbose_name=_("quartier"), null=True, blank=True, on_delete=models.SET_NULL, related_name="qpvs"
    )

    class Meta:
        verbose_name = _("QPV")
        verbose_name_plural = _("QPV")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Site(BaseModel):
    """A reception place (lieu d'accueil)."""

    name = models.CharField(_("nom"), max_length=160)
    kind = models.CharField(_("type"), max_length=20, choices=SiteKind.choices)
    address = models.CharField(_("adresse"), max_length=255)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="sites")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="sites")
    is_illustrative = models.BooleanField(
        _("exemple de démonstration"),
        default=False,
        help_text=_("Lieu inventé pour la démonstration, à remplacer par les vrais lieux d'accueil."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("lieu d'accueil")
        verbose_name_plural = _("lieux d'accueil")
        ordering = ["zone", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "commune"], name="site_unique_name_commune"),
        ]

    def __str__(self) -> str:
        return self.name
