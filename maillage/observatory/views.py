"""The observatory page: thin view — scope → filters → selectors → render or CSV."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.exports import csv_response

from . import selectors
from .access import get_observatory_scope
from .formatting import fr_month
from .forms import ObservatoryFilterForm
from .suppression import min_cell

FILTER_FIELDS = ("debut", "fin", "zone", "epci", "commune")


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in FILTER_FIELDS:
            params.pop(key)
    return params.urlencode()


def index(request: HttpRequest) -> HttpResponseBase:
    scope = get_observatory_scope(request.user)
    territory = selectors.territory_index(scope)
    available = selectors.job_seekers_months()
    default_end = selectors.default_end_month(available[1], timezone.localdate())
    data = request.GET if any(key in request.GET for key in FILTER_FIELDS) else None
    form = ObservatoryFilterForm(
        data,
        zones=territory.zones,
        epcis=territory.epcis,
        communes=territory.commune_choices(),
        default_end=default_end,
    )
    context = {"form": form, "scope": scope, "querystring": _querystring(request), "min_cell": min_cell()}
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

    all_tables = [
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
        filename = f"observatoire-{table.key}-{slugify(selection.label)[:40] or 'territoire'}.csv"
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
            "population": population,
            "job_seekers": job_seekers,
            "bmo": bmo,
            "bassins": bassins,
            "employment": employment,
            "sources": sources,
        }
    )
    return render(request, "observatory/index.html", context)
