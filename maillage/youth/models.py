"""Accompaniment of young people: the file (Youth) and everything recorded on it.

QuerySets first (the reusable queries other apps call: caseload, search, observatory), then the models.
Derived columns (search_key, identity_key, zone, last_contact_on) are computed by the services (or by
`normalise.py` for bulk inserts), never in `save()`.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.territory.models import QPV, Commune, Quartier, Site, Zone

from . import conf
from .enums import (
    CLOSED_ENROLMENT_STATUSES,
    OPEN_ENROLMENT_STATUSES,
    ActionStatus,
    BarrierDetail,
    BarrierDomain,
    Channel,
    ConsentScope,
    ContractType,
    EducationLevel,
    EndReason,
    EnrolmentStatus,
    EventKind,
    EventStatus,
    GoalStatus,
    HeardFrom,
    ProposalKind,
    ProposalStatus,
    Severity,
    Sex,
    SituationKind,
    SuspensionReason,
    TransferStatus,
    YouthStatus,
)
from .normalise import age_on
from .roles import ALL_ZONES_ROLES, ZONE_ROLES

#: Event kinds that are a meeting with the young person (appointments, collective sessions).
MEETING_KINDS = (EventKind.APPOINTMENT, EventKind.WORKSHOP, EventKind.INFORMATION)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --------------------------------------------------------------------------------------------- querysets


def visible_youth_q(user, prefix: str = "") -> Q:
    """The condition of YouthQuerySet.visible_to() on a related youth (`prefix`: "youth__", "goal__youth__"),
    without the subquery that `youth__in=Youth.objects.visible_to(user)` would add (one join fewer)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    role = getattr(user, "role", None)
    if role in ALL_ZONES_ROLES:
        return Q()
    if role in ZONE_ROLES:
        return Q(**{f"{prefix}zone_id__in": user.zone_ids()})
    return Q(pk__in=[])


class YouthQuerySet(models.QuerySet["Youth"]):
    def visible_to(self, user) -> YouthQuerySet:
        """Counsellors and zone managers: their zones; director, analyst, admin: all; others: none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        role = getattr(user, "role", None)
        if role in ALL_ZONES_ROLES:
            return self
        if role in ZONE_ROLES:
            return self.filter(zone_id__in=user.zone_ids())
        return self.none()

    def active(self) -> YouthQuerySet:
        return self.filter(status=YouthStatus.ACTIVE)

    def for_counsellor(self, user) -> YouthQuerySet:
        return self.filter(counsellor=user)

    def in_zones(self, zone_ids) -> YouthQuerySet:
        return self.filter(zone_id__in=list(zone_ids))

    def not_seen_since(self, day: date) -> YouthQuerySet:
        """No recorded contact on or after `day` (uses the indexed, denormalised last_contact_on)."""
        return self.filter(Q(last_contact_on__lt=day) | Q(last_contact_on__isnull=True))

    def with_current_situation(self, on: date | None = None) -> YouthQuerySet:
        """Annotates current_situation_kind / _contract_type / _label / _since (None when unknown)."""
        current = Situation.objects.filter(youth=OuterRef("pk")).current(on).order_by("-started_on", "-id")
        return self.annotate(
            current_situation_kind=Subquery(current.values("kind")[:1]),
            current_situation_contract_type=Subquery(current.values("contract_type")[:1]),
            current_situation_label=Subquery(current.values("label")[:1]),
            current_situation_since=Subquery(current.values("started_on")[:1]),
        )

    def with_next_appointment(self, now: datetime | None = None) -> YouthQuerySet:
        """Annotates next_appointment_at: the next planned meeting (appointment or collective session)."""
        upcoming = (
            Event.objects.filter(youth=OuterRef("pk"))
            .upcoming(now)
            .filter(kind__in=MEETING_KINDS)
            .order_by("starts_at")
        )
        return self.annotate(next_appointment_at=Subquery(upcoming.values("starts_at")[:1]))

    def with_current_programme(self) -> YouthQuerySet:
        """Annotates current_programme_name / _code / current_enrolment_id (latest open enrolment)."""
        open_enrolments = Enrolment.objects.filter(youth=OuterRef("pk")).open().order_by("-start_on", "-id")
        return self.annotate(
            current_enrolment_id=Subquery(open_enrolments.values("pk")[:1]),
            current_programme_name=Subquery(open_enrolments.values("programme__name")[:1]),
            current_programme_code=Subquery(open_enrolments.values("programme__code")[:1]),
        )

    def with_open_barrier(self, domain: str) -> YouthQuerySet:
        """Young people with an unresolved barrier of this domain (sensitive: for allowed users only)."""
        return self.filter(
            pk__in=Barrier.objects.filter(domain=domain, resolved_on__isnull=True).values("youth_id")
        )


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> ConsentQuerySet:
        return self.filter(withdrawn_on__isnull=True)


class BarrierQuerySet(models.QuerySet["Barrier"]):
    def open(self) -> BarrierQuerySet:
        return self.filter(resolved_on__isnull=True)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def available(self) -> ProgrammeQuerySet:
        """Programmes one can enrol in today (active and not historic)."""
        return self.filter(is_active=True, is_historic=False)


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def open(self) -> EnrolmentQuerySet:
        return self.filter(status__in=OPEN_ENROLMENT_STATUSES)

    def active(self) -> EnrolmentQuerySet:
        return self.filter(status=EnrolmentStatus.ACTIVE)

    def exclusive(self) -> EnrolmentQuerySet:
        return self.filter(is_exclusive=True)

    def tracking_hours(self) -> EnrolmentQuerySet:
        """Enrolments in a programme with a weekly hours target (CEJ)."""
        return self.filter(programme__tracks_weekly_hours=True)

    def for_counsellor(self, user) -> EnrolmentQuerySet:
        return self.filter(youth__counsellor=user)


class CejWeekQuerySet(models.QuerySet["CejWeek"]):
    def for_week(self, week_start: date) -> CejWeekQuerySet:
        return self.filter(week_start=week_start)


class EventQuerySet(models.QuerySet["Event"]):
    def appointments(self) -> EventQuerySet:
        return self.filter(kind=EventKind.APPOINTMENT)

    def meetings(self) -> EventQuerySet:
        return self.filter(kind__in=MEETING_KINDS)

    def planned(self) -> EventQuerySet:
        return self.filter(status=EventStatus.PLANNED)

    def attended(self) -> EventQuerySet:
        return self.filter(status=EventStatus.ATTENDED)

    def not_cancelled(self) -> EventQuerySet:
        return self.exclude(status=EventStatus.CANCELLED)

    def contacts(self) -> EventQuerySet:
        """What counts as a contact with the young person: an attended meeting, or a message."""
        return self.filter(Q(status=EventStatus.ATTENDED) | Q(kind=EventKind.MESSAGE))

    def for_counsellor(self, user) -> EventQuerySet:
        return self.filter(counsellor=user)

    def between(self, start: datetime, end: datetime) -> EventQuerySet:
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def on_day(self, day: date) -> EventQuerySet:
        return self.between(*local_day_bounds(day))

    def in_week(self, monday: date) -> EventQuerySet:
        start, _ = local_day_bounds(monday)
        end, _ = local_day_bounds(monday + timedelta(days=7))
        return self.between(start, end)

    def upcoming(self, now: datetime | None = None) -> EventQuerySet:
        return self.planned().filter(starts_at__gte=now or timezone.now())

    def today_for_counsellor(self, user, day: date | None = None) -> EventQuerySet:
        """A counsellor's meetings of the day (not cancelled), in time order, with the young person."""
        return (
            self.for_counsellor(user)
            .meetings()
            .not_cancelled()
            .on_day(day or timezone.localdate())
            .select_related("youth", "site")
            .order_by("starts_at")
        )

    def upcoming_for_counsellor(self, user, now: datetime | None = None) -> EventQuerySet:
        return (
            self.for_counsellor(user)
            .meetings()
            .upcoming(now)
            .select_related("youth", "site")
            .order_by("starts_at")
        )

    def with_theme(self, theme: str) -> EventQuerySet:
        """Events tagged with a theme (portable: a text match on the stored JSON list of codes)."""
        return self.alias(themes_text=Cast("themes", models.TextField())).filter(
            themes_text__contains=f'"{theme}"'
        )


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def pending(self) -> ProposalQuerySet:
        return self.filter(
            status__in=[ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED, ProposalStatus.IN_PROGRESS]
        )


class SituationQuerySet(models.QuerySet["Situation"]):
    def current(self, on: date | None = None) -> SituationQuerySet:
        """Situations under way on a date (started, not ended before it)."""
        day = on or timezone.localdate()
        return self.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))


class GoalQuerySet(models.QuerySet["Goal"]):
    def open(self) -> GoalQuerySet:
        return self.filter(status=GoalStatus.OPEN)


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status=ActionStatus.TODO)

    def overdue(self, on: date | None = None) -> ActionQuerySet:
        return self.open().filter(due_on__lt=on or timezone.localdate())

    def for_counsellor(self, user) -> ActionQuerySet:
        """With the goal and the young person loaded (no per-row query when listed)."""
        return self.filter(goal__youth__counsellor=user).select_related("goal__youth")

    def overdue_for_counsellor(self, user, on: date | None = None) -> ActionQuerySet:
        return self.for_counsellor(user).overdue(on).order_by("due_on", "id")


class NoteQuerySet(models.QuerySet["Note"]):
    def shareable(self) -> NoteQuerySet:
        """Notes the young person may see (the portal must use this, never the internal ones)."""
        return self.filter(is_internal=False)


class TransferRequestQuerySet(models.QuerySet["TransferRequest"]):
    def pending(self) -> TransferRequestQuerySet:
        return self.filter(status=TransferStatus.PENDING)

    def to_decide_by(self, user) -> TransferRequestQuerySet:
        """Pending requests about files held in the zones this user manages."""
        from .access import managed_zone_ids

        zone_ids = managed_zone_ids(user)
        if zone_ids is None:
            return self.pending()
        return self.pending().filter(from_zone_id__in=zone_ids)


# ------------------------------------------------------------------------------------------------- models


class Youth(BaseModel):
    """A young person's file (dossier)."""

    last_name = models.CharField(_("nom"), max_length=150)
    first_names = models.CharField(_("prénoms"), max_length=150)
    birth_date = models.DateField(_("date de naissance"))
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, default=Sex.NOT_STATED)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True, help_text=_("Normalisé en +33…"))
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="youths"
    )
    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("quartier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="youths",
    )
    qpv = models.ForeignKey(
        QPV,
        verbose_name=_("quartier prioritaire (QPV)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="youths",
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="youths")
    zone_override_reason = models.CharField(
        _("motif du changement de zone"),
        max_length=255,
        blank=True,
        help_text=_("Rempli quand la zone n'est pas celle de la commune ou du quartier."),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseiller·ère"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    education_level = models.CharField(
        _("niveau de qualification"), max_length=10, choices=EducationLevel.choices, blank=True
    )
    heard_from = models.CharField(
        _("a connu la Mission locale par"), max_length=20, choices=HeardFrom.choices, blank=True
    )
    intake_on = models.DateField(_("date du premier accueil"), default=timezone.localdate)
    status = models.CharField(
        _("statut"), max_length=12, choices=YouthStatus.choices, default=YouthStatus.ACTIVE
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    search_key = models.CharField(_("clé de recherche"), max_length=310, editable=False)
    identity_key = models.CharField(_("clé d'identité"), max_length=320, editable=False)
    last_contact_on = models.DateField(_("dernier contact"), null=True, blank=True)
    #: Set when the consent to processing is withdrawn and none is given again (services.withdraw_consent,
    #: record_consent): retention.py then anonymises the file after its notice.
    consent_withdrawn_on = models.DateField(_("consentement au traitement retiré le"), null=True, blank=True)
    #: The file's identifier in the system it was imported from (i-milo…), for idempotent imports.
    external_ref = models.CharField(_("référence externe"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = YouthQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeune")
        verbose_name_plural = _("jeunes")
        ordering = ["search_key", "id"]
        indexes = [
            # Prefix search on the name, across all zones (LIKE 'key%' uses it on any collation) …
            models.Index(
                fields=["search_key"], name="youth_search_key_idx", opclasses=["varchar_pattern_ops"]
            ),
            # … and within a zone (lists and search scoped to the user's zones), also for sorting by name.
            models.Index(fields=["zone", "search_key"], name="youth_zone_search_idx"),
            models.Index(fields=["counsellor", "last_contact_on"], name="youth_counsellor_contact_idx"),
            models.Index(fields=["counsellor", "search_key"], name="youth_counsellor_name_idx"),
            models.Index(fields=["identity_key"], name="youth_identity_idx"),
            models.Index(fields=["phone"], name="youth_phone_idx", condition=~Q(phone="")),
            models.Index(fields=["email"], name="youth_email_idx", condition=~Q(email="")),
            models.Index(fields=["birth_date"], name="youth_birth_date_idx"),
            # Retention (no contact for 2 years) and the observatory's monthly arrivals.
            models.Index(fields=["status", "last_contact_on"], name="youth_status_contact_idx"),
            models.Index(
                fields=["consent_withdrawn_on"],
                name="youth_consent_withdrawn_idx",
                condition=Q(consent_withdrawn_on__isnull=False),
            ),
            models.Index(fields=["zone", "intake_on"], name="youth_zone_intake_idx"),
            models.Index(
                fields=["external_ref"], name="youth_external_ref_idx", condition=~Q(external_ref="")
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="youth_version_positive"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name.upper()}".strip()

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def is_anonymised(self) -> bool:
        return self.status == YouthStatus.ANONYMISED

    @property
    def zone_is_overridden(self) -> bool:
        return bool(self.zone_override_reason)


class Consent(BaseModel):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("objet"), max_length=20, choices=ConsentScope.choices)
    text_version = models.CharField(_("version du texte"), max_length=40)
    given_on = models.DateField(_("donné le"))
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    #: For a consent to share with a partner: which one (free text until the partners app provides a FK).
    detail = models.CharField(_("précision"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.given_on:%d/%m/%Y})"


class Barrier(BaseModel):
    """A frein périphérique: sensitive, read only through access.read_diagnosis() (audited)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="barriers")
    domain = models.CharField(_("domaine"), max_length=20, choices=BarrierDomain.choices)
    detail = models.CharField(_("précision"), max_length=30, choices=BarrierDetail.choices, blank=True)
    severity = models.CharField(
        _("intensité"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    noted_on = models.DateField(_("constaté le"), default=timezone.localdate)
    resolved_on = models.DateField(_("levé le"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BarrierQuerySet.as_manager()

    #: After this many days an open barrier is shown as "to review".
    STALE_AFTER_DAYS = 180

    class Meta:
        verbose_name = _("frein périphérique")
        verbose_name_plural = _("freins périphériques")
        ordering = ["resolved_on", "-noted_on", "-id"]
        indexes = [
            models.Index(fields=["youth", "-noted_on"], name="barrier_youth_idx"),
            models.Index(
                fields=["domain", "youth"], name="barrier_open_domain_idx", condition=Q(resolved_on=None)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("noted_on")),
                name="barrier_resolved_after_noted",
            ),
        ]

    def __str__(self) -> str:
        return self.get_domain_display()

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None

    @property
    def age_days(self) -> int:
        return (timezone.localdate() - self.noted_on).days

    @property
    def is_stale(self) -> bool:
        return self.is_open and self.age_days > self.STALE_AFTER_DAYS


class Programme(BaseModel):
    """A dispositif (PACEA, CEJ…): a table the administrator edits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    is_exclusive = models.BooleanField(
        _("exclusif"),
        default=True,
        help_text=_("Un jeune ne peut suivre qu'un dispositif exclusif à la fois."),
    )
    tracks_weekly_hours = models.BooleanField(
        _("suivi hebdomadaire des heures"),
        default=False,
        help_text=_("Comme le CEJ : objectif d'heures par semaine."),
    )
    weekly_hours_target_min = models.PositiveSmallIntegerField(
        _("heures par semaine (minimum)"),
        null=True,
        blank=True,
        help_text=_("Vide : valeur par défaut (15 h)."),
    )
    weekly_hours_target_max = models.PositiveSmallIntegerField(
        _("heures par semaine (maximum)"),
        null=True,
        blank=True,
        help_text=_("Vide : valeur par défaut (20 h)."),
    )
    default_duration_months = models.PositiveSmallIntegerField(
        _("durée habituelle (mois)"),
        null=True,
        blank=True,
        help_text=_("Sert à proposer la date de fin prévue."),
    )
    is_historic = models.BooleanField(_("historique"), default=False, help_text=_("Plus d'entrée possible."))
    is_active = models.BooleanField(_("actif"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispositif")
        verbose_name_plural = _("dispositifs")
        ordering = ["is_historic", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_hours_target_min__isnull=True)
                | Q(weekly_hours_target_max__isnull=True)
                | Q(weekly_hours_target_max__gte=F("weekly_hours_target_min")),
                name="programme_hours_target_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hours_min(self) -> int:
        return (
            self.weekly_hours_target_min
            if self.weekly_hours_target_min is not None
            else conf.cej_weekly_hours_min()
        )

    @property
    def hours_max(self) -> int:
        return (
            self.weekly_hours_target_max
            if self.weekly_hours_target_max is not None
            else conf.cej_weekly_hours_max()
        )


class Enrolment(BaseModel):
    """An enrolment in a programme. State machine in services.enrol / end_enrolment / suspend_enrolment."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="enrolments")
    programme = models.ForeignKey(
        Programme, verbose_name=_("dispositif"), on_delete=models.PROTECT, related_name="enrolments"
    )
    #: Copied from the programme at enrolment, so that the partial unique constraint can use it.
    is_exclusive = models.BooleanField(_("exclusif"), editable=False)
    start_on = models.DateField(_("début"))
    planned_end_on = models.DateField(_("fin prévue"), null=True, blank=True)
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    end_reason = models.CharField(_("motif de fin"), max_length=20, choices=EndReason.choices, blank=True)
    end_comment = models.CharField(_("précision sur la fin"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée en dispositif")
        verbose_name_plural = _("entrées en dispositif")
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(fields=["youth", "-start_on"], name="enrolment_youth_idx"),
            models.Index(fields=["programme", "status", "start_on"], name="enrolment_programme_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(is_exclusive=True, status__in=OPEN_ENROLMENT_STATUSES),
                name="enrolment_one_open_exclusive",
                violation_error_message=_("Ce jeune suit déjà un dispositif exclusif en cours."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_ENROLMENT_STATUSES, ended_on__isnull=True)
                | Q(status__in=CLOSED_ENROLMENT_STATUSES, ended_on__isnull=False),
                name="enrolment_end_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_on")),
                name="enrolment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_end_on__gte=F("start_on")),
                name="enrolment_planned_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} ({self.start_on:%d/%m/%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ENROLMENT_STATUSES


class EnrolmentSuspension(BaseModel):
    """A period during which an enrolment was suspended (services.suspend_enrolment / resume_enrolment).

    The enrolment's status says whether it is suspended now; these rows keep every period, with its reason,
    so that the weeks of a suspension are not flagged under the CEJ's hours target (hours.py)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="suspensions")
    starts_on = models.DateField(_("suspendu à partir du"))
    ends_on = models.DateField(_("repris le"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=20, choices=SuspensionReason.choices)
    comment = models.CharField(_("précision"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("suspension de dispositif")
        verbose_name_plural = _("suspensions de dispositif")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["enrolment", "starts_on"], name="suspension_enrolment_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="suspension_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(ends_on__isnull=True), name="suspension_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.starts_on:%d/%m/%Y})"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class CejWeek(BaseModel):
    """A week of a programme that tracks hours (CEJ), once the counsellor validated it or added hours.

    The hours are computed from what is recorded (hours.py); the counsellor only adds and validates.
    `computed_hours` is the snapshot taken at validation.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="weeks")
    week_start = models.DateField(_("semaine du (lundi)"))
    computed_hours = models.DecimalField(
        _("heures calculées"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    added_hours = models.DecimalField(
        _("heures ajoutées"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    added_comment = models.CharField(_("activités ajoutées"), max_length=255, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)

    objects = CejWeekQuerySet.as_manager()

    class Meta:
        verbose_name = _("semaine d'activité")
        verbose_name_plural = _("semaines d'activité")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "week_start"], name="cejweek_unique_week"),
            models.CheckConstraint(condition=Q(added_hours__gte=0), name="cejweek_added_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} — semaine du {self.week_start:%d/%m/%Y}"


class Event(BaseModel):
    """An appointment, a workshop attended, a message or an information session."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        _("type"), max_length=12, choices=EventKind.choices, default=EventKind.APPOINTMENT
    )
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=30)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseiller·ère"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="youth_events",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("lieu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="youth_events",
    )
    channel = models.CharField(
        _("modalité"), max_length=12, choices=Channel.choices, default=Channel.IN_PERSON
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    #: A JSON list of enums.Theme codes (a fixed list). Query with EventQuerySet.with_theme().
    themes = models.JSONField(_("thèmes"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_internal = models.BooleanField(
        _("notes internes"), default=True, help_text=_("Jamais montrées au jeune.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-starts_at", "-id"]
        indexes = [
            # A young person's events in date order, read backwards for the file page; kind and status
            # included so that the observatory's refresh reads every event from the index alone
            # (docs/performance.md, « Observatoire »). INCLUDE is ignored on SQLite.
            models.Index(
                fields=["youth", "starts_at"], include=["kind", "status"], name="event_youth_cover_idx"
            ),
            # The events written since the observatory's last incremental refresh.
            models.Index(fields=["updated"], name="event_updated_idx"),
            models.Index(fields=["counsellor", "starts_at"], name="event_counsellor_idx"),
            models.Index(fields=["starts_at"], name="event_starts_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=24 * 60), name="event_duration_max_one_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def theme_labels(self) -> list[str]:
        from .enums import Theme

        labels = dict(Theme.choices)
        return [str(labels.get(code, code)) for code in self.themes or []]

    @property
    def is_contact(self) -> bool:
        return self.status == EventStatus.ATTENDED or self.kind == EventKind.MESSAGE


class Proposal(BaseModel):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(_("type"), max_length=20, choices=ProposalKind.choices)
    description = models.CharField(_("description"), max_length=255)
    proposed_on = models.DateField(_("proposée le"), default=timezone.localdate)
    status = models.CharField(
        _("statut"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    outcome = models.CharField(_("résultat"), max_length=255, blank=True)
    outcome_on = models.DateField(_("date du résultat"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-proposed_on", "-id"]
        indexes = [
            models.Index(fields=["youth", "-proposed_on"], name="proposal_youth_idx"),
            models.Index(fields=["kind", "proposed_on"], name="proposal_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("proposed_on")),
                name="proposal_outcome_after_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.description}"


class Situation(BaseModel):
    """One period of the timeline. The current situation is derived (SituationQuerySet.current)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="situations")
    kind = models.CharField(_("situation"), max_length=20, choices=SituationKind.choices)
    contract_type = models.CharField(_("contrat"), max_length=20, choices=ContractType.choices, blank=True)
    started_on = models.DateField(_("depuis le"), default=timezone.localdate)
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("heures par semaine"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    label = models.CharField(_("employeur ou organisme"), max_length=200, blank=True)
    notes = models.CharField(_("précisions"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SituationQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation")
        verbose_name_plural = _("situations")
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["youth", "-started_on"], name="situation_youth_idx"),
            models.Index(fields=["kind", "started_on"], name="situation_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="situation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind=SituationKind.JOB) | Q(contract_type=""),
                name="situation_contract_only_for_job",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True) | Q(weekly_hours__gte=0, weekly_hours__lte=80),
                name="situation_weekly_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.describe(self.kind, self.contract_type)

    @staticmethod
    def describe(kind: str, contract_type: str = "") -> str:
        """ "Emploi (CDI)": the situation's label from its codes, without loading it (lists of 50 rows).
        get_kind_display() would translate every label of the choices at each call."""
        text = str(SituationKind(kind).label) if kind in SituationKind.values else kind
        if contract_type:
            label = (
                str(ContractType(contract_type).label)
                if contract_type in ContractType.values
                else contract_type
            )
            text += f" ({label})"
        return text

    def is_current_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class Goal(BaseModel):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("objectif"), max_length=200)
    status = models.CharField(_("statut"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["youth", "status"], name="goal_youth_idx")]

    def __str__(self) -> str:
        return self.title


class Action(BaseModel):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.TODO
    )
    done_on = models.DateField(_("faite le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["status", "due_on", "id"]
        indexes = [
            models.Index(fields=["goal", "status"], name="action_goal_idx"),
            models.Index(
                fields=["due_on"], name="action_open_due_idx", condition=Q(status=ActionStatus.TODO)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, done_on__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(done_on__isnull=True)),
                name="action_done_on_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ActionStatus.TODO
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class Note(BaseModel):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    is_internal = models.BooleanField(_("interne"), default=True, help_text=_("Jamais montrée au jeune."))

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["youth", "-created"], name="note_youth_idx")]

    def __str__(self) -> str:
        return f"Note du {timezone.localtime(self.created):%d/%m/%Y}"


def document_upload_to(instance: Document, filename: str) -> str:
    """youth/<id>/<random>.<ext>: the stored name reveals nothing of the person or the title."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"youth/{instance.youth_id}/{uuid.uuid4().hex}{ext}"


class Document(BaseModel):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("fichier"), upload_to=document_upload_to, max_length=200)
    title = models.CharField(_("titre"), max_length=160)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["youth", "-created"], name="document_youth_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return os.path.splitext(self.file.name or "")[1].lstrip(".").upper()


class TransferRequest(BaseModel):
    """A request to move a file to another zone; the manager of the zone holding the file decides."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="transfer_requests")
    from_zone = models.ForeignKey(
        Zone, verbose_name=_("zone actuelle"), on_delete=models.PROTECT, related_name="+"
    )
    to_zone = models.ForeignKey(
        Zone, verbose_name=_("zone demandée"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="youth_transfer_requests"
    )
    reason = models.CharField(_("motif"), max_length=255, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decision_comment = models.CharField(_("commentaire"), max_length=255, blank=True)

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de transfert")
        verbose_name_plural = _("demandes de transfert")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["from_zone", "status"], name="transfer_from_zone_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "to_zone"],
                condition=Q(status=TransferStatus.PENDING),
                name="transfer_one_pending_per_zone",
            ),
            models.CheckConstraint(condition=~Q(from_zone=F("to_zone")), name="transfer_zones_differ"),
        ]

    def __str__(self) -> str:
        return f"Transfert {self.from_zone} → {self.to_zone}"


# --- retention / lists (part 2) ---


class RetentionNotice(BaseModel):
    """Notice that a file with no contact for YOUTH_RETENTION_DAYS will be anonymised on `anonymise_on`
    (30 days later), unless a contact is recorded before. Written and read by retention.py only."""

    youth = models.OneToOneField(Youth, on_delete=models.CASCADE, related_name="retention_notice")
    notified_on = models.DateField(_("préavis donné le"))
    anonymise_on = models.DateField(_("anonymisation prévue le"))

    class Meta:
        verbose_name = _("préavis d'anonymisation")
        verbose_name_plural = _("préavis d'anonymisation")
        ordering = ["anonymise_on", "id"]
        indexes = [models.Index(fields=["anonymise_on"], name="retention_notice_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymise_on__gte=F("notified_on")), name="retention_notice_after_notified"
            ),
        ]

    def __str__(self) -> str:
        return f"Anonymisation prévue le {self.anonymise_on:%d/%m/%Y}"


#: Indexes of the lists (caseload.py, docs/performance.md): the active files of a zone in each sort order of
#: /jeunes/ (name, last contact, age) without a sort, every zone by name for the director, and the counts per
#: counsellor of the team view from the index alone. Declared here, beside the part that uses them, rather
#: than in Youth.Meta (the migration state is the same wherever they are listed). The full-text index of the
#: name search is PostgreSQL-only: migration 0003 creates it there (see caseload.name_matches).
_ACTIVE = Q(status=YouthStatus.ACTIVE)
Youth._meta.indexes += [
    models.Index(fields=["zone", "search_key", "id"], condition=_ACTIVE, name="youth_active_zone_name_idx"),
    models.Index(
        fields=["zone", "last_contact_on", "id"], condition=_ACTIVE, name="youth_active_zone_contact_idx"
    ),
    models.Index(fields=["zone", "birth_date", "id"], condition=_ACTIVE, name="youth_active_zone_birth_idx"),
    models.Index(fields=["search_key", "id"], condition=_ACTIVE, name="youth_active_name_idx"),
    models.Index(
        fields=["zone", "counsellor", "last_contact_on"], condition=_ACTIVE, name="youth_active_zone_load_idx"
    ),
]
#: The list's "programme in progress" filter reads the young people of an open programme from this alone.
Enrolment._meta.indexes += [
    models.Index(
        fields=["programme", "youth"],
        condition=Q(status__in=OPEN_ENROLMENT_STATUSES),
        name="enrolment_open_programme_idx",
    ),
]
