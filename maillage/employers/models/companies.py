"""The employer CRM: companies (establishments), their contacts, interactions and recruitment needs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.core.text import search_key
from maillage.territory.models import Commune

from ..enums import CompanySize, ContractType, InteractionKind, NeedKind, NeedSource, NeedStatus
from ..siret import validate_siret
from .referentials import SEARCH_MAX_LENGTH, Appellation, Fiche, NafSubclass, words_query


class CompanyQuerySet(models.QuerySet["Company"]):
    def active(self) -> CompanyQuerySet:
        """Archived companies leave the lists; their history stays reachable from their page."""
        return self.filter(is_archived=False)

    def search(self, query: str | None) -> CompanyQuerySet:
        """By name (any word prefix, accent-insensitive), SIRET prefix (3 digits or more) or commune."""
        raw = (query or "").strip()[:SEARCH_MAX_LENGTH]
        digits = raw.replace(" ", "")
        if digits.isdigit():
            return self.filter(siret__startswith=digits) if len(digits) >= 3 else self.none()
        key = search_key(raw)
        if not key:
            return self
        return self.filter(
            words_query(key, "search_text")
            | Q(commune__search_name__startswith=key)
            | Q(commune__search_name__contains=" " + key)
        )

    def for_list(self) -> CompanyQuerySet:
        """What the list page shows, in a fixed number of queries whatever the page size.

        The open offers are counted by a correlated subquery, computed for the rows of the page only (a JOIN +
        GROUP BY would aggregate every company before the LIMIT).
        """
        from .offers import Offer

        open_offers = (
            Offer.objects.open()
            .filter(company=models.OuterRef("pk"))
            .order_by()
            .values("company")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.select_related("commune__zone", "naf__section", "officer").annotate(
            open_offer_count=Coalesce(models.Subquery(open_offers, output_field=models.IntegerField()), 0)
        )


class Company(BaseModel):
    """An establishment (one SIRET) the organisation works with.

    The SIRET is optional on purpose: an officer often meets an employer (a shop, an association, a craftsman)
    before knowing it, and a request from the public form may come without it. When it is given it is
    validated and unique (a partial unique constraint: several companies may have none).
    """

    name = models.CharField(_("raison sociale ou enseigne"), max_length=200)
    #: " " + search key of the name: word-prefix search and an accent-free sort order on every database.
    search_text = models.CharField(_("clé de recherche"), max_length=210, editable=False, db_index=True)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 chiffres (facultatif tant qu'il n'est pas connu)."),
    )
    naf = models.ForeignKey(
        NafSubclass,
        verbose_name=_("code NAF (APE)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
    )
    size_band = models.CharField(
        _("tranche d'effectif"), max_length=2, choices=CompanySize.choices, blank=True
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
        help_text=_("Laissez vide pour un établissement situé hors du territoire."),
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    website = models.URLField(_("site web"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e référent·e"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    is_archived = models.BooleanField(_("archivée"), default=False, db_index=True)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    last_interaction_on = models.DateField(_("dernier échange"), null=True, blank=True, db_index=True)
    #: Optimistic lock: an edit made on an outdated page is refused instead of overwriting someone's change.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["search_text", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="company_siret_unique",
                violation_error_message=_("Une entreprise avec ce SIRET est déjà enregistrée."),
            ),
            models.CheckConstraint(
                condition=Q(is_archived=False) | Q(archived_at__isnull=False),
                name="company_archived_has_date",
            ),
        ]
        indexes = [models.Index(fields=["is_archived", "search_text"], name="company_list_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def build_search_text(name: str) -> str:
        return " " + search_key(name)

    def get_absolute_url(self) -> str:
        return reverse("employers:company_detail", args=[self.pk])

    @property
    def siret_display(self) -> str:
        """ "123 456 789 00012": SIREN in groups of three, then the NIC."""
        s = self.siret
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}" if len(s) == 14 else s


class Contact(BaseModel):
    company = models.ForeignKey(
        Company, verbose_name=_("entreprise"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("nom"), max_length=160)
    job_title = models.CharField(_("fonction"), max_length=160, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.CharField(_("remarque"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.job_title})" if self.job_title else self.name


class Interaction(BaseModel):
    """A visit, a call, an e-mail or an event with the company: the CRM's timeline."""

    company = models.ForeignKey(
        Company, verbose_name=_("entreprise"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("type d'échange"), max_length=10, choices=InteractionKind.choices)
    date = models.DateField(_("date"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("interlocuteur·rice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    notes = models.TextField(_("compte rendu"), blank=True)

    class Meta:
        verbose_name = _("échange")
        verbose_name_plural = _("échanges")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["company", "-date"], name="interaction_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class RecruitmentNeedQuerySet(models.QuerySet["RecruitmentNeed"]):
    def open(self) -> RecruitmentNeedQuerySet:
        return self.filter(status=NeedStatus.OPEN)


class RecruitmentNeed(BaseModel):
    """A need the employer expressed: an occupation, a number of people, a period."""

    company = models.ForeignKey(
        Company, verbose_name=_("entreprise"), on_delete=models.CASCADE, related_name="needs"
    )
    appellation = models.ForeignKey(
        Appellation,
        verbose_name=_("métier (appellation ROME)"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    #: The appellation's fiche, stored so that GPEC-T and matching group needs without a join.
    fiche = models.ForeignKey(
        Fiche, verbose_name=_("fiche ROME"), on_delete=models.PROTECT, related_name="needs"
    )
    kind = models.CharField(
        _("nature du besoin"), max_length=16, choices=NeedKind.choices, default=NeedKind.HIRING
    )
    contract = models.CharField(
        _("contrat envisagé"), max_length=20, choices=ContractType.choices, blank=True
    )
    quantity = models.PositiveSmallIntegerField(_("nombre de personnes"), default=1)
    period_start = models.DateField(_("à partir du"))
    period_end = models.DateField(_("jusqu'au"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    source = models.CharField(
        _("origine"), max_length=12, choices=NeedSource.choices, default=NeedSource.OFFICER
    )
    notes = models.TextField(_("précisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RecruitmentNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin de recrutement")
        verbose_name_plural = _("besoins de recrutement")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="need_quantity_positive"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="need_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["period_start"], name="need_period_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.appellation} ({self.company})"
