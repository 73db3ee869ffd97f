"""Open data beside our own figures: census population, job seekers, BMO, jobs and establishments.

Every row carries its `source` (the credit to show) and its `vintage` (millésime), and is unique by vintage:
a new vintage is loaded beside the old one (`open_data.import_open_data`), and pages read the latest one
(`QuerySet.latest_vintage()`). Loaded only by `manage.py import_open_data`, never edited by hand.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.territory.models import Commune

from .enums import GeoLevel


class OpenDataQuerySet(models.QuerySet):
    def latest_vintage(self) -> OpenDataQuerySet:
        """Rows of the most recent vintage only (one subquery, no extra round trip)."""
        latest = self.model._default_manager.order_by("-vintage").values("vintage")[:1]
        return self.filter(vintage=models.Subquery(latest))


class OpenDataRow(BaseModel):
    vintage = models.CharField(_("millésime"), max_length=20, db_index=True)
    source = models.CharField(_("source"), max_length=200)

    objects = OpenDataQuerySet.as_manager()

    class Meta:
        abstract = True


def _decimal(label: Any, **kwargs: Any) -> models.DecimalField:
    # Census counts are weighted estimates: one decimal, as INSEE publishes them.
    return models.DecimalField(label, max_digits=10, decimal_places=1, **kwargs)


class CommunePopulation(OpenDataRow):
    """Census population of a commune by age band (INSEE, RP)."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    total = _decimal(_("population municipale"))
    age_0_14 = _decimal(_("0-14 ans"))
    age_15_24 = _decimal(_("15-24 ans"))
    age_15_29 = _decimal(_("15-29 ans"))
    age_30_44 = _decimal(_("30-44 ans"))
    age_45_59 = _decimal(_("45-59 ans"))
    age_60_74 = _decimal(_("60-74 ans"))
    age_75_89 = _decimal(_("75-89 ans"))
    age_90_plus = _decimal(_("90 ans et plus"))
    age_15_64 = _decimal(_("15-64 ans"))
    active_15_24 = _decimal(_("actifs de 15-24 ans"))
    unemployed_15_24 = _decimal(_("chômeurs de 15-24 ans (recensement)"))
    age_15_24_method = models.CharField(_("méthode du calcul des 15-24 ans"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("population par âge")
        verbose_name_plural = _("populations par âge")
        ordering = ["commune", "-vintage"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "vintage"], name="obs_population_unique_vintage"),
            models.CheckConstraint(
                condition=Q(age_15_24__lte=F("age_15_29")), name="obs_population_15_24_in_15_29"
            ),
        ]

    def __str__(self) -> str:
        return f"Population {self.vintage} — commune {self.commune_id}"


class JobSeekerCount(OpenDataRow):
    """Registered job seekers (categories A, B, C) in a month, for a commune, a department or a region."""

    geo_level = models.CharField(_("niveau géographique"), max_length=12, choices=GeoLevel.choices)
    geo_code = models.CharField(_("code géographique"), max_length=5)
    geo_name = models.CharField(_("nom"), max_length=120)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("mois"), help_text=_("Premier jour du mois."))
    count = models.PositiveIntegerField(_("demandeurs d'emploi (cat. A, B, C)"))

    class Meta:
        verbose_name = _("demandeurs d'emploi du mois")
        verbose_name_plural = _("demandeurs d'emploi par mois")
        ordering = ["geo_level", "geo_code", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["vintage", "geo_level", "geo_code", "month"], name="obs_jobseekers_unique_vintage"
            ),
            models.CheckConstraint(
                condition=Q(geo_level=GeoLevel.COMMUNE, commune__isnull=False)
                | (~Q(geo_level=GeoLevel.COMMUNE) & Q(commune__isnull=True)),
                name="obs_jobseekers_commune_iff_commune_level",
            ),
        ]
        indexes = [models.Index(fields=["vintage", "commune", "month"], name="obs_jobseekers_commune_month")]

    def __str__(self) -> str:
        return f"{self.geo_name} {self.month:%Y-%m} : {self.count}"


class BmoProject(OpenDataRow):
    """Recruitment projects of one occupation in one BMO bassin (department part), from the BMO survey.

    A value masked by France Travail (statistical secrecy) is NULL and named in `masked_fields`.
    """

    bassin_code = models.CharField(_("code du bassin BMO"), max_length=10)
    bassin_name = models.CharField(_("bassin BMO"), max_length=120)
    department_code = models.CharField(_("département"), max_length=3)
    occupation_code = models.CharField(_("code métier BMO"), max_length=10)
    occupation_label = models.CharField(_("métier"), max_length=200)
    family_code = models.CharField(_("code de la famille de métiers"), max_length=4)
    family_label = models.CharField(_("famille de métiers"), max_length=200)
    recruitment_projects = models.PositiveIntegerField(_("projets de recrutement"), null=True, blank=True)
    difficult_projects = models.PositiveIntegerField(_("projets jugés difficiles"), null=True, blank=True)
    seasonal_projects = models.PositiveIntegerField(_("projets saisonniers"), null=True, blank=True)
    masked_fields = models.CharField(_("valeurs masquées"), max_length=120, blank=True)
    communes_in_area = models.PositiveSmallIntegerField(_("communes du territoire dans le bassin"), default=0)

    class Meta:
        verbose_name = _("projets de recrutement (BMO)")
        verbose_name_plural = _("projets de recrutement (BMO)")
        ordering = ["bassin_code", "department_code", "occupation_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["vintage", "bassin_code", "department_code", "occupation_code"],
                name="obs_bmo_unique_vintage",
            ),
        ]

    def __str__(self) -> str:
        return f"BMO {self.vintage} {self.bassin_name} — {self.occupation_label}"


class BmoBassinCommune(OpenDataRow):
    """The BMO bassin of a commune, for the survey year given as vintage."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    bassin_code = models.CharField(_("code du bassin BMO"), max_length=10)
    bassin_name = models.CharField(_("bassin BMO"), max_length=120)

    class Meta:
        verbose_name = _("bassin BMO d'une commune")
        verbose_name_plural = _("bassins BMO des communes")
        ordering = ["commune", "-vintage"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "vintage"], name="obs_bmo_bassin_unique_vintage"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} → {self.bassin_name} ({self.vintage})"


class EmploymentQuerySet(OpenDataQuerySet):
    def latest_vintage(self) -> EmploymentQuerySet:
        """The latest census vintage, and within it the latest establishment count."""
        latest = self.model._default_manager.order_by("-vintage", "-establishments_year")[:1]
        return self.filter(
            vintage=models.Subquery(latest.values("vintage")),
            establishments_year=models.Subquery(latest.values("establishments_year")),
        )


class CommuneEmployment(OpenDataRow):
    """Jobs located in a commune (census) and its employer establishments (INSEE).

    `vintage` is the census (e.g. RP2022); `establishments_year` the year of the establishment count.
    """

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    establishments_year = models.PositiveSmallIntegerField(_("année des établissements"))
    previous_census_year = models.PositiveSmallIntegerField(
        _("recensement de comparaison"), null=True, blank=True
    )
    jobs = _decimal(_("emplois au lieu de travail"))
    salaried_jobs = _decimal(_("emplois salariés au lieu de travail"))
    jobs_previous = _decimal(_("emplois au recensement de comparaison"), null=True, blank=True)
    active_15_64 = _decimal(_("actifs de 15-64 ans"))
    unemployed_15_64 = _decimal(_("chômeurs de 15-64 ans (recensement)"))
    establishments = models.PositiveIntegerField(_("établissements"))
    establishments_agriculture = models.PositiveIntegerField(_("agriculture"))
    establishments_industry = models.PositiveIntegerField(_("industrie"))
    establishments_construction = models.PositiveIntegerField(_("construction"))
    establishments_trade_services = models.PositiveIntegerField(_("commerce, transports, services"))
    establishments_public_social = models.PositiveIntegerField(
        _("administration publique, enseignement, santé, action sociale")
    )
    establishments_1_9 = models.PositiveIntegerField(_("établissements de 1 à 9 salariés"))
    establishments_10_plus = models.PositiveIntegerField(_("établissements de 10 salariés ou plus"))

    objects = EmploymentQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("emplois et établissements")
        verbose_name_plural = _("emplois et établissements")
        ordering = ["commune", "-vintage"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "vintage", "establishments_year"], name="obs_employment_unique_vintage"
            ),
            models.CheckConstraint(
                condition=Q(salaried_jobs__lte=F("jobs")), name="obs_employment_salaried_le_jobs"
            ),
        ]

    def __str__(self) -> str:
        return f"Emploi {self.vintage} — commune {self.commune_id}"
