"""Every write of the portal: keyword-only arguments, `by=` the acting user (None for an anonymous visitor),
one transaction, one audit entry, messages sent after commit.

Writes on the youth file itself (a new file, an appointment, an action, a document) go through the youth
app's services (`maillage.youth.services`), so that its rules, its audit entries and the file's statuses stay
the same whoever writes: a counsellor on the file page or a young person in the portal.

Messages shown to the young person come out in the active language (the views activate it); messages
meant for staff are in French.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from maillage.accounts import services as account_services
from maillage.accounts.roles import Role
from maillage.core import audit
from maillage.territory.models import Commune, Quartier, Site, Zone
from maillage.youth import conf as youth_conf
from maillage.youth import services as youth_services
from maillage.youth.access import can_edit_youth
from maillage.youth.enums import ActionStatus, EventKind, EventStatus, GoalStatus, SituationKind, YouthStatus
from maillage.youth.models import MEETING_KINDS, Action, Event, Goal, Youth

from . import conf, notify
from .enums import (
    CorrectionStatus,
    CurrentSituation,
    DeliveryChannel,
    InvitationStatus,
    PreRegistrationStatus,
)
from .models import (
    Attachment,
    CorrectionRequest,
    Feedback,
    Invitation,
    LoginCode,
    Message,
    PortalAccount,
    PreRegistration,
    Slot,
    Thread,
)


def _url(site_url: str, name: str, *args: Any) -> str:
    return f"{(site_url or conf.site_url()).rstrip('/')}{reverse(name, args=args)}"


def _local_date(value: datetime) -> date:
    return timezone.localtime(value).date()


# ------------------------------------------------------------------------------------------ pre-registration

#: The young person's words → the youth app's situation kinds (the counsellor adjusts on intake).
SITUATION_KINDS: dict[str, str] = {
    CurrentSituation.UNEMPLOYED: SituationKind.UNEMPLOYED,
    CurrentSituation.SCHOOL: SituationKind.SCHOOL,
    CurrentSituation.TRAINING: SituationKind.TRAINING,
    CurrentSituation.JOB: SituationKind.JOB,
    CurrentSituation.CIVIC_SERVICE: SituationKind.CIVIC_SERVICE,
    CurrentSituation.OTHER: SituationKind.OTHER,
}


@transaction.atomic
def submit_preregistration(
    *,
    submitted_by: str,
    last_name: str,
    first_names: str,
    birth_date: date,
    commune: Commune,
    situation: str,
    quartier: Quartier | None = None,
    phone: str = "",
    email: str = "",
    submitter_name: str = "",
    submitter_contact: str = "",
    needs: Sequence[str] = (),
    needs_detail: str = "",
    availability: Sequence[str] = (),
    availability_detail: str = "",
    language: str = "fr",
) -> PreRegistration:
    """Queue a pre-registration in the intake queue of the zone of the commune (or of the quartier).

    Nothing here looks for an existing file: the visitor must learn nothing about who is known."""
    if not phone and not email:
        raise ValidationError({"phone": _("Donnez un numéro de téléphone ou une adresse e-mail.")})
    youth_services.check_age(birth_date, timezone.localdate())
    zone = youth_services.derive_zone(commune, quartier)
    preregistration = PreRegistration.objects.create(
        submitted_by=submitted_by,
        submitter_name=submitter_name.strip(),
        submitter_contact=submitter_contact.strip(),
        last_name=" ".join(last_name.split()),
        first_names=" ".join(first_names.split()),
        birth_date=birth_date,
        commune=commune,
        quartier=quartier,
        zone=zone,
        phone=phone,
        email=email,
        situation=situation,
        needs=list(needs),
        needs_detail=needs_detail.strip(),
        availability=list(availability),
        availability_detail=availability_detail.strip(),
        consent_text_version=youth_conf.consent_text_version(),
        consent_given_at=timezone.now(),
        language=language,
    )
    audit.record("portal.preregistration_received", obj=preregistration, zone_id=zone.pk)
    return preregistration


def preregistration_intake_initial(preregistration: PreRegistration) -> dict[str, Any]:
    """The youth intake form, pre-filled from the pre-registration: nothing is typed again."""
    from maillage.youth.normalise import format_phone

    commune = preregistration.commune
    postal = commune.postal_code_list[0] if commune.postal_code_list else ""
    return {
        "last_name": preregistration.last_name,
        "first_names": preregistration.first_names,
        "birth_date": preregistration.birth_date,
        "phone": format_phone(preregistration.phone),
        "email": preregistration.email,
        "commune": commune.pk,
        "commune_label": f"{commune.name} ({postal})" if postal else commune.name,
        "quartier": preregistration.quartier_id,
        "situation_kind": SITUATION_KINDS.get(preregistration.situation, ""),
        "heard_from": "online",
        "consent": True,
    }


def preregistration_summary(preregistration: PreRegistration) -> str:
    """The pre-registration as a note for the file (in French, for the staff)."""
    from .enums import Availability, Need, SubmittedBy

    with translation.override("fr"):
        needs = dict(Need.choices)
        slots = dict(Availability.choices)
        lines = [
            f"Pré-inscription en ligne du {timezone.localtime(preregistration.created):%d/%m/%Y}, "
            f"remplie par : {SubmittedBy(preregistration.submitted_by).label}"
            + (
                f" ({preregistration.submitter_name}, {preregistration.submitter_contact})"
                if preregistration.on_behalf
                else ""
            )
            + ".",
            f"Situation déclarée : {CurrentSituation(preregistration.situation).label}.",
            "Besoins : "
            + (", ".join(str(needs.get(n, n)) for n in preregistration.needs) or "non précisés")
            + ".",
        ]
        if preregistration.needs_detail:
            lines.append(f"Précisions : {preregistration.needs_detail}")
        lines.append(
            "Disponibilités : "
            + (", ".join(str(slots.get(a, a)) for a in preregistration.availability) or "non précisées")
            + (f" ({preregistration.availability_detail})" if preregistration.availability_detail else "")
            + "."
        )
    return "\n".join(lines)


def _lock_pending(preregistration: PreRegistration) -> PreRegistration:
    locked = PreRegistration.objects.select_for_update().get(pk=preregistration.pk)
    if locked.status != PreRegistrationStatus.NEW:
        raise ValidationError("Cette pré-inscription a déjà été traitée.")
    return locked


def _close(
    preregistration: PreRegistration, *, by: Any, status: str, youth: Youth | None = None, reason: str = ""
) -> None:
    preregistration.status = status
    preregistration.youth = youth
    preregistration.processed_by = by
    preregistration.processed_at = timezone.now()
    preregistration.discard_reason = reason
    preregistration.save(
        update_fields=["status", "youth", "processed_by", "processed_at", "discard_reason", "updated"]
    )


@transaction.atomic
def create_youth_from_preregistration(
    *,
    by: Any,
    preregistration: PreRegistration,
    values: dict[str, Any],
    ignored_duplicates: tuple[int, ...] = (),
) -> Youth:
    """Open the file with youth's create_youth (values from the pre-filled intake form), keep the
    pre-registration's needs as a note, and link the pre-registration to the new file."""
    preregistration = _lock_pending(preregistration)
    youth = youth_services.create_youth(
        by=by,
        consent_given_on=_local_date(preregistration.consent_given_at),
        ignored_duplicates=ignored_duplicates,
        **values,
    )
    youth_services.add_note(
        by=by, youth=youth, text=preregistration_summary(preregistration), is_internal=True
    )
    _close(preregistration, by=by, status=PreRegistrationStatus.CREATED, youth=youth)
    audit.record("portal.preregistration_created", by=by, obj=preregistration, youth_id=youth.pk)
    audit.record("portal.preregistration_linked", by=by, obj=youth, preregistration_id=preregistration.pk)
    return youth


@transaction.atomic
def merge_preregistration(*, by: Any, preregistration: PreRegistration, youth: Youth) -> Youth:
    """Attach the pre-registration to an existing file: the contact the file lacks is added, the rest
    is kept as a note; the file's identity is never overwritten."""
    if not can_edit_youth(by, youth):
        raise ValidationError("Vous ne pouvez pas modifier ce dossier.")
    preregistration = _lock_pending(preregistration)
    data = {name: getattr(youth, name) for name in youth_services.IDENTITY_FIELDS}
    if preregistration.phone and not youth.phone:
        data["phone"] = preregistration.phone
    if preregistration.email and not youth.email:
        data["email"] = preregistration.email
    try:
        youth_services.update_youth(by=by, youth=youth, version=youth.version, data=data)
    except youth_services.ConcurrentEditError as exc:
        raise ValidationError("Le dossier vient d'être modifié par quelqu'un d'autre : réessayez.") from exc
    note = preregistration_summary(preregistration)
    other_contacts = [
        value
        for value, current in ((preregistration.phone, youth.phone), (preregistration.email, youth.email))
        if value and value != current
    ]
    if other_contacts:
        note += "\nAutres coordonnées données en ligne : " + ", ".join(other_contacts) + "."
    youth_services.add_note(by=by, youth=youth, text=note, is_internal=True)
    _close(preregistration, by=by, status=PreRegistrationStatus.MERGED, youth=youth)
    audit.record("portal.preregistration_merged", by=by, obj=preregistration, youth_id=youth.pk)
    audit.record("portal.preregistration_linked", by=by, obj=youth, preregistration_id=preregistration.pk)
    return youth


@transaction.atomic
def discard_preregistration(*, by: Any, preregistration: PreRegistration, reason: str) -> PreRegistration:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif du classement."})
    preregistration = _lock_pending(preregistration)
    _close(preregistration, by=by, status=PreRegistrationStatus.DISCARDED, reason=reason)
    audit.record("portal.preregistration_discarded", by=by, obj=preregistration)
    return preregistration


@transaction.atomic
def forward_preregistration(*, by: Any, preregistration: PreRegistration, zone: Zone) -> PreRegistration:
    """Send the pre-registration to the queue of another zone (the one that already follows the person)."""
    preregistration = _lock_pending(preregistration)
    if zone.pk == preregistration.zone_id:
        raise ValidationError("La pré-inscription est déjà dans la file de cette antenne.")
    previous = preregistration.zone_id
    preregistration.zone = zone
    preregistration.save(update_fields=["zone", "updated"])
    audit.record(
        "portal.preregistration_forwarded",
        by=by,
        obj=preregistration,
        from_zone_id=previous,
        to_zone_id=zone.pk,
    )
    return preregistration


# -------------------------------------------------------------------------------------------- portal account


@transaction.atomic
def ensure_portal_account(*, by: Any, youth: Youth, user: Any = None) -> PortalAccount:
    """The file's portal account, opened if needed (a login account of role youth, without password)."""
    existing = PortalAccount.objects.select_related("user").filter(youth=youth).first()
    if existing is not None:
        return existing
    if user is None:
        from maillage.accounts.models import User

        email = youth.email
        if not email or User.objects.filter(email__iexact=email).exists():
            email = f"jeune-{youth.pk}-{secrets.token_hex(4)}@portail.invalid"
        user = account_services.create_account(
            email=email,
            role=Role.YOUTH,
            password=account_services.generate_password(),
            first_name=youth.first_names[:150],
            last_name=youth.last_name[:150],
            by=by,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.role != Role.YOUTH or PortalAccount.objects.filter(user=user).exists():
        raise ValidationError("Ce compte ne peut pas être relié à ce dossier.")
    account = PortalAccount.objects.create(user=user, youth=youth, created_by=by)
    audit.record("portal.account_opened", by=by, obj=youth, account_id=account.pk)
    return account


def set_account_language(*, account: PortalAccount, language: str) -> None:
    if account.language != language:
        PortalAccount.objects.filter(pk=account.pk).update(language=language)
        account.language = language


# -------------------------------------------------------------------------------------------------- login

CODE_SALT = "maillage.portal.login-code"


def _hash_link(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hash_code(link_hash: str, code: str) -> str:
    return salted_hmac(CODE_SALT, f"{link_hash}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def issue_login_code(
    *, account: PortalAccount, channel: str, next_url: str = "", site_url: str = "", language: str = ""
) -> LoginCode:
    """A new 6-digit code and link (the previous ones stop working), sent after commit; only hashes kept."""
    now = timezone.now()
    LoginCode.objects.filter(account=account, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    token = secrets.token_urlsafe(32)
    link_hash = _hash_link(token)
    login_code = LoginCode.objects.create(
        account=account,
        channel=channel,
        code_hash=_hash_code(link_hash, code),
        link_hash=link_hash,
        expires_at=now + timedelta(seconds=conf.code_ttl_seconds()),
        next_url=next_url[:200],
    )
    link = _url(site_url, "portal:login_link", token)
    youth, language = account.youth, language or account.language
    transaction.on_commit(
        lambda: notify.send_login_code(youth=youth, language=language, channel=channel, code=code, link=link)
    )
    audit.record("portal.login_code_sent", obj=account, channel=channel)
    return login_code


def request_login(
    *, email: str = "", phone: str = "", next_url: str = "", site_url: str = "", language: str = ""
) -> list[int]:
    """Send a code to every account whose file has this contact (usually one; brothers and sisters may
    share a phone). Returns the codes' ids, empty when nobody matches: the caller shows the same page."""
    accounts = list(PortalAccount.objects.for_contact(email=email, phone=phone).select_related("youth")[:3])
    channel = DeliveryChannel.EMAIL if email else DeliveryChannel.SMS
    return [
        issue_login_code(
            account=account, channel=channel, next_url=next_url, site_url=site_url, language=language
        ).pk
        for account in accounts
    ]


def check_login_code(*, code_ids: list[int], code: str) -> LoginCode | None:
    """The matching code, now used; None (and one attempt counted on each candidate) otherwise."""
    code = "".join(code.split())
    if not code_ids:
        return None
    now = timezone.now()
    candidates = list(
        LoginCode.objects.usable(now)
        .filter(pk__in=code_ids)
        .select_related("account__user", "account__youth")
    )
    for candidate in candidates:
        if constant_time_compare(candidate.code_hash, _hash_code(candidate.link_hash, code)):
            if LoginCode.objects.filter(pk=candidate.pk, used_at__isnull=True).update(used_at=now):
                return candidate
            return None
    LoginCode.objects.filter(pk__in=[c.pk for c in candidates]).update(attempts=F("attempts") + 1)
    return None


def find_login_link(token: str) -> LoginCode | None:
    return (
        LoginCode.objects.usable()
        .filter(link_hash=_hash_link(token or ""))
        .select_related("account__user", "account__youth")
        .first()
    )


def use_login_link(*, token: str) -> LoginCode | None:
    login_code = find_login_link(token)
    if login_code is None:
        return None
    if not LoginCode.objects.filter(pk=login_code.pk, used_at__isnull=True).update(used_at=timezone.now()):
        return None
    return login_code


def record_portal_login(*, request: Any, account: PortalAccount) -> None:
    """After django.contrib.auth.login: the login is audited and the session clock started (accounts)."""
    PortalAccount.objects.filter(pk=account.pk).update(last_login_at=timezone.now())
    account_services.record_login(request=request, user=account.user)


# ---------------------------------------------------------------------------------------- slots, invitations

INVITATION_SALT = "maillage.portal.invitation"
MAX_SLOTS_PER_PUBLICATION = 24


@transaction.atomic
def publish_slots(
    *,
    by: Any,
    zone: Zone,
    day: date,
    start: time,
    end: time,
    duration_minutes: int,
    channel: str,
    site: Site | None = None,
) -> list[Slot]:
    """Free slots of `duration_minutes` from `start` to `end` on `day` (those already published are kept)."""
    if zone.pk not in by.zone_ids():
        raise ValidationError({"zone": "Vous ne travaillez pas dans cette antenne."})
    if day < timezone.localdate():
        raise ValidationError({"day": "Choisissez aujourd'hui ou un jour à venir."})
    if not 10 <= duration_minutes <= 240:
        raise ValidationError({"duration_minutes": "La durée doit être comprise entre 10 et 240 minutes."})
    if end <= start:
        raise ValidationError({"end": "L'heure de fin doit suivre l'heure de début."})
    tz = timezone.get_current_timezone()
    first = datetime.combine(day, start, tzinfo=tz)
    last = datetime.combine(day, end, tzinfo=tz)
    starts = []
    current = first
    while current + timedelta(minutes=duration_minutes) <= last:
        starts.append(current)
        current += timedelta(minutes=duration_minutes)
    if not starts:
        raise ValidationError({"end": "La plage est plus courte qu'un créneau."})
    if len(starts) > MAX_SLOTS_PER_PUBLICATION:
        raise ValidationError({"end": f"Au plus {MAX_SLOTS_PER_PUBLICATION} créneaux à la fois."})
    now = timezone.now()
    taken = set(Slot.objects.filter(counsellor=by, starts_at__in=starts).values_list("starts_at", flat=True))
    created = Slot.objects.bulk_create(
        Slot(
            counsellor=by,
            zone=zone,
            site=site,
            starts_at=moment,
            duration_minutes=duration_minutes,
            channel=channel,
            created_by=by,
        )
        for moment in starts
        if moment not in taken and moment > now
    )
    audit.record("portal.slots_published", by=by, zone_id=zone.pk, day=day.isoformat(), count=len(created))
    return created


@transaction.atomic
def delete_slot(*, by: Any, slot: Slot) -> None:
    """Withdraw a free slot (a booked one is cancelled by the young person or moved on the file)."""
    if Slot.objects.filter(pk=slot.pk, counsellor=by, youth__isnull=True).delete()[0] == 0:
        raise ValidationError("Ce créneau est réservé : il ne peut plus être retiré ici.")
    audit.record("portal.slot_deleted", by=by, object_type="portal.slot", object_id=slot.pk)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation of a signed link (valid PORTAL_INVITATION_VALID_DAYS), unless it was cancelled."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=conf.invitation_valid_days() * 24 * 3600)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.exclude(status=InvitationStatus.CANCELLED)
        .exclude(youth__status=YouthStatus.ANONYMISED)
        .select_related("youth", "counsellor")
        .filter(pk=pk)
        .first()
    )


def invitation_link(invitation: Invitation, site_url: str = "") -> str:
    return _url(site_url, "portal:invitation", invitation_token(invitation))


def counsellors_for(youth: Youth):
    """Whose slots may be offered to this young person: counsellors and managers of the file's zone."""
    from maillage.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            role__in=[Role.COUNSELLOR, Role.ZONE_MANAGER],
            zone_memberships__zone_id=youth.zone_id,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def send_invitation(
    *, by: Any, youth: Youth, counsellor: Any, channel: str, site_url: str = ""
) -> Invitation:
    """Invite the young person to pick one of the counsellor's free slots (the earlier unanswered invitation
    is replaced). Opens the portal account when needed."""
    if not can_edit_youth(by, youth):
        raise ValidationError("Vous ne pouvez pas écrire sur ce dossier.")
    if channel == DeliveryChannel.EMAIL and not youth.email:
        raise ValidationError({"channel": "Le dossier n'a pas d'adresse e-mail : choisissez le SMS."})
    if channel == DeliveryChannel.SMS and not youth.phone:
        raise ValidationError({"channel": "Le dossier n'a pas de numéro de téléphone : choisissez l'e-mail."})
    if not counsellors_for(youth).filter(pk=counsellor.pk).exists():
        raise ValidationError({"counsellor": "Choisissez un·e conseiller·ère de l'antenne du jeune."})
    if not Slot.objects.filter(counsellor=counsellor, zone=youth.zone).bookable().exists():
        raise ValidationError(
            {
                "counsellor": "Aucun créneau libre à proposer : publiez d'abord des créneaux (page « Mes créneaux »)."  # noqa: E501
            }
        )
    ensure_portal_account(by=by, youth=youth)
    Invitation.objects.filter(youth=youth, status=InvitationStatus.SENT).update(
        status=InvitationStatus.CANCELLED, updated=timezone.now()
    )
    invitation = Invitation.objects.create(youth=youth, counsellor=counsellor, sent_by=by, channel=channel)
    audit.record("portal.invitation_sent", by=by, obj=youth, invitation_id=invitation.pk, channel=channel)
    link = invitation_link(invitation, site_url)
    transaction.on_commit(lambda: notify.send_invitation(invitation=invitation, link=link))
    return invitation


def bookable_slots(youth: Youth, *, counsellor: Any = None):
    """Free slots the young person may book: those of their zone (of one counsellor when given)."""
    slots = Slot.objects.bookable().filter(zone_id=youth.zone_id)
    if counsellor is not None:
        slots = slots.filter(counsellor=counsellor)
    return slots.select_related("counsellor", "site").order_by("starts_at", "id")


@transaction.atomic
def book_slot(
    *, account: PortalAccount, slot: Slot, invitation: Invitation | None = None, site_url: str = ""
) -> Slot:
    """Book a free slot: the slot is taken in one conditional UPDATE (two young people clicking together
    cannot both get it), and the appointment is recorded on the file with youth's record_event."""
    youth, user = account.youth, account.user
    now = timezone.now()
    if slot.zone_id != youth.zone_id:
        raise ValidationError(_("Ce créneau n'est pas proposé à votre antenne."))
    if not slot.can_change_online(now):
        raise ValidationError(_("Ce créneau est trop proche. Choisissez-en un autre."))
    if Slot.objects.filter(youth=youth, counsellor_id=slot.counsellor_id, starts_at__gte=now).exists():
        raise ValidationError(
            _("Vous avez déjà un rendez-vous à venir avec cette personne. Pour changer, déplacez-le.")
        )
    if not Slot.objects.filter(pk=slot.pk, youth__isnull=True).update(
        youth=youth, booked_at=now, updated=now
    ):
        raise ValidationError(_("Ce créneau vient d'être pris. Choisissez-en un autre."))
    slot.refresh_from_db()
    event = youth_services.record_event(
        by=user,
        youth=youth,
        kind=EventKind.APPOINTMENT,
        starts_at=slot.starts_at,
        duration_minutes=slot.duration_minutes,
        counsellor=slot.counsellor,
        site=slot.site,
        channel=slot.channel,
        status=EventStatus.PLANNED,
        notes="Rendez-vous choisi en ligne par le jeune (portail).",
        is_internal=True,
    )
    Slot.objects.filter(pk=slot.pk).update(event=event)
    slot.event = event
    invitations = Invitation.objects.filter(youth=youth, status=InvitationStatus.SENT)
    if invitation is not None:
        invitations = invitations.filter(pk=invitation.pk)
    else:
        invitations = invitations.filter(counsellor_id=slot.counsellor_id)
    invitations.update(status=InvitationStatus.BOOKED, slot=slot, answered_at=now, updated=now)
    audit.record("portal.slot_booked", by=user, obj=slot, youth_id=youth.pk, event_id=event.pk)
    appointments = _url(site_url, "portal:appointments")
    staff_link = _url(site_url, "portal:staff_youth", youth.pk)
    starts_at = slot.starts_at
    transaction.on_commit(lambda: notify.send_booking_confirmation(slot=slot, link=appointments))
    transaction.on_commit(
        lambda: notify.send_appointment_change_to_staff(
            youth=youth, change="réservé en ligne", starts_at=starts_at, link=staff_link
        )
    )
    return slot


def _release(slot: Slot, *, user: Any) -> None:
    event = slot.event
    Slot.objects.filter(pk=slot.pk).update(
        youth=None, booked_at=None, event=None, reminder_sent_at=None, updated=timezone.now()
    )
    if event is not None and event.status == EventStatus.PLANNED:
        youth_services.set_event_status(by=user, event=event, status=EventStatus.CANCELLED)


@transaction.atomic
def cancel_booking(
    *, account: PortalAccount, slot: Slot, site_url: str = "", notify_staff: bool = True
) -> None:
    """The young person cancels: the slot is free again and the appointment is cancelled on the file."""
    slot = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=slot.pk, youth=account.youth)
    )
    if not slot.can_change_online():
        raise ValidationError(
            _(
                "Votre rendez-vous est bientôt : vous ne pouvez plus le changer ici. Appelez la Mission locale."  # noqa: E501
            )
        )
    starts_at = slot.starts_at
    _release(slot, user=account.user)
    audit.record("portal.slot_cancelled", by=account.user, obj=slot, youth_id=account.youth_id)
    if notify_staff:
        youth = account.youth
        link = _url(site_url, "portal:staff_youth", youth.pk)
        transaction.on_commit(
            lambda: notify.send_appointment_change_to_staff(
                youth=youth, change="annulé par le jeune", starts_at=starts_at, link=link
            )
        )


@transaction.atomic
def move_booking(*, account: PortalAccount, slot: Slot, new_slot: Slot, site_url: str = "") -> Slot:
    """Cancel and book in one transaction: if the new slot was just taken, the old one is kept."""
    cancel_booking(account=account, slot=slot, site_url=site_url, notify_staff=False)
    return book_slot(account=account, slot=new_slot, site_url=site_url)


def send_reminders(*, now: datetime | None = None, site_url: str = "") -> dict[str, int]:
    """Remind unanswered invitations after PORTAL_INVITATION_REMINDER_DAYS, and appointments the day before.

    Each reminder is claimed by a conditional UPDATE before it is sent, so that two runs never send twice."""
    now = now or timezone.now()
    invitations = 0
    due = (
        Invitation.objects.unanswered()
        .filter(
            reminder_sent_at__isnull=True,
            created__lte=now - timedelta(days=conf.invitation_reminder_days()),
            created__gt=now - timedelta(days=conf.invitation_valid_days()),
        )
        .exclude(youth__status=YouthStatus.ANONYMISED)
        .select_related("youth", "counsellor")
    )
    for invitation in due:
        if Invitation.objects.filter(pk=invitation.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        ):
            notify.send_invitation(
                invitation=invitation, link=invitation_link(invitation, site_url), reminder=True
            )
            audit.record("portal.invitation_reminded", obj=invitation, youth_id=invitation.youth_id)
            invitations += 1
    today = timezone.localdate(now)
    until = datetime.combine(
        today + timedelta(days=conf.appointment_reminder_days() + 1),
        time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    appointments = 0
    slots = (
        Slot.objects.booked()
        .filter(
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lt=until,
            booked_at__lte=now - timedelta(hours=12),
        )
        .select_related("youth", "counsellor", "site")
    )
    link = _url(site_url, "portal:appointments")
    for slot in slots:
        if Slot.objects.filter(pk=slot.pk, reminder_sent_at__isnull=True, youth__isnull=False).update(
            reminder_sent_at=now
        ):
            notify.send_appointment_reminder(slot=slot, link=link)
            audit.record("portal.appointment_reminded", obj=slot, youth_id=slot.youth_id)
            appointments += 1
    return {"invitations": invitations, "appointments": appointments}


# ------------------------------------------------------------------------------------------------ messages

#: Accepted attachments and documents (the youth app's list: PDF, JPEG, PNG, DOCX, ODT, checked by content).
MAX_FILES_PER_MESSAGE = 3


def check_upload(uploaded: UploadedFile) -> str:
    """Type and size limits, in the young person's language; returns the content type."""
    name = (uploaded.name or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in youth_services.ALLOWED_DOCUMENTS:
        raise ValidationError(
            _(
                "Ce type de fichier n'est pas accepté. Envoyez un PDF, une photo (JPEG, PNG) ou un document (DOCX, ODT)."  # noqa: E501
            )
        )
    limit = conf.attachment_max_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("Le fichier est trop gros : %(size)s Mo au plus.") % {"size": limit // (1024 * 1024)}
        )
    content_type, signatures = youth_services.ALLOWED_DOCUMENTS[ext]
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(_("Ce fichier est abîmé ou n'est pas du bon type."))
    return content_type


def _attach(message: Message, files: list[UploadedFile]) -> None:
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise ValidationError({"attachments": _("Trois fichiers au plus par message.")})
    for uploaded in files:
        content_type = check_upload(uploaded)
        attachment = Attachment(
            message=message,
            name=(uploaded.name or "fichier")[:160],
            content_type=content_type,
            size=uploaded.size or 0,
        )
        attachment.file.save(uploaded.name or "fichier", uploaded, save=False)
        attachment.save()


def _notify_message(thread: Thread, *, from_youth: bool, site_url: str) -> None:
    if from_youth:
        link = _url(site_url, "portal:staff_youth_messages", thread.youth_id)
        transaction.on_commit(lambda: notify.send_new_message_to_staff(thread=thread, link=link))
    else:
        link = _url(site_url, "portal:thread", thread.pk)
        transaction.on_commit(lambda: notify.send_new_message_to_youth(thread=thread, link=link))


@transaction.atomic
def post_message(
    *,
    by: Any,
    thread: Thread,
    body: str,
    from_youth: bool,
    files: list[UploadedFile] | None = None,
    site_url: str = "",
) -> Message:
    """A message in a conversation; the other side is told by e-mail or SMS, without the content."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Écrivez votre message.")})
    if not from_youth and not can_edit_youth(by, thread.youth):
        raise ValidationError("Vous ne pouvez pas écrire sur ce dossier.")
    message = Message.objects.create(thread=thread, author=by, from_youth=from_youth, body=body)
    _attach(message, list(files or []))
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created)
    if from_youth:
        audit.record("portal.message_from_youth", by=by, obj=thread, youth_id=thread.youth_id)
    else:
        audit.record(
            "portal.message_sent", by=by, obj=thread.youth, thread_id=thread.pk, message_id=message.pk
        )
    _notify_message(thread, from_youth=from_youth, site_url=site_url)
    return message


@transaction.atomic
def start_thread(
    *,
    by: Any,
    youth: Youth,
    subject: str,
    body: str,
    from_youth: bool,
    files: list[UploadedFile] | None = None,
    site_url: str = "",
) -> Thread:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": _("Donnez un sujet à votre message.")})
    thread = Thread.objects.create(youth=youth, subject=subject[:120], started_by=by)
    post_message(by=by, thread=thread, body=body, from_youth=from_youth, files=files, site_url=site_url)
    return thread


def mark_thread_read(*, thread: Thread, reader_is_youth: bool) -> int:
    """The messages of the other side are now read."""
    return Message.objects.filter(thread=thread, from_youth=not reader_is_youth, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def record_staff_read(*, by: Any, youth: Youth) -> None:
    """A staff member opened the file's conversations: the young person sees it in "who looked"."""
    audit.record("portal.messages_read", by=by, obj=youth)


# --------------------------------------------------------------------------------- plan, documents, feedback

#: The goal that holds the actions a young person adds by themselves (staff read it in French).
OWN_GOAL_TITLE = "Mes propres actions"


@transaction.atomic
def add_own_action(
    *, account: PortalAccount, title: str, due_on: date | None = None, goal: Goal | None = None
) -> Action:
    youth, user = account.youth, account.user
    if goal is not None and goal.youth_id != youth.pk:
        raise ValidationError(_("Cet objectif n'est pas le vôtre."))
    if goal is None:
        goal = Goal.objects.filter(youth=youth, title=OWN_GOAL_TITLE, status=GoalStatus.OPEN).first()
        if goal is None:
            goal = youth_services.add_goal(by=user, youth=youth, title=OWN_GOAL_TITLE)
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("Choisissez une date à venir.")})
    return youth_services.add_action(by=user, goal=goal, title=title, due_on=due_on)


@transaction.atomic
def tick_action(*, account: PortalAccount, action: Action) -> Action:
    if action.goal.youth_id != account.youth_id or action.status != ActionStatus.TODO:
        raise ValidationError(_("Cette action n'est plus à faire."))
    return youth_services.complete_action(by=account.user, action=action)


@transaction.atomic
def upload_document(*, account: PortalAccount, uploaded: UploadedFile, title: str = ""):
    check_upload(uploaded)
    return youth_services.add_document(by=account.user, youth=account.youth, uploaded=uploaded, title=title)


def events_awaiting_feedback(youth: Youth, *, days: int = 60):
    """Meetings the young person attended recently and has not rated yet."""
    since = timezone.now() - timedelta(days=days)
    return (
        Event.objects.filter(
            youth=youth, kind__in=MEETING_KINDS, status=EventStatus.ATTENDED, starts_at__gte=since
        )
        .filter(portal_feedback__isnull=True)
        .select_related("counsellor", "site")
        .order_by("-starts_at")
    )


@transaction.atomic
def give_feedback(*, account: PortalAccount, event: Event, rating: int, comment: str = "") -> Feedback:
    if (
        event.youth_id != account.youth_id
        or event.status != EventStatus.ATTENDED
        or event.kind not in MEETING_KINDS
    ):
        raise ValidationError(_("Vous ne pouvez pas donner votre avis sur ce rendez-vous."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choisissez une note de 1 à 5.")})
    if Feedback.objects.filter(event=event).exists():
        raise ValidationError(_("Vous avez déjà donné votre avis. Merci !"))
    feedback = Feedback.objects.create(
        youth=account.youth, event=event, rating=rating, comment=comment.strip()
    )
    audit.record("portal.feedback_given", by=account.user, obj=feedback, event_id=event.pk, rating=rating)
    return feedback


# -------------------------------------------------------------------------------------------- corrections


@transaction.atomic
def request_correction(
    *, account: PortalAccount, topic: str, text: str, site_url: str = ""
) -> CorrectionRequest:
    """The young person asks for a correction; the counsellor is told (without the content) and finds it
    in the portal's requests list and on their home page."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Expliquez ce qu'il faut corriger.")})
    request = CorrectionRequest.objects.create(youth=account.youth, topic=topic, text=text)
    audit.record("portal.correction_requested", by=account.user, obj=request, youth_id=account.youth_id)
    link = _url(site_url, "portal:staff_corrections")
    transaction.on_commit(lambda: notify.send_correction_request_to_staff(request=request, link=link))
    return request


@transaction.atomic
def withdraw_consent(*, account: PortalAccount, consent: Any, site_url: str = "") -> Any:
    """The young person withdraws one of their consents from the portal: recorded by the same service as the
    counsellor's button (audited; the consent to processing puts the file on notice of anonymisation), and
    the counsellor is told by e-mail (without the content: a link to the file)."""
    from maillage.youth.enums import ConsentScope

    if consent.youth_id != account.youth_id:
        raise ValidationError(_("Cet accord n'est pas dans votre dossier."))
    consent = youth_services.withdraw_consent(by=account.user, consent=consent)
    processing = consent.scope == ConsentScope.PROCESSING
    link = _url(site_url, "youth:file", account.youth_id) + "#consentements"
    youth = account.youth
    transaction.on_commit(
        lambda: notify.send_consent_withdrawal_to_staff(youth=youth, processing=processing, link=link)
    )
    return consent


@transaction.atomic
def handle_correction(*, by: Any, request: CorrectionRequest, answer: str) -> CorrectionRequest:
    if not can_edit_youth(by, request.youth):
        raise ValidationError("Vous ne pouvez pas écrire sur ce dossier.")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Écrivez une réponse pour le jeune."})
    if not CorrectionRequest.objects.filter(pk=request.pk, status=CorrectionStatus.OPEN).update(
        status=CorrectionStatus.DONE, handled_by=by, handled_at=timezone.now(), answer=answer
    ):
        raise ValidationError("Cette demande a déjà été traitée.")
    request.refresh_from_db()
    audit.record("portal.correction_handled", by=by, obj=request.youth, correction_id=request.pk)
    return request


def record_export(*, account: PortalAccount, export_format: str) -> None:
    audit.record("portal.data_exported", by=account.user, obj=account, format=export_format)
