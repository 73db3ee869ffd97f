"""Projects answering calls for projects, their consortium, documents and tasks; the deadlines calendar;
funding lines with their co-financing and participant evidence packs."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.core.access import role_required
from maillage.core.audit import record
from maillage.core.exports import csv_response
from maillage.core.pagination import paginate, querystring_without_page

from .. import access, selectors, services
from ..enums import ConsortiumRole, TaskStatus
from ..forms import (
    ConsortiumMemberForm,
    FundingLineForm,
    FundingShareFormSet,
    ProjectDocumentForm,
    ProjectFilterForm,
    ProjectForm,
    ProjectTaskForm,
    ProjectTransitionForm,
    apply_validation_error,
)
from ..models import (
    PROJECT_EDITOR_ROLES,
    PROJECT_READER_ROLES,
    ConsortiumMember,
    FundingLine,
    Project,
    ProjectDocument,
    ProjectTask,
)

readers = role_required(*PROJECT_READER_ROLES)
editors = role_required(*PROJECT_EDITOR_ROLES)


@readers
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    lead = ConsortiumMember.objects.filter(project=OuterRef("pk"), role=ConsortiumRole.LEAD).values(
        "organisation__name"
    )[:1]
    open_tasks = (
        ProjectTask.objects.filter(project=OuterRef("pk"), status=TaskStatus.TODO)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    projects = (
        Project.objects.visible_to(request.user)
        .select_related("manager")
        .annotate(
            lead_name=Subquery(lead),
            open_task_count=Coalesce(Subquery(open_tasks, output_field=IntegerField()), 0),
        )
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            projects = projects.filter(
                Q(title__icontains=data["q"])
                | Q(funder_name__icontains=data["q"])
                | Q(call_title__icontains=data["q"])
            )
        if data.get("status"):
            projects = projects.filter(status=data["status"])
        if data.get("funder_kind"):
            projects = projects.filter(funder_kind=data["funder_kind"])
    elif form.is_bound:
        projects = projects.none()
    if request.GET.get("format") == "csv":
        return csv_response(
            "projets.csv",
            [
                "projet",
                "appel",
                "financeur",
                "type de financeur",
                "date limite",
                "montant demandé",
                "montant accordé",
                "statut",
                "chef de file",
                "responsable",
                "tâches ouvertes",
            ],
            (
                [
                    p.title,
                    p.call_title,
                    p.funder_name,
                    p.get_funder_kind_display(),
                    p.deadline.strftime("%d/%m/%Y") if p.deadline else "",
                    p.amount_requested if p.amount_requested is not None else "",
                    p.amount_granted if p.amount_granted is not None else "",
                    p.get_status_display(),
                    p.lead_name or "",
                    str(p.manager) if p.manager_id else "",
                    p.open_task_count,
                ]
                for p in projects
            ),
        )
    page = paginate(request, projects, per_page=50)
    return render(
        request,
        "partners/project_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_edit": access.can_edit_projects(request.user),
        },
    )


def _render_project(request: HttpRequest, project: Project, status: int = 200, **forms) -> HttpResponse:
    can_edit = access.can_edit_projects(request.user)
    transitions = services.allowed_project_transitions(project)
    context = {
        "project": project,
        "members": project.members.select_related("organisation"),
        "documents": project.documents.select_related("uploaded_by"),
        "tasks": project.tasks.select_related("owner"),
        "funding_lines": selectors.with_achieved(project.funding_lines.select_related("zone")),
        "can_edit": can_edit,
        "transitions": transitions,
        "transition_form": forms.get("transition_form") or ProjectTransitionForm(choices=transitions),
        "member_form": forms.get("member_form") or ConsortiumMemberForm(),
        "document_form": forms.get("document_form") or ProjectDocumentForm(),
        "task_form": forms.get("task_form") or ProjectTaskForm(),
        "today": timezone.localdate(),
    }
    return render(request, "partners/project_detail.html", context, status=status)


@readers
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, pk)
    return _render_project(request, project)


@editors
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, initial={"manager": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.save_project(by=request.user, fields=form.model_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Le projet est créé (statut « Idée »).")
            return redirect("partners:project_detail", pk=project.pk)
    return render(request, "partners/project_form.html", {"form": form, "project": None})


@editors
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, pk)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_project(
                by=request.user,
                project=project,
                fields=form.model_fields(),
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Le projet est enregistré.")
            return redirect("partners:project_detail", pk=project.pk)
    return render(request, "partners/project_form.html", {"form": form, "project": project})


@require_POST
@editors
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, pk)
    form = ProjectTransitionForm(request.POST, choices=services.allowed_project_transitions(project))
    if form.is_valid():
        try:
            project = services.change_project_status(
                by=request.user,
                project=project,
                to=form.cleaned_data["to"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Le projet passe au statut « {project.get_status_display()} ».")
            return redirect("partners:project_detail", pk=project.pk)
    return _render_project(request, project, status=400, transition_form=form)


@require_POST
@editors
def project_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, pk)
    form = ConsortiumMemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_consortium_member(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "La structure rejoint le consortium.")
            return redirect("partners:project_detail", pk=project.pk)
    return _render_project(request, project, status=400, member_form=form)


@require_POST
@editors
def project_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(ConsortiumMember.objects.select_related("project"), pk=pk)
    services.remove_consortium_member(by=request.user, member=member)
    messages.success(request, "La structure ne fait plus partie du consortium.")
    return redirect("partners:project_detail", pk=member.project_id)


@require_POST
@editors
def project_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, pk)
    form = ProjectDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_project_document(
                by=request.user,
                project=project,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, "Le document est ajouté.")
            return redirect("partners:project_detail", pk=project.pk)
    return _render_project(request, project, status=400, document_form=form)


@readers
def project_document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(ProjectDocument.objects.select_related("project"), pk=pk)
    access.get_project_for_user(request.user, document.project_id)
    record("partners.project_document_read", by=request.user, obj=document.project, document=document.pk)
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.original_name or document.file.name
    )
    response["Content-Type"] = document.content_type or "application/octet-stream"
    return response


@require_POST
@editors
def project_document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(ProjectDocument.objects.select_related("project"), pk=pk)
    services.delete_project_document(by=request.user, document=document)
    messages.success(request, "Le document est supprimé.")
    return redirect("partners:project_detail", pk=document.project_id)


@require_POST
@editors
def project_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, pk)
    form = ProjectTaskForm(request.POST)
    if form.is_valid():
        services.add_project_task(by=request.user, project=project, **form.cleaned_data)
        messages.success(request, "La tâche est ajoutée.")
        return redirect("partners:project_detail", pk=project.pk)
    return _render_project(request, project, status=400, task_form=form)


@require_POST
@editors
def project_task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ProjectTask.objects.select_related("project"), pk=pk)
    done = task.status != TaskStatus.DONE
    services.set_project_task_done(by=request.user, task=task, done=done)
    messages.success(request, "Tâche faite." if done else "Tâche rouverte.")
    return redirect("partners:project_detail", pk=task.project_id)


@readers
def deadlines(request: HttpRequest) -> HttpResponse:
    upcoming = selectors.upcoming_deadlines()
    return render(
        request,
        "partners/deadlines.html",
        {
            "months": selectors.deadlines_by_month(upcoming),
            "count": len(upcoming),
            "today": timezone.localdate(),
        },
    )


# ------------------------------------------------------------------------------------------- funding lines


@readers
def funding_line_list(request: HttpRequest) -> HttpResponse:
    lines = selectors.with_achieved(
        FundingLine.objects.visible_to(request.user)
        .select_related("project", "zone")
        .annotate(
            share_total=Coalesce(
                Sum("shares__percentage"),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=6, decimal_places=2),
            )
        )
        .order_by("-starts_on", "title", "pk")
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            "lignes-de-financement.csv",
            [
                "action",
                "financeur",
                "type",
                "projet",
                "dispositif",
                "zone",
                "début",
                "fin",
                "participants visés",
                "participants réalisés",
                "montant",
                "cofinancement (%)",
            ],
            (
                [
                    line.title,
                    line.funder_name,
                    line.get_funder_kind_display(),
                    line.project.title if line.project_id else "",
                    line.programme_code,
                    line.zone.name if line.zone_id else "tout le territoire",
                    line.starts_on.strftime("%d/%m/%Y"),
                    line.ends_on.strftime("%d/%m/%Y"),
                    line.target_participants,
                    line.achieved,
                    line.amount if line.amount is not None else "",
                    line.share_total,
                ]
                for line in lines
            ),
        )
    page = paginate(request, lines, per_page=50)
    return render(
        request,
        "partners/funding_line_list.html",
        {
            "page": page,
            "querystring": querystring_without_page(request),
            "can_edit": access.can_edit_projects(request.user),
        },
    )


@readers
def funding_line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.get_funding_line_for_user(request.user, pk)
    return render(
        request,
        "partners/funding_line_detail.html",
        {
            "line": line,
            "achieved": selectors.achieved_participants(line),
            "shares": line.shares.all(),
            "share_total": selectors.share_total(line),
            "can_edit": access.can_edit_projects(request.user),
            "youth_available": selectors.youth_data_available(),
        },
    )


@editors
def funding_line_create(request: HttpRequest) -> HttpResponse:
    initial = {"project": request.GET.get("projet")} if (request.GET.get("projet") or "").isdigit() else {}
    form = FundingLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.save_funding_line(by=request.user, fields=form.model_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "La ligne de financement est créée. Indiquez ses cofinancements.")
            return redirect("partners:funding_line_shares", pk=line.pk)
    return render(request, "partners/funding_line_form.html", {"form": form, "line": None})


@editors
def funding_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.get_funding_line_for_user(request.user, pk)
    form = FundingLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_funding_line(by=request.user, line=line, fields=form.model_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "La ligne de financement est enregistrée.")
            return redirect("partners:funding_line_detail", pk=line.pk)
    return render(request, "partners/funding_line_form.html", {"form": form, "line": line})


@editors
def funding_line_shares(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.get_funding_line_for_user(request.user, pk)
    initial = [
        {"funder_kind": s.funder_kind, "funder_name": s.funder_name, "percentage": s.percentage}
        for s in line.shares.all()
    ]
    formset = FundingShareFormSet(request.POST or None, initial=initial, prefix="parts")
    if request.method == "POST" and formset.is_valid():
        try:
            services.set_funding_shares(by=request.user, line=line, shares=formset.shares())
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, "Les parts de cofinancement sont enregistrées.")
            return redirect("partners:funding_line_detail", pk=line.pk)
    return render(request, "partners/funding_shares_form.html", {"formset": formset, "line": line})


EVIDENCE_HEADER = [
    "n° de dossier",
    "nom",
    "prénoms",
    "date de naissance",
    "âge à l'entrée",
    "commune",
    "zone",
    "QPV",
    "niveau de formation",
    "entrée",
    "sortie",
    "statut",
    "éligibilité",
    "présences",
    "heures",
]


@readers
def evidence_pack_csv(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.get_funding_line_for_user(request.user, pk)
    rows = selectors.participants(line, user=request.user)
    record("partners.evidence_pack_exported", by=request.user, obj=line, format="csv", participants=len(rows))
    return csv_response(
        f"justificatifs-ligne-{line.pk}.csv",
        EVIDENCE_HEADER,
        (
            [
                p.youth_id,
                p.last_name,
                p.first_names,
                p.birth_date.strftime("%d/%m/%Y") if p.birth_date else "",
                p.age_at_entry if p.age_at_entry is not None else "",
                p.commune,
                p.zone,
                "oui" if p.in_qpv else "non",
                p.education_level,
                p.entered_on.strftime("%d/%m/%Y"),
                p.left_on.strftime("%d/%m/%Y") if p.left_on else "",
                p.status,
                p.eligibility_note,
                p.attended_events,
                str(p.attended_hours).replace(".", ","),
            ]
            for p in rows
        ),
    )


@readers
def evidence_pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import CSS, HTML

    line = access.get_funding_line_for_user(request.user, pk)
    rows = selectors.participants(line, user=request.user)
    context = {
        "line": line,
        "participants": rows,
        "eligible_count": sum(1 for p in rows if p.eligible),
        "achieved": selectors.achieved_participants(line),
        "shares": line.shares.all(),
        "generated_at": timezone.localtime(),
        "generated_by": request.user,
        "youth_available": selectors.youth_data_available(),
    }
    html = render_to_string("partners/pdf/evidence_pack.html", context, request=request)
    stylesheet = CSS(string=render_to_string("partners/pdf/evidence_pack.css"))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(stylesheets=[stylesheet])
    record("partners.evidence_pack_exported", by=request.user, obj=line, format="pdf", participants=len(rows))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="justificatifs-ligne-{line.pk}.pdf"'
    return response
