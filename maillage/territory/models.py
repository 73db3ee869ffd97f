from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.core.text import search_key

from .enums import EpciKind, SiteKind

#: Longest query the commune search looks at; anything longer is junk.
SEARCH_MAX_LENGTH = 80
#: Abbreviations people type for the saints of French place names ("st meen" finds Saint-Méen-le-Grand).
_SEARCH_ALIASES = {"st": "saint", "ste": "sainte"}


def commune_search_key(query: str) -> str:
    """The search key of a typed query: `search_key` plus the usual saint abbreviations."""
    words = search_key(query[:SEARCH_MAX_LENGTH]).split()
    return " ".join(_SEARCH_ALIASES.get(word, word) for word in words)


def _name_matches(key: str, field: str = "search_name") -> models.Q:
    """Any word of the name starts with the key ("meu" finds "montfort sur meu")."""
    return models.Q(**{f"{field}__startswith": key}) | models.Q(**{f"{field}__contains": " " + key})


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
    """Établissement public de coopération intercommunale (communauté de communes, métropole…)."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=160)
    kind = models.CharField(_("type"), max_length=10, choices=EpciKind.choices, blank=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet["Commune"]):
    def search(self, query: str | None) -> CommuneQuerySet:
        """By name or postal code, accent- and case-insensitive, best matches first.

        - digits ("35160", "351"): communes having a postal code that starts with them;
        - words ("chateaugiron", "St Méen", "meu"): communes whose name, or the name of a former commune
          merged into them (Ossé → Châteaugiron), has a word starting with the query.
        """
        query = (query or "").strip()[:SEARCH_MAX_LENGTH]
        digits = query.replace(" ", "")
        if digits.isdigit():
            if not 2 <= len(digits) <= 5:
                return self.none()
            return self.filter(
                models.Q(postal_codes__startswith=digits) | models.Q(postal_codes__contains=";" + digits)
            ).order_by("search_name", "insee_code")
        key = commune_search_key(query)
        if not key:
            return self.none()
        merged_into = FormerCommune.objects.filter(_name_matches(key)).values("commune_id")
        return (
            self.filter(_name_matches(key) | models.Q(pk__in=merged_into))
            .annotate(
                match_rank=models.Case(
                    models.When(search_name=key, then=models.Value(0)),
                    models.When(search_name__startswith=key, then=models.Value(1)),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                )
            )
            .order_by("match_rank", "search_name", "insee_code")
        )


class Commune(BaseModel):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    #: Lower-case ASCII key of the name (maillage.core.text.search_key), for search and French sort order.
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

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        # The ASCII key sorts "Écancourt" among the E on every database, whatever its collation.
        ordering = ["search_name", "insee_code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self) -> list[str]:
        return [c for c in self.postal_codes.split(";") if c]


class CommuneBoundary(BaseModel):
    """The commune's contour (GeoJSON Polygon or MultiPolygon, WGS84), drawn on the maps.

    Kept out of `Commune` on purpose: a contour weighs a few kilobytes, and every `select_related("commune")`
    of the other apps would otherwise load it.
    """

    commune = models.OneToOneField(
        Commune,
        verbose_name=_("commune"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="boundary",
    )
    geometry = models.JSONField(_("contour (GeoJSON)"))

    class Meta:
        verbose_name = _("contour de commune")
        verbose_name_plural = _("contours de communes")

    def __str__(self) -> str:
        return f"Contour de la commune {self.commune_id}"


class FormerCommune(BaseModel):
    """A commune merged into a commune nouvelle: old records resolve to the current commune."""

    insee_code = models.CharField(_("ancien code INSEE"), max_length=5, db_index=True)
    name = models.CharField(_("ancien nom"), max_length=120)
    search_name = models.CharField(_("nom normalisé"), max_length=120, db_index=True, editable=False)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune actuelle"), on_delete=models.CASCADE, related_name="former_communes"
    )
    effective_date = models.DateField(_("date d'effet"))

    class Meta:
        verbose_name = _("ancienne commune")
        verbose_name_plural = _("anciennes communes")
        ordering = ["search_name"]
        constraints = [
            models.UniqueConstraint(fields=["insee_code", "name"], name="former_commune_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.commune}"

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)


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
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="qpvs"
    )
    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("quartier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qpvs",
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
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="sites"
    )
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
