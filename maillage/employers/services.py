"""Every write of the employers app: keyword-only arguments, `by=` the acting user, one transaction, one audit
entry per change, side effects (e-mails) after commit.

Edits of a company or an offer carry the version the user saw: an edit made on an outdated page raises
`StaleEditError` instead of silently overwriting a colleague's change (PRODUCT.md §3).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
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
    NEED_KIND_OF_CONTRACT,
    ContractType,
    NeedKind,
    NeedSource,
    OfferSource,
    OfferStatus,
    RequestStatus,
)
from .models import (
    Appellation,
    Company,
    Contact,
    Interaction,
    NafSubclass,
    Offer,
    RecruitmentNeed,
    RecruitmentRequest,
    Skill,
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
            changed.append("skills")
    if changed:
        audit.record("employers.offer_updated", by=by, obj=offer, fields=[f for f in changed if f != "fiche"])
    return offer


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


__all__ = [
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
