"""The portal's own rows: pre-registrations, the link between a login account and a youth file, login codes,
appointment slots and invitations, messages, feedback and correction requests.

The youth file itself (identity, events, plan, documents) belongs to `maillage.youth`: the portal reads it
through its QuerySets and writes it only through its services.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel
from maillage.territory.models import Commune, Quartier, Site, Zone
from maillage.youth.enums import YouthStatus
from maillage.youth.models import Event, Youth

from .enums import (
    CorrectionStatus,
    CorrectionTopic,
    CurrentSituation,
    DeliveryChannel,
    InvitationStatus,
    PreRegistrationStatus,
    SlotChannel,
    SubmittedBy,
)

# --------------------------------------------------------------------------------------------- querysets


class PreRegistrationQuerySet(models.QuerySet["PreRegistration"]):
    def pending(self) -> PreRegistrationQuerySet:
        return self.filter(status=PreRegistrationStatus.NEW)

    def visible_to(self, user) -> PreRegistrationQuerySet:
        """The intake queue: counsellors and zone managers see their zones, the director sees all."""
        from .access import queue_zone_ids

        zone_ids = queue_zone_ids(user)
        if zone_ids is None:
            return self
        return self.filter(zone_id__in=zone_ids)


class PortalAccountQuerySet(models.QuerySet["PortalAccount"]):
    def usable(self) -> PortalAccountQuerySet:
        """Accounts that may sign in: active, active user, file not anonymised."""
        return self.filter(is_active=True, user__is_active=True).exclude(youth__status=YouthStatus.ANONYMISED)

    def for_contact(self, *, email: str = "", phone: str = "") -> PortalAccountQuerySet:
        """Accounts whose youth file has this e-mail or phone (the file is the source of truth)."""
        condition = Q()
        if email:
            condition |= Q(youth__email=email)
        if phone:
            condition |= Q(youth__phone=phone)
        if not condition:
            return self.none()
        return self.usable().filter(condition)


class LoginCodeQuerySet(models.QuerySet["LoginCode"]):
    def usable(self, now: datetime | None = None) -> LoginCodeQuerySet:
        from . import conf

        return self.filter(
            used_at__isnull=True, expires_at__gt=now or timezone.now(), attempts__lt=conf.code_max_attempts()
        )


class SlotQuerySet(models.QuerySet["Slot"]):
    def free(self) -> SlotQuerySet:
        return self.filter(youth__isnull=True)

    def booked(self) -> SlotQuerySet:
        return self.filter(youth__isnull=False)

    def bookable(self, now: datetime | None = None) -> SlotQuerySet:
        """Free slots far enough in the future to be booked online."""
        from . import conf

        earliest = (now or timezone.now()) + timedelta(minutes=conf.min_notice_minutes())
        return self.free().filter(starts_at__gte=earliest)

    def upcoming(self, now: datetime | None = None) -> SlotQuerySet:
        return self.filter(starts_at__gte=now or timezone.now())


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def unanswered(self) -> InvitationQuerySet:
        return self.filter(status=InvitationStatus.SENT)


class ThreadQuerySet(models.QuerySet["Thread"]):
    def with_unread_for_staff(self) -> ThreadQuerySet:
        return self.annotate(
            unread=models.Count(
                "messages", filter=Q(messages__from_youth=True, messages__read_at__isnull=True)
            )
        )

    def with_unread_for_youth(self) -> ThreadQuerySet:
        return self.annotate(
            unread=models.Count(
                "messages", filter=Q(messages__from_youth=False, messages__read_at__isnull=True)
            )
        )


class CorrectionRequestQuerySet(models.QuerySet["CorrectionRequest"]):
    def open(self) -> CorrectionRequestQuerySet:
        return self.filter(status=CorrectionStatus.OPEN)


# ------------------------------------------------------------------------------------------------- models


class PreRegistration(BaseModel):
    """An online pre-registration, waiting in the intake queue of the zone of its commune."""

    submitted_by = models.CharField(
        _("rempli par"), max_length=20, choices=SubmittedBy.choices, default=SubmittedBy.SELF
    )
    submitter_name = models.CharField(_("nom de la personne qui remplit"), max_length=150, blank=True)
    submitter_contact = models.CharField(_("contact de la personne qui remplit"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150)
    first_names = models.CharField(_("prénoms"), max_length=150)
    birth_date = models.DateField(_("date de naissance"))
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("quartier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    situation = models.CharField(_("situation actuelle"), max_length=20, choices=CurrentSituation.choices)
    needs = models.JSONField(_("besoins"), default=list, blank=True)
    needs_detail = models.CharField(_("précisions sur les besoins"), max_length=500, blank=True)
    availability = models.JSONField(_("disponibilités"), default=list, blank=True)
    availability_detail = models.CharField(_("précisions sur les disponibilités"), max_length=300, blank=True)
    consent_text_version = models.CharField(_("version du texte de consentement"), max_length=40)
    consent_given_at = models.DateTimeField(_("consentement donné le"))
    language = models.CharField(_("langue"), max_length=8, default="fr")
    status = models.CharField(
        _("statut"), max_length=12, choices=PreRegistrationStatus.choices, default=PreRegistrationStatus.NEW
    )
    youth = models.ForeignKey(
        Youth,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_preregistrations",
    )
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    discard_reason = models.CharField(_("motif du classement"), max_length=255, blank=True)

    objects = PreRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("pré-inscription")
        verbose_name_plural = _("pré-inscriptions")
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["zone", "status", "created"], name="portal_prereg_queue_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="portal_prereg_has_contact"),
            models.CheckConstraint(
                condition=Q(status=PreRegistrationStatus.NEW, processed_at__isnull=True)
                | (~Q(status=PreRegistrationStatus.NEW) & Q(processed_at__isnull=False)),
                name="portal_prereg_processed_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Pré-inscription n° {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name.upper()}".strip()

    @property
    def age(self) -> int:
        from maillage.youth.normalise import age_on

        return age_on(self.birth_date, timezone.localdate())

    @property
    def is_pending(self) -> bool:
        return self.status == PreRegistrationStatus.NEW

    @property
    def on_behalf(self) -> bool:
        return self.submitted_by != SubmittedBy.SELF


class PortalAccount(BaseModel):
    """Binds a login account (role youth) to the young person's file. Login goes by the file's contact."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    youth = models.OneToOneField(Youth, on_delete=models.CASCADE, related_name="portal_account")
    language = models.CharField(_("langue"), max_length=8, default="fr")
    is_active = models.BooleanField(_("actif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_login_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    objects = PortalAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("compte du portail")
        verbose_name_plural = _("comptes du portail")

    def __str__(self) -> str:
        return f"Compte portail n° {self.pk}"


class LoginCode(models.Model):
    """A single-use code (and link) valid a few minutes. Only hashes are stored."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="login_codes")
    channel = models.CharField(_("envoyé par"), max_length=8, choices=DeliveryChannel.choices)
    code_hash = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: Where to go once signed in (a path of this site, checked when it was stored).
    next_url = models.CharField(max_length=200, blank=True)

    objects = LoginCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("code de connexion")
        verbose_name_plural = _("codes de connexion")
        indexes = [models.Index(fields=["account", "-created_at"], name="portal_logincode_account_idx")]

    def __str__(self) -> str:
        return f"Code n° {self.pk}"


class Slot(BaseModel):
    """A free appointment slot published by a counsellor; booked when `youth` is set."""

    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseiller·ère"),
        on_delete=models.CASCADE,
        related_name="portal_slots",
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=30)
    channel = models.CharField(
        _("modalité"), max_length=12, choices=SlotChannel.choices, default=SlotChannel.IN_PERSON
    )
    youth = models.ForeignKey(
        Youth,
        verbose_name=_("réservé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="portal_slot"
    )
    booked_at = models.DateTimeField(_("réservé le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["counsellor", "starts_at"], name="portal_slot_counsellor_idx"),
            models.Index(fields=["youth", "starts_at"], name="portal_slot_youth_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["counsellor", "starts_at"], name="portal_slot_unique_start"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10, duration_minutes__lte=240), name="portal_slot_duration"
            ),
            models.CheckConstraint(
                condition=Q(youth__isnull=True, booked_at__isnull=True)
                | Q(youth__isnull=False, booked_at__isnull=False),
                name="portal_slot_booked_matches_youth",
            ),
        ]

    def __str__(self) -> str:
        return f"Créneau du {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_booked(self) -> bool:
        return self.youth_id is not None

    def can_change_online(self, now: datetime | None = None) -> bool:
        from . import conf

        return self.starts_at - (now or timezone.now()) >= timedelta(minutes=conf.min_notice_minutes())


class Invitation(BaseModel):
    """An invitation to pick an appointment among a counsellor's free slots (the link is signed)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="portal_invitations")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseiller·ère"),
        on_delete=models.CASCADE,
        related_name="portal_invitations",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("envoyée par"), max_length=8, choices=DeliveryChannel.choices)
    status = models.CharField(
        _("statut"), max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.SENT
    )
    slot = models.ForeignKey(
        Slot,
        verbose_name=_("créneau choisi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["youth", "-created"], name="portal_invitation_youth_idx"),
            models.Index(fields=["status", "created"], name="portal_invitation_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Invitation n° {self.pk}"


class Thread(BaseModel):
    """A conversation between the young person and the counsellors of their file."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="portal_threads")
    subject = models.CharField(_("sujet"), max_length=120)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(_("dernier message"), default=timezone.now)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["youth", "-last_message_at"], name="portal_thread_youth_idx")]

    def __str__(self) -> str:
        return self.subject


class Message(BaseModel):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_youth = models.BooleanField(_("écrit par le jeune"))
    body = models.TextField(_("message"))
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["thread", "created"], name="portal_message_thread_idx"),
            models.Index(
                fields=["thread"], name="portal_message_unread_idx", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"Message n° {self.pk}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """portal/<youth id>/<random>.<ext>: the stored name reveals nothing of the person or the title."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"portal/{instance.message.thread.youth_id}/{uuid.uuid4().hex}{ext}"


class Attachment(BaseModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to=attachment_upload_to, max_length=200)
    name = models.CharField(_("nom"), max_length=160)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return os.path.splitext(self.file.name or "")[1].lstrip(".").upper()


class Feedback(BaseModel):
    """The young person's opinion of an appointment or a workshop (1 to 5, and a comment)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="portal_feedback")
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="portal_feedback")
    rating = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="portal_feedback_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"Avis n° {self.pk}"


class CorrectionRequest(BaseModel):
    """A young person asks for a correction of their file; it waits in the counsellor's list."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="portal_correction_requests")
    topic = models.CharField(_("sujet"), max_length=20, choices=CorrectionTopic.choices)
    text = models.TextField(_("demande"))
    status = models.CharField(
        _("statut"), max_length=8, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    answer = models.TextField(_("réponse au jeune"), blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de correction")
        verbose_name_plural = _("demandes de correction")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["youth", "status"], name="portal_correction_youth_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CorrectionStatus.OPEN, handled_at__isnull=True)
                | Q(status=CorrectionStatus.DONE, handled_at__isnull=False),
                name="portal_correction_handled_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande de correction n° {self.pk}"
