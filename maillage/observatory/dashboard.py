"""The youth indicators of /observatoire/: read from the summary tables only, published with the secrecy rule.

`Summary` reads `IndicatorValue` (a handful of grouped queries, whatever the territory and the period);
`youth_dashboard` turns it into blocks of key figures, SVG charts and tables (shown and exported as CSV),
through a `publication.Publisher` (the secrecy rule for elected officials and "diffusable" versions).
The equity view (coverage rate by commune against its zone and the whole area) is `equity_block`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum

from . import charts, indicators, tables
from .charts import Chart, LegendEntry
from .formatting import add_months, fr_month, fr_number, fr_percent, fr_signed, months_between
from .indicators import EXIT_KINDS, HEADLINE_VULNERABLE, HORIZONS, VULNERABLE_DIMENSIONS, Kind
from .models import CommunePopulation, IndicatorValue, RefreshRun
from .publication import CountColumn, Figure, Publisher, RateColumn, build_table, cell, display, total
from .selectors import CommuneInfo, KeyFigure, Selection, TerritoryIndex
from .sources import SOURCES
from .suppression import suppressed_label

Key = tuple[int, str, str]  # (commune id, indicator, dimension)

EVENT_KIND_LABELS = {
    "appointment": "Entretiens individuels",
    "workshop": "Ateliers",
    "message": "Messages",
    "information": "Informations collectives",
}
PROPOSAL_KIND_LABELS = {
    "job": "Emploi",
    "training": "Formation",
    "immersion": "Immersion (PMSMP)",
    "apprenticeship": "Alternance",
    "civic_service": "Service civique",
    "financial_aid": "Aide financière",
    "partner_service": "Service d'un partenaire",
    "other": "Autre",
}
PROPOSAL_STATUS_LABELS = {
    "proposed": "Proposée",
    "accepted": "Acceptée",
    "in_progress": "En cours",
    "completed": "Réalisée",
    "refused": "Refusée",
    "abandoned": "Abandonnée",
}
EXIT_LABELS = dict(EXIT_KINDS)
VULNERABLE_LABELS = dict(VULNERABLE_DIMENSIONS)
COVERAGE_NOTE = (
    "Taux de couverture : jeunes accompagnés dans la période (au moins un contact) pour 100 jeunes de "
    "15 à 24 "
    "ans du recensement. Le dénominateur est la tranche 15-24 ans publiée par l'Insee, alors que le "
    "public de "
    "la Mission locale a de 16 à 25 ans : le taux est un ordre de grandeur, utile pour comparer les communes "
    "entre elles, pas une part exacte."
)
TOP_PRIORITY = 10


# --- Reading the summary tables --------------------------------------------------------------------------


class Summary:
    """The stored indicators of some communes over a period [start, end] (months, inclusive)."""

    def __init__(self, commune_ids: Iterable[int] | None, start: date, end: date, *, last_month: date | None):
        self.commune_ids = None if commune_ids is None else list(commune_ids)
        self.start, self.end = start, end
        self.last_month = last_month

    def _rows(self):
        rows = IndicatorValue.objects.all()
        if self.commune_ids is not None:
            rows = rows.filter(commune_id__in=self.commune_ids)
        return rows

    def figures(self, codes: Sequence[str]) -> dict[Key, Figure]:
        """{(commune, indicator, dimension): Figure} for the period, by the kind of each indicator."""
        by_kind: dict[Kind, list[str]] = defaultdict(list)
        for code in codes:
            by_kind[indicators.get(code).kind].append(code)
        result: dict[Key, Figure] = {}
        flows = by_kind[Kind.FLOW] + by_kind[Kind.MEASURE]
        if flows:
            additive = {c for c in flows if indicators.get(c).persons_additive}
            persons_of: dict[Key, int] = defaultdict(int)
            values_of: dict[Key, int] = defaultdict(int)
            nobody: set[Key] = set()
            rows = (
                self._rows()
                .filter(indicator__in=flows, month__range=(self.start, self.end))
                .values_list("commune_id", "quartier_id", "qpv_id", "indicator", "dimension")
                .annotate(v=Sum("value"), p_max=Max("persons"), p_sum=Sum("persons"))
                .order_by()
            )
            for commune, _, _, code, dimension, v, p_max, p_sum in rows:
                key = (commune, code, dimension)
                values_of[key] += v
                if p_max is None:
                    nobody.add(key)
                else:
                    # Several months: the largest month is a lower bound of the distinct young people
                    # (each geography holds different people, so the bounds add up).
                    persons_of[key] += p_sum if code in additive else p_max
            for key, v in values_of.items():
                result[key] = Figure(v, None if key in nobody else persons_of[key])
        if by_kind[Kind.DISTINCT]:
            rows = (
                self._rows()
                .filter(indicator__in=by_kind[Kind.DISTINCT], month__range=(self.start, self.end))
                .filter(Q(previous_month__isnull=True) | Q(previous_month__lt=self.start))
                .values_list("commune_id", "indicator", "dimension")
                .annotate(v=Sum("value"))
                .order_by()
            )
            for commune, code, dimension, v in rows:
                result[commune, code, dimension] = Figure(v, v)
        if by_kind[Kind.STOCK] and self.last_month is not None:
            at = min(self.end, self.last_month)
            rows = (
                self._rows()
                .filter(indicator__in=by_kind[Kind.STOCK], month=at)
                .values_list("commune_id", "indicator", "dimension")
                .annotate(v=Sum("value"))
                .order_by()
            )
            for commune, code, dimension, v in rows:
                result[commune, code, dimension] = Figure(v, v)
        return result

    def by_subdivision(self, field: str) -> dict[tuple[int, str], Figure]:
        """Young people accompanied (distinct) and new files by Rennes quartier or QPV (`field`:
        "quartier_id" or "qpv_id"), for the communes of this summary."""
        rows = self._rows().filter(month__range=(self.start, self.end)).exclude(**{f"{field}__isnull": True})
        result: dict[tuple[int, str], Figure] = {}
        distinct = (
            rows.filter(indicator="youths_accompanied")
            .filter(Q(previous_month__isnull=True) | Q(previous_month__lt=self.start))
            .values_list(field)
            .annotate(v=Sum("value"))
            .order_by()
        )
        for key, v in distinct:
            result[key, "youths_accompanied"] = Figure(v, v)
        files = rows.filter(indicator="new_files").values_list(field).annotate(v=Sum("value")).order_by()
        for key, v in files:
            result[key, "new_files"] = Figure(v, v)
        return result

    def monthly(self, codes: Sequence[str]) -> dict[tuple[date, str, str], Figure]:
        rows = (
            self._rows()
            .filter(indicator__in=list(codes), month__range=(self.start, self.end))
            .values_list("month", "indicator", "dimension")
            .annotate(v=Sum("value"), p=Sum("persons"))
            .order_by()
        )
        return {(month, code, dim): Figure(v, p) for month, code, dim, v, p in rows}


def distinct_over(
    commune_ids: Iterable[int] | None, ranges: Sequence[tuple[date, date]], code: str
) -> list[int]:
    """Distinct young people of `code` over each range, in one query (a conditional sum per range)."""
    rows = IndicatorValue.objects.filter(indicator=code)
    if commune_ids is not None:
        rows = rows.filter(commune_id__in=list(commune_ids))
    aggregates = {
        f"r{k}": Sum(
            "value",
            filter=Q(month__range=(a, b)) & (Q(previous_month__isnull=True) | Q(previous_month__lt=a)),
        )
        for k, (a, b) in enumerate(ranges)
    }
    result = rows.aggregate(**aggregates) if aggregates else {}
    return [result.get(f"r{k}") or 0 for k in range(len(ranges))]


def month_bounds() -> tuple[date | None, date | None]:
    bounds = IndicatorValue.objects.filter(indicator="youths_accompanied").aggregate(
        first=Min("month"), last=Max("month")
    )
    return bounds["first"], bounds["last"]


def young_population(commune_ids: Iterable[int] | None = None) -> tuple[dict[int, Decimal], str, str]:
    """15-24 year-olds of the census by commune (latest vintage), its source and vintage."""
    rows = CommunePopulation.objects.latest_vintage()
    if commune_ids is not None:
        rows = rows.filter(commune_id__in=list(commune_ids))
    values = list(rows.values_list("commune_id", "age_15_24", "source", "vintage"))
    if not values:
        return {}, "", ""
    return {c: v for c, v, _, _ in values}, values[0][2], values[0][3]


# --- Refresh status -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshState:
    last: RefreshRun | None
    current: RefreshRun | None
    failed: RefreshRun | None
    can_refresh: bool


def refresh_state(*, can_refresh: bool) -> RefreshState:
    """The last successful refresh, the running one and the last failure, in one query."""
    runs = list(RefreshRun.objects.order_by("-created", "-id")[:20])
    last = next((r for r in runs if r.status == "succeeded"), None)
    current = next((r for r in runs if r.status in ("queued", "running")), None)
    failed = runs[0] if runs and runs[0].status == "failed" else None
    return RefreshState(last=last, current=current, failed=failed, can_refresh=can_refresh)


# --- Blocks of the page -------------------------------------------------------------------------------------


@dataclass
class Block:
    key: str
    title: str
    intro: str = ""
    figures: list[KeyFigure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[tables.Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: "Source absente…" when the family's source does not exist here.
    missing: str = ""
    map_svg: str = ""
    map_legend: tuple[LegendEntry, ...] = ()
    map_caption: str = ""
    priorities: list[str] = field(default_factory=list)


@dataclass
class YouthDashboard:
    available: bool
    secret: bool
    start: date
    end: date
    blocks: list[Block] = field(default_factory=list)
    figures: list[KeyFigure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def all_tables(self) -> list[tables.Table]:
        found = []
        for block in self.blocks:
            found += block.tables
            found += [c.table for c in block.charts]
        return found


def _sum(figures: dict[Key, Figure], commune_ids: Iterable[int], code: str, dimension: str = "") -> Figure:
    return total([figures.get((c, code, dimension), Figure(0, 0)) for c in commune_ids])


def _dims(figures: dict[Key, Figure], code: str) -> set[str]:
    return {d for (_, c, d) in figures if c == code}


@dataclass
class Context:
    """Everything the blocks need, computed once."""

    selection: Selection
    index: TerritoryIndex
    publisher: Publisher
    start: date
    end: date
    figures: dict[Key, Figure]
    area: dict[str, Figure]
    population: dict[int, Decimal]
    population_source: str
    population_vintage: str
    area_population: Decimal
    monthly: dict[tuple[date, str, str], Figure]
    last_month: date | None
    #: What `area` is: the whole area on the page, the zone in a diagnosis.
    area_label: str = "l'ensemble du territoire"

    @property
    def ids(self) -> list[int]:
        return self.selection.ids

    def sel(self, code: str, dimension: str = "") -> Figure:
        return _sum(self.figures, self.ids, code, dimension)

    def rows(self) -> tuple[list[str], list[list[int]]]:
        """Row labels and the communes of each row: the detail communes, then the others of the selection."""
        detail = self.selection.detail_communes
        labels, groups = [c.name for c in detail], [[c.pk] for c in detail]
        others = [c.pk for c in self.selection.communes if c.pk not in self.selection.detail_ids]
        if others:
            labels.append(f"Autres communes de la sélection ({len(others)})")
            groups.append(others)
        return labels, groups

    def column(self, code: str, dimension: str = "") -> tuple[list[Figure], Figure]:
        labels, groups = self.rows()
        return [_sum(self.figures, g, code, dimension) for g in groups], self.sel(code, dimension)


ALL_CODES = [i.code for i in indicators.REGISTRY.values() if i.stored]


def youth_dashboard(
    selection: Selection,
    index: TerritoryIndex,
    *,
    start: date,
    end: date,
    secret: bool,
    with_map: bool = True,
) -> YouthDashboard:
    first, last = month_bounds()
    board = YouthDashboard(available=last is not None, secret=secret, start=start, end=end)
    if last is None:
        return board
    publisher = Publisher(secret=secret)
    scope_ids = [c.pk for c in index.communes]
    summary = Summary(scope_ids, start, end, last_month=last)
    figures = summary.figures(ALL_CODES)
    area_accompanied = distinct_over(None, [(start, end)], "youths_accompanied")[0]
    population, pop_source, pop_vintage = young_population()
    monthly = Summary(selection.ids, start, end, last_month=last).monthly(
        ["youths_accompanied", "new_files", "appointments_attended", "appointments_missed"]
    )
    context = Context(
        selection=selection,
        index=index,
        publisher=publisher,
        start=start,
        end=end,
        figures=figures,
        area={"youths_accompanied": Figure(area_accompanied, area_accompanied)},
        population=dict(population),
        population_source=pop_source,
        population_vintage=pop_vintage,
        area_population=sum(population.values(), Decimal(0)),
        monthly=monthly,
        last_month=last,
    )
    if end > last:
        board.notes.append(
            f"Les indicateurs sont calculés jusqu'à {fr_month(last)} : les mois suivants de la période "
            "sont vides."
        )
    if start < (first or start):
        board.notes.append(f"Premier mois connu : {fr_month(first)}.")
    board.figures = _headline(context)
    board.blocks = [
        _accompaniment_block(context),
        *_subdivisions_block(context, Summary(selection.ids, start, end, last_month=last)),
        equity_block(context, with_map=with_map),
        _programmes_block(context),
        _proposals_block(context),
        _exits_block(context),
        _vulnerable_block(context),
        *_optional_blocks(context),
    ]
    return board


def _headline(c: Context) -> list[KeyFigure]:
    p = c.publisher
    accompanied = p.count(c.sel("youths_accompanied"))
    files = p.count(c.sel("new_files"))
    young = sum((c.population.get(pk, Decimal(0)) for pk in c.ids), Decimal(0))
    coverage = p.ratio(accompanied.value or 0, int(young), scale=100, base=accompanied)
    items = [
        KeyFigure("Jeunes accompagnés", display(accompanied), "au moins un contact dans la période"),
        KeyFigure(
            "Taux de couverture",
            fr_percent(coverage)
            if coverage is not None
            else "non publiable"
            if accompanied.suppressed
            else "—",
            "jeunes accompagnés pour 100 jeunes de 15 à 24 ans",
        ),
        KeyFigure("Nouveaux dossiers", display(files), "premier accueil dans la période"),
    ]
    delay = _ratio(c, "first_appointment_delay")
    items.append(
        KeyFigure("Délai moyen avant le premier entretien", _ratio_text(delay, "jours"), "nouveaux dossiers")
    )
    absence = _ratio(c, "no_show_rate")
    items.append(
        KeyFigure("Taux d'absence aux entretiens", _ratio_text(absence, "%"), "entretiens individuels")
    )
    exits = p.count(total([c.sel("exits", k) for k, _ in EXIT_KINDS]))
    items.append(KeyFigure("Sorties vers l'emploi ou la formation", display(exits), "dans la période"))
    return items


def _ratio(
    c: Context, code: str, dimension: str = "", ids: Sequence[int] | None = None
) -> Decimal | None | str:
    """A RATIO indicator over the selection: its value, None (no data) or "hidden" (not publishable)."""
    indicator = indicators.get(code)
    ids = c.ids if ids is None else ids

    def fig(x: str) -> Figure:
        return _sum(c.figures, ids, x, dimension)

    numerator = fig(indicator.numerator).value
    denominator = sum(fig(x).value for x in indicator.denominator)
    if not denominator:
        return None
    value = c.publisher.ratio(
        numerator, denominator, parts=[fig(x) for x in indicator.secrecy_parts], scale=indicator.scale
    )
    return "hidden" if value is None else value


def _ratio_text(value: Decimal | None | str, unit: str) -> str:
    if value == "hidden":
        return "non publiable"
    if value is None:
        return "—"
    assert isinstance(value, Decimal)
    return fr_percent(value) if unit == "%" else f"{fr_number(value, 1)}\u00a0{unit}"


def _series(c: Context, code: str, months: list[date], *, additive: bool) -> charts.Series:
    figures = [c.monthly.get((m, code, ""), Figure(0, 0)) for m in months]
    label = indicators.get(code).label
    if not c.publisher.secret:
        return charts.Series(label, [f.value for f in figures])
    published, _ = c.publisher.column(figures, total(figures), additive=additive)
    return charts.Series(
        label,
        [None if p.suppressed else p.value for p in published],
        suppressed=frozenset(k for k, p in enumerate(published) if p.suppressed),
    )


def _accompaniment_block(c: Context) -> Block:
    block = Block("accompagnement", "Accompagnement des jeunes")
    block.intro = (
        "Un jeune est accompagné dans la période s'il y a eu au moins un contact : entretien, atelier ou "
        "information collective où il est venu, ou message. Il est compté une fois, dans sa commune de "
        "résidence."
    )
    months = months_between(c.start, min(c.end, c.last_month or c.end))
    if len(months) > 1:
        block.charts.append(
            charts.line_chart(
                [
                    _series(c, "youths_accompanied", months, additive=False),
                    _series(c, "new_files", months, additive=True),
                ],
                x_labels=[fr_month(m) for m in months],
                tick_labels=[fr_month(m, short=True) for m in months],
                chart_id="graphique-accompagnement",
                title=f"Jeunes accompagnés et nouveaux dossiers par mois : {c.selection.label}",
                description=(
                    "Nombre de jeunes ayant eu au moins un contact dans le mois, et de nouveaux dossiers."
                ),
            )
        )
    labels, groups = c.rows()
    accompanied, accompanied_total = c.column("youths_accompanied")
    files, files_total = c.column("new_files")
    contact_figures = [total([_sum(c.figures, g, "contacts", k) for k in EVENT_KIND_LABELS]) for g in groups]
    contact_total = total([c.sel("contacts", k) for k in EVENT_KIND_LABELS])
    block.tables.append(
        build_table(
            key="jeunes-communes",
            caption=_caption(c, "Jeunes accompagnés, nouveaux dossiers et contacts par commune"),
            header_label="Commune",
            row_labels=labels,
            columns=[
                CountColumn("Jeunes accompagnés", accompanied, accompanied_total),
                CountColumn("Nouveaux dossiers", files, files_total),
                CountColumn("Contacts", contact_figures, contact_total),
            ],
            publisher=c.publisher,
            total_label=f"Total : {c.selection.label}",
            source=_own_source(c),
            with_total=len(labels) > 1,
        )
    )
    kinds = list(EVENT_KIND_LABELS)
    kind_figures = [c.sel("contacts", k) for k in kinds]
    kind_total = Figure(sum(f.value for f in kind_figures), c.sel("youths_accompanied").persons)
    published, _ = c.publisher.column(kind_figures, kind_total)
    chart = charts.bar_chart(
        [
            charts.Bar(EVENT_KIND_LABELS[k], None if p.suppressed else p.value, suppressed=p.suppressed)
            for k, p in zip(kinds, published, strict=True)
        ],
        chart_id="graphique-contacts",
        title=f"Contacts par type : {c.selection.label}",
        description="Entretiens honorés, ateliers et informations collectives suivis, messages.",
        category_label="Type de contact",
        value_label="Contacts",
    )
    block.charts.append(chart)
    attended, missed = c.sel("appointments_attended"), c.sel("appointments_missed")
    absence = _ratio(c, "no_show_rate")
    block.figures = [
        KeyFigure("Entretiens individuels honorés", display(c.publisher.count(attended))),
        KeyFigure("Entretiens manqués", display(c.publisher.count(missed))),
        KeyFigure("Taux d'absence", _ratio_text(absence, "%"), "manqués / (honorés + manqués)"),
    ]
    return block


def _subdivisions_block(c: Context, summary: Summary) -> list[Block]:
    """Rennes quartiers and the QPV (quartiers prioritaires) of the selection, when it has any."""
    from maillage.territory.models import QPV, Quartier

    detail_ids = [commune.pk for commune in c.selection.detail_communes]
    if not detail_ids or not Quartier.objects.filter(commune_id__in=detail_ids).exists():
        return []
    block = Block("quartiers", "Quartiers de Rennes et quartiers prioritaires (QPV)")
    block.intro = (
        "Jeunes accompagnés et nouveaux dossiers selon le quartier de résidence, et parmi eux ceux qui "
        "habitent un quartier prioritaire de la politique de la ville."
    )
    for column_name, model, key, label in (
        ("quartier_id", Quartier, "quartiers", "Quartier"),
        ("qpv_id", QPV, "qpv", "QPV"),
    ):
        figures = summary.by_subdivision(column_name)
        names = dict(model.objects.filter(commune_id__in=detail_ids).values_list("pk", "name"))
        keys = [
            pk for pk in names if any((pk, code) in figures for code in ("youths_accompanied", "new_files"))
        ]
        if not keys:
            continue
        keys.sort(key=lambda pk: names[pk])
        columns = []
        for code in ("youths_accompanied", "new_files"):
            values = [figures.get((pk, code), Figure(0, 0)) for pk in keys]
            columns.append(CountColumn(indicators.get(code).label, values, total(values)))
        block.tables.append(
            build_table(
                key=key,
                caption=f"Jeunes accompagnés et nouveaux dossiers par {label.lower()}",
                header_label=label,
                row_labels=[names[pk] for pk in keys],
                columns=columns,
                publisher=c.publisher,
                total_label="Total" if column_name == "quartier_id" else "Total des QPV",
                source=_own_source(c),
            )
        )
    return [block] if block.tables else []


def _caption(c: Context, what: str) -> str:
    if c.selection.detail_limited:
        return f"{what} — communes de votre EPCI, les autres regroupées"
    return what


def _own_source(c: Context) -> str:
    return f"Maillage, indicateurs calculés jusqu'à {fr_month(c.last_month)}" if c.last_month else "Maillage"


# --- Equity ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    commune: CommuneInfo
    accompanied: Figure
    population: Decimal | None
    rate: Decimal | None
    zone_rate: Decimal | None
    gap_zone: Decimal | None
    gap_area: Decimal | None
    shortfall: int | None


def coverage_rows(c: Context) -> tuple[list[CoverageRow], dict[int, Decimal | None], Decimal | None]:
    """Coverage of each detail commune against its zone's and the area's rate."""
    zone_totals: dict[int, list] = defaultdict(lambda: [0, Decimal(0)])
    for commune in c.index.communes:
        if commune.pk in c.population:
            zone_totals[commune.zone_id][0] += _sum(c.figures, [commune.pk], "youths_accompanied").value
            zone_totals[commune.zone_id][1] += c.population[commune.pk]
    zone_rates = {z: (Decimal(a) * 100 / p if p else None) for z, (a, p) in zone_totals.items()}
    area = c.area["youths_accompanied"].value
    area_rate = Decimal(area) * 100 / c.area_population if c.area_population else None
    rows = []
    for commune in c.selection.detail_communes:
        figure = _sum(c.figures, [commune.pk], "youths_accompanied")
        pop = c.population.get(commune.pk)
        rate = Decimal(figure.value) * 100 / pop if pop else None
        zone_rate = zone_rates.get(commune.zone_id)
        gap_zone = rate - zone_rate if rate is not None and zone_rate is not None else None
        gap_area = rate - area_rate if rate is not None and area_rate is not None else None
        shortfall = None
        if gap_zone is not None and gap_zone < 0 and pop:
            shortfall = int((-gap_zone * pop / 100).to_integral_value())
        rows.append(CoverageRow(commune, figure, pop, rate, zone_rate, gap_zone, gap_area, shortfall))
    return rows, zone_rates, area_rate


def equity_block(c: Context, *, with_map: bool = True, with_trend: bool = True) -> Block:
    block = Block("equite", "Taux de couverture et équité entre les territoires")
    block.intro = COVERAGE_NOTE
    if not c.population:
        block.missing = (
            "Population par âge (open data) : pas encore importée, "
            "le taux de couverture ne peut être calculé."
        )
        return block
    rows, zone_rates, area_rate = coverage_rows(c)
    p = c.publisher
    # The same equation as the table by commune (detail communes, the others together, the selection's
    # total, published in the key figures): a commune hidden there is hidden here, and only there.
    group_figures, group_total = c.column("youths_accompanied")
    group_published, _ = p.column(group_figures, group_total)
    published = group_published[: len(rows)]
    hidden = {r.commune.pk for r, pub in zip(rows, published, strict=True) if pub.suppressed}
    ranked = sorted(
        rows,
        key=lambda r: (
            r.commune.pk in hidden,
            r.gap_zone is None,
            r.gap_zone if r.gap_zone is not None else 0,
            r.commune.name,
        ),
    )
    by_pk = {r.commune.pk: pub for r, pub in zip(rows, published, strict=True)}

    def signed(value: Decimal | None, secret_cell: bool) -> tables.TableCell:
        if secret_cell:
            return tables.secret(suppressed_label(p.threshold))
        if value is None:
            return tables.TableCell(display="—", raw=None)
        return tables.TableCell(display=fr_signed(value, 1, suffix="pts"), raw=value.quantize(Decimal("0.1")))

    table_rows = []
    for r in ranked:
        secret_cell = r.commune.pk in hidden
        table_rows.append(
            tables.row(
                r.commune.name,
                [
                    tables.text(r.commune.zone_name),
                    tables.number(r.population),
                    cell(by_pk[r.commune.pk]),
                    tables.secret(suppressed_label(p.threshold)) if secret_cell else tables.percent(r.rate),
                    tables.percent(r.zone_rate),
                    signed(r.gap_zone, secret_cell),
                    signed(r.gap_area, secret_cell),
                    tables.secret(suppressed_label(p.threshold))
                    if secret_cell
                    else tables.number(r.shortfall),
                ],
            )
        )
    block.tables.append(
        tables.Table(
            key="couverture-communes",
            caption=_caption(
                c, "Taux de couverture par commune, des plus éloignées du taux de leur zone aux plus proches"
            ),
            header_label="Commune",
            columns=(
                tables.Column("Zone", numeric=False),
                tables.Column(f"15-24 ans ({c.population_vintage})"),
                tables.Column("Jeunes accompagnés"),
                tables.Column("Taux de couverture"),
                tables.Column("Taux de la zone"),
                tables.Column("Écart à la zone"),
                tables.Column("Écart à la zone" if c.area_label == "la zone" else "Écart au territoire"),
                tables.Column("Jeunes à rejoindre pour atteindre le taux de la zone"),
            ),
            rows=tuple(table_rows),
            source=f"Maillage et {c.population_source} (15-24 ans)",
            note=f"Taux de {c.area_label} : {fr_percent(area_rate)}." if area_rate is not None else "",
        )
    )
    selection_young = sum((c.population.get(pk, Decimal(0)) for pk in c.ids), Decimal(0))
    accompanied = p.count(c.sel("youths_accompanied"))
    rate = p.ratio(accompanied.value or 0, int(selection_young), scale=100, base=accompanied)
    block.figures = [
        KeyFigure(
            f"Taux de couverture : {c.selection.label}",
            fr_percent(rate) if rate is not None else "non publiable",
        ),
        KeyFigure(f"Taux de {c.area_label}", fr_percent(area_rate)),
    ]
    priorities = [r for r in ranked if r.commune.pk not in hidden and r.shortfall]
    priorities.sort(key=lambda r: (-(r.shortfall or 0), r.commune.name))
    block.priorities = [
        f"{r.commune.name} : {fr_percent(r.rate)} contre {fr_percent(r.zone_rate)} pour sa zone — environ "
        f"{fr_number(r.shortfall)} jeune{'s' if (r.shortfall or 0) > 1 else ''} de plus à rencontrer pour "
        "rejoindre le taux de la zone."
        for r in priorities[:TOP_PRIORITY]
    ]
    if with_map and len(rows) > 1:
        values = {r.commune.pk: r.rate for r in rows if r.commune.pk not in hidden}
        scheme = charts.choropleth(
            {r.commune.pk: r.rate for r in rows}, suppressed=hidden, classes=5, decimals=1, unit="%"
        )
        svg = charts.commune_map(
            scheme,
            title=f"Taux de couverture par commune : {c.selection.label}",
            description=(
                "Chaque commune est colorée selon son taux de couverture ; le tableau donne les "
                "mêmes valeurs."
            ),
            map_id="carte-couverture",
            titles={
                r.commune.pk: f"{r.commune.name} : "
                + (
                    suppressed_label(p.threshold)
                    if r.commune.pk in hidden
                    else fr_percent(values.get(r.commune.pk))
                )
                for r in rows
            },
            commune_ids=[r.commune.pk for r in rows],
        )
        if svg and "<path" in svg:
            block.map_svg, block.map_legend = svg, scheme.legend
            block.map_caption = "Taux de couverture (jeunes accompagnés pour 100 jeunes de 15 à 24 ans)."
    if with_trend:
        block.charts.append(_coverage_trend(c, selection_young, area_rate))
    return block


def _coverage_trend(c: Context, selection_young: Decimal, area_rate: Decimal | None) -> Chart:
    """Coverage of the selection and of the whole area over the last eight quarters ending with the period."""
    end_quarter = date(c.end.year, 3 * ((c.end.month - 1) // 3) + 1, 1)
    quarters = [add_months(end_quarter, -3 * k) for k in range(7, -1, -1)]
    ranges = [(q, add_months(q, 2)) for q in quarters]
    selected = distinct_over(c.ids, ranges, "youths_accompanied")
    area = distinct_over(None, ranges, "youths_accompanied")
    p = c.publisher
    published = [p.count(Figure(v, v)) for v in selected]
    labels = [f"T{(q.month - 1) // 3 + 1} {q.year}" for q in quarters]
    sel_values = [
        None if pub.suppressed or not selection_young else Decimal(v) * 100 / selection_young
        for v, pub in zip(selected, published, strict=True)
    ]
    area_values = [Decimal(v) * 100 / c.area_population if c.area_population else None for v in area]
    return charts.line_chart(
        [
            charts.Series(
                f"Taux de couverture : {c.selection.label}",
                sel_values,
                suppressed=frozenset(k for k, pub in enumerate(published) if pub.suppressed),
            ),
            charts.Series("Ensemble du territoire", area_values),
        ],
        x_labels=labels,
        chart_id="graphique-couverture-tendance",
        title=(
            "Évolution du taux de couverture par trimestre (jeunes accompagnés pour 100 jeunes de 15-24 ans)"
        ),
        description="Jeunes accompagnés dans le trimestre pour 100 jeunes de 15 à 24 ans.",
        category_label="Trimestre",
        decimals=1,
    )


# --- Other families -----------------------------------------------------------------------------------------


def _programmes_block(c: Context) -> Block:
    from .labels import programme_labels

    block = Block("dispositifs", "Dispositifs")
    names = programme_labels()
    codes = sorted(
        _dims(c.figures, "programme_entries")
        | _dims(c.figures, "programme_active")
        | _dims(c.figures, "programme_exits"),
        key=lambda code: names.get(code, code),
    )
    if not codes:
        block.notes.append("Aucune entrée en dispositif dans la période.")
        return block
    labels = [names.get(code, code) for code in codes]
    entries = [c.sel("programme_entries", code) for code in codes]
    exits = [c.sel("programme_exits", code) for code in codes]
    active = [c.sel("programme_active", code) for code in codes]
    block.tables.append(
        build_table(
            key="dispositifs",
            caption=(
                "Dispositifs : entrées et fins dans la période, jeunes en cours au dernier mois — "
                f"{c.selection.label}"
            ),
            header_label="Dispositif",
            row_labels=labels,
            columns=[
                CountColumn("Entrées", entries, total(entries)),
                CountColumn("Fins", exits, total(exits)),
                CountColumn("En cours en fin de période", active, total(active)),
            ],
            publisher=c.publisher,
            source=_own_source(c),
        )
    )
    published, _ = c.publisher.column(active, total(active))
    block.charts.append(
        charts.bar_chart(
            [
                charts.Bar(label, None if p.suppressed else p.value, suppressed=p.suppressed)
                for label, p in zip(labels, published, strict=True)
            ],
            chart_id="graphique-dispositifs",
            title=f"Jeunes en dispositif en fin de période : {c.selection.label}",
            description="Entrées en dispositif en cours le dernier jour de la période.",
            category_label="Dispositif",
            value_label="Jeunes",
        )
    )
    return block


def _proposals_block(c: Context) -> Block:
    block = Block("propositions", "Propositions et résultats")
    kinds = [k for k in PROPOSAL_KIND_LABELS if k in _dims(c.figures, "proposals")]
    statuses = [s for s in PROPOSAL_STATUS_LABELS if s in _dims(c.figures, "proposal_outcomes")]
    if not kinds:
        block.notes.append("Aucune proposition dans la période.")
        return block
    kind_figures = [c.sel("proposals", k) for k in kinds]
    block.tables.append(
        build_table(
            key="propositions-types",
            caption=f"Propositions faites dans la période, par type — {c.selection.label}",
            header_label="Type de proposition",
            row_labels=[PROPOSAL_KIND_LABELS[k] for k in kinds],
            columns=[CountColumn("Propositions", kind_figures, total(kind_figures))],
            publisher=c.publisher,
            source=_own_source(c),
        )
    )
    status_figures = [c.sel("proposal_outcomes", s) for s in statuses]
    block.tables.append(
        build_table(
            key="propositions-resultats",
            caption=f"Les mêmes propositions selon leur résultat à ce jour — {c.selection.label}",
            header_label="Résultat",
            row_labels=[PROPOSAL_STATUS_LABELS[s] for s in statuses],
            columns=[CountColumn("Propositions", status_figures, total(status_figures))],
            publisher=c.publisher,
            source=_own_source(c),
        )
    )
    return block


def _exits_block(c: Context) -> Block:
    block = Block("sorties", "Sorties vers l'emploi et la formation")
    block.intro = (
        "Une sortie est le début d'un emploi (tout contrat), d'une alternance ou d'une formation après "
        "l'inscription. "
        "Trois, six et douze mois après, le jeune est-il en emploi ou en formation ? Seules les sorties "
        "assez "
        "anciennes pour être observées entrent dans le taux."
    )
    kinds = [k for k, _ in EXIT_KINDS]
    exit_figures = [c.sel("exits", k) for k in kinds]
    columns: list[CountColumn | RateColumn] = [CountColumn("Sorties", exit_figures, total(exit_figures))]
    block.tables.append(
        build_table(
            key="sorties",
            caption=f"Sorties dans la période par type — {c.selection.label}",
            header_label="Type de sortie",
            row_labels=[EXIT_LABELS[k] for k in kinds],
            columns=columns,
            publisher=c.publisher,
            source=_own_source(c),
        )
    )
    rate_rows = []
    for k in [*kinds, ""]:
        label = EXIT_LABELS.get(k, "Toutes les sorties")
        cells = []
        for h in HORIZONS:
            if k:
                value = _ratio(c, f"exit_rate_{h}m", k)
            else:
                pos = total([c.sel(f"exits_positive_{h}m", x) for x in kinds])
                neg = total([c.sel(f"exits_negative_{h}m", x) for x in kinds])
                value = None
                if pos.value + neg.value:
                    value = c.publisher.ratio(pos.value, pos.value + neg.value, parts=[pos, neg], scale=100)
                    value = "hidden" if value is None else value
            if value == "hidden":
                cells.append(tables.secret("non publiable"))
            elif value is None:
                cells.append(tables.TableCell(display="—", raw=None))
            else:
                assert isinstance(value, Decimal)
                cells.append(tables.percent(value))
        rate_rows.append(tables.row(label, cells))
    block.tables.append(
        tables.Table(
            key="sorties-durables",
            caption=f"En emploi ou en formation 3, 6 et 12 mois après la sortie — {c.selection.label}",
            header_label="Type de sortie",
            columns=tuple(tables.Column(f"à {h} mois") for h in HORIZONS),
            rows=tuple(rate_rows),
            source=_own_source(c),
            note="« non publiable » : moins de 11 sorties de part ou d'autre (secret statistique).",
        )
    )
    return block


def _vulnerable_block(c: Context) -> Block:
    block = Block("publics", "Publics vulnérables")
    block.intro = (
        "Jeunes accompagnés dans la période dont le dossier mentionne un frein de ce domaine. Un jeune "
        "peut être "
        "concerné par plusieurs freins : les lignes ne s'additionnent pas."
    )
    order = [
        *HEADLINE_VULNERABLE,
        *(code for code, _ in VULNERABLE_DIMENSIONS if code not in HEADLINE_VULNERABLE),
    ]
    figures = [c.sel("vulnerable", code) for code in order]
    accompanied = c.sel("youths_accompanied")
    published, _ = c.publisher.column(figures, accompanied, additive=False)
    rows = []
    for code, figure, pub in zip(order, figures, published, strict=True):
        share = (
            None
            if pub.suppressed or not accompanied.value
            else Decimal(figure.value) * 100 / accompanied.value
        )
        rows.append(
            tables.row(
                VULNERABLE_LABELS[code],
                [
                    cell(pub),
                    tables.secret(suppressed_label(pub.threshold))
                    if pub.suppressed
                    else tables.percent(share),
                ],
            )
        )
    block.tables.append(
        tables.Table(
            key="publics-vulnerables",
            caption=f"Publics vulnérables parmi les jeunes accompagnés — {c.selection.label}",
            header_label="Frein",
            columns=(tables.Column("Jeunes"), tables.Column("Part des jeunes accompagnés")),
            rows=tuple(rows),
            source=_own_source(c),
        )
    )
    return block


def _optional_blocks(c: Context) -> list[Block]:
    blocks = []
    specs = (
        (
            "orientations",
            "Orientations vers les partenaires",
            "referrals",
            ["referrals", "referrals_answered"],
        ),
        ("offres", "Activité avec les employeurs", "offers", ["offers", "offer_positions"]),
        ("mises-en-relation", "Mises en relation et embauches", "applications", ["applications", "hires"]),
    )
    for key, title, source_key, codes in specs:
        block = Block(key, title)
        source = SOURCES[source_key]
        if not source.available:
            block.missing = (
                f"Source absente — {source.missing_reason()} "
                "Ces indicateurs apparaîtront quand elle existera."
            )
            blocks.append(block)
            continue
        labels, groups = c.rows()
        columns = []
        for code in codes:
            values, column_total = c.column(code)
            columns.append(CountColumn(indicators.get(code).label, values, column_total))
        block.tables.append(
            build_table(
                key=key,
                caption=_caption(c, f"{title} par commune"),
                header_label="Commune",
                row_labels=labels,
                columns=columns,
                publisher=c.publisher,
                total_label=f"Total : {c.selection.label}",
                source=_own_source(c),
                with_total=len(labels) > 1,
            )
        )
        if source_key == "referrals":
            block.figures.append(
                KeyFigure(
                    "Délai moyen de réponse des partenaires",
                    _ratio_text(_ratio(c, "referral_response_delay"), "jours"),
                )
            )
        blocks.append(block)
    return blocks
