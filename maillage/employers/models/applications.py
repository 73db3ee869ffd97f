"""Applications (mises en relation) and the follow-up after hiring (issue 4, item 6).

An application links a young person to an offer and moves proposed → sent to the employer → interview →
hired / not hired / withdrawn. Transitions are the business of `services` (they check the current state, date
the step, write an `ApplicationStep` and an audit entry, and keep the young person's file up to date through
the youth services: a proposal on the file, a job situation on hiring). A hire schedules three follow-ups
(1, 3 and 6 months after the start of the contract) whose outcome the observatory reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel

from ..enums import (
    CLOSED_APPLICATION_STATUSES,
    ApplicationStatus,
    FollowUpOutcome,
    FollowUpStatus,
    LeftReason,
    NotHiredReason,
    WithdrawalReason,
)
from .offers import Offer


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> ApplicationQuerySet:
        return self.exclude(status__in=CLOSED_APPLICATION_STATUSES)

    def hired(self) -> ApplicationQuerySet:
        return self.filter(status=ApplicationStatus.HIRED)


class Application(BaseModel):
    offer = models.ForeignKey(
        Offer, verbose_name=_("offre"), on_delete=models.PROTECT, related_name="applications"
    )
    youth = models.ForeignKey(
        "youth.Youth", verbose_name=_("jeune"), on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(
        _("étape"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PROPOSED
    )
    #: Date of the current step (the steps' history is in ApplicationStep).
    status_on = models.DateField(_("depuis le"))
    proposed_on = models.DateField(_("proposée le"))
    #: Score and criteria when proposed (matching.Match.as_dict()): what the officer read then.
    score = models.PositiveSmallIntegerField(_("score d'adéquation"), null=True, blank=True)
    explanation = models.JSONField(_("explication du score"), default=list, blank=True)
    interview_on = models.DateField(_("date de l'entretien"), null=True, blank=True)
    hired_on = models.DateField(_("début du contrat"), null=True, blank=True)
    contract_end_on = models.DateField(_("fin du contrat"), null=True, blank=True)
    not_hired_reason = models.CharField(
        _("motif de non-embauche"), max_length=20, choices=NotHiredReason.choices, blank=True
    )
    withdrawal_reason = models.CharField(
        _("motif du retrait"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )
    comment = models.CharField(_("précision"), max_length=255, blank=True)
    #: The proposal on the young person's file (youth.services.add_proposal) and the job situation on hiring.
    proposal = models.ForeignKey(
        "youth.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    situation = models.ForeignKey(
        "youth.Situation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-status_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "youth"], name="application_one_per_offer"),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.HIRED) | Q(hired_on__isnull=False),
                name="application_hired_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.NOT_HIRED) | ~Q(not_hired_reason=""),
                name="application_not_hired_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.WITHDRAWN) | ~Q(withdrawal_reason=""),
                name="application_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(contract_end_on__isnull=True) | Q(contract_end_on__gte=models.F("hired_on")),
                name="application_contract_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["youth", "-status_on"], name="application_youth_idx"),
            models.Index(fields=["offer", "status"], name="application_offer_idx"),
            models.Index(fields=["status", "-status_on"], name="application_status_idx"),
            models.Index(fields=["hired_on"], condition=Q(status="hired"), name="application_hired_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.youth} → {self.offer}"

    def get_absolute_url(self) -> str:
        return reverse("employers:application_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_APPLICATION_STATUSES

    @property
    def reason_label(self) -> str:
        if self.status == ApplicationStatus.NOT_HIRED:
            return self.get_not_hired_reason_display()
        if self.status == ApplicationStatus.WITHDRAWN:
            return self.get_withdrawal_reason_display()
        return ""


class ApplicationStep(models.Model):
    """One dated step of an application (the pipeline's history, shown on the application page)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("étape"), max_length=10, choices=ApplicationStatus.choices)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("précision"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("étape de mise en relation")
        verbose_name_plural = _("étapes de mise en relation")
        ordering = ["application", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} le {self.on:%d/%m/%Y}"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def pending(self) -> FollowUpQuerySet:
        return self.filter(status=FollowUpStatus.PENDING)


class FollowUp(BaseModel):
    """A call 1, 3 or 6 months after the start of the contract: still employed, or left (and why)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("mois après l'embauche"))
    due_on = models.DateField(_("à faire le"))
    status = models.CharField(
        _("statut"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    done_on = models.DateField(_("fait le"), null=True, blank=True)
    outcome = models.CharField(_("résultat"), max_length=10, choices=FollowUpOutcome.choices, blank=True)
    left_on = models.DateField(_("a quitté l'emploi le"), null=True, blank=True)
    left_reason = models.CharField(
        _("motif du départ"), max_length=16, choices=LeftReason.choices, blank=True
    )
    comment = models.CharField(_("commentaire"), max_length=255, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fait par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("suivi après embauche")
        verbose_name_plural = _("suivis après embauche")
        ordering = ["application", "months"]
        constraints = [
            models.UniqueConstraint(fields=["application", "months"], name="follow_up_unique_milestone"),
            models.CheckConstraint(
                condition=~Q(status=FollowUpStatus.DONE) | (Q(done_on__isnull=False) & ~Q(outcome="")),
                name="follow_up_done_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=FollowUpOutcome.LEFT) | (Q(left_on__isnull=False) & ~Q(left_reason="")),
                name="follow_up_left_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(status="pending"), name="follow_up_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"Suivi à {self.months} mois"

    @property
    def label(self) -> str:
        return f"Suivi à {self.months} mois"
