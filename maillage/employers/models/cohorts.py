"""Cohort programmes such as "100 chances 100 emplois" (issue 4, item 8).

A cohort gathers young people for a few weeks with partner employers: collective stages (workshops, company
visits, mock interviews, job datings) with attendance, then an outcome for each young person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.territory.models import Zone

from ..enums import AttendanceStatus, CohortMemberStatus, CohortOutcome, StageKind
from .companies import Company


class Cohort(BaseModel):
    name = models.CharField(_("nom de la cohorte"), max_length=160)
    programme = models.CharField(
        _("programme"), max_length=160, help_text=_("Par exemple : 100 chances 100 emplois.")
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Vide : tout le territoire."),
    )
    description = models.TextField(_("présentation"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordination"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partners = models.ManyToManyField(
        Company, verbose_name=_("entreprises partenaires"), blank=True, related_name="cohorts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cohorte")
        verbose_name_plural = _("cohortes")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cohort_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employers:cohort_detail", args=[self.pk])


class CohortMember(BaseModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    youth = models.ForeignKey(
        "youth.Youth", verbose_name=_("jeune"), on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    enrolled_on = models.DateField(_("inscrit·e le"))
    status = models.CharField(
        _("statut"), max_length=10, choices=CohortMemberStatus.choices, default=CohortMemberStatus.ENROLLED
    )
    outcome = models.CharField(_("sortie"), max_length=16, choices=CohortOutcome.choices, blank=True)
    outcome_on = models.DateField(_("date de la sortie"), null=True, blank=True)
    outcome_company = models.ForeignKey(
        Company,
        verbose_name=_("employeur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("jeune de la cohorte")
        verbose_name_plural = _("jeunes de la cohorte")
        ordering = ["cohort", "youth__search_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "youth"], name="cohort_member_unique"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False), name="cohort_outcome_has_date"
            ),
        ]
        indexes = [models.Index(fields=["youth"], name="cohort_member_youth_idx")]

    def __str__(self) -> str:
        return f"{self.youth} — {self.cohort}"


class CohortStage(BaseModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="stages")
    title = models.CharField(_("intitulé"), max_length=160)
    kind = models.CharField(_("type"), max_length=16, choices=StageKind.choices, default=StageKind.WORKSHOP)
    date = models.DateField(_("date"))
    duration_hours = models.DecimalField(_("durée (heures)"), max_digits=4, decimal_places=1, default=3)
    company = models.ForeignKey(
        Company,
        verbose_name=_("entreprise d'accueil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("étape de la cohorte")
        verbose_name_plural = _("étapes de la cohorte")
        ordering = ["cohort", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_hours__gt=0, duration_hours__lte=24), name="cohort_stage_duration_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Attendance(models.Model):
    stage = models.ForeignKey(CohortStage, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(CohortMember, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("présence"), max_length=8, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [models.UniqueConstraint(fields=["stage", "member"], name="attendance_unique")]

    def __str__(self) -> str:
        return self.get_status_display()
