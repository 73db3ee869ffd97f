"""Every write of the employers app (the CRM and offers, then job profiles, applications and their follow-up,
immersions and cohorts): keyword-only arguments, `by=` the acting user, one transaction, one audit
entry per change, side effects (e-mails) after commit.

Edits of a company or an offer carry the version the user saw: an edit made on an outdated page raises
`StaleEditError` instead of silently overwriting a colleague's change (PRODUCT.md §3).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.core import audit
from maillage.territory.models import Commune

from .enums import (
    FOLLOW_UP_MONTHS,
    NEED_KIND_OF_CONTRACT,
    ApplicationStatus,
    AttendanceStatus,
    CohortMemberStatus,
    CohortOutcome,
    ContractType,
    FollowUpOutcome,
    FollowUpStatus,
    ImmersionAssessment,
    ImmersionStatus,
    LeftReason,
    NeedKind,
    NeedSource,
    NotHiredReason,
    OfferSource,
    OfferStatus,
    RequestStatus,
    StageKind,
    WithdrawalReason,
)
from .models import (
    MAX_IMMERSION_DAYS,
    MAX_SOUGHT_OCCUPATIONS,
    Appellation,
    Application,
    ApplicationStep,
    Attendance,
    Cohort,
    CohortMember,
    CohortStage,
    Company,
    Contact,
    Experience,
    FollowUp,
    Immersion,
    Interaction,
    JobProfile,
    NafSubclass,
    Offer,
    RecruitmentNeed,
    RecruitmentRequest,
    Skill,
    SoughtOccupation,
)

DUPLICATE_SIRET_MESSAGE = "Une entreprise avec ce SIRET est déjà enregistrée : « {name} »."
STALE_MESSAGE = (
    "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la modifiiez. "
    "Rechargez la page pour voir la dernière version, puis refaites vos changements."
)

COMPANY_FIELDS = ("name", "siret", "naf", "size_band", "commune", "address", "website", "officer", "notes")
OFFER_FIELDS = (
    "company",
    "title",
    "appellation",
    "contract",
    "duration_value",
    "duration_unit",
    "weekly_hours",
    "positions",
    "commune",
    "start_date",
    "published_on",
    "expires_on",
    "description",
    "driving_licence_required",
    "qualification_level",
    "source",
    "external_reference",
    "contact",
    "officer",
)
NEED_FIELDS = ("appellation", "kind", "contract", "quantity", "period_start", "period_end", "status", "notes")
CONTACT_FIELDS = ("name", "job_title", "phone", "email", "notes")


class StaleEditError(Exception):
    """The row changed since the user loaded the page."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


class TransitionError(ValidationError):
    """A status change that the current status does not allow."""


def _attname(instance: models.Model, name: str) -> str:
    """The column attribute of a field ("company" → "company_id")."""
    field = instance._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.attname


def _changed_fields(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """The fields whose stored value differs (read from the database: a ModelForm changed `instance`)."""
    stored = (
        type(instance)
        ._default_manager.filter(pk=instance.pk)
        .values(*(_attname(instance, name) for name in values))
        .first()
        or {}
    )
    changed = []
    for name, value in values.items():
        current = stored.get(_attname(instance, name))
        wanted = value.pk if isinstance(value, models.Model) else value
        if current != wanted:
            changed.append(name)
    return changed


def _versioned_update(instance: Any, expected_version: int, values: dict[str, Any]) -> list[str]:
    """Write `values` only if the row still has the version the user saw; returns the changed field names."""
    changed = _changed_fields(instance, values)
    for name, value in values.items():
        setattr(instance, name, value)
    columns = {}
    for name in values:
        attname = _attname(instance, name)
        columns[attname] = getattr(instance, attname)
    if isinstance(instance, Company) and "name" in values:
        instance.search_text = Company.build_search_text(instance.name)
        columns["search_text"] = instance.search_text
    now = timezone.now()
    rows = (
        type(instance)
        .objects.filter(pk=instance.pk, version=expected_version)
        .update(**columns, version=models.F("version") + 1, updated=now)
    )
    if rows != 1:
        raise StaleEditError
    instance.version = expected_version + 1
    instance.updated = now
    return changed


def _siret_taken(siret: str, exclude_pk: int | None = None) -> Company | None:
    if not siret:
        return None
    companies = Company.objects.filter(siret=siret)
    if exclude_pk is not None:
        companies = companies.exclude(pk=exclude_pk)
    return companies.first()


def _duplicate_siret(siret: str, exclude_pk: int | None = None) -> None:
    existing = _siret_taken(siret, exclude_pk)
    if existing is not None:
        raise ValidationError(
            {"siret": DUPLICATE_SIRET_MESSAGE.format(name=existing.name)}, code="duplicate_siret"
        )


# --- Companies ------------------------------------------------------------------------------------------


@transaction.atomic
def create_company(
    *,
    by: Any,
    name: str,
    siret: str = "",
    naf: NafSubclass | None = None,
    size_band: str = "",
    commune: Commune | None = None,
    address: str = "",
    website: str = "",
    officer: Any = None,
    notes: str = "",
) -> Company:
    _duplicate_siret(siret)
    company = Company(
        name=name,
        siret=siret,
        naf=naf,
        size_band=size_band,
        commune=commune,
        address=address,
        website=website,
        officer=officer,
        notes=notes,
        created_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as error:  # a colleague saved the same SIRET a moment ago
        _duplicate_siret(siret)
        raise error
    audit.record("employers.company_created", by=by, obj=company)
    return company


@transaction.atomic
def update_company(*, by: Any, company: Company, expected_version: int, **values: Any) -> Company:
    unknown = set(values) - set(COMPANY_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {sorted(unknown)}")
    if "siret" in values:
        _duplicate_siret(values["siret"], exclude_pk=company.pk)
    try:
        with transaction.atomic():
            changed = _versioned_update(company, expected_version, values)
    except IntegrityError as error:
        _duplicate_siret(values.get("siret", ""), exclude_pk=company.pk)
        raise error
    if changed:
        audit.record("employers.company_updated", by=by, obj=company, fields=changed)
    return company


@transaction.atomic
def archive_company(*, by: Any, company: Company) -> Company:
    """Archived companies leave the lists and searches; their page, contacts, history and offers stay."""
    if company.is_archived:
        return company
    company.is_archived = True
    company.archived_at = timezone.now()
    company.save(update_fields=["is_archived", "archived_at", "updated"])
    audit.record("employers.company_archived", by=by, obj=company)
    return company


@transaction.atomic
def unarchive_company(*, by: Any, company: Company) -> Company:
    if not company.is_archived:
        return company
    company.is_archived = False
    company.archived_at = None
    company.save(update_fields=["is_archived", "archived_at", "updated"])
    audit.record("employers.company_unarchived", by=by, obj=company)
    return company


# --- Contacts and interactions --------------------------------------------------------------------------


@transaction.atomic
def add_contact(
    *,
    by: Any,
    company: Company,
    name: str,
    job_title: str = "",
    phone: str = "",
    email: str = "",
    notes: str = "",
) -> Contact:
    contact = Contact.objects.create(
        company=company, name=name, job_title=job_title, phone=phone, email=email, notes=notes
    )
    audit.record("employers.contact_added", by=by, obj=contact, company=company.pk)
    return contact


@transaction.atomic
def update_contact(*, by: Any, contact: Contact, **values: Any) -> Contact:
    if set(values) - set(CONTACT_FIELDS):
        raise TypeError("Champs de contact inconnus")
    changed = _changed_fields(contact, values)
    for name, value in values.items():
        setattr(contact, name, value)
    contact.save()
    if changed:
        audit.record(
            "employers.contact_updated", by=by, obj=contact, company=contact.company_id, fields=changed
        )
    return contact


@transaction.atomic
def delete_contact(*, by: Any, contact: Contact) -> None:
    """A contact is personal data: it is deleted, not archived; past interactions keep their notes."""
    audit.record("employers.contact_deleted", by=by, obj=contact, company=contact.company_id)
    contact.delete()


@transaction.atomic
def record_interaction(
    *,
    by: Any,
    company: Company,
    kind: str,
    date: date,
    notes: str = "",
    contact: Contact | None = None,
    officer: Any = None,
) -> Interaction:
    if contact is not None and contact.company_id != company.pk:
        raise ValidationError({"contact": "Ce contact appartient à une autre entreprise."})
    interaction = Interaction.objects.create(
        company=company, kind=kind, date=date, notes=notes, contact=contact, officer=officer or by
    )
    # The latest exchange, kept on the company for the list and its sort (an older one entered late is
    # ignored).
    Company.objects.filter(pk=company.pk).filter(
        models.Q(last_interaction_on__isnull=True) | models.Q(last_interaction_on__lt=date)
    ).update(last_interaction_on=date)
    audit.record("employers.interaction_recorded", by=by, obj=interaction, company=company.pk, kind=kind)
    return interaction


# --- Recruitment needs ----------------------------------------------------------------------------------


@transaction.atomic
def add_need(
    *,
    by: Any,
    company: Company,
    appellation: Appellation,
    quantity: int = 1,
    period_start: date,
    period_end: date | None = None,
    kind: str = NeedKind.HIRING,
    contract: str = "",
    notes: str = "",
    source: str = NeedSource.OFFICER,
) -> RecruitmentNeed:
    need = RecruitmentNeed.objects.create(
        company=company,
        appellation=appellation,
        fiche_id=appellation.fiche_id,
        quantity=quantity,
        period_start=period_start,
        period_end=period_end,
        kind=kind,
        contract=contract,
        notes=notes,
        source=source,
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit.record("employers.need_added", by=by, obj=need, company=company.pk)
    return need


@transaction.atomic
def update_need(*, by: Any, need: RecruitmentNeed, **values: Any) -> RecruitmentNeed:
    if set(values) - set(NEED_FIELDS):
        raise TypeError("Champs de besoin inconnus")
    changed = _changed_fields(need, values)
    for name, value in values.items():
        setattr(need, name, value)
    need.fiche_id = need.appellation.fiche_id
    need.save()
    if changed:
        audit.record("employers.need_updated", by=by, obj=need, company=need.company_id, fields=changed)
    return need


# --- Offers ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_offer(
    *, by: Any, skills: Iterable[Skill] = (), need: RecruitmentNeed | None = None, **values: Any
) -> Offer:
    if set(values) - set(OFFER_FIELDS):
        raise TypeError(f"Champs d'offre inconnus : {sorted(set(values) - set(OFFER_FIELDS))}")
    offer = Offer(**values, need=need, created_by=by if getattr(by, "pk", None) else None)
    offer.fiche_id = offer.appellation.fiche_id
    if not offer.officer_id and getattr(by, "pk", None):
        offer.officer = by
    offer.save()
    offer.skills.set(list(skills))
    _refresh_offer_skill_codes(offer)
    audit.record("employers.offer_created", by=by, obj=offer, company=offer.company_id, source=offer.source)
    return offer


@transaction.atomic
def update_offer(
    *, by: Any, offer: Offer, expected_version: int, skills: Iterable[Skill] | None = None, **values: Any
) -> Offer:
    if set(values) - set(OFFER_FIELDS):
        raise TypeError("Champs d'offre inconnus")
    if "appellation" in values:
        values["fiche"] = values["appellation"].fiche
    changed = _versioned_update(offer, expected_version, values)
    if skills is not None:
        wanted = {skill.pk for skill in skills}
        if wanted != set(offer.skills.values_list("pk", flat=True)):
            offer.skills.set(list(wanted))
            _refresh_offer_skill_codes(offer)
            changed.append("skills")
    if changed:
        audit.record("employers.offer_updated", by=by, obj=offer, fields=[f for f in changed if f != "fiche"])
    return offer


def _refresh_offer_skill_codes(offer: Offer) -> None:
    offer.skill_codes = " ".join(str(code) for code in sorted(offer.skills.values_list("pk", flat=True)))
    Offer.objects.filter(pk=offer.pk).update(skill_codes=offer.skill_codes)


#: Status changes an officer may make by hand (expiry is the date's business).
OFFER_TRANSITIONS = {
    OfferStatus.OPEN: {OfferStatus.FILLED, OfferStatus.CANCELLED},
    OfferStatus.FILLED: {OfferStatus.OPEN},
    OfferStatus.CANCELLED: {OfferStatus.OPEN},
    OfferStatus.EXPIRED: {OfferStatus.OPEN},
}


@transaction.atomic
def change_offer_status(*, by: Any, offer: Offer, status: str, today: date | None = None) -> Offer:
    today = today or timezone.localdate()
    current = offer.effective_status_on(today)
    if status not in OFFER_TRANSITIONS.get(OfferStatus(current), set()):
        raise TransitionError(
            f"Une offre « {OfferStatus(current).label.lower()} » ne peut pas passer à "
            f"« {OfferStatus(status).label.lower()} »."
        )
    if status == OfferStatus.OPEN and offer.expires_on and offer.expires_on < today:
        raise TransitionError(
            "La date d'expiration de cette offre est passée : modifiez-la d'abord pour rouvrir l'offre."
        )
    previous = offer.status
    Offer.objects.filter(pk=offer.pk).update(
        status=status, version=models.F("version") + 1, updated=timezone.now()
    )
    offer.refresh_from_db(fields=["status", "version", "updated"])
    audit.record("employers.offer_status_changed", by=by, obj=offer, previous=previous, status=status)
    return offer


def expire_offers(*, today: date | None = None) -> int:
    """Write down the expiry of open offers whose expiry date has passed (the daily task)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        offers = list(Offer.objects.past_expiry(today).select_for_update().only("pk", "expires_on"))
        Offer.objects.filter(pk__in=[offer.pk for offer in offers], status=OfferStatus.OPEN).update(
            status=OfferStatus.EXPIRED, version=models.F("version") + 1, updated=timezone.now()
        )
        for offer in offers:
            audit.record("employers.offer_expired", obj=offer, expires_on=str(offer.expires_on))
    return len(offers)


# --- Requests from the public form ----------------------------------------------------------------------


def _send_request_confirmation(request_pk: int) -> None:
    request = RecruitmentRequest.objects.select_related("appellation").get(pk=request_pk)
    body = render_to_string("employers/emails/request_confirmation.txt", {"request": request})
    send_mail(
        "Votre besoin de recrutement a bien été reçu",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [request.contact_email],
    )


@transaction.atomic
def submit_recruitment_request(
    *,
    company_name: str,
    contact_name: str,
    contact_email: str,
    occupation_text: str,
    contract: str,
    siret: str = "",
    contact_phone: str = "",
    appellation: Appellation | None = None,
    commune: Commune | None = None,
    positions: int = 1,
    start_date: date | None = None,
    message: str = "",
) -> RecruitmentRequest:
    """Queue an employer's request for an officer and confirm it to the employer by e-mail (after commit)."""
    request = RecruitmentRequest.objects.create(
        company_name=company_name,
        siret=siret,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        occupation_text=occupation_text,
        appellation=appellation,
        commune=commune,
        positions=positions,
        start_date=start_date,
        contract=contract,
        message=message,
    )
    audit.record("employers.request_submitted", obj=request)
    transaction.on_commit(lambda: _send_request_confirmation(request.pk))
    return request


def matching_companies(request: RecruitmentRequest) -> models.QuerySet[Company]:
    """Companies the request may come from: same SIRET, or same name (accent- and case-insensitive)."""
    condition = models.Q(search_text=Company.build_search_text(request.company_name))
    if request.siret:
        condition |= models.Q(siret=request.siret)
    return Company.objects.filter(condition).select_related("commune").order_by("is_archived", "search_text")


def _ensure_open(request: RecruitmentRequest) -> None:
    if request.status != RequestStatus.TO_REVIEW:
        raise TransitionError("Cette demande a déjà été traitée.")


@transaction.atomic
def accept_request(
    *,
    by: Any,
    request: RecruitmentRequest,
    appellation: Appellation,
    company: Company | None = None,
    commune: Commune | None = None,
    create_offer_too: bool = True,
) -> RecruitmentRequest:
    """Turn a request into CRM data: the company (found or created), the contact, a need, and an offer."""
    request = RecruitmentRequest.objects.select_for_update().get(pk=request.pk)
    _ensure_open(request)
    commune = commune or request.commune
    if company is None:
        siret = request.siret if request.siret and _siret_taken(request.siret) is None else ""
        company = create_company(by=by, name=request.company_name, siret=siret, commune=commune)
    elif company.is_archived:
        unarchive_company(by=by, company=company)
    contact = company.contacts.filter(email__iexact=request.contact_email).first()
    if contact is None:
        contact = add_contact(
            by=by,
            company=company,
            name=request.contact_name,
            phone=request.contact_phone,
            email=request.contact_email,
        )
    start = request.start_date or timezone.localdate()
    need = add_need(
        by=by,
        company=company,
        appellation=appellation,
        quantity=request.positions,
        period_start=start,
        kind=NEED_KIND_OF_CONTRACT.get(ContractType(request.contract), NeedKind.HIRING),
        contract=request.contract,
        notes=request.message,
        source=NeedSource.PUBLIC_FORM,
    )
    offer = None
    if create_offer_too:
        offer_commune = commune or company.commune
        if offer_commune is None:
            raise ValidationError({"commune": "Indiquez la commune du poste pour créer l'offre."})
        offer = create_offer(
            by=by,
            need=need,
            company=company,
            title=appellation.label,
            appellation=appellation,
            contract=request.contract,
            positions=request.positions,
            commune=offer_commune,
            start_date=request.start_date,
            description=request.message,
            source=OfferSource.PUBLIC_FORM,
            contact=contact,
        )
    request.status = RequestStatus.ACCEPTED
    request.appellation = appellation
    request.reviewed_by = by
    request.reviewed_at = timezone.now()
    request.company, request.need, request.offer = company, need, offer
    request.save()
    audit.record("employers.request_accepted", by=by, obj=request, company=company.pk)
    return request


@transaction.atomic
def reject_request(*, by: Any, request: RecruitmentRequest, reason: str) -> RecruitmentRequest:
    request = RecruitmentRequest.objects.select_for_update().get(pk=request.pk)
    _ensure_open(request)
    request.status = RequestStatus.REJECTED
    request.rejection_reason = reason
    request.reviewed_by = by
    request.reviewed_at = timezone.now()
    request.save()
    audit.record("employers.request_rejected", by=by, obj=request)
    return request


# === Part 2 ===============================================================================================
# Job profiles, applications (mises en relation) and their follow-up, immersions, cohorts. The young person's
# file is only ever written through the youth services (a proposal, its outcome, a job situation).


def _today() -> date:
    return timezone.localdate()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 January + 1 → 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


# --- Job profiles ---------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "is_looking",
    "driving_licence",
    "has_vehicle",
    "max_distance_km",
    "public_transport_only",
    "contracts",
    "available_from",
)


def profile_keys(fiche_domains: Iterable[tuple[str, str]], skills: Iterable[int]) -> dict[str, str]:
    """The derived match keys of a profile from its sought (fiche, domain) pairs, in order, and skills."""
    pairs = list(fiche_domains)
    return {
        "fiche_codes": " ".join(dict.fromkeys(fiche for fiche, _ in pairs)),
        "domain_codes": " ".join(dict.fromkeys(domain for _, domain in pairs)),
        "skill_codes": " ".join(str(code) for code in sorted(set(skills))),
    }


def file_copy(youth: Any) -> dict[str, Any]:
    """What a profile copies from the young person's file (see JobProfile.zone)."""
    from maillage.youth.enums import YouthStatus

    return {
        "zone_id": youth.zone_id,
        "commune_id": youth.commune_id,
        "file_active": youth.status == YouthStatus.ACTIVE,
        "education_level": youth.education_level or "",
    }


def refresh_profile_keys(profile: JobProfile) -> JobProfile:
    """Rebuild the derived match keys (sought fiches and domains, every skill) from the rows, and the copy
    of the file's zone, commune, status and level."""
    occupations = list(profile.occupations.order_by("rank", "pk").values_list("fiche_id", "domain_id"))
    skills = set(profile.skills.values_list("pk", flat=True))
    skills |= set(
        Experience.skills.through.objects.filter(experience__profile=profile).values_list(
            "skill_id", flat=True
        )
    )
    values = {**profile_keys(occupations, skills), **file_copy(profile.youth)}
    for name, value in values.items():
        setattr(profile, name, value)
    JobProfile.objects.filter(pk=profile.pk).update(**values)
    return profile


def sync_job_profiles() -> int:
    """Bring the profiles' copy of the file (zone, commune, status, level) up to date after transfers, moves,
    archiving: one UPDATE of the rows that differ. Run nightly (tasks.sync_job_profiles) and by the demo."""
    from django.db.models import OuterRef, Q, Subquery

    from maillage.youth.enums import YouthStatus
    from maillage.youth.models import Youth

    youth = Youth.objects.filter(pk=OuterRef("youth_id"))
    zone, commune = Subquery(youth.values("zone_id")[:1]), Subquery(youth.values("commune_id")[:1])
    level = Subquery(youth.values("education_level")[:1])
    active = Youth.objects.filter(pk=OuterRef("youth_id"), status=YouthStatus.ACTIVE)
    stale = (
        JobProfile.objects.alias(real_zone=zone, real_commune=commune, real_level=level)
        .alias(real_active=models.Exists(active))
        .filter(
            ~Q(zone_id=models.F("real_zone"))
            | Q(zone_id__isnull=True)
            | ~Q(commune_id=models.F("real_commune"))
            | Q(commune_id__isnull=True)
            | ~Q(education_level=models.F("real_level"))
            | ~Q(file_active=models.F("real_active"))
        )
    )
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        JobProfile.objects.filter(pk__in=ids).update(
            zone_id=zone, commune_id=commune, education_level=level, file_active=models.Exists(active)
        )
    return len(ids)


def _check_youth_active(youth: Any) -> None:
    from maillage.youth.enums import YouthStatus

    if youth.status != YouthStatus.ACTIVE:
        raise ValidationError("Le dossier de ce jeune n'est pas actif.")


@transaction.atomic
def save_job_profile(
    *,
    by: Any,
    youth: Any,
    expected_version: int | None,
    appellations: Iterable[Appellation],
    skills: Iterable[Skill] = (),
    **values: Any,
) -> JobProfile:
    """Create or update the young person's job profile (optimistic lock on update)."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Champs de profil inconnus : {sorted(unknown)}")
    chosen = list(dict.fromkeys(appellations))
    if len(chosen) > MAX_SOUGHT_OCCUPATIONS:
        raise ValidationError(f"Indiquez au plus {MAX_SOUGHT_OCCUPATIONS} métiers recherchés.")
    if values.get("contracts"):
        values["contracts"] = [c for c in ContractType.values if c in set(values["contracts"])]
    profile = JobProfile.objects.select_for_update().filter(youth=youth).first()
    created = profile is None
    if profile is None:
        profile = JobProfile.objects.create(youth=youth, updated_by=_user_or_none(by), **values)
        changed = ["created"]
    else:
        if expected_version is not None and expected_version != profile.version:
            raise StaleEditError
        changed = _changed_fields(profile, values)
        for name, value in values.items():
            setattr(profile, name, value)
        profile.version += 1
        profile.updated_by = _user_or_none(by)
        profile.save()
    wanted = [(rank, appellation) for rank, appellation in enumerate(chosen, start=1)]
    current = list(profile.occupations.order_by("rank").values_list("appellation_id", flat=True))
    if current != [a.pk for _, a in wanted]:
        profile.occupations.all().delete()
        SoughtOccupation.objects.bulk_create(
            SoughtOccupation(
                profile=profile,
                appellation=appellation,
                fiche_id=appellation.fiche_id,
                domain_id=appellation.fiche.domain_id,
                rank=rank,
            )
            for rank, appellation in wanted
        )
        changed.append("occupations")
    skill_ids = {skill.pk for skill in skills}
    if created or skill_ids != set(profile.skills.values_list("pk", flat=True)):
        profile.skills.set(list(skill_ids))
        changed.append("skills")
    refresh_profile_keys(profile)
    if changed:
        audit.record(
            "employers.job_profile_created" if created else "employers.job_profile_updated",
            by=by,
            obj=profile,
            youth=youth.pk,
            fields=[c for c in changed if c != "created"],
        )
    return profile


def _user_or_none(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


@transaction.atomic
def add_experience(
    *,
    by: Any,
    profile: JobProfile,
    kind: str,
    title: str,
    organisation: str = "",
    appellation: Appellation | None = None,
    started_on: date | None = None,
    ended_on: date | None = None,
    description: str = "",
    skills: Iterable[Skill] = (),
) -> Experience:
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": "La fin doit suivre le début."})
    if started_on and started_on > _today():
        raise ValidationError({"started_on": "Une expérience commence au plus tard aujourd'hui."})
    experience = Experience.objects.create(
        profile=profile,
        kind=kind,
        title=title.strip(),
        organisation=organisation.strip(),
        appellation=appellation,
        started_on=started_on,
        ended_on=ended_on,
        description=description.strip(),
    )
    experience.skills.set(list(skills))
    refresh_profile_keys(profile)
    audit.record(
        "employers.experience_added", by=by, obj=profile, youth=profile.youth_id, experience=experience.pk
    )
    return experience


@transaction.atomic
def delete_experience(*, by: Any, experience: Experience) -> None:
    profile = experience.profile
    audit.record(
        "employers.experience_deleted", by=by, obj=profile, youth=profile.youth_id, experience=experience.pk
    )
    experience.delete()
    refresh_profile_keys(profile)


# --- Applications (mises en relation) -------------------------------------------------------------------

#: Steps an application may take from each open step.
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.PROPOSED: frozenset(
        {ApplicationStatus.SENT, ApplicationStatus.NOT_HIRED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.SENT: frozenset(
        {
            ApplicationStatus.INTERVIEW,
            ApplicationStatus.HIRED,
            ApplicationStatus.NOT_HIRED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.INTERVIEW: frozenset(
        {ApplicationStatus.HIRED, ApplicationStatus.NOT_HIRED, ApplicationStatus.WITHDRAWN}
    ),
}

#: The kind of proposal an offer makes on the young person's file.
PROPOSAL_KIND_OF_CONTRACT = {
    ContractType.APPRENTICESHIP: "apprenticeship",
    ContractType.PROFESSIONALISATION: "apprenticeship",
    ContractType.CIVIC_SERVICE: "civic_service",
    ContractType.IMMERSION: "immersion",
}

#: The job situation a hire creates: (situation kind, youth contract type). Immersions create none.
SITUATION_OF_CONTRACT: dict[str, tuple[str, str] | None] = {
    ContractType.CDI: ("job", "cdi"),
    ContractType.CDD: ("job", "cdd"),
    ContractType.INTERIM: ("job", "interim"),
    ContractType.APPRENTICESHIP: ("job", "apprenticeship"),
    # A contrat de professionnalisation is a CDD (or a CDI) in law; the youth app has no such contract type.
    ContractType.PROFESSIONALISATION: ("job", "cdd"),
    ContractType.CIVIC_SERVICE: ("civic_service", ""),
    ContractType.IMMERSION: None,
}


def offer_summary(offer: Offer) -> str:
    return f"{offer.title} — {offer.company.name} ({offer.commune.name}, {offer.get_contract_display()})"[
        :255
    ]


@transaction.atomic
def propose_candidate(
    *, by: Any, offer: Offer, youth: Any, match: Any = None, today: date | None = None
) -> Application:
    """Propose an offer to a young person: the application, and a proposal on their file."""
    from maillage.youth import services as youth_services

    today = today or _today()
    _check_youth_active(youth)
    if offer.effective_status_on(today) != OfferStatus.OPEN:
        raise ValidationError("Cette offre n'est plus ouverte : on ne peut plus y proposer de candidat·e.")
    if Application.objects.filter(offer=offer, youth=youth).exists():
        raise ValidationError("Ce jeune a déjà été mis en relation pour cette offre.")
    proposal = youth_services.add_proposal(
        by=by,
        youth=youth,
        kind=PROPOSAL_KIND_OF_CONTRACT.get(ContractType(offer.contract), "job"),
        description=offer_summary(offer),
        proposed_on=today,
    )
    application = Application.objects.create(
        offer=offer,
        youth=youth,
        status=ApplicationStatus.PROPOSED,
        status_on=today,
        proposed_on=today,
        score=match.score if match is not None else None,
        explanation=match.as_dict() if match is not None else [],
        proposal=proposal,
        proposed_by=_user_or_none(by),
    )
    ApplicationStep.objects.create(
        application=application, status=ApplicationStatus.PROPOSED, on=today, by=_user_or_none(by)
    )
    audit.record(
        "employers.application_proposed",
        by=by,
        obj=application,
        offer=offer.pk,
        youth=youth.pk,
        score=application.score,
    )
    return application


def _move(
    application: Application, to: str, *, by: Any, on: date | None, note: str = "", **changes: Any
) -> Application:
    """Check the transition and the date, write the step, the audit entry and the new state."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to not in APPLICATION_TRANSITIONS.get(locked.status, frozenset()):
        raise TransitionError(
            f"Une mise en relation à l'étape « {ApplicationStatus(locked.status).label.lower()} » "
            f"ne peut pas passer à « {ApplicationStatus(to).label.lower()} »."
        )
    on = on or _today()
    if on < locked.status_on:
        raise ValidationError(
            {"on": f"Cette étape ne peut pas précéder la précédente ({locked.status_on:%d/%m/%Y})."}
        )
    if on > _today():
        raise ValidationError({"on": "Cette étape ne peut pas être datée dans le futur."})
    previous = locked.status
    application.status, application.status_on = to, on
    for name, value in changes.items():
        setattr(application, name, value)
    application.save(update_fields=["status", "status_on", "updated", *changes])
    ApplicationStep.objects.create(application=application, status=to, on=on, by=_user_or_none(by), note=note)
    audit.record(
        "employers.application_moved",
        by=by,
        obj=application,
        youth=application.youth_id,
        previous=previous,
        status=to,
        on=on.isoformat(),
    )
    return application


def _proposal_outcome(by: Any, application: Application, status: str, outcome: str, on: date) -> None:
    from maillage.youth import services as youth_services

    if application.proposal_id is None:
        return
    proposal = application.proposal
    assert proposal is not None
    youth_services.set_proposal_outcome(
        by=by, proposal=proposal, status=status, outcome=outcome, outcome_on=max(on, proposal.proposed_on)
    )


@transaction.atomic
def send_application(
    *, by: Any, application: Application, on: date | None = None, note: str = ""
) -> Application:
    """The application is sent to the employer (CV, phone call…)."""
    _move(application, ApplicationStatus.SENT, by=by, on=on, note=note)
    _proposal_outcome(
        by, application, "in_progress", "Candidature transmise à l'employeur", application.status_on
    )
    return application


@transaction.atomic
def record_interview(
    *, by: Any, application: Application, interview_on: date, on: date | None = None, note: str = ""
) -> Application:
    """An interview is planned (its date may be in the future; the step is dated when it is recorded)."""
    if interview_on < application.status_on:
        raise ValidationError({"interview_on": "L'entretien ne peut pas précéder l'étape précédente."})
    _move(application, ApplicationStatus.INTERVIEW, by=by, on=on, note=note, interview_on=interview_on)
    _proposal_outcome(
        by, application, "in_progress", f"Entretien le {interview_on:%d/%m/%Y}", application.status_on
    )
    return application


@transaction.atomic
def hire(
    *,
    by: Any,
    application: Application,
    hired_on: date,
    contract_end_on: date | None = None,
    weekly_hours: Decimal | None = None,
    on: date | None = None,
    note: str = "",
) -> Application:
    """The employer hires: the job situation on the file, the follow-ups at 1, 3 and 6 months."""
    from maillage.youth import services as youth_services

    offer = application.offer
    if contract_end_on and contract_end_on < hired_on:
        raise ValidationError({"contract_end_on": "La fin du contrat doit suivre son début."})
    if offer.contract == ContractType.CDI and contract_end_on:
        raise ValidationError({"contract_end_on": "Un CDI n'a pas de date de fin."})
    if hired_on < application.proposed_on:
        raise ValidationError({"hired_on": "Le contrat ne peut pas commencer avant la mise en relation."})
    _move(
        application,
        ApplicationStatus.HIRED,
        by=by,
        on=on,
        note=note,
        hired_on=hired_on,
        contract_end_on=contract_end_on,
    )
    situation_kind = SITUATION_OF_CONTRACT.get(ContractType(offer.contract))
    if situation_kind is not None:
        kind, contract_type = situation_kind
        situation = youth_services.add_situation(
            by=by,
            youth=application.youth,
            kind=kind,
            contract_type=contract_type,
            started_on=hired_on,
            ended_on=contract_end_on,
            weekly_hours=weekly_hours if weekly_hours is not None else offer.weekly_hours,
            label=offer.company.name,
            notes=f"Offre « {offer.title} »"
            + (
                " (contrat de professionnalisation)"
                if offer.contract == ContractType.PROFESSIONALISATION
                else ""
            ),
        )
        application.situation = situation
        application.save(update_fields=["situation", "updated"])
    _proposal_outcome(
        by,
        application,
        "completed",
        f"Embauche ({offer.get_contract_display()}) à partir du {hired_on:%d/%m/%Y}",
        application.status_on,
    )
    FollowUp.objects.bulk_create(
        FollowUp(application=application, months=months, due_on=add_months(hired_on, months))
        for months in FOLLOW_UP_MONTHS
    )
    hires = Application.objects.filter(offer=offer, status=ApplicationStatus.HIRED).count()
    if hires >= offer.positions and offer.effective_status_on() == OfferStatus.OPEN:
        change_offer_status(by=by, offer=offer, status=OfferStatus.FILLED)
    return application


@transaction.atomic
def reject_application(
    *, by: Any, application: Application, reason: str, comment: str = "", on: date | None = None
) -> Application:
    """The employer did not hire this young person."""
    if reason not in NotHiredReason.values:
        raise ValidationError({"reason": "Choisissez le motif dans la liste."})
    _move(
        application,
        ApplicationStatus.NOT_HIRED,
        by=by,
        on=on,
        note=comment,
        not_hired_reason=reason,
        comment=comment.strip(),
    )
    _proposal_outcome(
        by, application, "refused", f"Non retenu·e : {NotHiredReason(reason).label}", application.status_on
    )
    return application


@transaction.atomic
def withdraw_application(
    *, by: Any, application: Application, reason: str, comment: str = "", on: date | None = None
) -> Application:
    """The application stops on the young person's side (or the offer closed)."""
    if reason not in WithdrawalReason.values:
        raise ValidationError({"reason": "Choisissez le motif dans la liste."})
    _move(
        application,
        ApplicationStatus.WITHDRAWN,
        by=by,
        on=on,
        note=comment,
        withdrawal_reason=reason,
        comment=comment.strip(),
    )
    _proposal_outcome(
        by, application, "abandoned", f"Retirée : {WithdrawalReason(reason).label}", application.status_on
    )
    return application


@transaction.atomic
def record_follow_up(
    *,
    by: Any,
    follow_up: FollowUp,
    outcome: str,
    done_on: date | None = None,
    left_on: date | None = None,
    left_reason: str = "",
    comment: str = "",
) -> FollowUp:
    """Write down the call: still employed, or left (when and why); a departure closes the job situation
    and makes the later follow-ups pointless."""
    from maillage.youth import services as youth_services

    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if locked.status != FollowUpStatus.PENDING:
        raise TransitionError("Ce suivi a déjà été enregistré.")
    done_on = done_on or _today()
    application = follow_up.application
    if outcome not in FollowUpOutcome.values:
        raise ValidationError({"outcome": "Choisissez le résultat dans la liste."})
    if done_on > _today():
        raise ValidationError({"done_on": "Le suivi ne peut pas être daté dans le futur."})
    if application.hired_on and done_on < application.hired_on:
        raise ValidationError({"done_on": "Le suivi ne peut pas précéder l'embauche."})
    if outcome == FollowUpOutcome.LEFT:
        errors = {}
        if left_on is None:
            errors["left_on"] = "Indiquez la date du départ."
        elif application.hired_on and left_on < application.hired_on:
            errors["left_on"] = "Le départ ne peut pas précéder l'embauche."
        elif left_on > done_on:
            errors["left_on"] = "Le départ ne peut pas suivre la date du suivi."
        if left_reason not in LeftReason.values:
            errors["left_reason"] = "Indiquez le motif du départ."
        if errors:
            raise ValidationError(errors)
    else:
        left_on, left_reason = None, ""
    follow_up.status = FollowUpStatus.DONE
    follow_up.outcome, follow_up.done_on = outcome, done_on
    follow_up.left_on, follow_up.left_reason = left_on, left_reason
    follow_up.comment, follow_up.done_by = comment.strip(), _user_or_none(by)
    follow_up.save()
    cancelled = 0
    if outcome == FollowUpOutcome.LEFT and left_on is not None:
        cancelled = FollowUp.objects.filter(
            application=application, status=FollowUpStatus.PENDING, months__gt=follow_up.months
        ).update(status=FollowUpStatus.CANCELLED, updated=timezone.now())
        situation = application.situation
        if situation is not None and (situation.ended_on is None or situation.ended_on > left_on):
            youth_services.end_situation(
                by=by, situation=situation, ended_on=max(left_on, situation.started_on)
            )
    audit.record(
        "employers.follow_up_recorded",
        by=by,
        obj=application,
        youth=application.youth_id,
        months=follow_up.months,
        outcome=outcome,
        left_reason=left_reason,
        cancelled=cancelled,
    )
    return follow_up


# --- Immersions (PMSMP) ---------------------------------------------------------------------------------

IMMERSION_FIELDS = (
    "company",
    "offer",
    "appellation",
    "tutor",
    "tutor_name",
    "tutor_job_title",
    "tutor_phone",
    "starts_on",
    "ends_on",
    "weekly_hours",
    "schedule",
    "objective",
    "objectives",
    "activities",
)


def _check_immersion(values: dict[str, Any]) -> None:
    starts, ends = values.get("starts_on"), values.get("ends_on")
    errors = {}
    if starts and ends:
        if ends < starts:
            errors["ends_on"] = "Le dernier jour doit suivre le premier."
        elif (ends - starts).days + 1 > MAX_IMMERSION_DAYS:
            errors["ends_on"] = (
                f"Une immersion (PMSMP) dure au plus un mois ({MAX_IMMERSION_DAYS} jours) : "
                "faites une seconde convention pour la renouveler."
            )
    hours = values.get("weekly_hours")
    if hours is not None and not 0 < hours <= 48:
        errors["weekly_hours"] = "Les heures par semaine doivent être comprises entre 1 et 48."
    tutor, company = values.get("tutor"), values.get("company")
    if tutor is not None and company is not None and tutor.company_id != company.pk:
        errors["tutor"] = "Ce contact appartient à une autre entreprise."
    if errors:
        raise ValidationError(errors)


def _immersion_summary(immersion: Immersion) -> str:
    return (
        f"Immersion chez {immersion.company.name} ({immersion.appellation.label}) "
        f"du {immersion.starts_on:%d/%m/%Y} au {immersion.ends_on:%d/%m/%Y}"
    )[:255]


@transaction.atomic
def create_immersion(*, by: Any, youth: Any, **values: Any) -> Immersion:
    """Plan an immersion: the agreement's content, and an "immersion" proposal on the young person's file."""
    from maillage.youth import services as youth_services

    unknown = set(values) - set(IMMERSION_FIELDS)
    if unknown:
        raise TypeError(f"Champs d'immersion inconnus : {sorted(unknown)}")
    _check_youth_active(youth)
    _check_immersion(values)
    tutor = values.get("tutor")
    if tutor is not None and not values.get("tutor_name"):
        values["tutor_name"] = tutor.name
        values["tutor_job_title"] = values.get("tutor_job_title") or tutor.job_title
        values["tutor_phone"] = values.get("tutor_phone") or tutor.phone
    immersion = Immersion(youth=youth, created_by=_user_or_none(by), **values)
    immersion.fiche_id = immersion.appellation.fiche_id
    immersion.save()
    immersion.proposal = youth_services.add_proposal(
        by=by,
        youth=youth,
        kind="immersion",
        description=_immersion_summary(immersion),
        proposed_on=min(_today(), immersion.starts_on),
    )
    immersion.save(update_fields=["proposal", "updated"])
    audit.record(
        "employers.immersion_created", by=by, obj=immersion, youth=youth.pk, company=immersion.company_id
    )
    return immersion


@transaction.atomic
def update_immersion(*, by: Any, immersion: Immersion, expected_version: int, **values: Any) -> Immersion:
    if set(values) - set(IMMERSION_FIELDS):
        raise TypeError("Champs d'immersion inconnus")
    if immersion.status != ImmersionStatus.PLANNED:
        raise TransitionError("Seule une immersion prévue peut être modifiée.")
    merged = {name: getattr(immersion, name) for name in IMMERSION_FIELDS} | values
    _check_immersion(merged)
    if "appellation" in values:
        values["fiche"] = values["appellation"].fiche
    changed = _versioned_update(immersion, expected_version, values)
    if changed:
        audit.record(
            "employers.immersion_updated",
            by=by,
            obj=immersion,
            youth=immersion.youth_id,
            fields=[f for f in changed if f != "fiche"],
        )
    return immersion


@transaction.atomic
def assess_immersion(
    *, by: Any, immersion: Immersion, assessment: str, notes: str = "", assessed_on: date | None = None
) -> Immersion:
    """The assessment with the tutor: the immersion is done; the proposal on the file too."""
    locked = Immersion.objects.select_for_update().get(pk=immersion.pk)
    if locked.status != ImmersionStatus.PLANNED:
        raise TransitionError("Le bilan de cette immersion a déjà été fait, ou elle a été annulée.")
    assessed_on = assessed_on or _today()
    if assessed_on < immersion.starts_on:
        raise ValidationError({"assessed_on": "Le bilan ne peut pas précéder le début de l'immersion."})
    if assessment not in ImmersionAssessment.values:
        raise ValidationError({"assessment": "Choisissez le bilan dans la liste."})
    immersion.status = ImmersionStatus.COMPLETED
    immersion.assessment, immersion.assessment_notes, immersion.assessed_on = (
        assessment,
        notes.strip(),
        assessed_on,
    )
    immersion.version += 1
    immersion.save(
        update_fields=["status", "assessment", "assessment_notes", "assessed_on", "version", "updated"]
    )
    _immersion_proposal(
        by, immersion, "completed", f"Bilan : {ImmersionAssessment(assessment).label}", assessed_on
    )
    audit.record(
        "employers.immersion_assessed", by=by, obj=immersion, youth=immersion.youth_id, assessment=assessment
    )
    return immersion


@transaction.atomic
def cancel_immersion(*, by: Any, immersion: Immersion, reason: str = "") -> Immersion:
    locked = Immersion.objects.select_for_update().get(pk=immersion.pk)
    if locked.status != ImmersionStatus.PLANNED:
        raise TransitionError("Seule une immersion prévue peut être annulée.")
    immersion.status = ImmersionStatus.CANCELLED
    immersion.assessment_notes = reason.strip()
    immersion.version += 1
    immersion.save(update_fields=["status", "assessment_notes", "version", "updated"])
    _immersion_proposal(by, immersion, "abandoned", "Immersion annulée", _today())
    audit.record("employers.immersion_cancelled", by=by, obj=immersion, youth=immersion.youth_id)
    return immersion


def _immersion_proposal(by: Any, immersion: Immersion, status: str, outcome: str, on: date) -> None:
    from maillage.youth import services as youth_services

    if immersion.proposal is None:
        return
    youth_services.set_proposal_outcome(
        by=by,
        proposal=immersion.proposal,
        status=status,
        outcome=outcome,
        outcome_on=max(on, immersion.proposal.proposed_on),
    )


# --- Cohorts --------------------------------------------------------------------------------------------


@transaction.atomic
def create_cohort(
    *,
    by: Any,
    name: str,
    programme: str,
    starts_on: date,
    ends_on: date,
    zone: Any = None,
    description: str = "",
    coordinator: Any = None,
    partners: Iterable[Company] = (),
) -> Cohort:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "La fin doit suivre le début."})
    cohort = Cohort.objects.create(
        name=name.strip(),
        programme=programme.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        zone=zone,
        description=description.strip(),
        coordinator=coordinator,
        created_by=_user_or_none(by),
    )
    cohort.partners.set(list(partners))
    audit.record("employers.cohort_created", by=by, obj=cohort)
    return cohort


@transaction.atomic
def set_cohort_partners(*, by: Any, cohort: Cohort, partners: Iterable[Company]) -> Cohort:
    wanted = {company.pk for company in partners}
    if wanted != set(cohort.partners.values_list("pk", flat=True)):
        cohort.partners.set(list(wanted))
        audit.record("employers.cohort_partners", by=by, obj=cohort, partners=sorted(wanted))
    return cohort


@transaction.atomic
def enrol_in_cohort(*, by: Any, cohort: Cohort, youth: Any, enrolled_on: date | None = None) -> CohortMember:
    _check_youth_active(youth)
    enrolled_on = enrolled_on or _today()
    if cohort.zone_id and youth.zone_id != cohort.zone_id:
        raise ValidationError("Cette cohorte est réservée aux jeunes de sa zone.")
    if cohort.members.filter(youth=youth).exists():
        raise ValidationError("Ce jeune est déjà inscrit dans cette cohorte.")
    member = CohortMember.objects.create(cohort=cohort, youth=youth, enrolled_on=enrolled_on)
    audit.record("employers.cohort_enrolled", by=by, obj=cohort, youth=youth.pk, member=member.pk)
    return member


@transaction.atomic
def add_stage(
    *,
    by: Any,
    cohort: Cohort,
    title: str,
    date: date,
    kind: str = StageKind.WORKSHOP,
    duration_hours: Decimal = Decimal(3),
    company: Company | None = None,
) -> CohortStage:
    if not cohort.starts_on <= date <= cohort.ends_on:
        raise ValidationError(
            {
                "date": f"L'étape doit avoir lieu pendant la cohorte ({cohort.starts_on:%d/%m/%Y} – "
                f"{cohort.ends_on:%d/%m/%Y})."
            }
        )
    stage = CohortStage.objects.create(
        cohort=cohort,
        title=title.strip(),
        date=date,
        kind=kind,
        duration_hours=duration_hours,
        company=company,
    )
    audit.record("employers.cohort_stage_added", by=by, obj=cohort, stage=stage.pk)
    return stage


@transaction.atomic
def record_attendance(*, by: Any, stage: CohortStage, statuses: dict[int, str]) -> int:
    """Presence of each member at a stage ({member id: status}); members of another cohort are refused."""
    members = set(stage.cohort.members.values_list("pk", flat=True))
    if set(statuses) - members:
        raise ValidationError("Un des jeunes n'est pas inscrit dans cette cohorte.")
    if any(value not in AttendanceStatus.values for value in statuses.values()):
        raise ValidationError("Présence inconnue.")
    existing = {a.member_id: a for a in stage.attendances.all()}
    changed = []
    for member_id, value in statuses.items():
        attendance = existing.get(member_id)
        if attendance is None:
            changed.append(Attendance(stage=stage, member_id=member_id, status=value))
        elif attendance.status != value:
            attendance.status = value
            attendance.save(update_fields=["status"])
    Attendance.objects.bulk_create(changed)
    audit.record("employers.cohort_attendance", by=by, obj=stage.cohort, stage=stage.pk, count=len(statuses))
    return len(statuses)


@transaction.atomic
def set_member_outcome(
    *,
    by: Any,
    member: CohortMember,
    status: str,
    outcome: str = "",
    outcome_on: date | None = None,
    outcome_company: Company | None = None,
) -> CohortMember:
    if status not in CohortMemberStatus.values:
        raise ValidationError({"status": "Statut inconnu."})
    if outcome and outcome not in CohortOutcome.values:
        raise ValidationError({"outcome": "Sortie inconnue."})
    if outcome and outcome_on is None:
        outcome_on = _today()
    if outcome_on and outcome_on < member.enrolled_on:
        raise ValidationError({"outcome_on": "La sortie ne peut pas précéder l'inscription."})
    member.status, member.outcome = status, outcome
    member.outcome_on = outcome_on if outcome else None
    member.outcome_company = outcome_company if outcome else None
    member.save(update_fields=["status", "outcome", "outcome_on", "outcome_company", "updated"])
    audit.record(
        "employers.cohort_outcome",
        by=by,
        obj=member.cohort,
        youth=member.youth_id,
        status=status,
        outcome=outcome,
    )
    return member


# --- Retention ------------------------------------------------------------------------------------------


def anonymise_youth_data(youth_ids: Sequence[int]) -> None:
    """The young people's files are being anonymised: wipe the free texts this app holds about them
    (experiences, applications' comments, immersions' objectives and assessment, follow-up comments)."""
    ids = list(youth_ids)
    now = timezone.now()
    Experience.objects.filter(profile__youth_id__in=ids).update(
        title="(anonymisé)", organisation="", description="", updated=now
    )
    Application.objects.filter(youth_id__in=ids).update(comment="", explanation=[], updated=now)
    ApplicationStep.objects.filter(application__youth_id__in=ids).update(note="")
    FollowUp.objects.filter(application__youth_id__in=ids).update(comment="", updated=now)
    Immersion.objects.filter(youth_id__in=ids).update(
        objectives="(anonymisé)", activities="", assessment_notes="", updated=now
    )


__all__ = [
    "APPLICATION_TRANSITIONS",
    "add_experience",
    "add_months",
    "add_stage",
    "anonymise_youth_data",
    "assess_immersion",
    "cancel_immersion",
    "create_cohort",
    "create_immersion",
    "delete_experience",
    "enrol_in_cohort",
    "hire",
    "propose_candidate",
    "record_attendance",
    "record_follow_up",
    "record_interview",
    "refresh_profile_keys",
    "sync_job_profiles",
    "reject_application",
    "save_job_profile",
    "send_application",
    "set_cohort_partners",
    "set_member_outcome",
    "update_immersion",
    "withdraw_application",
    "StaleEditError",
    "TransitionError",
    "accept_request",
    "add_contact",
    "add_need",
    "archive_company",
    "change_offer_status",
    "create_company",
    "create_offer",
    "delete_contact",
    "expire_offers",
    "matching_companies",
    "record_interaction",
    "reject_request",
    "submit_recruitment_request",
    "unarchive_company",
    "update_company",
    "update_contact",
    "update_need",
    "update_offer",
]
