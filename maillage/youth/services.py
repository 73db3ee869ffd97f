"""Every write on a young person's file: keyword-only arguments, `by=` the acting user, one transaction,
one audit entry. Rule violations raise ValidationError with a French message (keyed by form field when
there is one), so that views show it beside the field and nothing is saved.

Audit entries point at the file (object youth.youth #id) so that the file's history is one indexed
query; `extra` holds ids and field names, never personal data in clear.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from maillage.accounts.roles import Role
from maillage.core import audit
from maillage.territory.models import QPV, Commune, Quartier, Site, Zone

from . import conf, hours
from .access import can_manage_zone, can_read_diagnosis
from .enums import (
    CLOSED_ENROLMENT_STATUSES,
    DETAILS_BY_DOMAIN,
    ActionStatus,
    ConsentScope,
    EnrolmentStatus,
    EventKind,
    EventStatus,
    GoalStatus,
    ProposalStatus,
    SituationKind,
    SuspensionReason,
    TransferStatus,
    YouthStatus,
)
from .models import (
    Action,
    Barrier,
    CejWeek,
    Consent,
    Document,
    Enrolment,
    EnrolmentSuspension,
    Event,
    Goal,
    Note,
    Programme,
    Proposal,
    Situation,
    TransferRequest,
    Youth,
    monday_of,
)
from .normalise import (
    age_on,
    clean_name,
    normalise_email,
    normalise_phone,
    youth_identity_key,
    youth_search_key,
)

# ------------------------------------------------------------------------------------------------ helpers


def _today() -> date:
    return timezone.localdate()


def check_age(birth_date: date, on: date) -> None:
    """16 to 25 inclusive on the given date, else a ValidationError on birth_date saying why."""
    age = age_on(birth_date, on)
    if age < conf.min_age():
        raise ValidationError(
            {
                "birth_date": (
                    f"Ce jeune a {age} ans le {on:%d/%m/%Y} : la Mission locale accueille à partir de "
                    f"{conf.min_age()} ans. Le dossier n'a pas été créé."
                )
            }
        )
    if age > conf.max_age():
        raise ValidationError(
            {
                "birth_date": (
                    f"Ce jeune a {age} ans le {on:%d/%m/%Y} : la Mission locale accueille jusqu'à "
                    f"{conf.max_age()} ans inclus (le 26e anniversaire ferme l'accès). "
                    "Le dossier n'a pas été créé."
                )
            }
        )


def derive_zone(commune: Commune, quartier: Quartier | None) -> Zone:
    """The zone follows the quartier (Rennes) or else the commune."""
    return quartier.zone if quartier is not None else commune.zone


def check_address(commune: Commune, quartier: Quartier | None, qpv: QPV | None) -> None:
    if quartier is not None and quartier.commune_id != commune.pk:
        raise ValidationError({"quartier": f"Ce quartier n'est pas à {commune.name}."})
    if quartier is None and commune.quartiers.exists():
        raise ValidationError(
            {"quartier": f"Précisez le quartier de {commune.name} : il décide de l'antenne."}
        )
    if qpv is not None and qpv.commune_id != commune.pk:
        raise ValidationError({"qpv": f"Ce quartier prioritaire n'est pas à {commune.name}."})


def _touch_last_contact(youth_id: int, day: date) -> None:
    """Move last_contact_on forward (never back), in one conditional UPDATE; the version is untouched:
    recording a contact never conflicts with someone editing the identity."""
    Youth.objects.filter(pk=youth_id).filter(
        Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=day)
    ).update(last_contact_on=day)


def _contact_day(event: Event) -> date | None:
    return timezone.localtime(event.starts_at).date() if event.is_contact else None


def _contact_changed(youth_id: int, *, before: date | None, after: date | None) -> None:
    """An event was corrected or deleted: it was a contact on `before` (None: it was not) and is one on
    `after` (None: no longer). When the file's last contact was that day, it becomes the latest contact
    left; otherwise it only moves forward. The version is untouched, as in _touch_last_contact."""
    if after is not None:
        _touch_last_contact(youth_id, after)
    if before is None or before == after:
        return
    latest = (
        Event.objects.filter(youth_id=youth_id)
        .contacts()
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    Youth.objects.filter(pk=youth_id, last_contact_on=before).update(
        last_contact_on=timezone.localtime(latest).date() if latest else None
    )


NO_ROW_TOKEN = "new"  # noqa: S105 - a marker in a form, not a secret


def seen_token(obj: Any) -> str:
    """What an edit form remembers of the row it changes: the row's last change ("new": no row yet)."""
    updated = getattr(obj, "updated", None) if obj is not None else None
    return updated.isoformat() if updated else NO_ROW_TOKEN


STALE_CODE = "stale"


def check_unchanged(current: Any, seen: str | None, describe: Any) -> None:
    """Refuse to overwrite a row that someone else changed since the form was shown.

    `current` is the row read under lock (or None when there is none yet), `seen` the form's token (None:
    the caller does not check: an import, or a client that sends no token), `describe()` says in French
    what is recorded now. The error
    has the code "stale": the views keep what was typed and send the new token with the form."""
    if seen is None or seen_token(current) == seen:
        return
    if current is None:
        state = "il a été supprimé entre-temps"
    else:
        when = timezone.localtime(current.updated)
        state = f"il a été modifié le {when:%d/%m/%Y à %H:%M} ; enregistré maintenant : {describe()}"
    raise ValidationError(
        f"Quelqu'un d'autre a changé cet élément depuis que vous avez ouvert la page : {state}. Rien n'a "
        "été enregistré. Vos saisies sont conservées : vérifiez-les, puis enregistrez à nouveau.",
        code=STALE_CODE,
    )


def _bump_version(youth: Youth, **changes: Any) -> None:
    """Write fields the identity form also depends on (zone…), and bump the version so that a form opened
    before this change reports a conflict instead of silently writing the old zone back."""
    changes["updated"] = timezone.now()
    Youth.objects.filter(pk=youth.pk).update(version=F("version") + 1, **changes)
    youth.refresh_from_db(fields=["version", *[k for k in changes if k != "updated"]])


# ------------------------------------------------------------------------------------------ intake & file


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing file that may be the same person. For a file the user may not see, only the minimal
    view is filled in (name, birth year, zone); `pk` is then used only to build a signed transfer token."""

    pk: int
    name: str
    birth_year: int
    zone_name: str
    zone_id: int
    visible: bool
    reasons: tuple[str, ...]
    birth_date: date | None = None
    counsellor_name: str = ""
    status_label: str = ""
    pending_transfer: bool = False


def find_duplicates(
    *,
    user: Any,
    last_name: str,
    first_names: str,
    birth_date: date | None,
    phone: str = "",
    email: str = "",
    exclude_pk: int | None = None,
    limit: int = 20,
) -> list[DuplicateMatch]:
    """Files of every zone with the same normalised name + birth date, or the same phone, or e-mail."""
    identity_key = youth_identity_key(last_name, first_names, birth_date)
    condition = Q()
    if identity_key:
        condition |= Q(identity_key=identity_key)
    if phone:
        condition |= Q(phone=phone)
    if email:
        condition |= Q(email=email)
    if not condition:
        return []
    found = Youth.objects.exclude(status=YouthStatus.ANONYMISED).filter(condition)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    candidates = list(found.select_related("zone", "counsellor").order_by("pk")[:limit])
    if not candidates:
        return []
    ids = [c.pk for c in candidates]
    visible = set(Youth.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    user_zones = list(user.zone_ids()) if getattr(user, "is_authenticated", False) else []
    pending = set(
        TransferRequest.objects.pending()
        .filter(youth_id__in=ids, to_zone_id__in=user_zones)
        .values_list("youth_id", flat=True)
    )
    matches = []
    for youth in candidates:
        reasons = []
        if identity_key and youth.identity_key == identity_key:
            reasons.append("même nom, prénom et date de naissance")
        if phone and youth.phone == phone:
            reasons.append("même téléphone")
        if email and youth.email == email:
            reasons.append("même e-mail")
        is_visible = youth.pk in visible
        matches.append(
            DuplicateMatch(
                pk=youth.pk,
                name=youth.full_name,
                birth_year=youth.birth_date.year,
                zone_name=youth.zone.name,
                zone_id=youth.zone_id,
                visible=is_visible,
                reasons=tuple(reasons),
                birth_date=youth.birth_date if is_visible else None,
                counsellor_name=str(youth.counsellor) if is_visible and youth.counsellor else "",
                status_label=str(youth.get_status_display()) if is_visible else "",
                pending_transfer=youth.pk in pending,
            )
        )
    return matches


@transaction.atomic
def create_youth(
    *,
    by: Any,
    last_name: str,
    first_names: str,
    birth_date: date,
    commune: Commune,
    sex: str = "X",
    phone: str = "",
    email: str = "",
    address: str = "",
    quartier: Quartier | None = None,
    qpv: QPV | None = None,
    education_level: str = "",
    heard_from: str = "",
    situation_kind: str = "",
    contract_type: str = "",
    situation_label: str = "",
    consent_given_on: date | None = None,
    intake_on: date | None = None,
    zone: Zone | None = None,
    zone_override_reason: str = "",
    counsellor: Any = None,
    ignored_duplicates: tuple[int, ...] = (),
) -> Youth:
    """Open a file: age rule, zone from the address, consent record, initial situation. Audited."""
    intake_on = intake_on or _today()
    check_age(birth_date, intake_on)
    check_address(commune, quartier, qpv)
    if consent_given_on is None:
        raise ValidationError({"consent": "Le consentement au traitement des données doit être recueilli."})
    derived = derive_zone(commune, quartier)
    final_zone, reason = derived, ""
    if zone is not None and zone.pk != derived.pk:
        if not (can_manage_zone(by, derived) or can_manage_zone(by, zone)):
            raise ValidationError({"zone": "Seul·e un·e responsable d'antenne peut choisir une autre zone."})
        if not zone_override_reason.strip():
            raise ValidationError({"zone_override_reason": "Indiquez le motif du choix d'une autre zone."})
        final_zone, reason = zone, zone_override_reason.strip()
    if counsellor is None and getattr(by, "role", None) == Role.COUNSELLOR and final_zone.pk in by.zone_ids():
        counsellor = by
    phone = normalise_phone(phone)
    email = normalise_email(email)
    last_name, first_names = clean_name(last_name), clean_name(first_names)
    youth = Youth.objects.create(
        last_name=last_name,
        first_names=first_names,
        birth_date=birth_date,
        sex=sex,
        phone=phone,
        email=email,
        address=address.strip(),
        commune=commune,
        quartier=quartier,
        qpv=qpv,
        zone=final_zone,
        zone_override_reason=reason,
        counsellor=counsellor,
        education_level=education_level,
        heard_from=heard_from,
        intake_on=intake_on,
        last_contact_on=intake_on,
        search_key=youth_search_key(last_name, first_names),
        identity_key=youth_identity_key(last_name, first_names, birth_date),
        created_by=by,
    )
    Consent.objects.create(
        youth=youth,
        scope=ConsentScope.PROCESSING,
        text_version=conf.consent_text_version(),
        given_on=consent_given_on,
        recorded_by=by,
    )
    if situation_kind:
        Situation.objects.create(
            youth=youth,
            kind=situation_kind,
            contract_type=contract_type if situation_kind == SituationKind.JOB else "",
            started_on=intake_on,
            label=situation_label.strip(),
            created_by=by,
        )
    audit.record(
        "youth.created",
        by=by,
        obj=youth,
        zone_id=final_zone.pk,
        zone_overridden=bool(reason),
        ignored_duplicates=list(ignored_duplicates),
    )
    return youth


#: Fields of the identity form, in form order (update_youth writes only these).
IDENTITY_FIELDS = (
    "last_name",
    "first_names",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "commune",
    "quartier",
    "qpv",
    "education_level",
    "heard_from",
)


class ConcurrentEditError(Exception):
    """Someone saved the file since the form was opened: nothing was written."""

    def __init__(self, current: Youth):
        super().__init__("Le dossier a été modifié entre-temps.")
        self.current = current


@transaction.atomic
def update_youth(*, by: Any, youth: Youth, version: int, data: dict[str, Any]) -> list[str]:
    """Save the identity with optimistic concurrency: UPDATE … WHERE id = … AND version = `version`.

    Returns the names of the changed fields (empty: nothing to save). Raises ConcurrentEditError (with
    the current row) when the version moved on, ValidationError when a rule is broken.
    """
    values = {name: data[name] for name in IDENTITY_FIELDS if name in data}
    if "phone" in values:
        values["phone"] = normalise_phone(values["phone"])
    if "email" in values:
        values["email"] = normalise_email(values["email"])
    for name in ("last_name", "first_names"):
        if name in values:
            values[name] = clean_name(values[name])
    if "address" in values:
        values["address"] = (values["address"] or "").strip()
    # Compared with the row as it is now: with a stale version, a field the user left alone but someone
    # else changed shows up here too, and the conditional UPDATE below then reports the conflict.
    changed = [name for name, value in values.items() if getattr(youth, name) != value]
    if not changed:
        return []
    merged = {name: values.get(name, getattr(youth, name)) for name in IDENTITY_FIELDS}
    if "birth_date" in changed:
        check_age(merged["birth_date"], youth.intake_on)
    if {"commune", "quartier", "qpv"} & set(changed):
        check_address(merged["commune"], merged["quartier"], merged["qpv"])
    update: dict[str, Any] = {name: values[name] for name in changed}
    if {"last_name", "first_names"} & set(changed):
        update["search_key"] = youth_search_key(merged["last_name"], merged["first_names"])
    if {"last_name", "first_names", "birth_date"} & set(changed):
        update["identity_key"] = youth_identity_key(
            merged["last_name"], merged["first_names"], merged["birth_date"]
        )
    if {"commune", "quartier"} & set(changed):
        update["zone"] = derive_zone(merged["commune"], merged["quartier"])
        update["zone_override_reason"] = ""
    rows = Youth.objects.filter(pk=youth.pk, version=version).update(
        version=F("version") + 1, updated=timezone.now(), **update
    )
    if rows == 0:
        current = Youth.objects.select_related("commune", "quartier", "qpv", "zone").get(pk=youth.pk)
        raise ConcurrentEditError(current)
    youth.refresh_from_db()
    audit.record("youth.updated", by=by, obj=youth, fields=changed, version=youth.version)
    return changed


@transaction.atomic
def override_zone(*, by: Any, youth: Youth, zone: Zone, reason: str) -> Youth:
    """A zone manager sends the file to another zone than its address gives (reason required)."""
    if not can_manage_zone(by, youth.zone):
        raise ValidationError("Seul·e un·e responsable de la zone du dossier peut en changer la zone.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif du changement de zone."})
    if zone.pk == youth.zone_id:
        raise ValidationError({"zone": "Le dossier est déjà dans cette zone."})
    previous = youth.zone_id
    derived = derive_zone(youth.commune, youth.quartier)
    counsellor = youth.counsellor
    # The file leaves its counsellor when they do not work in the new zone: the new zone's manager assigns it.
    keeps_counsellor = counsellor is not None and zone.pk in counsellor.zone_ids()
    _bump_version(
        youth,
        zone=zone,
        zone_override_reason="" if derived.pk == zone.pk else reason,
        counsellor=counsellor if keeps_counsellor else None,
    )
    audit.record(
        "youth.zone_overridden",
        by=by,
        obj=youth,
        from_zone_id=previous,
        to_zone_id=zone.pk,
        counsellor_removed=bool(counsellor) and not keeps_counsellor,
    )
    return youth


@transaction.atomic
def assign_counsellor(*, by: Any, youth: Youth, counsellor: Any) -> Youth:
    """Give the file to a counsellor of its zone (None: nobody). Used by zone managers' reassignment."""
    if counsellor is not None and youth.zone_id not in counsellor.zone_ids():
        raise ValidationError(
            {"counsellor": "Ce·tte conseiller·ère ne travaille pas dans la zone du dossier."}
        )
    previous = youth.counsellor_id
    Youth.objects.filter(pk=youth.pk).update(counsellor=counsellor, updated=timezone.now())
    youth.counsellor = counsellor
    audit.record(
        "youth.counsellor_assigned",
        by=by,
        obj=youth,
        from_user_id=previous,
        to_user_id=counsellor.pk if counsellor else None,
    )
    return youth


# ------------------------------------------------------------------------------------------------ transfer


@transaction.atomic
def request_transfer(*, by: Any, youth: Youth, to_zone: Zone, reason: str = "") -> TransferRequest:
    """Ask the zone holding a file to hand it over (to a zone of the requester). Idempotent while pending."""
    if to_zone.pk not in by.zone_ids():
        raise ValidationError("Vous ne pouvez demander un transfert que vers une de vos zones.")
    if youth.zone_id == to_zone.pk:
        raise ValidationError("Ce dossier est déjà dans votre zone.")
    existing = TransferRequest.objects.pending().filter(youth=youth, to_zone=to_zone).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            transfer = TransferRequest.objects.create(
                youth=youth,
                from_zone_id=youth.zone_id,
                to_zone=to_zone,
                requested_by=by,
                reason=reason.strip(),
            )
    except IntegrityError:
        return TransferRequest.objects.pending().get(youth=youth, to_zone=to_zone)
    audit.record(
        "youth.transfer_requested",
        by=by,
        obj=youth,
        transfer_id=transfer.pk,
        from_zone_id=youth.zone_id,
        to_zone_id=to_zone.pk,
    )
    return transfer


@transaction.atomic
def decide_transfer(
    *, by: Any, transfer: TransferRequest, accept: bool, comment: str = ""
) -> TransferRequest:
    """The manager of the zone holding the file accepts (the file moves, audited) or refuses."""
    transfer = (
        TransferRequest.objects.select_for_update().select_related("youth", "to_zone").get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.")
    if not can_manage_zone(by, transfer.from_zone_id):
        raise ValidationError("Seul·e un·e responsable de la zone qui suit le dossier peut décider.")
    youth = transfer.youth
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.REFUSED
    transfer.decided_by = by
    transfer.decided_on = timezone.now()
    transfer.decision_comment = comment.strip()
    transfer.save(update_fields=["status", "decided_by", "decided_on", "decision_comment", "updated"])
    if accept:
        previous_zone = youth.zone_id
        derived = derive_zone(youth.commune, youth.quartier)
        requester = transfer.requested_by
        new_counsellor = (
            requester
            if requester is not None
            and requester.role == Role.COUNSELLOR
            and transfer.to_zone_id in requester.zone_ids()
            else None
        )
        reason = "" if derived.pk == transfer.to_zone_id else f"Transfert accepté le {_today():%d/%m/%Y}"
        _bump_version(youth, zone=transfer.to_zone, zone_override_reason=reason, counsellor=new_counsellor)
        audit.record(
            "youth.transfer_accepted",
            by=by,
            obj=youth,
            transfer_id=transfer.pk,
            from_zone_id=previous_zone,
            to_zone_id=transfer.to_zone_id,
        )
    else:
        audit.record("youth.transfer_refused", by=by, obj=youth, transfer_id=transfer.pk)
    return transfer


# ----------------------------------------------------------------------------------------------- diagnosis


def _require_diagnosis(by: Any, youth: Youth) -> None:
    if not can_read_diagnosis(by, youth):
        raise ValidationError(
            "Le diagnostic de ce dossier est réservé à son·sa conseiller·ère et à l'antenne."
        )


@transaction.atomic
def record_barrier(
    *,
    by: Any,
    youth: Youth,
    domain: str,
    severity: str,
    detail: str = "",
    noted_on: date | None = None,
    comment: str = "",
) -> Barrier:
    _require_diagnosis(by, youth)
    if detail and detail not in DETAILS_BY_DOMAIN.get(domain, frozenset()):
        raise ValidationError({"detail": "Cette précision ne correspond pas au domaine choisi."})
    noted_on = noted_on or _today()
    if noted_on > _today():
        raise ValidationError({"noted_on": "La date ne peut pas être dans le futur."})
    barrier = Barrier.objects.create(
        youth=youth,
        domain=domain,
        detail=detail,
        severity=severity,
        noted_on=noted_on,
        comment=comment.strip(),
        recorded_by=by,
    )
    audit.record("youth.barrier_recorded", by=by, obj=youth, barrier_id=barrier.pk)
    return barrier


@transaction.atomic
def resolve_barrier(*, by: Any, barrier: Barrier, resolved_on: date | None = None) -> Barrier:
    _require_diagnosis(by, barrier.youth)
    if barrier.resolved_on is not None:
        raise ValidationError("Ce frein est déjà levé.")
    resolved_on = resolved_on or _today()
    if resolved_on < barrier.noted_on:
        raise ValidationError({"resolved_on": "Un frein ne peut pas être levé avant d'avoir été constaté."})
    barrier.resolved_on = resolved_on
    barrier.save(update_fields=["resolved_on", "updated"])
    audit.record("youth.barrier_resolved", by=by, obj=barrier.youth, barrier_id=barrier.pk)
    return barrier


# ---------------------------------------------------------------------------------------------- programmes


def _exclusive_overlap(youth: Youth, start_on: date, exclude_pk: int | None = None) -> Enrolment | None:
    """An exclusive enrolment that is open, or that ended after `start_on` (a same-day handover is fine),
    or that starts after it (the new one is open-ended)."""
    others = Enrolment.objects.filter(youth=youth, is_exclusive=True).select_related("programme")
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=start_on) | Q(start_on__gte=start_on)
    ).first()


@transaction.atomic
def enrol(
    *, by: Any, youth: Youth, programme: Programme, start_on: date, planned_end_on: date | None = None
) -> Enrolment:
    """Enter a programme. Exclusive programmes never overlap (checked here, and by a constraint)."""
    if not programme.is_active or programme.is_historic:
        raise ValidationError({"programme": f"On n'entre plus dans le dispositif « {programme.name} »."})
    if youth.status != YouthStatus.ACTIVE:
        raise ValidationError("Le dossier n'est pas actif.")
    if age_on(youth.birth_date, start_on) > conf.max_age():
        raise ValidationError(
            {
                "start_on": (
                    f"Le jeune a {conf.max_age() + 1} ans ou plus à cette date : "
                    "plus d'entrée en dispositif possible."
                )
            }
        )
    if planned_end_on is None and programme.default_duration_months:
        planned_end_on = _add_months(start_on, programme.default_duration_months) - timedelta(days=1)
    if planned_end_on is not None and planned_end_on < start_on:
        raise ValidationError({"planned_end_on": "La fin prévue doit suivre le début."})
    if programme.is_exclusive:
        clash = _exclusive_overlap(youth, start_on)
        if clash is not None:
            raise ValidationError(
                {
                    "programme": (
                        f"Ce jeune est déjà en « {clash.programme.name} » depuis le {clash.start_on:%d/%m/%Y}"
                        + (f" jusqu'au {clash.ended_on:%d/%m/%Y}" if clash.ended_on else "")
                        + " : deux dispositifs exclusifs ne peuvent pas se chevaucher. "
                        "Terminez d'abord l'autre dispositif."
                    )
                }
            )
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                youth=youth,
                programme=programme,
                is_exclusive=programme.is_exclusive,
                start_on=start_on,
                planned_end_on=planned_end_on,
                created_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"programme": "Ce jeune suit déjà un dispositif exclusif en cours : terminez-le d'abord."}
        ) from exc
    audit.record("youth.enrolled", by=by, obj=youth, enrolment_id=enrolment.pk, programme=programme.code)
    return enrolment


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def end_enrolment(
    *,
    by: Any,
    enrolment: Enrolment,
    status: str,
    ended_on: date | None = None,
    end_reason: str = "",
    comment: str = "",
) -> Enrolment:
    if status not in CLOSED_ENROLMENT_STATUSES:
        raise ValidationError({"status": "Choisissez « terminé » ou « abandonné »."})
    if not enrolment.is_open:
        raise ValidationError("Ce dispositif est déjà terminé.")
    ended_on = ended_on or _today()
    if ended_on < enrolment.start_on:
        raise ValidationError({"ended_on": "La fin doit suivre le début du dispositif."})
    if not end_reason:
        raise ValidationError({"end_reason": "Indiquez le motif de fin."})
    for period in enrolment.suspensions.filter(ends_on__isnull=True):
        period.ends_on = max(period.starts_on, ended_on)
        period.save(update_fields=["ends_on", "updated"])
    enrolment.status, enrolment.ended_on = status, ended_on
    enrolment.end_reason, enrolment.end_comment = end_reason, comment.strip()
    enrolment.save(update_fields=["status", "ended_on", "end_reason", "end_comment", "updated"])
    audit.record(
        "youth.enrolment_ended", by=by, obj=enrolment.youth, enrolment_id=enrolment.pk, status=status
    )
    return enrolment


def _locked_enrolment(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "youth")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def suspend_enrolment(
    *,
    by: Any,
    enrolment: Enrolment,
    reason: str,
    starts_on: date | None = None,
    comment: str = "",
) -> EnrolmentSuspension:
    """Pause an enrolment in progress (the CEJ allows it): a period with its reason; its weeks are not
    counted against the hours target. Refused when the enrolment is no longer in progress (someone else
    may have suspended or ended it meanwhile)."""
    enrolment = _locked_enrolment(enrolment)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError(
            f"Ce dispositif n'est pas en cours ({enrolment.get_status_display().lower()}) : il ne peut pas "
            "être suspendu. La page a peut-être été ouverte avant un changement."
        )
    starts_on = starts_on or _today()
    if starts_on < enrolment.start_on:
        raise ValidationError(
            {"starts_on": f"La suspension ne peut pas précéder l'entrée ({enrolment.start_on:%d/%m/%Y})."}
        )
    if starts_on > _today():
        raise ValidationError({"starts_on": "La suspension ne peut pas commencer après aujourd'hui."})
    last_end = (
        enrolment.suspensions.filter(ends_on__isnull=False)
        .order_by("-ends_on")
        .values_list("ends_on", flat=True)
    ).first()
    if last_end is not None and starts_on < last_end:
        raise ValidationError(
            {"starts_on": f"La suspension précédente a pris fin le {last_end:%d/%m/%Y} : commencez après."}
        )
    if reason not in SuspensionReason.values:
        raise ValidationError({"reason": "Indiquez le motif de la suspension."})
    comment = (comment or "").strip()
    if reason == SuspensionReason.OTHER and not comment:
        raise ValidationError({"comment": "Précisez le motif."})
    period = EnrolmentSuspension.objects.create(
        enrolment=enrolment, starts_on=starts_on, reason=reason, comment=comment, created_by=by
    )
    enrolment.status = EnrolmentStatus.SUSPENDED
    enrolment.save(update_fields=["status", "updated"])
    audit.record(
        "youth.enrolment_suspended", by=by, obj=enrolment.youth, enrolment_id=enrolment.pk, reason=reason
    )
    return period


@transaction.atomic
def resume_enrolment(*, by: Any, enrolment: Enrolment, resumed_on: date | None = None) -> Enrolment:
    """End the suspension under way: the enrolment is in progress again from `resumed_on`."""
    enrolment = _locked_enrolment(enrolment)
    if enrolment.status != EnrolmentStatus.SUSPENDED:
        raise ValidationError(
            "Ce dispositif n'est pas suspendu : il ne peut pas être repris. La page a peut-être été "
            "ouverte avant un changement."
        )
    resumed_on = resumed_on or _today()
    period = enrolment.suspensions.filter(ends_on__isnull=True).first()
    if period is not None and resumed_on < period.starts_on:
        raise ValidationError(
            {"resumed_on": f"La reprise ne peut pas précéder la suspension ({period.starts_on:%d/%m/%Y})."}
        )
    if resumed_on > _today():
        raise ValidationError({"resumed_on": "La reprise ne peut pas être datée après aujourd'hui."})
    if period is not None:
        period.ends_on = resumed_on
        period.save(update_fields=["ends_on", "updated"])
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.save(update_fields=["status", "updated"])
    audit.record("youth.enrolment_resumed", by=by, obj=enrolment.youth, enrolment_id=enrolment.pk)
    return enrolment


def compute_week_hours(*, enrolment: Enrolment, week_start: date) -> hours.WeekHours:
    """The week's hours as recorded (events, training, other registered sources) plus hours added."""
    return hours.week_hours(enrolment, week_start)


@transaction.atomic
def validate_week(
    *,
    by: Any,
    enrolment: Enrolment,
    week_start: date,
    added_hours: Decimal = Decimal(0),
    added_comment: str = "",
    seen: str | None = None,
) -> CejWeek:
    """The counsellor adds hours recorded nowhere else and validates the week (snapshot of the computed).

    With `seen` (the form's token), a week validated by someone else since the form was shown is not
    overwritten (ValidationError, code "stale")."""
    if not enrolment.programme.tracks_weekly_hours:
        raise ValidationError("Ce dispositif ne suit pas d'heures hebdomadaires.")
    monday = monday_of(week_start)
    if monday < monday_of(enrolment.start_on) or monday > monday_of(_today()):
        raise ValidationError({"week_start": "Cette semaine est hors de la période du dispositif."})
    if added_hours < 0 or added_hours > 60:
        raise ValidationError({"added_hours": "Indiquez entre 0 et 60 heures."})
    if added_hours and not added_comment.strip():
        raise ValidationError({"added_comment": "Précisez les activités correspondant aux heures ajoutées."})
    existing = (
        CejWeek.objects.select_for_update(of=("self",))  # validated_by is an outer join: not locked
        .select_related("validated_by")
        .filter(enrolment=enrolment, week_start=monday)
        .first()
    )

    def describe() -> str:
        assert existing is not None
        who = f" par {existing.validated_by}" if existing.validated_by else ""
        comment = f" ({existing.added_comment})" if existing.added_comment else ""
        added = f"{existing.added_hours.normalize():f}".replace(".", ",")
        return f"semaine validée{who}, {added} h ajoutées{comment}"

    check_unchanged(existing, seen, describe)
    computed = hours.week_hours(enrolment, monday).computed
    week, _ = CejWeek.objects.update_or_create(
        enrolment=enrolment,
        week_start=monday,
        defaults={
            "computed_hours": computed,
            "added_hours": added_hours,
            "added_comment": added_comment.strip(),
            "validated_by": by,
            "validated_at": timezone.now(),
        },
    )
    audit.record(
        "youth.week_validated",
        by=by,
        obj=enrolment.youth,
        enrolment_id=enrolment.pk,
        week=monday.isoformat(),
        total=str(computed + added_hours),
    )
    return week


# ------------------------------------------------------------------------------------------------- events


def _check_event_status(kind: str, status: str, starts_at: datetime) -> None:
    if kind == EventKind.MESSAGE:
        return
    if starts_at > timezone.now() + timedelta(minutes=5) and status in (
        EventStatus.ATTENDED,
        EventStatus.MISSED,
    ):
        raise ValidationError(
            {"status": "Un rendez-vous à venir ne peut être que « prévu », « excusé » ou « annulé »."}
        )


@transaction.atomic
def record_event(
    *,
    by: Any,
    youth: Youth,
    kind: str,
    starts_at: datetime,
    duration_minutes: int = 30,
    counsellor: Any = None,
    site: Site | None = None,
    channel: str = "in_person",
    status: str = EventStatus.PLANNED,
    themes: list[str] | tuple[str, ...] = (),
    notes: str = "",
    is_internal: bool = True,
) -> Event:
    """Record an appointment, workshop, message or information session; a contact updates last_contact_on."""
    if kind == EventKind.MESSAGE:
        status = EventStatus.ATTENDED  # a message is a contact once recorded
    _check_event_status(kind, status, starts_at)
    if not 0 <= duration_minutes <= 24 * 60:
        raise ValidationError({"duration_minutes": "La durée doit être comprise entre 0 et 1 440 minutes."})
    event = Event.objects.create(
        youth=youth,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        counsellor=counsellor if counsellor is not None else by,
        site=site,
        channel=channel,
        status=status,
        themes=list(themes),
        notes=notes.strip(),
        is_internal=is_internal,
        created_by=by,
    )
    if event.is_contact:
        _touch_last_contact(youth.pk, timezone.localtime(starts_at).date())
    audit.record("youth.event_recorded", by=by, obj=youth, event_id=event.pk, kind=kind, status=status)
    return event


def _locked_event(event: Event) -> Event | None:
    return Event.objects.select_for_update(of=("self",)).select_related("youth").filter(pk=event.pk).first()


def _describe_event(event: Event | None) -> str:
    if event is None:
        return ""
    return (
        f"{event.get_kind_display().lower()} du {timezone.localtime(event.starts_at):%d/%m/%Y à %H:%M}, "
        f"{event.get_status_display().lower()}"
    )


@transaction.atomic
def set_event_status(*, by: Any, event: Event, status: str, seen: str | None = None) -> Event:
    current = _locked_event(event)
    check_unchanged(current, seen, lambda: _describe_event(current))
    if current is None:
        raise ValidationError("Cet événement a été supprimé.")
    event = current
    _check_event_status(event.kind, status, event.starts_at)
    previous, before = event.status, _contact_day(event)
    event.status = status
    event.save(update_fields=["status", "updated"])
    _contact_changed(event.youth_id, before=before, after=_contact_day(event))
    audit.record(
        "youth.event_status", by=by, obj=event.youth, event_id=event.pk, status=status, previous=previous
    )
    return event


EVENT_FIELDS = (
    "kind",
    "starts_at",
    "duration_minutes",
    "counsellor",
    "site",
    "channel",
    "status",
    "themes",
    "notes",
    "is_internal",
)


@transaction.atomic
def update_event(*, by: Any, event: Event, seen: str | None = None, **values: Any) -> list[str]:
    """Correct an event (date, kind, status, notes…). Returns the names of the fields changed."""
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {sorted(unknown)}")
    current = _locked_event(event)
    check_unchanged(current, seen, lambda: _describe_event(current))
    if current is None:
        raise ValidationError("Cet événement a été supprimé.")
    event = current
    if values.get("kind", event.kind) == EventKind.MESSAGE:
        values["status"] = EventStatus.ATTENDED
    _check_event_status(
        values.get("kind", event.kind),
        values.get("status", event.status),
        values.get("starts_at", event.starts_at),
    )
    duration = values.get("duration_minutes", event.duration_minutes)
    if not 0 <= duration <= 24 * 60:
        raise ValidationError({"duration_minutes": "La durée doit être comprise entre 0 et 1 440 minutes."})
    if "notes" in values:
        values["notes"] = (values["notes"] or "").strip()
    if "themes" in values:
        values["themes"] = list(values["themes"])
    changed = [name for name, value in values.items() if getattr(event, name) != value]
    if not changed:
        return []
    before = _contact_day(event)
    for name in changed:
        setattr(event, name, values[name])
    event.save(update_fields=[*changed, "updated"])
    _contact_changed(event.youth_id, before=before, after=_contact_day(event))
    audit.record("youth.event_updated", by=by, obj=event.youth, event_id=event.pk, fields=changed)
    return changed


# ------------------------------------------------------------------------------------ proposals, situations


@transaction.atomic
def add_proposal(
    *,
    by: Any,
    youth: Youth,
    kind: str,
    description: str,
    proposed_on: date | None = None,
    status: str = ProposalStatus.PROPOSED,
) -> Proposal:
    proposal = Proposal.objects.create(
        youth=youth,
        kind=kind,
        description=description.strip(),
        proposed_on=proposed_on or _today(),
        status=status,
        created_by=by,
    )
    audit.record("youth.proposal_added", by=by, obj=youth, proposal_id=proposal.pk, kind=kind)
    return proposal


@transaction.atomic
def set_proposal_outcome(
    *,
    by: Any,
    proposal: Proposal,
    status: str,
    outcome: str = "",
    outcome_on: date | None = None,
    seen: str | None = None,
) -> Proposal:
    current = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("youth")
        .filter(pk=proposal.pk)
        .first()
    )

    def describe() -> str:
        assert current is not None
        result = f" — {current.outcome}" if current.outcome else ""
        return f"« {current.get_status_display().lower()} »{result}"

    check_unchanged(current, seen, describe)
    if current is None:
        raise ValidationError("Cette proposition a été supprimée.")
    proposal = current
    outcome_on = outcome_on or _today()
    if outcome_on < proposal.proposed_on:
        raise ValidationError({"outcome_on": "Le résultat ne peut pas précéder la proposition."})
    proposal.status, proposal.outcome, proposal.outcome_on = status, outcome.strip(), outcome_on
    proposal.save(update_fields=["status", "outcome", "outcome_on", "updated"])
    audit.record("youth.proposal_outcome", by=by, obj=proposal.youth, proposal_id=proposal.pk, status=status)
    return proposal


@transaction.atomic
def add_situation(
    *,
    by: Any,
    youth: Youth,
    kind: str,
    started_on: date | None = None,
    contract_type: str = "",
    ended_on: date | None = None,
    weekly_hours: Decimal | None = None,
    label: str = "",
    notes: str = "",
    close_current: bool = True,
) -> Situation:
    """Add a period to the timeline; by default the situations under way end the day before it starts."""
    started_on = started_on or _today()
    if kind == SituationKind.JOB and not contract_type:
        raise ValidationError({"contract_type": "Précisez le type de contrat."})
    if kind != SituationKind.JOB:
        contract_type = ""
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": "La fin doit suivre le début."})
    closed = []
    if close_current:
        for current in Situation.objects.filter(youth=youth, started_on__lt=started_on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
        ):
            current.ended_on = started_on - timedelta(days=1)
            current.save(update_fields=["ended_on", "updated"])
            closed.append(current.pk)
    situation = Situation.objects.create(
        youth=youth,
        kind=kind,
        contract_type=contract_type,
        started_on=started_on,
        ended_on=ended_on,
        weekly_hours=weekly_hours,
        label=label.strip(),
        notes=notes.strip(),
        created_by=by,
    )
    audit.record(
        "youth.situation_added", by=by, obj=youth, situation_id=situation.pk, kind=kind, closed=closed
    )
    return situation


@transaction.atomic
def end_situation(*, by: Any, situation: Situation, ended_on: date | None = None) -> Situation:
    ended_on = ended_on or _today()
    if ended_on < situation.started_on:
        raise ValidationError({"ended_on": "La fin doit suivre le début."})
    situation.ended_on = ended_on
    situation.save(update_fields=["ended_on", "updated"])
    audit.record("youth.situation_ended", by=by, obj=situation.youth, situation_id=situation.pk)
    return situation


# ---------------------------------------------------------------------------------------------------- plan


@transaction.atomic
def add_goal(*, by: Any, youth: Youth, title: str, due_on: date | None = None) -> Goal:
    goal = Goal.objects.create(youth=youth, title=title.strip(), due_on=due_on, created_by=by)
    audit.record("youth.goal_added", by=by, obj=youth, goal_id=goal.pk)
    return goal


@transaction.atomic
def set_goal_status(*, by: Any, goal: Goal, status: str) -> Goal:
    goal.status = status
    goal.save(update_fields=["status", "updated"])
    audit.record("youth.goal_status", by=by, obj=goal.youth, goal_id=goal.pk, status=status)
    return goal


@transaction.atomic
def add_action(*, by: Any, goal: Goal, title: str, due_on: date | None = None) -> Action:
    if goal.status != GoalStatus.OPEN:
        raise ValidationError("Cet objectif n'est plus en cours.")
    action = Action.objects.create(goal=goal, title=title.strip(), due_on=due_on, created_by=by)
    audit.record("youth.action_added", by=by, obj=goal.youth, action_id=action.pk)
    return action


@transaction.atomic
def complete_action(*, by: Any, action: Action, done_on: date | None = None) -> Action:
    if action.status != ActionStatus.TODO:
        raise ValidationError("Cette action n'est plus à faire.")
    action.status, action.done_on = ActionStatus.DONE, done_on or _today()
    action.save(update_fields=["status", "done_on", "updated"])
    audit.record("youth.action_done", by=by, obj=action.goal.youth, action_id=action.pk)
    return action


# ------------------------------------------------------------------------------------- notes and documents


@transaction.atomic
def add_note(*, by: Any, youth: Youth, text: str, is_internal: bool = True) -> Note:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "La note est vide."})
    note = Note.objects.create(youth=youth, author=by, text=text, is_internal=is_internal)
    audit.record("youth.note_added", by=by, obj=youth, note_id=note.pk, internal=is_internal)
    return note


#: Accepted documents: extension -> (content type, leading bytes that the file must start with).
ALLOWED_DOCUMENTS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK",)),
}


def check_document(uploaded: UploadedFile) -> str:
    """Size and type limits; returns the content type. Raises ValidationError on `file`."""
    name = (uploaded.name or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in ALLOWED_DOCUMENTS:
        raise ValidationError({"file": "Formats acceptés : PDF, JPEG, PNG, DOCX, ODT."})
    if uploaded.size is not None and uploaded.size > conf.document_max_bytes():
        raise ValidationError(
            {"file": f"Le fichier dépasse {conf.document_max_bytes() // (1024 * 1024)} Mo."}
        )
    content_type, signatures = ALLOWED_DOCUMENTS[ext]
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError({"file": "Le contenu du fichier ne correspond pas à son extension."})
    return content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"


@transaction.atomic
def add_document(*, by: Any, youth: Youth, uploaded: UploadedFile, title: str = "") -> Document:
    content_type = check_document(uploaded)
    title = (title or "").strip() or (uploaded.name or "document").rsplit(".", 1)[0][:160]
    document = Document(
        youth=youth, title=title, content_type=content_type, size=uploaded.size or 0, uploaded_by=by
    )
    document.file.save(uploaded.name or "document", uploaded, save=False)
    document.save()
    audit.record("youth.document_added", by=by, obj=youth, document_id=document.pk)
    return document


@transaction.atomic
def set_note_visibility(*, by: Any, note: Note, is_internal: bool) -> Note:
    """Make a note internal (never shown to the young person) or shared with them."""
    if note.is_internal == is_internal:
        return note
    note.is_internal = is_internal
    note.save(update_fields=["is_internal", "updated"])
    audit.record("youth.note_visibility", by=by, obj=note.youth, note_id=note.pk, internal=is_internal)
    return note


# -------------------------------------------------------------------------------- entries made by mistake

#: What can be deleted from a file when it was entered by mistake: model -> (audit action, label). The
#: audit entry keeps the kind and the date of what was deleted, never its text.
DELETABLE: dict[type, tuple[str, str]] = {
    Event: ("youth.event_deleted", "l'événement"),
    Proposal: ("youth.proposal_deleted", "la proposition"),
    Situation: ("youth.situation_deleted", "la situation"),
    Note: ("youth.note_deleted", "la note"),
    Document: ("youth.document_deleted", "le document"),
    Barrier: ("youth.barrier_deleted", "le frein"),
    Enrolment: ("youth.enrolment_deleted", "l'entrée en dispositif"),
}


def deleted_with(entry: Any) -> dict[str, int]:
    """What the deletion of `entry` takes with it, counted (the confirmation page says it, the audit keeps
    it): an enrolment's validated CEJ weeks and suspensions."""
    if isinstance(entry, Enrolment):
        return {"weeks": entry.weeks.count(), "suspensions": entry.suspensions.count()}
    return {}


def _deletion_summary(entry: Any) -> dict[str, Any]:
    if isinstance(entry, Event):
        return {"kind": entry.kind, "status": entry.status, "on": timezone.localtime(entry.starts_at).date()}
    if isinstance(entry, Proposal):
        return {"kind": entry.kind, "status": entry.status, "on": entry.proposed_on}
    if isinstance(entry, Situation):
        return {"kind": entry.kind, "on": entry.started_on}
    if isinstance(entry, Barrier):
        return {"domain": entry.domain, "on": entry.noted_on}
    if isinstance(entry, Document):
        return {"content_type": entry.content_type, "size": entry.size}
    if isinstance(entry, Enrolment):
        return {
            "programme": entry.programme.code,
            "status": entry.status,
            "on": entry.start_on,
            **deleted_with(entry),
        }
    return {"internal": getattr(entry, "is_internal", None)}


@transaction.atomic
def delete_entry(*, by: Any, entry: Any) -> None:
    """Delete an event, proposal, situation, note, document, barrier or enrolment entered by mistake (the
    views ask for confirmation). Audited on the file; a deleted contact updates the last contact; a
    document's stored file is removed once the deletion is committed; an enrolment's CEJ weeks and
    suspensions go with it (the confirmation says how many)."""
    action, _label = DELETABLE[type(entry)]
    youth = Youth.objects.get(pk=entry.youth_id)
    if isinstance(entry, Barrier):
        _require_diagnosis(by, youth)
    summary = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in _deletion_summary(entry).items()}
    contact_day = _contact_day(entry) if isinstance(entry, Event) else None
    stored_name = entry.file.name if isinstance(entry, Document) else ""
    entry_pk = entry.pk
    type(entry).objects.filter(pk=entry_pk).delete()
    if contact_day is not None:
        _contact_changed(youth.pk, before=contact_day, after=None)
    if stored_name:
        from django.core.files.storage import default_storage

        transaction.on_commit(lambda: default_storage.delete(stored_name))
    audit.record(action, by=by, obj=youth, entry_id=entry_pk, **summary)


# -------------------------------------------------------------------------------------------- consents


@transaction.atomic
def record_consent(
    *, by: Any, youth: Youth, scope: str, given_on: date | None = None, detail: str = ""
) -> Consent:
    """A consent given (again): to the processing of the data, or to sharing with a named partner."""
    given_on = given_on or _today()
    if given_on > _today():
        raise ValidationError({"given_on": "Le consentement ne peut pas être daté après aujourd'hui."})
    if scope not in ConsentScope.values:
        raise ValidationError({"scope": "Objet du consentement inconnu."})
    detail = (detail or "").strip()
    if scope == ConsentScope.PARTNER_SHARING and not detail:
        raise ValidationError({"detail": "Précisez le partenaire avec qui le partage est accepté."})
    consent = Consent.objects.create(
        youth=youth,
        scope=scope,
        text_version=conf.consent_text_version(),
        given_on=given_on,
        detail=detail,
        recorded_by=by,
    )
    if scope == ConsentScope.PROCESSING:
        from .retention import consent_restored

        consent_restored(youth)
    audit.record("youth.consent_recorded", by=by, obj=youth, consent_id=consent.pk, scope=scope)
    return consent


@transaction.atomic
def withdraw_consent(*, by: Any, consent: Consent, withdrawn_on: date | None = None) -> Consent:
    """The young person withdraws a consent. Withdrawing the consent to the processing of their data puts
    the file on notice of anonymisation (retention.py): 30 days, unless a new consent is recorded."""
    consent = Consent.objects.select_for_update(of=("self",)).select_related("youth").get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(f"Ce consentement a déjà été retiré le {consent.withdrawn_on:%d/%m/%Y}.")
    withdrawn_on = withdrawn_on or _today()
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": f"Le retrait ne peut précéder le consentement ({consent.given_on:%d/%m/%Y})."}
        )
    if withdrawn_on > _today():
        raise ValidationError({"withdrawn_on": "Le retrait ne peut pas être daté après aujourd'hui."})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on", "updated"])
    if consent.scope == ConsentScope.PROCESSING:
        from .retention import notice_after_withdrawal

        notice_after_withdrawal(consent.youth, by=by)
    audit.record(
        "youth.consent_withdrawn", by=by, obj=consent.youth, consent_id=consent.pk, scope=consent.scope
    )
    return consent
