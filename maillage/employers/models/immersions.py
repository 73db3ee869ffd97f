"""Immersions (PMSMP, périodes de mise en situation en milieu professionnel) — issue 4, item 7.

A young person spends a few days to a month in a company, with a tutor, for one of the three legal objectives.
The agreement (convention) is printed as a PDF; the hours feed the CEJ weekly hours through the youth app's
hours registry (`maillage.employers.hours.ImmersionHoursSource`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel

from ..enums import ImmersionAssessment, ImmersionObjective, ImmersionStatus
from .companies import Company, Contact
from .offers import Offer
from .referentials import Appellation, Fiche

#: Calendar days a PMSMP lasts at most (one month; it may be renewed once, as a new agreement).
MAX_IMMERSION_DAYS = 31


class Immersion(BaseModel):
    youth = models.ForeignKey(
        "youth.Youth", verbose_name=_("jeune"), on_delete=models.CASCADE, related_name="immersions"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("structure d'accueil"), on_delete=models.PROTECT, related_name="immersions"
    )
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offre liée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appellation = models.ForeignKey(
        Appellation, verbose_name=_("métier découvert (ROME)"), on_delete=models.PROTECT, related_name="+"
    )
    fiche = models.ForeignKey(Fiche, verbose_name=_("fiche ROME"), on_delete=models.PROTECT, related_name="+")
    tutor = models.ForeignKey(
        Contact,
        verbose_name=_("tuteur·rice (contact)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tutored_immersions",
    )
    tutor_name = models.CharField(_("tuteur·rice"), max_length=160)
    tutor_job_title = models.CharField(_("fonction du tuteur·rice"), max_length=160, blank=True)
    tutor_phone = models.CharField(_("téléphone du tuteur·rice"), max_length=30, blank=True)
    starts_on = models.DateField(_("premier jour"))
    ends_on = models.DateField(_("dernier jour"))
    weekly_hours = models.DecimalField(_("heures par semaine"), max_digits=4, decimal_places=1)
    schedule = models.CharField(
        _("horaires"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : du lundi au vendredi, 9 h – 17 h."),
    )
    objective = models.CharField(_("objectif"), max_length=10, choices=ImmersionObjective.choices)
    objectives = models.TextField(
        _("objectifs détaillés"), help_text=_("Ce que le jeune veut découvrir, vérifier ou montrer.")
    )
    activities = models.TextField(_("activités confiées"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=ImmersionStatus.choices, default=ImmersionStatus.PLANNED
    )
    assessment = models.CharField(_("bilan"), max_length=12, choices=ImmersionAssessment.choices, blank=True)
    assessment_notes = models.TextField(_("bilan détaillé"), blank=True)
    assessed_on = models.DateField(_("bilan fait le"), null=True, blank=True)
    proposal = models.ForeignKey(
        "youth.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prescrite par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("immersion (PMSMP)")
        verbose_name_plural = _("immersions (PMSMP)")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="immersion_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0, weekly_hours__lte=48), name="immersion_weekly_hours_range"
            ),
            models.CheckConstraint(
                condition=~Q(status=ImmersionStatus.COMPLETED) | ~Q(assessment=""),
                name="immersion_completed_has_assessment",
            ),
        ]
        indexes = [
            models.Index(fields=["youth", "starts_on"], name="immersion_youth_idx"),
            models.Index(fields=["starts_on"], name="immersion_starts_idx"),
        ]

    def __str__(self) -> str:
        return f"Immersion chez {self.company} du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("employers:immersion_detail", args=[self.pk])

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def working_days(self) -> int:
        return sum(1 for n in range(self.days) if (self.starts_on + timedelta(days=n)).weekday() < 5)

    @property
    def total_hours(self) -> Decimal:
        """Planned hours: the weekly hours pro rata of the weekdays covered (as the CEJ hours count them)."""
        return (self.weekly_hours * self.working_days / 5).quantize(Decimal("0.1"))

    def phase_on(self, day: date | None = None) -> str:
        """ "à venir", "en cours" or "terminée" (the page shows it beside the status)."""
        day = day or timezone.localdate()
        if day < self.starts_on:
            return "à venir"
        if day > self.ends_on:
            return "terminée"
        return "en cours"
