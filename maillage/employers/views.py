"""HTTP views of the employers app, thin: access → form → service → redirect or render.

Every view is gated by role (access.READER_ROLES / WRITER_ROLES, 404 for everyone else), except the public
recruitment form, which opts out of the login requirement and is rate-limited per IP address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.core.access import role_required
from maillage.core.exports import csv_response
from maillage.core.middleware import client_ip
from maillage.core.models import AuditEntry
from maillage.core.pagination import paginate, querystring_without_page

from . import access, imports, ratelimit, selectors, services
from .access import READER_ROLES, WRITER_ROLES
from .autocomplete import APPELLATION, LOOKUPS, LOOKUPS_BY_SLUG, clean_target
from .enums import CompanySize, OfferStatus, RequestStatus
from .forms import (
    COMPANY_SORTS,
    OFFER_SORTS,
    AcceptRequestForm,
    CompanyFilterForm,
    CompanyForm,
    CompanyImportForm,
    ContactForm,
    DashboardFilterForm,
    InteractionForm,
    NeedForm,
    OfferFilterForm,
    OfferForm,
    OfferStatusForm,
    PublicRequestForm,
    RejectRequestForm,
    skill_groups,
)
from .models import Appellation, Company, Offer, RecruitmentNeed, RecruitmentRequest

readers = role_required(*READER_ROLES)
writers = role_required(*WRITER_ROLES)

#: Requests accepted from one IP address per hour on the public form (settings can override).
PUBLIC_FORM_LIMIT = getattr(settings, "EMPLOYERS_PUBLIC_FORM_LIMIT", 5)
PUBLIC_FORM_WINDOW = 3600
RATE_LIMIT_MESSAGE = (
    "Vous avez déjà envoyé plusieurs demandes depuis cette connexion au cours de la dernière heure. "
    "Par sécurité, réessayez dans une heure, ou appelez-nous directement : nous traitons toutes les demandes."
)


def _sort_links(request: HttpRequest, sorts: dict, default: str, columns: list[str]) -> dict[str, dict]:
    """For each sortable column: the URL that sorts by it (toggling the direction) and its aria-sort."""
    current = request.GET.get("tri") or default
    if current not in sorts:
        current = default
    links = {}
    for column in columns:
        params = request.GET.copy()
        params.pop("page", None)
        ascending = current == column
        params["tri"] = f"-{column}" if ascending else column
        state = "ascending" if current == column else "descending" if current == f"-{column}" else "none"
        links[column] = {"url": "?" + params.urlencode(), "state": state}
    return links


def _stale_or_invalid(form, error: Exception) -> None:
    if isinstance(error, services.StaleEditError):
        form.add_error(None, str(error))
    elif isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)


# --- Companies ------------------------------------------------------------------------------------------


COMPANY_CSV_HEADER = [
    "id",
    "nom",
    "SIRET",
    "code NAF",
    "activité",
    "tranche d'effectif",
    "commune",
    "code INSEE",
    "zone",
    "adresse",
    "chargé·e référent·e",
    "dernier échange",
    "offres ouvertes",
    "archivée",
]


def _company_csv_rows(companies):
    for c in companies.iterator(chunk_size=2000):
        yield [
            c.pk,
            c.name,
            c.siret,
            c.naf_id or "",
            c.naf.label if c.naf else "",
            c.get_size_band_display(),
            c.commune.name if c.commune else "",
            c.commune.insee_code if c.commune else "",
            c.commune.zone.name if c.commune else "",
            c.address,
            str(c.officer or ""),
            c.last_interaction_on.strftime("%d/%m/%Y") if c.last_interaction_on else "",
            c.open_offer_count,
            "oui" if c.is_archived else "non",
        ]


@readers
def company_list(request: HttpRequest) -> HttpResponse:
    form = CompanyFilterForm(request.GET or None)
    companies = access.visible_companies(request.user).for_list()
    if form.is_bound and form.is_valid():
        companies = form.filter(companies, request.user)
    elif form.is_bound:
        companies = companies.none()
    else:
        companies = companies.active().order_by(*COMPANY_SORTS["name"])
    if request.GET.get("format") == "csv":
        return csv_response("entreprises.csv", COMPANY_CSV_HEADER, _company_csv_rows(companies))
    page = paginate(request, companies)
    export_params = request.GET.copy()
    export_params.pop("page", None)
    export_params["format"] = "csv"
    return render(
        request,
        "employers/company_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "export_query": export_params.urlencode(),
            "sort": _sort_links(
                request, COMPANY_SORTS, "name", ["name", "commune", "naf", "size", "contact"]
            ),
            "can_write": access.can_write(request.user),
        },
    )


@readers
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_for_user(
        request.user,
        pk,
        queryset=Company.objects.select_related("commune__zone", "naf__section", "officer", "created_by"),
    )
    interactions = company.interactions.select_related("officer", "contact")[:100]
    needs = company.needs.select_related("appellation__fiche")
    offers = company.offers.with_effective_status().select_related("appellation", "commune")
    history = AuditEntry.objects.for_object("employers.company", company.pk)[:20]
    return render(
        request,
        "employers/company_detail.html",
        {
            "company": company,
            "contacts": company.contacts.all(),
            "interactions": interactions,
            "interaction_count": company.interactions.count(),
            "needs": needs,
            "offers": offers,
            "history": history,
            "requests": company.requests.all()[:10],
            "can_write": access.can_write(request.user),
        },
    )


@writers
def company_create(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            company = services.create_company(by=request.user, **values)
        except ValidationError as error:
            _stale_or_invalid(form, error)
        else:
            messages.success(request, f"L'entreprise « {company.name} » a été créée.")
            return redirect(company)
    return render(request, "employers/company_form.html", {"form": form, "company": None})


@writers
def company_update(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_for_user(request.user, pk, write=True)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_company(
                by=request.user,
                company=company,
                expected_version=form.expected_version(),
                **form.service_values(),
            )
        except (ValidationError, services.StaleEditError) as error:
            _stale_or_invalid(form, error)
        else:
            messages.success(request, "Les modifications ont été enregistrées.")
            return redirect(company)
    return render(request, "employers/company_form.html", {"form": form, "company": company})


def _archive_view(request: HttpRequest, pk: int, *, archive: bool) -> HttpResponse:
    company = access.get_company_for_user(request.user, pk, write=True)
    if request.method == "POST":
        if archive:
            services.archive_company(by=request.user, company=company)
            messages.success(
                request, f"« {company.name} » est archivée : elle ne figure plus dans les listes."
            )
        else:
            services.unarchive_company(by=request.user, company=company)
            messages.success(request, f"« {company.name} » est de nouveau active.")
        return redirect(company)
    return render(request, "employers/company_archive.html", {"company": company, "archive": archive})


@writers
def company_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_view(request, pk, archive=True)


@writers
def company_unarchive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_view(request, pk, archive=False)


# --- Contacts, interactions, needs ----------------------------------------------------------------------


@writers
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_for_user(request.user, pk, write=True)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_contact(by=request.user, company=company, **form.cleaned_data)
        messages.success(request, "Le contact a été ajouté.")
        return redirect(company)
    return render(request, "employers/contact_form.html", {"form": form, "company": company, "contact": None})


@writers
def contact_update(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_contact_for_user(request.user, pk, write=True)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.update_contact(by=request.user, contact=contact, **form.cleaned_data)
        messages.success(request, "Le contact a été modifié.")
        return redirect(contact.company)
    return render(
        request, "employers/contact_form.html", {"form": form, "company": contact.company, "contact": contact}
    )


@writers
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_contact_for_user(request.user, pk, write=True)
    if request.method == "POST":
        company = contact.company
        services.delete_contact(by=request.user, contact=contact)
        messages.success(request, "Le contact a été supprimé.")
        return redirect(company)
    return render(request, "employers/contact_delete.html", {"contact": contact, "company": contact.company})


@writers
def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_for_user(request.user, pk, write=True)
    form = InteractionForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        services.record_interaction(by=request.user, company=company, **form.cleaned_data)
        messages.success(request, "L'échange a été enregistré.")
        return redirect(company)
    return render(request, "employers/interaction_form.html", {"form": form, "company": company})


@writers
def need_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_company_for_user(request.user, pk, write=True)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_need(by=request.user, company=company, **form.cleaned_data)
        messages.success(request, "Le besoin de recrutement a été enregistré.")
        return redirect(company)
    return render(request, "employers/need_form.html", {"form": form, "company": company, "need": None})


@writers
def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    need = access.get_need_for_user(request.user, pk, write=True)
    form = NeedForm(request.POST or None, instance=need)
    if request.method == "POST" and form.is_valid():
        services.update_need(by=request.user, need=need, **form.cleaned_data)
        messages.success(request, "Le besoin de recrutement a été modifié.")
        return redirect(need.company)
    return render(request, "employers/need_form.html", {"form": form, "company": need.company, "need": need})


# --- Import ---------------------------------------------------------------------------------------------


@writers
def company_import(request: HttpRequest) -> HttpResponse:
    form = CompanyImportForm(request.POST or None, request.FILES or None)
    result = None
    file_error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.import_companies(filename=upload.name, content=upload.read(), by=request.user)
        except imports.ImportFileError as error:
            file_error = str(error)
            form.add_error("file", file_error)
        else:
            if result.ok:
                messages.success(
                    request,
                    f"{len(result.created)} entreprise(s) importée(s) ; "
                    f"{len(result.skipped)} déjà enregistrée(s).",
                )
    return render(
        request,
        "employers/company_import.html",
        {
            "form": form,
            "result": result,
            "columns": imports.COLUMNS,
            "sizes": CompanySize.choices,
        },
    )


# --- Offers ---------------------------------------------------------------------------------------------


OFFER_CSV_HEADER = [
    "id",
    "intitulé",
    "entreprise",
    "SIRET",
    "code ROME",
    "appellation",
    "contrat",
    "durée",
    "heures/semaine",
    "postes",
    "commune",
    "zone",
    "début",
    "publiée le",
    "expire le",
    "statut",
    "origine",
    "permis B",
    "niveau minimal",
]


def _offer_csv_rows(offers):
    for o in offers.iterator(chunk_size=2000):
        yield [
            o.pk,
            o.title,
            o.company.name,
            o.company.siret,
            o.fiche_id,
            o.appellation.label,
            o.get_contract_display(),
            o.duration_display,
            o.weekly_hours or "",
            o.positions,
            o.commune.name,
            o.commune.zone.name,
            o.start_date.strftime("%d/%m/%Y") if o.start_date else "dès que possible",
            o.published_on.strftime("%d/%m/%Y"),
            o.expires_on.strftime("%d/%m/%Y") if o.expires_on else "",
            OfferStatus(o.effective_status).label,
            o.get_source_display(),
            "oui" if o.driving_licence_required else "non",
            o.get_qualification_level_display(),
        ]


@readers
def offer_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = OfferStatus.OPEN  # open offers unless the user asks otherwise (even on page 2)
    form = OfferFilterForm(data)
    offers = (
        access.visible_offers(request.user)
        .with_effective_status()
        .select_related("company", "appellation", "commune__zone")
    )
    offers = form.filter(offers) if form.is_valid() else offers.none()
    if request.GET.get("format") == "csv":
        return csv_response("offres.csv", OFFER_CSV_HEADER, _offer_csv_rows(offers))
    page = paginate(request, offers)
    export_params = request.GET.copy()
    export_params.pop("page", None)
    export_params["format"] = "csv"
    if "status" not in export_params:
        export_params["status"] = OfferStatus.OPEN
    return render(
        request,
        "employers/offer_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "export_query": export_params.urlencode(),
            "sort": _sort_links(request, OFFER_SORTS, "-published", ["title", "company", "start", "expires"]),
            "can_write": access.can_write(request.user),
        },
    )


@readers
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.get_offer_for_user(
        request.user,
        pk,
        queryset=Offer.objects.select_related(
            "company__commune",
            "appellation",
            "fiche__grand_domain",
            "commune__zone",
            "contact",
            "officer",
            "need",
        ).prefetch_related("skills"),
    )
    history = AuditEntry.objects.for_object("employers.offer", offer.pk)[:20]
    status_form = OfferStatusForm()
    status_form.fields["status"].choices = [
        (s.value, s.label) for s in services.OFFER_TRANSITIONS.get(OfferStatus(offer.current_status), set())
    ]
    return render(
        request,
        "employers/offer_detail.html",
        {
            "offer": offer,
            "skills": sorted(offer.skills.all(), key=lambda s: (s.kind, s.label)),
            "history": history,
            "status_form": status_form,
            "can_write": access.can_write(request.user),
        },
    )


def _offer_initial(request: HttpRequest) -> tuple[Company | None, RecruitmentNeed | None, dict]:
    """An offer started from a company page (?entreprise=) or from a need (?besoin=)."""
    company, need, initial = None, None, {}
    if request.GET.get("besoin"):
        need = access.get_need_for_user(request.user, request.GET["besoin"], write=True)
        company = need.company
        initial = {
            "appellation": need.appellation_id,
            "title": need.appellation.label,
            "positions": need.quantity,
            "contract": need.contract,
            "start_date": need.period_start if need.period_start >= timezone.localdate() else None,
        }
    elif request.GET.get("entreprise"):
        company = access.get_company_for_user(request.user, request.GET["entreprise"], write=True)
    return company, need, initial


@writers
def offer_create(request: HttpRequest) -> HttpResponse:
    company, need, initial = _offer_initial(request)
    preview = request.method == "POST" and "preview" in request.POST
    form = OfferForm(request.POST or None, company=company, initial=initial, preview=preview)
    if request.method == "POST" and not preview and form.is_valid():
        offer = services.create_offer(
            by=request.user, skills=form.cleaned_data["skills"], need=need, **form.service_values()
        )
        messages.success(request, "L'offre a été publiée.")
        return redirect(offer)
    return render(
        request, "employers/offer_form.html", {"form": form, "offer": None, "company": company, "need": need}
    )


@writers
def offer_update(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.get_offer_for_user(request.user, pk, write=True)
    preview = request.method == "POST" and "preview" in request.POST
    form = OfferForm(request.POST or None, instance=offer, preview=preview)
    if request.method == "POST" and not preview and form.is_valid():
        try:
            services.update_offer(
                by=request.user,
                offer=offer,
                expected_version=form.expected_version(),
                skills=form.cleaned_data["skills"],
                **form.service_values(),
            )
        except services.StaleEditError as error:
            _stale_or_invalid(form, error)
        else:
            messages.success(request, "L'offre a été modifiée.")
            return redirect(offer)
    return render(
        request,
        "employers/offer_form.html",
        {"form": form, "offer": offer, "company": offer.company, "need": None},
    )


@writers
@require_POST
def offer_status(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.get_offer_for_user(request.user, pk, write=True)
    form = OfferStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_offer_status(by=request.user, offer=offer, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"L'offre est maintenant « {offer.get_status_display().lower()} ».")
    else:
        messages.error(request, "Choisissez un statut dans la liste.")
    return redirect(offer)


# --- Lookups (autocomplete) -----------------------------------------------------------------------------


def _options_response(request: HttpRequest, lookup_name: str) -> HttpResponse:
    lookup = LOOKUPS[lookup_name]
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("_text")), "")
    query = query.strip()[:80]
    content = render_to_string(
        "employers/autocomplete_options.html",
        {"options": lookup.options(query), "target": clean_target(request.GET.get("target")), "query": query},
        request=request,
    )
    return HttpResponse(content.strip())


@readers
def lookup(request: HttpRequest, name: str) -> HttpResponse:
    """Suggestions for an autocomplete field (htmx); without htmx, a plain search page."""
    found = LOOKUPS_BY_SLUG.get(name)
    if found is None:
        raise Http404
    if request.htmx:
        return _options_response(request, found.name)
    query = (request.GET.get("q") or "").strip()[:80]
    return render(
        request,
        "employers/lookup_page.html",
        {"lookup": found, "query": query, "options": found.options(query)},
    )


@writers
def fiche_skills(request: HttpRequest) -> HttpResponse:
    """The skill checkboxes of the offer form for the chosen appellation (htmx)."""
    appellation = APPELLATION.get(request.GET.get("appellation", ""))
    fiche = appellation.fiche if isinstance(appellation, Appellation) else None
    selected = {int(v) for v in request.GET.getlist("skills") if v.isdigit()}
    return render(
        request, "employers/_offer_skills.html", {"groups": skill_groups(fiche, selected), "fiche": fiche}
    )


# --- GPEC-T ---------------------------------------------------------------------------------------------


@readers
def dashboard(request: HttpRequest) -> HttpResponse:
    this_month = timezone.localdate().replace(day=1)
    form = DashboardFilterForm(request.GET or None)
    start, end, zone = selectors.add_months(this_month, -11), this_month, None
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
        if form.cleaned_data.get("start") and not form.cleaned_data.get("end"):
            end = max(start, min(selectors.add_months(start, 11), this_month))
        zone = form.cleaned_data.get("zone")
    tables = selectors.gpec_tables(start=start, end=end, zone=zone) if not form.errors else []
    export = request.GET.get("export")
    if export:
        table = next((t for t in tables if t.slug == export), None)
        if table is None:
            raise Http404
        header = [selectors.CSV_HEADER[0].format(dimension=table.dimension), *selectors.CSV_HEADER[1:]]
        return csv_response(f"gpec-t-{table.slug}-{start:%Y-%m}-{end:%Y-%m}.csv", header, table.csv_rows())
    params = request.GET.copy()
    params.pop("export", None)
    return render(
        request,
        "employers/dashboard.html",
        {
            "form": form,
            "tables": tables,
            "start": start,
            "end": end,
            "period_label": f"de {selectors.month_label(start)} à {selectors.month_label(end)}",
            "zone": zone,
            "querystring": params.urlencode(),
        },
    )


# --- Requests from the public form ----------------------------------------------------------------------


@writers
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("statut") or RequestStatus.TO_REVIEW
    if status not in RequestStatus.values and status != "all":
        status = RequestStatus.TO_REVIEW
    requests = RecruitmentRequest.objects.select_related("appellation", "commune", "reviewed_by", "company")
    if status != "all":
        requests = requests.filter(status=status)
    page = paginate(request, requests)
    return render(
        request,
        "employers/request_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [*RequestStatus.choices, ("all", "Toutes")],
            "querystring": querystring_without_page(request),
        },
    )


def _request_forms(recruitment_request: RecruitmentRequest, data=None, which: str = ""):
    candidates = services.matching_companies(recruitment_request)
    accept = AcceptRequestForm(
        data if which == "accept" else None,
        candidates=candidates,
        initial={
            "appellation": recruitment_request.appellation_id,
            "commune": recruitment_request.commune_id,
            "company": next(
                (c.pk for c in candidates if c.siret and c.siret == recruitment_request.siret), None
            ),
        },
    )
    reject = RejectRequestForm(data if which == "reject" else None)
    return accept, reject


def _request_page(request: HttpRequest, recruitment_request: RecruitmentRequest, accept, reject, status=200):
    return render(
        request,
        "employers/request_detail.html",
        {"req": recruitment_request, "accept_form": accept, "reject_form": reject},
        status=status,
    )


@writers
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recruitment_request = access.get_request_for_user(request.user, pk)
    accept, reject = _request_forms(recruitment_request)
    return _request_page(request, recruitment_request, accept, reject)


@writers
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    recruitment_request = access.get_request_for_user(request.user, pk)
    if recruitment_request.status != RequestStatus.TO_REVIEW:
        messages.error(request, "Cette demande a déjà été traitée.")
        return redirect(recruitment_request)
    accept, reject = _request_forms(recruitment_request, request.POST, "accept")
    if accept.is_valid():
        try:
            done = services.accept_request(
                by=request.user,
                request=recruitment_request,
                appellation=accept.cleaned_data["appellation"],
                company=accept.cleaned_data.get("company"),
                commune=accept.cleaned_data.get("commune"),
                create_offer_too=accept.cleaned_data.get("create_offer", False),
            )
        except ValidationError as error:
            _stale_or_invalid(accept, error)
        else:
            messages.success(
                request, "La demande a été acceptée : entreprise, contact et besoin sont enregistrés."
            )
            return redirect(done.offer or done.company)
    return _request_page(request, recruitment_request, accept, reject, status=200)


@writers
@require_POST
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    recruitment_request = access.get_request_for_user(request.user, pk)
    if recruitment_request.status != RequestStatus.TO_REVIEW:
        messages.error(request, "Cette demande a déjà été traitée.")
        return redirect(recruitment_request)
    accept, reject = _request_forms(recruitment_request, request.POST, "reject")
    if reject.is_valid():
        try:
            services.reject_request(
                by=request.user, request=recruitment_request, reason=reject.cleaned_data["reason"]
            )
        except ValidationError as error:  # processed by someone else meanwhile
            messages.error(request, " ".join(error.messages))
            return redirect(recruitment_request)
        else:
            messages.success(request, "La demande a été refusée.")
            return redirect("employers:request_list")
    return _request_page(request, recruitment_request, accept, reject)


@login_not_required
def public_request(request: HttpRequest) -> HttpResponse:
    """The employers' public form: no login, a honeypot, a rate limit per IP address, a confirmation e-mail.

    It also answers its own autocomplete requests (htmx GET with ?lookup=), so that no other view is public.
    """
    if request.method == "GET" and request.htmx and request.GET.get("lookup") in ("appellation", "commune"):
        return _options_response(request, request.GET["lookup"])
    if request.method == "GET" and request.GET.get("envoye"):
        return render(request, "employers/public_request_done.html")
    ip = client_ip(request)
    if request.method == "POST":
        if ratelimit.is_limited("public_request", ip, limit=PUBLIC_FORM_LIMIT):
            form = PublicRequestForm()
            return render(
                request,
                "employers/public_request.html",
                {"form": form, "limited": RATE_LIMIT_MESSAGE},
                status=429,
            )
        form = PublicRequestForm(request.POST)
        if form.is_spam:
            # Robots fill in every field: pretend to succeed, keep nothing, send nothing.
            ratelimit.hit("public_request", ip, window_seconds=PUBLIC_FORM_WINDOW)
            return redirect(f"{reverse('employers:public_request')}?envoye=1")
        if form.is_valid():
            services.submit_recruitment_request(**form.service_values())
            ratelimit.hit("public_request", ip, window_seconds=PUBLIC_FORM_WINDOW)
            return redirect(f"{reverse('employers:public_request')}?envoye=1")
    else:
        form = PublicRequestForm()
    return render(request, "employers/public_request.html", {"form": form, "limited": ""})
