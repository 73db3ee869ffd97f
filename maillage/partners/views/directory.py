"""The partner directory: search services by theme and commune, organisations, listings and their upkeep,
and the data·inclusion export and import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maillage.accounts.roles import Role
from maillage.core.access import role_required
from maillage.core.audit import record
from maillage.core.exports import csv_response
from maillage.core.pagination import paginate, querystring_without_page

from .. import access, services
from ..access import DIRECTORY_READER_ROLES, IMPORT_ROLES
from ..data_inclusion import SCHEMA_VERSION, DataInclusionImportError, export_json, import_document
from ..enums import OrganisationKind
from ..forms import (
    ContactForm,
    DataInclusionImportForm,
    DirectorySearchForm,
    MembershipForm,
    OrganisationFilterForm,
    OrganisationForm,
    PartnerOrganisationForm,
    ServiceForm,
    apply_validation_error,
)
from ..models import Contact, Organisation, PartnerMembership, Service, ServiceTheme


def _territory_label(listing) -> str:
    if listing.whole_area:
        return "Tout le territoire"
    parts = [z.name for z in listing.zones.all()] + [e.name for e in listing.epcis.all()]
    parts += [c.name for c in listing.communes.all()]
    return ", ".join(parts)


def _service_territory_label(service: Service) -> str:
    if service.uses_organisation_territory:
        label = _territory_label(service.organisation)
        return label or "Non précisé"
    return _territory_label(service) or "Non précisé"


def _services_queryset():
    return Service.objects.select_related("organisation", "commune").prefetch_related(
        Prefetch("themes", queryset=ServiceTheme.objects.order_by("theme"))
    )


# ----------------------------------------------------------------------------------------------- search


@role_required(*DIRECTORY_READER_ROLES)
def directory(request: HttpRequest) -> HttpResponse:
    """Search services by theme and by the commune of the person ("mobility in Liffré")."""
    form = DirectorySearchForm(request.GET or None)
    services_qs = _services_queryset().active()
    commune = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("theme"):
            services_qs = services_qs.with_theme(data["theme"])
        if data.get("commune"):
            commune = data["commune"]
            services_qs = services_qs.serving_commune(commune)
        if data.get("q"):
            services_qs = services_qs.search(data["q"])
        if data.get("kind"):
            services_qs = services_qs.filter(organisation__kind=data["kind"])
        if data.get("stale"):
            services_qs = services_qs.stale()
    elif form.is_bound:
        services_qs = services_qs.none()
    services_qs = services_qs.order_by("organisation__search_name", "search_name", "pk")
    if request.GET.get("format") == "csv":
        return csv_response(
            "annuaire-services.csv",
            [
                "structure",
                "service",
                "type",
                "thèmes",
                "public et conditions",
                "comment orienter",
                "horaires",
                "lieu",
                "commune",
                "téléphone",
                "e-mail",
                "vérifiée le",
                "à vérifier",
            ],
            (
                [
                    s.organisation.name,
                    s.name,
                    s.get_kind_display(),
                    ", ".join(s.theme_labels),
                    s.eligibility,
                    s.how_to_refer,
                    s.opening_hours,
                    s.place,
                    s.commune.name if s.commune_id else "",
                    s.phone or s.organisation.phone,
                    s.email or s.organisation.email,
                    s.last_checked_on.strftime("%d/%m/%Y") if s.last_checked_on else "",
                    "oui" if s.is_stale else "non",
                ]
                for s in services_qs
            ),
        )
    page = paginate(request, services_qs, per_page=25)
    return render(
        request,
        "partners/directory.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "commune": commune,
            "can_edit": access.can_edit_directory(request.user),
            "can_import": request.user.role in IMPORT_ROLES,
        },
    )


@role_required(*DIRECTORY_READER_ROLES)
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = (
        Organisation.objects.select_related("commune")
        .annotate(service_count=Count("services", filter=Q(services__is_active=True)))
        .order_by("search_name", "pk")
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        organisations = organisations.search(data.get("q"))
        if data.get("kind"):
            organisations = organisations.filter(kind=data["kind"])
        if data.get("commune"):
            organisations = organisations.serving_commune(data["commune"])
        if data.get("stale"):
            organisations = organisations.with_stale_listings()
    elif form.is_bound:
        organisations = organisations.none()
    if request.GET.get("format") == "csv":
        return csv_response(
            "annuaire-structures.csv",
            [
                "structure",
                "type",
                "SIRET",
                "adresse",
                "commune",
                "téléphone",
                "e-mail",
                "site",
                "services actifs",
                "vérifiée le",
                "active",
            ],
            (
                [
                    o.name,
                    o.get_kind_display(),
                    o.siret,
                    o.address,
                    o.commune.name if o.commune_id else "",
                    o.phone,
                    o.email,
                    o.website,
                    o.service_count,
                    o.last_checked_on.strftime("%d/%m/%Y") if o.last_checked_on else "",
                    "oui" if o.is_active else "non",
                ]
                for o in organisations
            ),
        )
    page = paginate(request, organisations, per_page=50)
    return render(
        request,
        "partners/organisation_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_edit": access.can_edit_directory(request.user),
            "can_import": request.user.role in IMPORT_ROLES,
        },
    )


# ------------------------------------------------------------------------------------------- organisations


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, pk)
    organisation = (
        Organisation.objects.select_related("commune")
        .prefetch_related("communes", "epcis", "zones", "contacts", "memberships__user")
        .get(pk=organisation.pk)
    )
    services_list = list(
        _services_queryset()
        .filter(organisation=organisation)
        .prefetch_related("communes", "epcis", "zones")
        .order_by("-is_active", "search_name")
    )
    for service in services_list:
        service.organisation = organisation  # the territory label reads the prefetched organisation
    can_edit = access.can_edit_organisation(request.user, organisation)
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "services": [(s, _service_territory_label(s)) for s in services_list],
            "territory": _territory_label(organisation) or "Non précisé",
            "can_edit": can_edit,
            "is_editor": access.can_edit_directory(request.user),
            "show_directory_nav": request.user.role in DIRECTORY_READER_ROLES,
            "can_import": request.user.role in IMPORT_ROLES,
            "stale_services": sum(1 for s in services_list if s.is_active and s.is_stale),
        },
    )


@role_required(Role.DIRECTOR, Role.ZONE_MANAGER, Role.ADMIN)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, initial={"kind": OrganisationKind.ASSOCIATION})
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.save_organisation(
                by=request.user, fields=form.model_fields(), territory=form.territory()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"La structure « {organisation} » est ajoutée à l'annuaire.")
            return redirect("partners:organisation_detail", pk=organisation.pk)
    return render(request, "partners/organisation_form.html", {"form": form, "organisation": None})


def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_edit(request.user, pk)
    is_editor = access.can_edit_directory(request.user)
    form_class = OrganisationForm if is_editor else PartnerOrganisationForm
    form = form_class(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_organisation(
                by=request.user,
                organisation=organisation,
                fields=form.model_fields(),
                territory=form.territory() if is_editor else None,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "La fiche de la structure est enregistrée et datée d'aujourd'hui.")
            return redirect("partners:organisation_detail", pk=organisation.pk)
    return render(request, "partners/organisation_form.html", {"form": form, "organisation": organisation})


@require_POST
def organisation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_edit(request.user, pk)
    count = services.confirm_organisation_listing(by=request.user, organisation=organisation)
    messages.success(
        request,
        f"Merci : la fiche et ses {count} service(s) actif(s) sont marqués vérifiés aujourd'hui.",
    )
    return redirect("partners:organisation_detail", pk=organisation.pk)


# ----------------------------------------------------------------------------------------------- contacts


def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_edit(request.user, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(by=request.user, organisation=organisation, fields=form.model_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Le contact est ajouté.")
            return redirect("partners:organisation_detail", pk=organisation.pk)
    return render(
        request, "partners/contact_form.html", {"form": form, "organisation": organisation, "contact": None}
    )


def _contact_for_edit(user, pk: int) -> Contact:
    contact = get_object_or_404(Contact.objects.select_related("organisation"), pk=pk)
    # The organisation must be editable by this user: otherwise the contact "does not exist".
    access.get_organisation_for_edit(user, contact.organisation_id)
    return contact


def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for_edit(request.user, pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(
                by=request.user,
                organisation=contact.organisation,
                contact=contact,
                fields=form.model_fields(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Le contact est modifié.")
            return redirect("partners:organisation_detail", pk=contact.organisation_id)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "organisation": contact.organisation, "contact": contact},
    )


@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for_edit(request.user, pk)
    organisation_id = contact.organisation_id
    services.remove_contact(by=request.user, contact=contact)
    messages.success(request, "Le contact est retiré.")
    return redirect("partners:organisation_detail", pk=organisation_id)


# ----------------------------------------------------------------------------------------------- memberships


@role_required(Role.DIRECTOR, Role.ZONE_MANAGER, Role.ADMIN)
def membership_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_edit(request.user, pk)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_partner_member(
                by=request.user, organisation=organisation, user=form.cleaned_data["user"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Le compte partenaire est rattaché à la structure.")
            return redirect("partners:organisation_detail", pk=organisation.pk)
    members = organisation.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "partners/membership_form.html",
        {"form": form, "organisation": organisation, "members": members},
    )


@require_POST
@role_required(Role.DIRECTOR, Role.ZONE_MANAGER, Role.ADMIN)
def membership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(PartnerMembership.objects.select_related("organisation"), pk=pk)
    services.remove_partner_member(by=request.user, membership=membership)
    messages.success(request, "Le compte n'est plus rattaché à la structure.")
    return redirect("partners:organisation_detail", pk=membership.organisation_id)


# ----------------------------------------------------------------------------------------------- services


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for_user(request.user, pk)
    service = (
        _services_queryset()
        .prefetch_related(
            "communes",
            "epcis",
            "zones",
            "organisation__communes",
            "organisation__epcis",
            "organisation__zones",
        )
        .get(pk=service.pk)
    )
    return render(
        request,
        "partners/service_detail.html",
        {
            "service": service,
            "territory": _service_territory_label(service),
            "can_edit": access.can_edit_organisation(request.user, service.organisation),
            "show_directory_nav": request.user.role in DIRECTORY_READER_ROLES,
            "can_import": request.user.role in IMPORT_ROLES,
        },
    )


def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_edit(request.user, pk)
    form = ServiceForm(request.POST or None, initial={"uses_organisation_territory": True, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            service = services.save_service(
                by=request.user,
                organisation=organisation,
                fields=form.model_fields(),
                themes=form.cleaned_data["themes"],
                territory=form.territory(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Le service « {service} » est ajouté.")
            return redirect("partners:service_detail", pk=service.pk)
    return render(
        request, "partners/service_form.html", {"form": form, "organisation": organisation, "service": None}
    )


def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for_edit(request.user, pk)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_service(
                by=request.user,
                organisation=service.organisation,
                service=service,
                fields=form.model_fields(),
                themes=form.cleaned_data["themes"],
                territory=form.territory(),
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Le service est enregistré et daté d'aujourd'hui.")
            return redirect("partners:service_detail", pk=service.pk)
    return render(
        request,
        "partners/service_form.html",
        {"form": form, "organisation": service.organisation, "service": service},
    )


@require_POST
def service_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for_edit(request.user, pk)
    services.confirm_service(by=request.user, service=service)
    messages.success(request, "Merci : le service est marqué vérifié aujourd'hui.")
    return redirect("partners:service_detail", pk=service.pk)


# ------------------------------------------------------------------------------------------- data·inclusion


@role_required(*DIRECTORY_READER_ROLES)
def data_inclusion_export(request: HttpRequest) -> HttpResponse:
    schema_only = request.GET.get("schema") == "strict"
    response = HttpResponse(
        export_json(schema_only=schema_only), content_type="application/json; charset=utf-8"
    )
    suffix = "-data-inclusion" if schema_only else ""
    response["Content-Disposition"] = f'attachment; filename="annuaire-partenaires{suffix}.json"'
    record(
        "partners.data_inclusion_exported",
        by=request.user,
        object_type="partners.directory",
        schema_only=schema_only,
    )
    return response


@role_required(*IMPORT_ROLES)
def data_inclusion_import(request: HttpRequest) -> HttpResponse:
    form = DataInclusionImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_document(form.cleaned_data["file"].read(), by=request.user)
        except DataInclusionImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Import terminé. {report.as_text()}")
            return redirect("partners:data_inclusion_import")
    return render(
        request,
        "partners/data_inclusion_import.html",
        {"form": form, "errors": errors[:200], "error_count": len(errors), "schema_version": SCHEMA_VERSION},
    )
