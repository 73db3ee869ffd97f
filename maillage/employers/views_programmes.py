"""Views of immersions (PMSMP, with their agreement as a PDF) and cohort programmes.

Thin: role gate → access function (young people of the user's zones) → form → service → redirect/render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.access import get_or_404, role_required
from maillage.core.models import AuditEntry
from maillage.core.pagination import paginate, querystring_without_page
from maillage.core.text import search_key

from . import access, services
from .access import READER_ROLES, WRITER_ROLES
from .enums import AttendanceStatus, ImmersionStatus
from .forms import (
    AssessmentForm,
    CancelImmersionForm,
    CohortForm,
    EnrolSearchForm,
    ImmersionForm,
    MemberOutcomeForm,
    PartnerForm,
    StageForm,
)
from .models import Attendance, CohortStage, Company

readers = role_required(*READER_ROLES)
writers = role_required(*WRITER_ROLES)


def _apply_error(form, error: Exception) -> None:
    if isinstance(error, services.StaleEditError):
        form.add_error(None, str(error))
    elif hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():  # type: ignore[attr-defined]
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)  # type: ignore[attr-defined]


# --- Immersions -----------------------------------------------------------------------------------------


@readers
def immersion_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("statut", "")
    immersions = (
        access.visible_immersions(request.user)
        .select_related("youth__commune", "company", "appellation")
        .order_by("-starts_on", "-pk")
    )
    if status in ImmersionStatus.values:
        immersions = immersions.filter(status=status)
    return render(
        request,
        "employers/immersion_list.html",
        {
            "page": paginate(request, immersions),
            "status": status,
            "statuses": [("", "Toutes"), *ImmersionStatus.choices],
            "querystring": querystring_without_page(request),
        },
    )


def _immersion_youth(request: HttpRequest):
    youth = get_or_404(
        access.candidate_youths(request.user).select_related("commune"), pk=request.GET.get("jeune")
    )
    if not access.can_act_for(request.user, youth) or youth.status != "active":
        raise Http404
    return youth


@readers
def immersion_create(request: HttpRequest) -> HttpResponse:
    """A new immersion for a young person (?jeune=<id>), optionally in a company (?entreprise=<id>)."""
    youth = _immersion_youth(request)
    company = None
    if request.GET.get("entreprise"):
        company = access.get_company_for_user(request.user, request.GET["entreprise"])
    form = ImmersionForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        values = {
            name: form.cleaned_data[name] for name in services.IMMERSION_FIELDS if name in form.cleaned_data
        }
        try:
            immersion = services.create_immersion(by=request.user, youth=youth, **values)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(
                request, "L'immersion est enregistrée : imprimez la convention pour la faire signer."
            )
            return redirect(immersion)
    return render(request, "employers/immersion_form.html", {"form": form, "youth": youth, "immersion": None})


@readers
def immersion_update(request: HttpRequest, pk: int) -> HttpResponse:
    immersion = access.get_immersion_for_user(request.user, pk, write=True)
    if immersion.status != ImmersionStatus.PLANNED:
        raise Http404
    form = ImmersionForm(request.POST or None, instance=immersion)
    if request.method == "POST" and form.is_valid():
        values = {
            name: form.cleaned_data[name] for name in services.IMMERSION_FIELDS if name in form.cleaned_data
        }
        try:
            services.update_immersion(
                by=request.user, immersion=immersion, expected_version=form.expected_version(), **values
            )
        except (ValidationError, services.StaleEditError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, "L'immersion a été modifiée.")
            return redirect(immersion)
    return render(
        request,
        "employers/immersion_form.html",
        {"form": form, "youth": immersion.youth, "immersion": immersion},
    )


def _immersion_page(request: HttpRequest, immersion, *, bound: dict[str, Any] | None = None) -> HttpResponse:
    bound = bound or {}
    can_act = access.can_act_for(request.user, immersion.youth)
    planned = immersion.status == ImmersionStatus.PLANNED
    return render(
        request,
        "employers/immersion_detail.html",
        {
            "immersion": immersion,
            "youth": immersion.youth,
            "can_act": can_act,
            "sees_file": access.sees_file(request.user, immersion.youth),
            "assessment_form": (bound.get("assessment") or AssessmentForm()) if can_act and planned else None,
            "cancel_form": (bound.get("cancel") or CancelImmersionForm()) if can_act and planned else None,
            "history": AuditEntry.objects.for_object("employers.immersion", immersion.pk)[:20],
            "today": timezone.localdate(),
        },
    )


@readers
def immersion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _immersion_page(request, access.get_immersion_for_user(request.user, pk))


@readers
@require_POST
def immersion_assess(request: HttpRequest, pk: int) -> HttpResponse:
    immersion = access.get_immersion_for_user(request.user, pk, write=True)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.assess_immersion(by=request.user, immersion=immersion, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Le bilan de l'immersion est enregistré.")
            return redirect(immersion)
    return _immersion_page(request, immersion, bound={"assessment": form})


@readers
@require_POST
def immersion_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    immersion = access.get_immersion_for_user(request.user, pk, write=True)
    form = CancelImmersionForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_immersion(
                by=request.user, immersion=immersion, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "L'immersion est annulée.")
    return redirect(immersion)


@readers
def immersion_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement (convention de PMSMP) as a PDF, to print and sign; the export is audited."""
    from weasyprint import CSS, HTML

    immersion = access.get_immersion_for_user(request.user, pk, write=True)
    context = {
        "immersion": immersion,
        "youth": immersion.youth,
        "company": immersion.company,
        "generated_at": timezone.localtime(),
        "generated_by": request.user,
        # Officers read job profiles only: the identity lines are left for the young person to fill in.
        "show_identity": access.sees_file(request.user, immersion.youth),
    }
    html = render_to_string("employers/pdf/immersion_agreement.html", context, request=request)
    stylesheet = CSS(string=render_to_string("employers/pdf/immersion_agreement.css"))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(stylesheets=[stylesheet])
    audit.record(
        "employers.immersion_agreement_printed", by=request.user, obj=immersion, youth=immersion.youth_id
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-pmsmp-{immersion.pk}.pdf"'
    return response


# --- Cohorts --------------------------------------------------------------------------------------------


@readers
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = (
        access.visible_cohorts(request.user)
        .select_related("zone", "coordinator")
        .annotate(
            member_count=Count("members", distinct=True), partner_count=Count("partners", distinct=True)
        )
        .order_by("-starts_on", "-pk")
    )
    return render(
        request,
        "employers/cohort_list.html",
        {"page": paginate(request, cohorts), "can_write": access.can_write(request.user), "querystring": ""},
    )


@writers
def cohort_create(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = services.create_cohort(by=request.user, **form.cleaned_data)
        messages.success(request, f"La cohorte « {cohort.name} » est créée.")
        return redirect(cohort)
    return render(request, "employers/cohort_form.html", {"form": form})


def _cohort_page(request: HttpRequest, cohort, *, bound: dict[str, Any] | None = None) -> HttpResponse:
    user = request.user
    bound = bound or {}
    members_qs = cohort.members.select_related("youth__commune", "outcome_company")
    scope = access.scope_filter(user)
    visible = list(members_qs.filter(scope)) if scope is not None else []
    total = cohort.members.count()
    stages = list(
        cohort.stages.select_related("company").annotate(
            present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT))
        )
    )
    can_write = access.can_write(user)
    partners = list(cohort.partners.select_related("commune"))
    search = EnrolSearchForm(request.GET or None)
    found: list = []
    if search.is_valid() and search.cleaned_data.get("q"):
        key = search_key(search.cleaned_data["q"])
        enrolled = cohort.members.values("youth_id")
        found = list(
            access.candidate_youths(user)
            .filter(status="active", search_key__startswith=key)
            .exclude(pk__in=enrolled)
            .select_related("commune")
            .order_by("search_key", "pk")[:10]
        )
        found = [y for y in found if access.can_act_for(user, y)]
    for member in visible:
        member.can_act = access.can_act_for(user, member.youth)  # type: ignore[attr-defined]
        member.outcome_form = (  # type: ignore[attr-defined]
            bound.get(f"sortie{member.pk}")
            or MemberOutcomeForm(
                prefix=f"sortie{member.pk}",
                partners=partners,
                initial={
                    "status": member.status,
                    "outcome": member.outcome,
                    "outcome_on": member.outcome_on,
                    "outcome_company": member.outcome_company_id,
                },
            )
        )
    return render(
        request,
        "employers/cohort_detail.html",
        {
            "cohort": cohort,
            "partners": partners,
            "members": visible,
            "hidden_members": total - len(visible),
            "stages": stages,
            "can_write": can_write,
            "partner_form": bound.get("partner") or PartnerForm(prefix="partenaire"),
            "stage_form": bound.get("stage") or StageForm(cohort=cohort),
            "search": search,
            "found": found,
            "history": AuditEntry.objects.for_object("employers.cohort", cohort.pk)[:20],
        },
    )


@readers
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _cohort_page(request, access.get_cohort_for_user(request.user, pk))


@writers
@require_POST
def cohort_partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = access.get_cohort_for_user(request.user, pk, write=True)
    form = PartnerForm(request.POST, prefix="partenaire")
    if form.is_valid():
        company = form.cleaned_data["company"]
        assert isinstance(company, Company)
        services.set_cohort_partners(
            by=request.user, cohort=cohort, partners=[*cohort.partners.all(), company]
        )
        messages.success(request, f"{company.name} est partenaire de la cohorte.")
        return redirect(cohort)
    return _cohort_page(request, cohort, bound={"partner": form})


@writers
@require_POST
def cohort_partner_remove(request: HttpRequest, pk: int, company_pk: int) -> HttpResponse:
    cohort = access.get_cohort_for_user(request.user, pk, write=True)
    services.set_cohort_partners(
        by=request.user, cohort=cohort, partners=list(cohort.partners.exclude(pk=company_pk))
    )
    messages.success(request, "L'entreprise n'est plus partenaire de la cohorte.")
    return redirect(cohort)


@readers
@require_POST
def cohort_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = access.get_cohort_for_user(request.user, pk)
    youth = get_or_404(access.candidate_youths(request.user), pk=request.POST.get("youth"))
    if not access.can_act_for(request.user, youth):
        raise Http404
    try:
        services.enrol_in_cohort(by=request.user, cohort=cohort, youth=youth)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{youth.full_name} est inscrit·e dans la cohorte.")
    return redirect(f"{cohort.get_absolute_url()}#jeunes")


@writers
@require_POST
def cohort_stage_add(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = access.get_cohort_for_user(request.user, pk, write=True)
    form = StageForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            services.add_stage(by=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "L'étape est ajoutée au parcours.")
            return redirect(f"{cohort.get_absolute_url()}#etapes")
    return _cohort_page(request, cohort, bound={"stage": form})


@readers
def stage_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance of the members (of the user's zones) at a stage: one radio group per young person."""
    stage = get_or_404(CohortStage.objects.select_related("cohort", "company"), pk=pk)
    cohort = access.get_cohort_for_user(request.user, stage.cohort_id)
    scope = access.scope_filter(request.user)
    members = list(cohort.members.filter(scope).select_related("youth")) if scope is not None else []
    editable = [
        m for m in members if access.can_write(request.user) or access.can_act_for(request.user, m.youth)
    ]
    current = {a.member_id: a.status for a in Attendance.objects.filter(stage=stage)}
    errors = []
    if request.method == "POST":
        if not editable:
            raise Http404
        statuses = {}
        for member in editable:
            value = request.POST.get(f"presence-{member.pk}", "")
            if value in AttendanceStatus.values:
                statuses[member.pk] = value
        try:
            services.record_attendance(by=request.user, stage=stage, statuses=statuses)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "Les présences sont enregistrées.")
            return redirect(f"{cohort.get_absolute_url()}#etapes")
    rows = [{"member": m, "status": current.get(m.pk, ""), "editable": m in editable} for m in members]
    return render(
        request,
        "employers/stage_attendance.html",
        {
            "stage": stage,
            "cohort": cohort,
            "rows": rows,
            "choices": AttendanceStatus.choices,
            "can_edit": bool(editable),
            "errors": errors,
        },
    )


@readers
@require_POST
def member_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk)
    cohort = member.cohort
    form = MemberOutcomeForm(request.POST, prefix=f"sortie{member.pk}", partners=list(cohort.partners.all()))
    if form.is_valid():
        try:
            services.set_member_outcome(by=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, f"La sortie de {member.youth.full_name} est enregistrée.")
            return redirect(f"{cohort.get_absolute_url()}#jeunes")
    return _cohort_page(
        request, access.get_cohort_for_user(request.user, cohort.pk), bound={f"sortie{member.pk}": form}
    )
