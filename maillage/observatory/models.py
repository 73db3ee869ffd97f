"""The observatory's own tables.

1. **Open data** beside our own figures: census population, job seekers, BMO, jobs and establishments.
   Every row carries its `source` (the credit to show) and its `vintage` (millésime), and is unique by
   vintage: a new vintage is loaded beside the old one (`open_data.import_open_data`), and pages read the
   latest one (`QuerySet.latest_vintage()`). Loaded only by `manage.py import_open_data`.
2. **Summary tables** of the youth indicators (`IndicatorValue`), written only by `refresh.py` and read by
   the pages (which never read the youth tables), with the refresh log (`RefreshRun`).
3. **Archived local diagnoses** (`DiagnosisReport`): the PDF a committee discussed, kept as it was.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.territory.models import EPCI, QPV, Commune, Quartier, Zone

from .enums import GeoLevel, RefreshMode, RefreshStatus, TerritoryKind


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


# --- Summary tables of the youth indicators -----------------------------------------------------------------


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def of(self, *codes: str) -> IndicatorValueQuerySet:
        return self.filter(indicator__in=codes)

    def between(self, start, end) -> IndicatorValueQuerySet:
        """Values of the months from `start` to `end` (first days of months, inclusive)."""
        return self.filter(month__range=(start, end))

    def first_in(self, start) -> IndicatorValueQuerySet:
        """For counts of distinct young people over a range starting at `start`: keep each young person in
        the first month of the range in which they appear (see `IndicatorValue.previous_month`)."""
        return self.filter(Q(previous_month__isnull=True) | Q(previous_month__lt=start))


class IndicatorValue(models.Model):
    """One figure of the observatory: an indicator of `indicators.REGISTRY`, for a month and the smallest
    geography we keep (the commune, and in Rennes the quartier and the QPV of residence).

    A long ("narrow") table rather than one column per indicator: the breakdowns (`dimension`: programme,
    event kind, barrier domain…) are data — an administrator adds a programme, another Mission locale its
    own — and one index serves every read. Geographies above the commune (EPCI, zone, whole area) are sums
    over communes, done when reading; periods longer than a month are sums over months.

    `persons` is the number of distinct young people the value is built from, what the secrecy rule tests
    (NULL for figures that are not about young people, e.g. job offers).

    Counts of *distinct* young people over a period (young people accompanied…) cannot be summed over
    months — the same person comes back. They are stored split by `previous_month`: the young people
    counted in `month` whose previous month with the same indicator was `previous_month` (NULL: never
    before). The number of distinct young people over [a, b] is then the sum over the months of [a, b] of
    the rows whose previous month is before a (or NULL): each person is counted once, in their first month
    of the range. Exact for any range of months, with no yearly or quarterly table.
    """

    month = models.DateField(_("mois"), help_text=_("Premier jour du mois."))
    # No database constraint on the geography (Django still cascades a deleted commune): the rows are
    # copied from young people whose own foreign keys are checked, and a full refresh writes ~a million of
    # them — checking three deferred constraints per row at each commit cost more than the rest of the
    # refresh's writes (docs/performance.md, « Observatoire »).
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("quartier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    qpv = models.ForeignKey(
        QPV,
        verbose_name=_("QPV"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    indicator = models.CharField(_("indicateur"), max_length=40)
    dimension = models.CharField(_("ventilation"), max_length=60, blank=True)
    previous_month = models.DateField(_("mois précédent"), null=True, blank=True)
    value = models.BigIntegerField(_("valeur"))
    persons = models.BigIntegerField(_("jeunes concernés"), null=True, blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        indexes = [models.Index(fields=["indicator", "month"], name="obs_value_lookup_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(persons__isnull=True) | Q(persons__gte=0), name="obs_value_persons"
            ),
            models.CheckConstraint(
                condition=Q(previous_month__isnull=True) | Q(previous_month__lt=F("month")),
                name="obs_value_previous_before",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}[{self.dimension}] {self.month:%Y-%m} commune {self.commune_id}"


class RefreshRunQuerySet(models.QuerySet["RefreshRun"]):
    def succeeded(self) -> RefreshRunQuerySet:
        return self.filter(status=RefreshStatus.SUCCEEDED)

    def unfinished(self) -> RefreshRunQuerySet:
        return self.filter(status__in=(RefreshStatus.QUEUED, RefreshStatus.RUNNING))


class RefreshRun(BaseModel):
    """The refresh log: one line per refresh of the summary tables, with its watermark.

    `watermark` is the time the run started reading: the next incremental run recomputes the months touched
    by rows created or updated after it (minus a safety lag, see `refresh.WATERMARK_LAG`). Progress
    (`steps_done` / `steps_total`, `step_label`) is written as the run goes, in its own transactions, so that
    the page can show it.
    """

    mode = models.CharField(_("type"), max_length=12, choices=RefreshMode.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=RefreshStatus.choices, default=RefreshStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    months_requested = models.PositiveSmallIntegerField(_("mois demandés"), null=True, blank=True)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    since = models.DateTimeField(_("depuis"), null=True, blank=True)
    watermark = models.DateTimeField(_("filigrane"), null=True, blank=True)
    months = models.JSONField(_("mois recalculés"), default=list, blank=True)
    steps_total = models.PositiveIntegerField(_("étapes"), default=0)
    steps_done = models.PositiveIntegerField(_("étapes faites"), default=0)
    step_label = models.CharField(_("étape en cours"), max_length=200, blank=True)
    rows_written = models.PositiveIntegerField(_("lignes écrites"), default=0)
    step_seconds = models.JSONField(_("durée des étapes (s)"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    task_result_id = models.CharField(_("tâche"), max_length=64, blank=True)

    objects = RefreshRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("actualisation des indicateurs")
        verbose_name_plural = _("actualisations des indicateurs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "-created"], name="obs_refresh_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} — {self.get_status_display()} ({self.created:%d/%m/%Y %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RefreshStatus.SUCCEEDED, RefreshStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == RefreshStatus.SUCCEEDED:
            return 100
        if not self.steps_total:
            return 0
        return min(99, self.steps_done * 100 // self.steps_total)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


# --- Archived local diagnoses -------------------------------------------------------------------------------


def diagnosis_upload_to(instance: DiagnosisReport, filename: str) -> str:
    return f"observatory/diagnostics/{filename}"


class DiagnosisReportQuerySet(models.QuerySet["DiagnosisReport"]):
    def for_territory(self, kind: str, pk: int) -> DiagnosisReportQuerySet:
        if kind == TerritoryKind.ZONE:
            return self.filter(territory_kind=kind, zone_id=pk)
        return self.filter(territory_kind=kind, epci_id=pk)


class DiagnosisReport(BaseModel):
    """A local diagnosis as it was produced (the PDF file, never regenerated), for a zone or an EPCI and a
    quarter: a committee opens the very report it discussed. Written by `diagnosis.archive_diagnosis`."""

    territory_kind = models.CharField(_("territoire"), max_length=4, choices=TerritoryKind.choices)
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    epci = models.ForeignKey(
        EPCI, verbose_name=_("EPCI"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory_name = models.CharField(_("nom du territoire"), max_length=200)
    period_start = models.DateField(_("début du trimestre"))
    period_label = models.CharField(_("période"), max_length=40)
    generated_at = models.DateTimeField(_("produit le"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("produit par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("fichier PDF"), upload_to=diagnosis_upload_to, max_length=200)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)

    objects = DiagnosisReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("état des lieux local archivé")
        verbose_name_plural = _("états des lieux locaux archivés")
        ordering = ["-period_start", "-generated_at", "-id"]
        indexes = [
            models.Index(fields=["territory_kind", "zone", "-period_start"], name="obs_report_zone_idx"),
            models.Index(fields=["territory_kind", "epci", "-period_start"], name="obs_report_epci_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(territory_kind=TerritoryKind.ZONE, zone__isnull=False, epci__isnull=True)
                | Q(territory_kind=TerritoryKind.EPCI, epci__isnull=False, zone__isnull=True),
                name="obs_report_one_territory",
            ),
        ]

    def __str__(self) -> str:
        return f"État des lieux {self.territory_name} — {self.period_label}"


class YouthSnapshot(models.Model):
    """What the last refresh read of each young person: geography, intake date, barrier domains (a bitmask of
    `indicators.VULNERABLE_DIMENSIONS`). Internal to the refresh — never shown, no identity: it lets an
    incremental refresh tell a move or a new barrier domain (every month of that young person must be
    recomputed) from an edit of a phone number (nothing to recompute), and gives the old intake month."""

    youth_id = models.BigIntegerField(primary_key=True)
    commune_id = models.BigIntegerField()
    quartier_id = models.BigIntegerField(null=True, blank=True)
    qpv_id = models.BigIntegerField(null=True, blank=True)
    intake_on = models.DateField()
    flags = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("état d'un jeune lu par l'observatoire")
        verbose_name_plural = _("états des jeunes lus par l'observatoire")

    def __str__(self) -> str:
        return f"jeune {self.youth_id} : commune {self.commune_id}"
