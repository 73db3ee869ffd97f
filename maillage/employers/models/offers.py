"""Job offers, and the recruitment requests employers send through the public form.

An offer carries everything matching needs (part 2 of the employers issue): the ROME appellation and its
fiche, the commune (its centroid gives distances), the contract, the start date and the requirements —
skills from the ROME list, driving licence, minimum qualification level.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.territory.models import Commune

from ..enums import ContractType, DurationUnit, OfferSource, OfferStatus, QualificationLevel, RequestStatus
from .companies import Company, Contact, RecruitmentNeed
from .referentials import Appellation, Fiche, Skill


def _still_valid(today: date) -> Q:
    return Q(expires_on__isnull=True) | Q(expires_on__gte=today)


class OfferQuerySet(models.QuerySet["Offer"]):
    """The expiry date is enforced in every read: an open offer whose expiry date has passed *is* expired,
    even before the daily `expire_offers` task writes it down."""

    def open(self, today: date | None = None) -> OfferQuerySet:
        today = today or timezone.localdate()
        return self.filter(Q(status=OfferStatus.OPEN) & _still_valid(today))

    def expired(self, today: date | None = None) -> OfferQuerySet:
        today = today or timezone.localdate()
        return self.filter(Q(status=OfferStatus.EXPIRED) | Q(status=OfferStatus.OPEN, expires_on__lt=today))

    def past_expiry(self, today: date | None = None) -> OfferQuerySet:
        """Open offers whose expiry date has passed: what the daily task marks expired."""
        today = today or timezone.localdate()
        return self.filter(status=OfferStatus.OPEN, expires_on__lt=today)

    def with_effective_status(self, today: date | None = None) -> OfferQuerySet:
        today = today or timezone.localdate()
        return self.annotate(
            effective_status=models.Case(
                models.When(
                    Q(status=OfferStatus.OPEN, expires_on__lt=today),
                    then=models.Value(OfferStatus.EXPIRED.value),
                ),
                default=models.F("status"),
                output_field=models.CharField(),
            )
        )

    def with_status(self, status: str, today: date | None = None) -> OfferQuerySet:
        """Filter on the effective status (what the pages show)."""
        if status == OfferStatus.OPEN:
            return self.open(today)
        if status == OfferStatus.EXPIRED:
            return self.expired(today)
        return self.filter(status=status)


class Offer(BaseModel):
    company = models.ForeignKey(
        Company, verbose_name=_("entreprise"), on_delete=models.PROTECT, related_name="offers"
    )
    title = models.CharField(_("intitulé du poste"), max_length=200)
    appellation = models.ForeignKey(
        Appellation,
        verbose_name=_("métier (appellation ROME)"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    #: The appellation's fiche (code ROME), stored for matching and the GPEC-T tables.
    fiche = models.ForeignKey(
        Fiche, verbose_name=_("fiche ROME"), on_delete=models.PROTECT, related_name="offers"
    )
    contract = models.CharField(_("contrat"), max_length=20, choices=ContractType.choices)
    duration_value = models.PositiveSmallIntegerField(_("durée"), null=True, blank=True)
    duration_unit = models.CharField(
        _("unité de durée"), max_length=6, choices=DurationUnit.choices, blank=True
    )
    weekly_hours = models.DecimalField(
        _("heures par semaine"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    positions = models.PositiveSmallIntegerField(_("nombre de postes"), default=1)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune du lieu de travail"), on_delete=models.PROTECT, related_name="offers"
    )
    start_date = models.DateField(
        _("date de début"), null=True, blank=True, help_text=_("Vide : dès que possible.")
    )
    published_on = models.DateField(_("publiée le"), default=timezone.localdate, db_index=True)
    expires_on = models.DateField(
        _("date d'expiration"), null=True, blank=True, help_text=_("Passé cette date, l'offre est expirée.")
    )
    description = models.TextField(_("description du poste"), blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("compétences attendues"), blank=True, related_name="offers"
    )
    #: Derived (services.create_offer / update_offer): the expected skills' codes, space-separated, so that
    #: ranking offers for a young person reads one table.
    skill_codes = models.TextField(_("codes des compétences attendues"), blank=True, editable=False)
    driving_licence_required = models.BooleanField(_("permis B exigé"), default=False)
    qualification_level = models.CharField(
        _("niveau de qualification minimal"),
        max_length=8,
        choices=QualificationLevel.choices,
        blank=True,
        help_text=_("Vide : aucun diplôme exigé."),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    source = models.CharField(
        _("origine"), max_length=16, choices=OfferSource.choices, default=OfferSource.OFFICER
    )
    external_reference = models.CharField(
        _("référence externe"),
        max_length=40,
        blank=True,
        help_text=_("Par exemple le numéro France Travail."),
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact chez l'employeur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    need = models.ForeignKey(
        RecruitmentNeed,
        verbose_name=_("besoin d'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=1), name="offer_positions_positive"),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True) | Q(weekly_hours__gt=0, weekly_hours__lte=48),
                name="offer_weekly_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_value__isnull=True, duration_unit="")
                | Q(duration_value__gte=1, duration_unit__in=DurationUnit.values),
                name="offer_duration_complete",
            ),
            models.CheckConstraint(
                condition=~Q(contract=ContractType.CDI) | Q(duration_value__isnull=True),
                name="offer_cdi_without_duration",
            ),
            models.CheckConstraint(condition=Q(status__in=OfferStatus.values), name="offer_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"], name="offer_status_idx"),
            models.Index(fields=["fiche", "status"], name="offer_fiche_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("employers:offer_detail", args=[self.pk])

    def effective_status_on(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.status == OfferStatus.OPEN and self.expires_on and self.expires_on < today:
            return OfferStatus.EXPIRED
        return self.status

    @property
    def current_status(self) -> str:
        """The status the pages show (the list annotates it; a single offer computes it)."""
        return getattr(self, "effective_status", None) or self.effective_status_on()

    @property
    def current_status_label(self) -> str:
        return str(OfferStatus(self.current_status).label)

    @property
    def is_open(self) -> bool:
        return self.current_status == OfferStatus.OPEN

    @property
    def duration_display(self) -> str:
        if not self.duration_value:
            return ""
        return f"{self.duration_value} {DurationUnit(self.duration_unit).label}"


class RecruitmentRequest(BaseModel):
    """What an employer sent through the public form, as typed, until an officer accepts or rejects it."""

    company_name = models.CharField(_("entreprise"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    contact_name = models.CharField(_("nom du contact"), max_length=160)
    contact_email = models.EmailField(_("e-mail du contact"))
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    occupation_text = models.CharField(_("métier (tel que saisi)"), max_length=200)
    appellation = models.ForeignKey(
        Appellation,
        verbose_name=_("métier (appellation ROME)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune du poste"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    positions = models.PositiveSmallIntegerField(_("nombre de postes"), default=1)
    start_date = models.DateField(_("date de début souhaitée"), null=True, blank=True)
    contract = models.CharField(_("contrat"), max_length=20, choices=ContractType.choices)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.TO_REVIEW,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    rejection_reason = models.CharField(_("motif du refus"), max_length=255, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("entreprise enregistrée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    need = models.ForeignKey(
        RecruitmentNeed,
        verbose_name=_("besoin créé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offre créée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("demande de recrutement en ligne")
        verbose_name_plural = _("demandes de recrutement en ligne")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=1), name="request_positions_positive"),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.TO_REVIEW) | Q(reviewed_at__isnull=False),
                name="request_reviewed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} — {self.occupation_text}"

    def get_absolute_url(self) -> str:
        return reverse("employers:request_detail", args=[self.pk])
