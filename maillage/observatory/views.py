"""The observatory pages: thin views — scope → filters → selectors / dashboard → render, CSV or PDF."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from maillage.accounts.roles import ALL_ZONES_ROLES
from maillage.core import audit
from maillage.core.exports import csv_response

from . import dashboard, diagnosis, selectors
from .access import get_observatory_scope
from .enums import RefreshMode, TerritoryKind
from .formatting import fr_month
from .forms import ObservatoryFilterForm
from .models import DiagnosisReport
from .suppression import min_cell

FILTER_FIELDS = ("debut", "fin", "zone", "epci", "commune", "diffusable")
#: Who may start a refresh and archive a diagnosis: the direction and the analysts (and administrators).
REFRESH_ROLES = ALL_ZONES_ROLES


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in FILTER_FIELDS:
            params.pop(key)
    return params.urlencode()


def _can_refresh(user) -> bool:
    return getattr(user, "role", None) in REFRESH_ROLES


def _secret(request: HttpRequest, scope) -> bool:
    """Secrecy: always for elected officials; for staff when they ask for the "diffusable" version."""
    return scope.kind == "epcis" or request.GET.get("diffusable") == "1"


@require_GET
def index(request: HttpRequest) -> HttpResponseBase:
    scope = get_observatory_scope(request.user)
    territory = selectors.territory_index(scope)
    available = selectors.job_seekers_months()
    _, youth_last = dashboard.month_bounds()
    default_end = selectors.default_end_month(available[1], timezone.localdate(), youth_last=youth_last)
    data = request.GET if any(key in request.GET for key in FILTER_FIELDS[:5]) else None
    form = ObservatoryFilterForm(
        data,
        zones=territory.zones,
        epcis=territory.epcis,
        communes=territory.commune_choices(),
        default_end=default_end,
    )
    secret = _secret(request, scope)
    context = {
        "form": form,
        "scope": scope,
        "querystring": _querystring(request),
        "min_cell": min_cell(),
        "secret": secret,
        "staff_view": scope.kind != "epcis",
        "refresh": dashboard.refresh_state(can_refresh=_can_refresh(request.user)),
        "diagnosis_links": [],
    }
    if form.is_bound and not form.is_valid():
        if form.out_of_scope and not scope.sees_everything:
            raise Http404
        return render(request, "observatory/index.html", {**context, "selection": None}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    try:
        selection = selectors.resolve_selection(
            territory,
            scope,
            zone_id=filters.get("zone"),
            epci_id=filters.get("epci"),
            commune_id=filters.get("commune"),
        )
    except selectors.SelectionError as error:
        form.add_error(error.field, error.message)
        return render(request, "observatory/index.html", {**context, "selection": None}, status=400)

    start, end = form.period()
    export = request.GET.get("export")
    population = selectors.population_section(selection, with_map=not export)
    job_seekers = selectors.job_seekers_section(selection, start=start, end=end, available=available)
    bmo, bassins = selectors.bmo_section(selection)
    employment = selectors.employment_section(selection)
    youth = dashboard.youth_dashboard(
        selection, territory, start=start, end=end, secret=secret, with_map=not export
    )

    all_tables = [
        *youth.all_tables,
        *(t for section in (population, job_seekers, employment) for t in section.tables),
        *(c.table for section in (population, job_seekers, employment) for c in section.charts),
        *(b.table for b in bassins),
        *(b.chart.table for b in bassins if b.chart is not None),
    ]
    if export:
        table = next((t for t in all_tables if t.key == export), None)
        if table is None:
            context["export_error"] = (
                "Ce tableau n'existe pas pour cette sélection : il ne peut pas être exporté."
            )
            return render(request, "observatory/index.html", {**context, "selection": None}, status=400)
        if table in youth.all_tables:
            audit.record(
                "observatory.export",
                by=request.user,
                table=table.key,
                secret=secret,
                selection=selection.label,
            )
        suffix = "-diffusable" if secret and table in youth.all_tables else ""
        filename = f"observatoire-{table.key}-{slugify(selection.label)[:40] or 'territoire'}{suffix}.csv"
        return csv_response(filename, table.csv_header(), table.csv_rows())

    sources = [
        (label, section.source, section.vintage)
        for label, section in (
            ("Population par âge", population),
            ("Demandeurs d'emploi", job_seekers),
            ("Besoins en main-d'œuvre", bmo),
            ("Emplois et établissements", employment),
        )
        if section.available
    ]
    context.update(
        {
            "selection": selection,
            "period_label": f"{fr_month(start)} – {fr_month(end)}",
            "youth": youth,
            "population": population,
            "job_seekers": job_seekers,
            "bmo": bmo,
            "bassins": bassins,
            "employment": employment,
            "sources": sources,
            "diagnosis_links": _diagnosis_links(territory, scope),
        }
    )
    return render(request, "observatory/index.html", context)


def _diagnosis_links(territory: selectors.TerritoryIndex, scope) -> list[tuple[str, str]]:
    links = []
    for pk, name in territory.zones:
        if scope.allows_zone(pk):
            links.append((name, reverse("observatory:diagnosis", args=[TerritoryKind.ZONE, pk])))
    for pk, name in territory.epcis:
        if scope.allows_epci(pk):
            links.append((name, reverse("observatory:diagnosis", args=[TerritoryKind.EPCI, pk])))
    return links


# --- Refresh ------------------------------------------------------------------------------------------------


@require_POST
def refresh(request: HttpRequest) -> HttpResponseBase:
    """Start an incremental refresh (a background task) — direction and analysts only."""
    get_observatory_scope(request.user)
    if not _can_refresh(request.user):
        raise Http404
    from . import refresh as engine_refresh
    from .tasks import refresh_indicators

    mode = RefreshMode.FULL if request.POST.get("mode") == RefreshMode.FULL else RefreshMode.INCREMENTAL
    try:
        run = engine_refresh.start_run(mode=mode, by=request.user)
    except engine_refresh.RefreshBusy:
        messages.warning(request, "Une actualisation est déjà en cours : attendez qu'elle se termine.")
        return redirect(reverse("observatory:index"))
    audit.record("observatory.refresh_requested", by=request.user, run_id=run.pk, mode=mode)
    result = refresh_indicators.enqueue(run.pk)
    type(run).objects.filter(pk=run.pk).update(task_result_id=str(result.id)[:64])
    run.refresh_from_db()
    if run.status == "succeeded":
        messages.success(request, "Les indicateurs ont été actualisés.")
    elif run.status == "failed":
        messages.error(
            request, "L'actualisation a échoué : le détail est dans le journal de l'actualisation."
        )
    else:
        messages.info(
            request, "L'actualisation des indicateurs a commencé : cette page indique son avancement."
        )
    return redirect(reverse("observatory:index"))


@require_GET
def refresh_status(request: HttpRequest) -> HttpResponse:
    """The refresh panel alone (htmx polls it while a refresh runs)."""
    get_observatory_scope(request.user)
    if not _can_refresh(request.user):
        raise Http404
    return render(
        request, "observatory/_refresh.html", {"refresh": dashboard.refresh_state(can_refresh=True)}
    )


# --- Local diagnosis ---------------------------------------------------------------------------------------


@dataclass
class DiagnosisRequest:
    territory: diagnosis.Territory
    quarter: diagnosis.Quarter | None
    error: str
    bounds: tuple
    communes: tuple

    def build(self) -> diagnosis.Diagnosis:
        assert self.quarter is not None
        return diagnosis.build_diagnosis(
            self.territory, self.quarter, bounds=self.bounds, communes=self.communes
        )


def _diagnosis_for(request: HttpRequest, kind: str, pk: int) -> DiagnosisRequest:
    scope = get_observatory_scope(request.user)
    communes = diagnosis.all_communes()
    territory = diagnosis.resolve_territory(scope, kind, pk, communes)
    bounds = dashboard.month_bounds()
    default = diagnosis.last_complete_quarter(bounds[1])
    try:
        quarter = diagnosis.parse_period(request.GET.get("periode"), default=default)
    except diagnosis.PeriodError as error:
        return DiagnosisRequest(territory, None, str(error), bounds, communes)
    return DiagnosisRequest(territory, quarter, "", bounds, communes)


@require_GET
def diagnosis_page(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    wanted = _diagnosis_for(request, kind, pk)
    territory, quarter, error = wanted.territory, wanted.quarter, wanted.error
    reports = DiagnosisReport.objects.for_territory(kind, pk).select_related("generated_by")[:40]
    if quarter is None:
        return render(
            request,
            "observatory/diagnosis.html",
            {"territory": territory, "period_error": error, "reports": reports, "diagnosis": None},
            status=400,
        )
    built = wanted.build()
    export = request.GET.get("export")
    if export:
        table = next((t for t in built.all_tables if t.key == export), None)
        if table is None:
            raise Http404
        audit.record(
            "observatory.export", by=request.user, table=table.key, secret=True, selection=territory.name
        )
        return csv_response(
            f"etat-des-lieux-{table.key}-{slugify(territory.name)[:40]}-{quarter.key.lower()}.csv",
            table.csv_header(),
            table.csv_rows(),
        )
    return render(
        request,
        "observatory/diagnosis.html",
        {
            "territory": territory,
            "diagnosis": built,
            "quarter": quarter,
            "previous_quarter": quarter.shifted(-1),
            "next_quarter": quarter.shifted(1),
            "reports": reports,
            "can_archive": _can_refresh(request.user),
            "min_cell": min_cell(),
            "querystring": f"periode={quarter.key}",
        },
    )


@require_GET
def diagnosis_pdf(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    wanted = _diagnosis_for(request, kind, pk)
    territory, quarter = wanted.territory, wanted.quarter
    if quarter is None:
        raise Http404
    started = time.perf_counter()
    content = diagnosis.render_pdf(wanted.build())
    audit.record(
        "observatory.diagnosis_pdf",
        by=request.user,
        territory=f"{kind}:{pk}",
        period=quarter.key,
        seconds=round(time.perf_counter() - started, 2),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{diagnosis.pdf_filename(territory, quarter)}"'
    return response


@require_POST
def diagnosis_archive(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    wanted = _diagnosis_for(request, kind, pk)
    territory, quarter = wanted.territory, wanted.quarter
    if not _can_refresh(request.user) or quarter is None:
        raise Http404
    report = diagnosis.archive_diagnosis(territory, quarter, by=request.user)
    audit.record("observatory.diagnosis_archived", by=request.user, report_id=report.pk, period=quarter.key)
    messages.success(request, f"Le rapport du {quarter.label} est archivé.")
    return redirect(f"{reverse('observatory:diagnosis', args=[kind, pk])}?periode={quarter.key}")


@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An archived report, for whoever may read its territory."""
    scope = get_observatory_scope(request.user)
    report = DiagnosisReport.objects.filter(pk=pk).first()
    if report is None:
        raise Http404
    territory_pk = report.zone_id if report.territory_kind == TerritoryKind.ZONE else report.epci_id
    diagnosis.resolve_territory(scope, report.territory_kind, territory_pk or 0)
    if not report.file or not report.file.storage.exists(report.file.name):
        raise Http404
    audit.record("observatory.report_downloaded", by=request.user, report_id=report.pk)
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
