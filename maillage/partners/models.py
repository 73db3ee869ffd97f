"""Partners: the directory (organisations, their services and contacts, partner users' memberships),
projects answering calls for projects with their funding lines, and governance meetings.

QuerySets first (the reusable queries: who sees what, which services serve a commune, stale listings,
referrals waiting for an answer), then the models. Referrals find services with
`Service.objects.active().with_theme(domain).serving_commune(commune)`.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.roles import STAFF_ROLES, Role
from maillage.core.models import BaseModel
from maillage.core.text import search_key
from maillage.territory.models import EPCI, Commune, Zone

from . import conf
from .enums import (
    OPEN_DECISION_STATUSES,
    OPEN_REFERRAL_STATUSES,
    WAITING_REFERRAL_STATUSES,
    AttendeeCategory,
    ConsortiumRole,
    DecisionStatus,
    DeclineReason,
    FunderKind,
    MeetingKind,
    OrganisationKind,
    ProjectStatus,
    ReferralStatus,
    ServiceKind,
    TaskStatus,
    Theme,
)

#: Roles that edit every listing of the directory (a partner user edits only their own organisation's).
DIRECTORY_EDITOR_ROLES = frozenset({Role.DIRECTOR, Role.ZONE_MANAGER, Role.ADMIN})
#: Roles that reach the projects and funding pages; zone managers only read them.
PROJECT_READER_ROLES = frozenset({Role.DIRECTOR, Role.ANALYST, Role.ZONE_MANAGER, Role.ADMIN})
PROJECT_EDITOR_ROLES = frozenset({Role.DIRECTOR, Role.ANALYST, Role.ADMIN})
#: Roles that see every governance meeting; zone managers see (and run) their zones' meetings.
MEETING_ALL_ZONES_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})
MEETING_ROLES = MEETING_ALL_ZONES_ROLES | {Role.ZONE_MANAGER}

siret_validator = RegexValidator(r"^\d{14}$", _("Le SIRET compte 14 chiffres, sans espace."))


def new_external_id() -> str:
    """The data·inclusion identifier of a listing created here: "<source>--<uuid>", stable forever."""
    return f"{conf.data_inclusion_source()}--{uuid.uuid4()}"


def stale_cutoff(today: date | None = None) -> date:
    """Listings last checked before this day are stale."""
    return (today or timezone.localdate()) - timedelta(days=conf.listing_stale_days())


def _word_prefix(key: str, field: str) -> Q:
    return Q(**{f"{field}__startswith": key}) | Q(**{f"{field}__contains": " " + key})


def _role(user) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


# --------------------------------------------------------------------------------------------- querysets


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user) -> OrganisationQuerySet:
        """Staff see the whole directory; a partner user sees their own organisation(s); others nothing."""
        role = _role(user)
        if role in STAFF_ROLES:
            return self
        if role == Role.PARTNER:
            return self.filter(memberships__user=user)
        return self.none()

    def editable_by(self, user) -> OrganisationQuerySet:
        role = _role(user)
        if role in DIRECTORY_EDITOR_ROLES:
            return self
        if role == Role.PARTNER:
            return self.filter(memberships__user=user)
        return self.none()

    def search(self, query: str | None) -> OrganisationQuerySet:
        key = search_key((query or "")[:80])
        return self.filter(_word_prefix(key, "search_name")) if key else self

    def stale(self, today: date | None = None) -> OrganisationQuerySet:
        cutoff = stale_cutoff(today)
        return self.filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=cutoff))

    def with_stale_listings(self, today: date | None = None) -> OrganisationQuerySet:
        """Organisations whose own listing, or one of whose active services, is stale."""
        stale_services = Service.objects.active().stale(today).filter(organisation=OuterRef("pk"))
        cutoff = stale_cutoff(today)
        return self.filter(
            Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=cutoff) | Q(Exists(stale_services))
        )

    def due_for_reminder(self, today: date | None = None) -> OrganisationQuerySet:
        """Active organisations with stale listings that were not reminded in the last interval."""
        today = today or timezone.localdate()
        last_allowed = today - timedelta(days=conf.reminder_interval_days())
        return (
            self.filter(is_active=True)
            .with_stale_listings(today)
            .filter(Q(reminder_sent_on__isnull=True) | Q(reminder_sent_on__lte=last_allowed))
        )

    def serving_commune(self, commune: Commune) -> OrganisationQuerySet:
        return self.filter(_territory_q(Organisation, commune, "pk"))


class ServiceQuerySet(models.QuerySet["Service"]):
    def visible_to(self, user) -> ServiceQuerySet:
        return self.filter(organisation__in=Organisation.objects.visible_to(user))

    def editable_by(self, user) -> ServiceQuerySet:
        return self.filter(organisation__in=Organisation.objects.editable_by(user))

    def active(self) -> ServiceQuerySet:
        return self.filter(is_active=True, organisation__is_active=True)

    def with_theme(self, theme: str) -> ServiceQuerySet:
        return self.filter(Exists(ServiceTheme.objects.filter(service=OuterRef("pk"), theme=theme)))

    def serving_commune(self, commune: Commune) -> ServiceQuerySet:
        """Services whose territory includes the commune: the commune itself, its EPCI, its zone or the whole
        area, either listed on the service or, when the service uses its organisation's territory, there."""
        own = Q(uses_organisation_territory=False) & _territory_q(Service, commune, "pk")
        inherited = Q(uses_organisation_territory=True) & _territory_q(
            Organisation, commune, "organisation_id", prefix="organisation__"
        )
        return self.filter(own | inherited)

    def search(self, query: str | None) -> ServiceQuerySet:
        key = search_key((query or "")[:80])
        if not key:
            return self
        return self.filter(_word_prefix(key, "search_name") | _word_prefix(key, "organisation__search_name"))

    def stale(self, today: date | None = None) -> ServiceQuerySet:
        cutoff = stale_cutoff(today)
        return self.filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=cutoff))


def _territory_q(model: Any, commune: Commune, outer: str, prefix: str = "") -> Q:
    """The commune is served by the row's listed communes, EPCI, zones, or its whole-area flag."""
    owner = model._meta.model_name  # "organisation" or "service": the FK name on the through tables
    communes = model.communes.through.objects.filter(**{owner: OuterRef(outer)}, commune_id=commune.pk)
    epcis = model.epcis.through.objects.filter(**{owner: OuterRef(outer)}, epci_id=commune.epci_id)
    zones = model.zones.through.objects.filter(**{owner: OuterRef(outer)}, zone_id=commune.zone_id)
    return Q(**{f"{prefix}whole_area": True}) | Q(Exists(communes)) | Q(Exists(epcis)) | Q(Exists(zones))


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user) -> ProjectQuerySet:
        return self if _role(user) in PROJECT_READER_ROLES else self.none()

    def open(self) -> ProjectQuerySet:
        return self.exclude(status__in=(ProjectStatus.LOST, ProjectStatus.CLOSED))


class FundingLineQuerySet(models.QuerySet["FundingLine"]):
    def visible_to(self, user) -> FundingLineQuerySet:
        return self if _role(user) in PROJECT_READER_ROLES else self.none()


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user) -> MeetingQuerySet:
        role = _role(user)
        if role in MEETING_ALL_ZONES_ROLES:
            return self
        if role == Role.ZONE_MANAGER:
            return self.filter(zone_id__in=user.zone_ids())
        return self.none()


class DecisionQuerySet(models.QuerySet["Decision"]):
    def visible_to(self, user) -> DecisionQuerySet:
        return self.filter(meeting__in=Meeting.objects.visible_to(user))

    def open(self) -> DecisionQuerySet:
        return self.filter(status__in=OPEN_DECISION_STATUSES)

    def overdue(self, today: date | None = None) -> DecisionQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user) -> ReferralQuerySet:
        """Staff who see the young person see their referrals (same rule as Youth.objects.visible_to); a
        partner user sees the referrals addressed to their organisation(s); everybody else nothing."""
        from maillage.youth.roles import ALL_ZONES_ROLES, ZONE_ROLES

        role = _role(user)
        if role in ALL_ZONES_ROLES:
            return self
        if role in ZONE_ROLES:
            return self.filter(youth__zone_id__in=user.zone_ids())
        if role == Role.PARTNER:
            return self.filter(organisation__memberships__user=user)
        return self.none()

    def waiting(self) -> ReferralQuerySet:
        """Waiting for the partner's answer (sent or acknowledged, neither accepted nor declined)."""
        return self.filter(status__in=WAITING_REFERRAL_STATUSES)

    def waiting_since(self, days: int, now: Any = None) -> ReferralQuerySet:
        """Waiting, and sent at least `days` days ago."""
        return self.waiting().filter(sent_at__lte=(now or timezone.now()) - timedelta(days=days))

    def overdue(self, now: Any = None) -> ReferralQuerySet:
        """Waiting for PARTNERS_REFERRAL_OVERDUE_DAYS (30) days or more: flagged on the counsellor's home."""
        return self.waiting_since(conf.referral_overdue_days(), now)

    def due_for_reminder(self, now: Any = None) -> ReferralQuerySet:
        """Waiting for PARTNERS_REFERRAL_REMINDER_DAYS (10) days or more and never reminded."""
        return self.waiting_since(conf.referral_reminder_days(), now).filter(reminder_sent_at__isnull=True)


# --------------------------------------------------------------------------------------------- directory


class ServedTerritory(models.Model):
    """The territory a listing serves: communes, EPCI, zones, or the whole area of the Mission locale."""

    whole_area = models.BooleanField(
        _("tout le territoire"),
        default=False,
        help_text=_("Intervient sur toutes les communes du territoire de la Mission locale."),
    )
    communes = models.ManyToManyField(Commune, verbose_name=_("communes"), blank=True, related_name="+")
    epcis = models.ManyToManyField(EPCI, verbose_name=_("EPCI"), blank=True, related_name="+")
    zones = models.ManyToManyField(Zone, verbose_name=_("zones (antennes)"), blank=True, related_name="+")

    class Meta:
        abstract = True


class Listing(models.Model):
    """What a directory entry shares: its data·inclusion identity and its freshness."""

    external_id = models.CharField(
        _("identifiant data·inclusion"),
        max_length=200,
        unique=True,
        default=new_external_id,
        help_text=_("« source--identifiant » : stable, sert à reconnaître la fiche lors d'un import."),
    )
    last_checked_on = models.DateField(_("vérifiée le"), null=True, blank=True, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    #: Optimistic lock: an edit made on an older version is refused instead of silently overwriting.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        return self.last_checked_on is None or self.last_checked_on < stale_cutoff()

    @property
    def source(self) -> str:
        return self.external_id.split("--", 1)[0] if "--" in self.external_id else ""


class Organisation(Listing, ServedTerritory, BaseModel):
    """A partner organisation (structure in data·inclusion's vocabulary)."""

    name = models.CharField(_("nom"), max_length=150)
    search_name = models.CharField(_("nom normalisé"), max_length=150, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[siret_validator])
    description = models.TextField(_("présentation"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_organisations",
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    opening_hours = models.CharField(_("horaires d'accueil"), max_length=255, blank=True)
    reminder_sent_on = models.DateField(
        _("dernier rappel de mise à jour"),
        null=True,
        blank=True,
        help_text=_("Date du dernier courriel demandant de vérifier les fiches."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure partenaire")
        verbose_name_plural = _("structures partenaires")
        ordering = ["search_name", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)


class Contact(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=150)
    role = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    receives_reminders = models.BooleanField(
        _("reçoit les rappels de mise à jour"),
        default=True,
        help_text=_("Ce contact reçoit le courriel quand la fiche n'a pas été vérifiée depuis six mois."),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Service(Listing, ServedTerritory, BaseModel):
    """A service offered by an organisation (its owner), found by theme and by the communes it serves."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("nom"), max_length=150)
    search_name = models.CharField(_("nom normalisé"), max_length=150, db_index=True, editable=False)
    kind = models.CharField(_("type de service"), max_length=20, choices=ServiceKind.choices)
    description = models.TextField(_("description"))
    eligibility = models.TextField(_("public et conditions d'accès"), blank=True)
    how_to_refer = models.TextField(_("comment orienter"), blank=True)
    opening_hours = models.CharField(_("horaires"), max_length=255, blank=True)
    place = models.CharField(
        _("lieu"), max_length=255, blank=True, help_text=_("Adresse où le service est rendu.")
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune du lieu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_services",
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_name = models.CharField(_("personne à contacter"), max_length=150, blank=True)
    link = models.URLField(_("lien pour mobiliser le service"), blank=True)
    uses_organisation_territory = models.BooleanField(
        _("même territoire que la structure"),
        default=True,
        help_text=_("Décochez pour indiquer un territoire propre à ce service."),
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["search_name", "id"]
        indexes = [models.Index(fields=["organisation", "is_active"], name="partners_service_org_active")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def theme_codes(self) -> list[str]:
        """The service's themes (uses the prefetched `themes` when there is one)."""
        return sorted(link.theme for link in self.themes.all())

    @property
    def theme_labels(self) -> list[str]:
        return [str(Theme(code).label) for code in self.theme_codes if code in Theme.values]


class ServiceTheme(models.Model):
    """One theme of a service (a table rather than a JSON list: filtered the same way on every database)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)

    class Meta:
        verbose_name = _("thème d'un service")
        verbose_name_plural = _("thèmes des services")
        constraints = [
            models.UniqueConstraint(fields=["service", "theme"], name="partners_service_theme_unique")
        ]
        indexes = [models.Index(fields=["theme", "service"], name="partners_theme_service_idx")]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.theme}"


class PartnerMembership(BaseModel):
    """Binds a partner user (role PARTNER) to the organisation whose listing they keep and whose referrals
    they receive."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("rattachement d'un partenaire")
        verbose_name_plural = _("rattachements des partenaires")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="partners_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


# --------------------------------------------------------------------------------------------- projects


class Project(BaseModel):
    """Our answer to a call for projects (appel à projets), from the idea to the end of the action."""

    title = models.CharField(_("titre"), max_length=200)
    call_title = models.CharField(_("appel à projets"), max_length=200, blank=True)
    funder_kind = models.CharField(_("type de financeur"), max_length=20, choices=FunderKind.choices)
    funder_name = models.CharField(_("financeur"), max_length=150)
    call_url = models.URLField(_("lien vers l'appel"), blank=True)
    deadline = models.DateField(_("date limite de dépôt"), null=True, blank=True, db_index=True)
    amount_requested = models.DecimalField(
        _("montant demandé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    amount_granted = models.DecimalField(
        _("montant accordé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.IDEA, db_index=True
    )
    status_changed_on = models.DateField(_("statut depuis le"), default=timezone.localdate)
    description = models.TextField(_("description"), blank=True)
    outcome = models.TextField(_("résultat, enseignements"), blank=True)
    starts_on = models.DateField(_("début de l'action"), null=True, blank=True)
    ends_on = models.DateField(_("fin de l'action"), null=True, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_partner_projects",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="partners_project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="partners_project_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ConsortiumMember(BaseModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("structure"), on_delete=models.PROTECT, related_name="consortia"
    )
    role = models.CharField(
        _("rôle"), max_length=10, choices=ConsortiumRole.choices, default=ConsortiumRole.MEMBER
    )
    contribution = models.CharField(_("apport au projet"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("membre du consortium")
        verbose_name_plural = _("membres du consortium")
        ordering = ["role", "organisation__search_name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="partners_member_unique"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role=ConsortiumRole.LEAD),
                name="partners_one_lead_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


def project_document_upload_to(instance: ProjectDocument, filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"partners/projects/{instance.project_id}/{uuid.uuid4().hex}{extension}"


class ProjectDocument(BaseModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=160)
    file = models.FileField(_("fichier"), upload_to=project_document_upload_to, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document de projet")
        verbose_name_plural = _("documents de projet")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.title


class ProjectTask(BaseModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("tâche"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_project_tasks",
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True, db_index=True)
    status = models.CharField(_("statut"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.TODO)
    done_on = models.DateField(_("faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche de projet")
        verbose_name_plural = _("tâches de projet")
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == TaskStatus.TODO and self.due_on is not None and self.due_on < timezone.localdate()
        )


class FundingLine(BaseModel):
    """Which funder pays for which action or programme, for how many participants, over which period."""

    title = models.CharField(_("action ou programme financé"), max_length=200)
    funder_kind = models.CharField(_("type de financeur"), max_length=20, choices=FunderKind.choices)
    funder_name = models.CharField(_("financeur"), max_length=150)
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_lines",
    )
    programme_code = models.SlugField(
        _("code du dispositif"),
        max_length=40,
        blank=True,
        help_text=_(
            "Code du dispositif d'accompagnement (ex. « cej ») dont les inscriptions comptent comme "
            "participants. Vide : aucun participant compté automatiquement."
        ),
    )
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Vide : tout le territoire."),
    )
    starts_on = models.DateField(_("début de la période"))
    ends_on = models.DateField(_("fin de la période"))
    target_participants = models.PositiveIntegerField(_("participants visés"), default=0)
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = FundingLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne de financement")
        verbose_name_plural = _("lignes de financement")
        ordering = ["-starts_on", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="partners_funding_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.funder_name}"


class FundingShare(BaseModel):
    """A co-financing share of a funding line; the shares of a line add up to 100 % at most
    (services.set_funding_shares checks the total)."""

    funding_line = models.ForeignKey(FundingLine, on_delete=models.CASCADE, related_name="shares")
    funder_kind = models.CharField(_("type de financeur"), max_length=20, choices=FunderKind.choices)
    funder_name = models.CharField(_("financeur"), max_length=150)
    percentage = models.DecimalField(
        _("part (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("part de cofinancement")
        verbose_name_plural = _("parts de cofinancement")
        ordering = ["-percentage", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__gt=0) & Q(percentage__lte=100), name="partners_share_percentage_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder_name} {self.percentage} %"


# --------------------------------------------------------------------------------------------- governance


class Meeting(BaseModel):
    """A zone committee (comité d'antenne) or a half-yearly technical meeting."""

    kind = models.CharField(_("instance"), max_length=20, choices=MeetingKind.choices)
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("heure"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["zone", "-date"], name="partners_meeting_zone_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.zone} — {self.date:%d/%m/%Y}"


class MeetingAttendee(BaseModel):
    """Someone invited to a meeting: a user of Maillage, or a name with an organisation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("nom"), max_length=150, blank=True)
    organisation_name = models.CharField(_("structure"), max_length=150, blank=True)
    category = models.CharField(_("qualité"), max_length=10, choices=AttendeeCategory.choices)
    attended = models.BooleanField(_("présent·e"), default=True)

    class Meta:
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")
        ordering = ["category", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="partners_attendee_user_or_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return str(self.user) if self.user_id else ""


class Decision(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("décision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable (compte)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_decisions",
    )
    owner_name = models.CharField(
        _("responsable (autre)"),
        max_length=150,
        blank=True,
        help_text=_("Nom et structure, sans compte Maillage."),
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.OPEN, db_index=True
    )
    status_changed_on = models.DateField(_("statut depuis le"), default=timezone.localdate)
    follow_up = models.TextField(_("suivi"), blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return str(self.owner)
        return self.owner_name

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in OPEN_DECISION_STATUSES
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


# --------------------------------------------------------------------------------------------- referrals


class Referral(BaseModel):
    """A referral (orientation) of a young person to a partner service, with the young person's consent.

    The partner never reads the youth file: it reads the snapshot below, taken when the referral was sent
    (identity and contact always; the ticked barriers' domain and severity, and their comment only when
    ticked too; never a note). Status moves only through the transition functions of services.py, each
    one dated here and written to the audit log.
    """

    youth = models.ForeignKey(
        "youth.Youth", verbose_name=_("jeune"), on_delete=models.CASCADE, related_name="referrals"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals"
    )
    #: The service's organisation when the referral was sent (the partner inbox filters on it).
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("structure"), on_delete=models.PROTECT, related_name="referrals"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("orienté par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sent_referrals",
    )
    #: The matching proposal ("service d'un partenaire") on the youth file, kept in step by services.py.
    proposal = models.ForeignKey(
        "youth.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message au partenaire"), blank=True)

    status = models.CharField(
        _("statut"), max_length=14, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("reçue le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("statut depuis le"), default=timezone.now)
    #: Seconds from sending to the answer (accepted or declined): the median per organisation reads it.
    response_seconds = models.PositiveIntegerField(_("délai de réponse (secondes)"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    decline_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_detail = models.TextField(_("précision sur le refus"), blank=True)
    outcome = models.TextField(_("résultat"), blank=True)

    # Consent of the young person to this sharing.
    consent_given_on = models.DateField(_("accord du jeune donné le"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shares_barriers = models.BooleanField(_("partage de freins accepté"), default=False)

    # What is shared: a snapshot taken when sending.
    shared_last_name = models.CharField(_("nom"), max_length=150)
    shared_first_names = models.CharField(_("prénoms"), max_length=150)
    shared_birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    shared_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    shared_email = models.EmailField(_("e-mail"), blank=True)
    shared_commune = models.CharField(_("commune"), max_length=150, blank=True)
    #: [{"domain": "mobility", "severity": "high", "comment": "…"}]: "comment" only when it was ticked.
    shared_barriers = models.JSONField(_("freins partagés"), default=list, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "sent_at"], name="partners_referral_inbox_idx"),
            models.Index(fields=["status", "sent_at"], name="partners_referral_status_idx"),
            models.Index(fields=["youth", "-sent_at"], name="partners_referral_youth_idx"),
            models.Index(fields=["referred_by", "status", "sent_at"], name="partners_referral_referrer_idx"),
            models.Index(
                fields=["organisation", "answered_at"],
                name="partners_referral_answered_idx",
                condition=Q(answered_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="partners_referral_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="partners_referral_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WAITING_REFERRAL_STATUSES, answered_at__isnull=True)
                | (~Q(status__in=WAITING_REFERRAL_STATUSES) & Q(answered_at__isnull=False)),
                name="partners_referral_answer_dated",
            ),
            models.UniqueConstraint(
                fields=["youth", "service"],
                condition=Q(status__in=OPEN_REFERRAL_STATUSES),
                name="partners_referral_one_open_per_service",
                violation_error_message=_("Ce jeune a déjà une orientation en cours vers ce service."),
            ),
        ]

    def __str__(self) -> str:
        return f"Orientation n° {self.pk} — {self.get_status_display()}"

    @property
    def shared_full_name(self) -> str:
        return f"{self.shared_first_names} {self.shared_last_name.upper()}".strip()

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING_REFERRAL_STATUSES

    @property
    def waiting_days(self) -> int:
        return (timezone.now() - self.sent_at).days

    @property
    def is_overdue(self) -> bool:
        return self.is_waiting and self.waiting_days >= conf.referral_overdue_days()

    @property
    def shared_barrier_rows(self) -> list[dict[str, str]]:
        """The shared barriers with their French labels, for the pages."""
        from maillage.youth.enums import BarrierDomain, Severity

        domains, severities = dict(BarrierDomain.choices), dict(Severity.choices)
        return [
            {
                "domain": str(domains.get(row.get("domain", ""), row.get("domain", ""))),
                "severity": str(severities.get(row.get("severity", ""), row.get("severity", ""))),
                "comment": row.get("comment", ""),
            }
            for row in self.shared_barriers or []
        ]
