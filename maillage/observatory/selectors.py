"""Read-side of the observatory page: the selected territory and the open-data figures about it.

Each section is built with a fixed number of queries whatever the territory (one per dataset, plus the
map), aggregates are computed over the communes of the selection, and every section carries its source and
vintage, its tables (shown and exported as CSV) and its charts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum

from maillage.territory.models import EPCI, Commune, Zone

from . import charts, tables
from .access import ObservatoryScope
from .charts import Chart, LegendEntry
from .enums import GeoLevel
from .formatting import add_months, fr_month, fr_number, fr_percent, fr_signed, months_between, share
from .models import BmoBassinCommune, BmoProject, CommuneEmployment, CommunePopulation, JobSeekerCount

#: France Travail publishes job seekers only for communes of at least this many inhabitants.
JOB_SEEKERS_MIN_POPULATION = 5000
TOP_COMMUNES_CHART = 15
TOP_OCCUPATIONS_CHART = 10
TOP_OCCUPATIONS_TABLE = 15


# --- The territory ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneInfo:
    pk: int
    insee_code: str
    name: str
    population: int
    population_vintage: int
    zone_id: int
    zone_name: str
    epci_id: int
    epci_name: str

    @property
    def department_code(self) -> str:
        return self.insee_code[:3] if self.insee_code.startswith("97") else self.insee_code[:2]


@dataclass(frozen=True)
class TerritoryIndex:
    """What the user may select, and the communes the figures may be computed over."""

    zones: tuple[tuple[int, str], ...]
    epcis: tuple[tuple[int, str], ...]
    communes: tuple[CommuneInfo, ...]
    selectable_commune_ids: frozenset[int]

    def commune_choices(self) -> list[tuple[int, str, str]]:
        rows = [c for c in self.communes if c.pk in self.selectable_commune_ids]
        rows.sort(key=lambda c: (c.epci_name, c.name))
        return [(c.pk, c.name, c.epci_name) for c in rows]


def territory_index(scope: ObservatoryScope) -> TerritoryIndex:
    """Three queries: the zones, the EPCI and the communes the user may reach."""
    zones = Zone.objects.order_by("position", "name")
    epcis = EPCI.objects.order_by("name")
    communes = Commune.objects.order_by("search_name", "insee_code")
    if scope.zone_ids is not None:
        zones = zones.filter(pk__in=scope.zone_ids)
    if scope.epci_ids is not None:
        epcis = epcis.filter(pk__in=scope.epci_ids)
    if scope.clip_aggregates:
        communes = communes.filter(pk__in=scope.commune_ids or ())
    elif scope.zone_ids is not None:
        # Elected officials read their zone's aggregates: every commune of the zone is counted.
        communes = communes.filter(zone_id__in=scope.zone_ids)
    rows = tuple(
        CommuneInfo(*values)
        for values in communes.values_list(
            "pk",
            "insee_code",
            "name",
            "population",
            "population_vintage",
            "zone_id",
            "zone__name",
            "epci_id",
            "epci__name",
        )
    )
    selectable = frozenset(c.pk for c in rows if scope.allows_commune(c.pk))
    return TerritoryIndex(
        zones=tuple(zones.values_list("pk", "name")),
        epcis=tuple(epcis.values_list("pk", "name")),
        communes=rows,
        selectable_commune_ids=selectable,
    )


@dataclass(frozen=True)
class Selection:
    label: str
    communes: tuple[CommuneInfo, ...]
    #: Communes that may be shown one by one (an elected official reading their zone sees only the totals
    #: of the other EPCI's communes).
    detail_ids: frozenset[int]
    note: str = ""

    @property
    def ids(self) -> list[int]:
        return [c.pk for c in self.communes]

    @property
    def population(self) -> int:
        return sum(c.population for c in self.communes)

    @property
    def population_vintage(self) -> int | None:
        return max((c.population_vintage for c in self.communes), default=None)

    @property
    def detail_communes(self) -> list[CommuneInfo]:
        return [c for c in self.communes if c.pk in self.detail_ids]

    @property
    def detail_limited(self) -> bool:
        return len(self.detail_ids) < len(self.communes)

    @property
    def department_codes(self) -> list[str]:
        return sorted({c.department_code for c in self.communes})


class SelectionError(Exception):
    """The filters are valid one by one but select no commune (a commune outside the chosen EPCI…)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


def resolve_selection(
    index: TerritoryIndex,
    scope: ObservatoryScope,
    *,
    zone_id: int | None = None,
    epci_id: int | None = None,
    commune_id: int | None = None,
) -> Selection:
    zones = dict(index.zones)
    epcis = dict(index.epcis)
    detail = index.selectable_commune_ids
    suffix = " (communes de vos zones)" if scope.kind == "zones" and epci_id and not commune_id else ""
    if commune_id is not None:
        commune = next(c for c in index.communes if c.pk == commune_id)
        if zone_id is not None and commune.zone_id != zone_id:
            raise SelectionError("commune", f"{commune.name} n'appartient pas à la zone {zones[zone_id]}.")
        if epci_id is not None and commune.epci_id != epci_id:
            raise SelectionError("commune", f"{commune.name} n'appartient pas à l'EPCI {epcis[epci_id]}.")
        return Selection(label=commune.name, communes=(commune,), detail_ids=frozenset({commune.pk}))
    if zone_id is not None or epci_id is not None:
        communes = tuple(
            c
            for c in index.communes
            if (zone_id is None or c.zone_id == zone_id) and (epci_id is None or c.epci_id == epci_id)
        )
        names = [
            name
            for name in (
                epcis.get(epci_id) if epci_id is not None else None,
                zones.get(zone_id) if zone_id is not None else None,
            )
            if name
        ]
        if not communes:
            raise SelectionError("epci", f"Aucune commune n'appartient à la fois à {' et à '.join(names)}.")
        return Selection(
            label=" — ".join(names) + suffix,
            communes=communes,
            detail_ids=frozenset(c.pk for c in communes if c.pk in detail),
        )
    # No filter: the user's whole scope.
    if scope.kind == "all":
        label = "Tout le territoire"
        communes = index.communes
    elif scope.kind == "zones":
        label = ", ".join(name for _, name in index.zones) if len(index.zones) <= 2 else "Vos zones"
        communes = index.communes
    else:
        label = ", ".join(name for _, name in index.epcis)
        communes = tuple(c for c in index.communes if c.epci_id in (scope.epci_ids or ()))
    return Selection(
        label=label, communes=communes, detail_ids=frozenset(c.pk for c in communes if c.pk in detail)
    )


# --- Sections ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str = ""


@dataclass
class Section:
    available: bool = False
    source: str = ""
    vintage: str = ""
    figures: list[KeyFigure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[tables.Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    map_svg: str = ""
    map_legend: tuple[LegendEntry, ...] = ()


def _detail_caption(selection: Selection, what: str) -> str:
    if selection.detail_limited:
        return f"{what} — communes de votre EPCI (le total couvre toute la sélection)"
    return what


# Population -------------------------------------------------------------------------------------------------


def population_section(selection: Selection, *, with_map: bool = True) -> Section:
    rows = {
        r["commune_id"]: r
        for r in CommunePopulation.objects.latest_vintage()
        .filter(commune_id__in=selection.ids)
        .values(
            "commune_id",
            "vintage",
            "source",
            "total",
            "age_15_24",
            "age_15_29",
            "active_15_24",
            "unemployed_15_24",
        )
    }
    section = Section()
    if not rows:
        return section
    first = next(iter(rows.values()))
    section.available, section.source, section.vintage = True, first["source"], first["vintage"]

    def total(name: str) -> Decimal:
        return sum((r[name] for r in rows.values()), Decimal(0))

    pop, young, young_29 = total("total"), total("age_15_24"), total("age_15_29")
    section.figures = [
        KeyFigure("Population (recensement)", fr_number(pop), f"{section.vintage}"),
        KeyFigure("15-24 ans", fr_number(young), f"{fr_percent(share(young, pop))} de la population"),
        KeyFigure("15-29 ans", fr_number(young_29), f"{fr_percent(share(young_29, pop))} de la population"),
        KeyFigure(
            "Taux de chômage des 15-24 ans (recensement)",
            fr_percent(share(total("unemployed_15_24"), total("active_15_24"))),
            "chômeurs déclarés au recensement / actifs de 15-24 ans",
        ),
    ]
    missing = len(selection.communes) - len(rows)
    if missing:
        section.notes.append(f"{missing} commune(s) de la sélection sans donnée de recensement.")
    section.notes.append(
        "Les effectifs du recensement sont des estimations pondérées (arrondies à l'unité). "
        "Les 15-24 ans sont reconstitués à partir des parts par IRIS publiées par l'Insee "
        "(précision : environ ±1 personne par commune, ±10 à Rennes). La tranche 16-25 ans n'est pas publiée."
    )

    detail = [c for c in selection.detail_communes if c.pk in rows]
    table_rows = []
    for c in detail:
        r = rows[c.pk]
        table_rows.append(
            tables.row(
                c.name,
                [
                    tables.number(r["total"]),
                    tables.number(r["age_15_24"]),
                    tables.percent(share(r["age_15_24"], r["total"])),
                    tables.number(r["age_15_29"]),
                    tables.percent(share(r["age_15_29"], r["total"])),
                ],
            )
        )
    footer = tables.row(
        f"Total : {selection.label}",
        [
            tables.number(pop),
            tables.number(young),
            tables.percent(share(young, pop)),
            tables.number(young_29),
            tables.percent(share(young_29, pop)),
        ],
    )
    section.tables.append(
        tables.Table(
            key="population",
            caption=_detail_caption(selection, f"Population par âge, par commune ({section.vintage})"),
            header_label="Commune",
            columns=(
                tables.Column("Population"),
                tables.Column("15-24 ans"),
                tables.Column("Part des 15-24 ans"),
                tables.Column("15-29 ans"),
                tables.Column("Part des 15-29 ans"),
            ),
            rows=tuple(table_rows),
            footer=footer if len(selection.communes) > 1 else None,
            source=f"{section.source} — millésime {section.vintage}",
        )
    )
    if len(detail) > 1:
        ranked = sorted(detail, key=lambda c: (-rows[c.pk]["age_15_24"], c.name))[:TOP_COMMUNES_CHART]
        title = (
            f"Les {len(ranked)} communes comptant le plus de 15-24 ans"
            if len(detail) > TOP_COMMUNES_CHART
            else "Nombre de 15-24 ans par commune"
        )
        section.charts.append(
            charts.bar_chart(
                [charts.Bar(c.name, rows[c.pk]["age_15_24"]) for c in ranked],
                chart_id="graphique-jeunes",
                title=title,
                description=f"Population de 15 à 24 ans par commune, recensement {section.vintage}.",
                category_label="Commune",
                value_label="15-24 ans",
            )
        )
        if with_map:
            scheme = charts.choropleth(
                {c.pk: share(rows[c.pk]["age_15_24"], rows[c.pk]["total"]) for c in detail},
                classes=5,
                decimals=1,
                unit="%",
            )
            svg = charts.commune_map(
                scheme,
                title=f"Part des 15-24 ans par commune ({section.vintage})",
                description=(
                    "Chaque commune est colorée selon la part des 15-24 ans dans sa population ; le tableau "
                    "« Population par âge » donne les mêmes valeurs."
                ),
                map_id="carte-jeunes",
                titles={
                    c.pk: f"{c.name} : {fr_percent(share(rows[c.pk]['age_15_24'], rows[c.pk]['total']))}"
                    for c in detail
                },
                commune_ids=[c.pk for c in detail],
            )
            if svg and "<path" in svg:
                section.map_svg, section.map_legend = svg, scheme.legend
    return section


# Job seekers ------------------------------------------------------------------------------------------------


def job_seekers_months() -> tuple[date | None, date | None]:
    """First and last month of the latest job-seekers release (one query)."""
    bounds = JobSeekerCount.objects.latest_vintage().aggregate(first=Min("month"), last=Max("month"))
    return bounds["first"], bounds["last"]


def job_seekers_section(
    selection: Selection, *, start: date, end: date, available: tuple[date | None, date | None]
) -> Section:
    section = Section()
    first, last = available
    if first is None or last is None:
        return section
    section.available = True
    section.source = "France Travail – Dares, STMT"
    latest = JobSeekerCount.objects.latest_vintage()
    section.vintage = f"série publiée jusqu'à {fr_month(last)}"
    if start > last:
        # The period is after the last published month: show the last twelve published months instead.
        section.notes.append(
            f"La série s'arrête en {fr_month(last)}, avant la période choisie : voici ses douze "
            "derniers mois."
        )
        start, end = add_months(last, -11), last
    start, end = max(start, first), min(end, last)
    if start > end:
        section.notes.append(
            f"Aucune donnée pour cette période : la série couvre {fr_month(first)} à {fr_month(last)}."
        )
        return section
    months = months_between(start, end)
    per_commune = list(
        latest.filter(
            geo_level=GeoLevel.COMMUNE, commune_id__in=selection.ids, month__in=[start, end]
        ).values_list("commune_id", "month", "count")
    )
    series = dict(
        latest.filter(geo_level=GeoLevel.COMMUNE, commune_id__in=selection.ids, month__range=(start, end))
        .values("month")
        .annotate(total=Sum("count"))
        .values_list("month", "total")
    )
    published = {commune_id for commune_id, _, _ in per_commune}
    covered = [c for c in selection.communes if c.pk in published]
    covered_population = sum(c.population for c in covered)
    vintage_note = selection.population_vintage or ""
    if len(selection.communes) == 1:
        coverage = (
            "Série publiée pour cette commune." if covered else "Pas de série publiée pour cette commune."
        )
    else:
        coverage = (
            f"Séries publiées pour {len(covered)} des {len(selection.communes)} communes de la sélection "
            f"({fr_percent(share(covered_population, selection.population))} de sa population municipale "
            f"{vintage_note})."
        )
    section.notes.append(
        f"France Travail ne publie les demandeurs d'emploi que pour les communes de "
        f"{fr_number(JOB_SEEKERS_MIN_POPULATION)} habitants ou plus. {coverage} "
        "Pas de chiffre par âge (moins de 26 ans) ni par EPCI."
    )
    section.notes.append(
        "Catégories A, B et C (tenus de rechercher un emploi), effectifs arrondis à la dizaine "
        "par France Travail."
    )
    if covered:
        values = [series.get(m) for m in months]
        label = (
            covered[0].name
            if len(covered) == 1
            else f"{len(covered)} communes de {fr_number(JOB_SEEKERS_MIN_POPULATION)} habitants ou plus"
        )
        section.charts.append(
            charts.line_chart(
                [charts.Series(label, values)],
                x_labels=[fr_month(m) for m in months],
                tick_labels=[fr_month(m, short=True) for m in months],
                chart_id="graphique-demandeurs",
                title=f"Demandeurs d'emploi (cat. A, B, C), {fr_month(start)} – {fr_month(end)} : {label}",
                description=f"Évolution mensuelle du nombre de demandeurs d'emploi, {selection.label}.",
                category_label="Mois",
            )
        )
        first_value, last_value = series.get(start), series.get(end)
        section.figures = [
            KeyFigure(f"Demandeurs d'emploi en {fr_month(end)}", fr_number(last_value), label),
            KeyFigure(
                f"Évolution depuis {fr_month(start)}",
                _change(first_value, last_value),
                _relative(first_value, last_value),
            ),
        ]
        by_commune: dict[int, dict[date, int]] = defaultdict(dict)
        for commune_id, month, count in per_commune:
            by_commune[commune_id][month] = count
        detail_rows = []
        for c in selection.detail_communes:
            if c.pk not in by_commune:
                continue
            a, b = by_commune[c.pk].get(start), by_commune[c.pk].get(end)
            detail_rows.append(_change_row(c.name, a, b))
        if detail_rows:
            section.tables.append(
                tables.Table(
                    key="demandeurs-communes",
                    caption=_detail_caption(
                        selection, f"Demandeurs d'emploi par commune, {fr_month(start)} et {fr_month(end)}"
                    ),
                    header_label="Commune",
                    columns=_change_columns(start, end),
                    rows=tuple(detail_rows),
                    footer=_change_row("Total des communes publiées", first_value, last_value)
                    if len(covered) > 1
                    else None,
                    source=f"{section.source} — {section.vintage}",
                )
            )
    else:
        section.notes.insert(
            0,
            f"Aucune commune de la sélection n'a {fr_number(JOB_SEEKERS_MIN_POPULATION)} habitants ou plus : "
            "France Travail n'y publie pas le nombre "
            "de demandeurs d'emploi. Voyez ci-dessous le département et la région.",
        )
    reference = list(
        latest.filter(
            Q(geo_level=GeoLevel.DEPARTMENT, geo_code__in=selection.department_codes)
            | Q(geo_level=GeoLevel.REGION),
            month__in=[start, end],
        )
        .order_by("geo_level", "geo_code")
        .values_list("geo_level", "geo_name", "month", "count")
    )
    grouped: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
    for level, name, month, count in reference:
        grouped[level, name][month] = count
    if grouped:
        section.tables.append(
            tables.Table(
                key="demandeurs-reference",
                caption=f"Pour comparaison : département et région, {fr_month(start)} et {fr_month(end)}",
                header_label="Territoire",
                columns=_change_columns(start, end),
                rows=tuple(
                    _change_row(
                        f"{name} ({GeoLevel(level).label.lower()})", values.get(start), values.get(end)
                    )
                    for (level, name), values in grouped.items()
                ),
                source=f"{section.source} — {section.vintage}",
            )
        )
    return section


def _change(a: int | None, b: int | None) -> str:
    if a is None or b is None:
        return "—"
    return fr_signed(b - a)


def _relative(a: int | None, b: int | None) -> str:
    if not a or b is None:
        return ""
    return fr_signed(Decimal(b - a) * 100 / a, 1, suffix="%")


def _change_columns(start: date, end: date) -> tuple[tables.Column, ...]:
    return (
        tables.Column(fr_month(start)),
        tables.Column(fr_month(end)),
        tables.Column("Évolution"),
        tables.Column("Évolution (%)"),
    )


def _change_row(label: str, a: int | None, b: int | None) -> tables.TableRow:
    change = None if a is None or b is None else b - a
    relative = None if not a or b is None else Decimal(b - a) * 100 / a
    return tables.row(
        label,
        [
            tables.number(a),
            tables.number(b),
            tables.TableCell(display=_change(a, b), raw=change),
            tables.TableCell(
                display=_relative(a, b) or "—",
                raw=None if relative is None else relative.quantize(Decimal("0.1")),
            ),
        ],
    )


# BMO --------------------------------------------------------------------------------------------------------


@dataclass
class BassinBlock:
    code: str
    name: str
    department_code: str
    commune_count: int
    figures: list[KeyFigure]
    chart: Chart | None
    table: tables.Table


def bmo_section(selection: Selection) -> tuple[Section, list[BassinBlock]]:
    section = Section()
    mapping = list(
        BmoBassinCommune.objects.latest_vintage()
        .filter(commune_id__in=selection.ids)
        .values_list("commune_id", "bassin_code", "bassin_name", "vintage")
    )
    if not mapping:
        return section, []
    vintage = mapping[0][3]
    department = {c.pk: c.department_code for c in selection.communes}
    parts: dict[tuple[str, str], dict] = {}
    for commune_id, code, name, _ in mapping:
        part = parts.setdefault((code, department[commune_id]), {"name": name, "communes": 0})
        part["communes"] += 1
    condition = Q()
    for code, dept in parts:
        condition |= Q(bassin_code=code, department_code=dept)
    projects = list(BmoProject.objects.filter(condition, vintage=vintage).order_by("occupation_label"))
    if not projects:
        return section, []
    section.available = True
    section.source = projects[0].source
    section.vintage = vintage
    section.notes.append(
        "Les projets de recrutement sont déclarés par les employeurs du bassin d'emploi BMO tout entier, qui "
        "dépasse souvent la sélection. « Secret statistique » : valeur masquée par France Travail (petits "
        "effectifs) ; les totaux sont calculés hors valeurs masquées."
    )
    by_part: dict[tuple[str, str], list[BmoProject]] = defaultdict(list)
    for project in projects:
        by_part[project.bassin_code, project.department_code].append(project)
    blocks = []
    for (code, dept), part in sorted(parts.items(), key=lambda item: -item[1]["communes"]):
        rows = by_part.get((code, dept), [])
        if not rows:
            continue
        blocks.append(
            _bassin_block(code, dept, part["name"], part["communes"], rows, section.source, vintage)
        )
    return section, blocks


def _secret_or_number(value: int | None) -> tables.TableCell:
    return tables.secret("secret statistique") if value is None else tables.number(value)


def _bassin_block(
    code: str, dept: str, name: str, communes: int, rows: Sequence[BmoProject], source: str, vintage: str
) -> BassinBlock:
    known = [r for r in rows if r.recruitment_projects is not None]
    total = sum(r.recruitment_projects or 0 for r in known)
    with_difficult = [r for r in known if r.difficult_projects is not None]
    with_seasonal = [r for r in known if r.seasonal_projects is not None]
    difficult = share(
        sum(r.difficult_projects or 0 for r in with_difficult),
        sum(r.recruitment_projects or 0 for r in with_difficult),
    )
    seasonal = share(
        sum(r.seasonal_projects or 0 for r in with_seasonal),
        sum(r.recruitment_projects or 0 for r in with_seasonal),
    )
    title_name = name.title() if name.isupper() else name
    figures = [
        KeyFigure("Projets de recrutement", fr_number(total), "hors valeurs masquées"),
        KeyFigure("Jugés difficiles", fr_percent(difficult), "des projets"),
        KeyFigure("Saisonniers", fr_percent(seasonal), "des projets"),
    ]
    ranked = sorted(known, key=lambda r: (-(r.recruitment_projects or 0), r.occupation_label))

    def table_row(r: BmoProject) -> tables.TableRow:
        return tables.row(
            r.occupation_label,
            [
                tables.text(r.family_label),
                _secret_or_number(r.recruitment_projects),
                _secret_or_number(r.difficult_projects),
                _secret_or_number(r.seasonal_projects),
            ],
        )

    all_rows = sorted(rows, key=lambda r: (-(r.recruitment_projects or -1), r.occupation_label))
    table = tables.Table(
        key=f"bmo-{code}-{dept}",
        caption=f"Les {min(len(ranked), TOP_OCCUPATIONS_TABLE)} métiers les plus recherchés, "
        f"bassin de {title_name} "
        f"({vintage})",
        header_label="Métier",
        columns=(
            tables.Column("Famille de métiers", numeric=False),
            tables.Column("Projets de recrutement"),
            tables.Column("dont difficiles"),
            tables.Column("dont saisonniers"),
        ),
        rows=tuple(table_row(r) for r in ranked[:TOP_OCCUPATIONS_TABLE]),
        export_rows=tuple(table_row(r) for r in all_rows),
        note=f"Le fichier CSV contient les {len(all_rows)} métiers du bassin.",
        source=f"{source} — bassin {code} {name}, département {dept}",
    )
    top = ranked[:TOP_OCCUPATIONS_CHART]
    chart = None
    if top:
        chart = charts.bar_chart(
            [charts.Bar(r.occupation_label, r.recruitment_projects) for r in top],
            chart_id=f"graphique-bmo-{code}-{dept}",
            title=f"Les {len(top)} métiers aux plus nombreux projets de recrutement, bassin de {title_name}",
            description=f"Projets de recrutement par métier, enquête BMO {vintage}.",
            category_label="Métier",
            value_label="Projets de recrutement",
        )
    return BassinBlock(
        code=code,
        name=title_name,
        department_code=dept,
        commune_count=communes,
        figures=figures,
        chart=chart,
        table=table,
    )


# Jobs and establishments ------------------------------------------------------------------------------------

SECTORS = (
    ("establishments_agriculture", "Agriculture"),
    ("establishments_industry", "Industrie"),
    ("establishments_construction", "Construction"),
    ("establishments_trade_services", "Commerce, transports, services"),
    ("establishments_public_social", "Administration, enseignement, santé, social"),
)


def employment_section(selection: Selection) -> Section:
    rows = {
        r.commune_id: r
        for r in CommuneEmployment.objects.latest_vintage().filter(commune_id__in=selection.ids)
    }
    section = Section()
    if not rows:
        return section
    first = next(iter(rows.values()))
    section.available, section.source = True, first.source
    section.vintage = f"{first.vintage}, établissements {first.establishments_year}"

    def total(name: str, among: Iterable[CommuneEmployment] | None = None) -> Decimal:
        return Decimal(
            sum((getattr(r, name) or 0 for r in (rows.values() if among is None else among)), Decimal(0))
        )

    jobs, salaried = total("jobs"), total("salaried_jobs")
    with_previous = [r for r in rows.values() if r.jobs_previous is not None]
    previous_year = first.previous_census_year
    census_year = int(first.vintage[2:]) if first.vintage[2:].isdigit() else None
    figures = [
        KeyFigure("Emplois au lieu de travail", fr_number(jobs), first.vintage),
        KeyFigure("dont salariés", fr_percent(share(salaried, jobs)), "des emplois"),
        KeyFigure(
            f"Établissements employeurs fin {first.establishments_year}",
            fr_number(total("establishments")),
            f"dont {fr_number(total('establishments_10_plus'))} de 10 salariés ou plus",
        ),
    ]
    if with_previous and previous_year and census_year and len(with_previous) == len(rows):
        before = total("jobs_previous", with_previous)
        years = census_year - previous_year
        growth = ((jobs / before) ** (Decimal(1) / years) - 1) * 100 if before and years > 0 else None
        figures.insert(
            1,
            KeyFigure(
                f"Évolution annuelle des emplois depuis {previous_year}",
                "—" if growth is None else f"{fr_signed(growth, 1, suffix='%')} par an",
                f"{fr_number(before)} emplois en {previous_year}",
            ),
        )
    section.figures = figures
    section.notes.append(
        "Emplois situés dans la commune (au lieu de travail, recensement), pas les emplois occupés par ses "
        "habitants. Établissements : établissements employeurs (source Insee)."
    )
    sector_bars = [charts.Bar(label, total(name)) for name, label in SECTORS]
    section.charts.append(
        charts.bar_chart(
            sector_bars,
            chart_id="graphique-etablissements",
            title=(
                f"Établissements employeurs par secteur, fin {first.establishments_year} : {selection.label}"
            ),
            description="Nombre d'établissements employeurs par grand secteur d'activité.",
            category_label="Secteur",
            value_label="Établissements",
            orientation="vertical",
        )
    )
    detail = [c for c in selection.detail_communes if c.pk in rows]
    table_rows = [
        tables.row(
            c.name,
            [
                tables.number(rows[c.pk].jobs),
                tables.number(rows[c.pk].salaried_jobs),
                tables.number(rows[c.pk].jobs_previous),
                tables.number(rows[c.pk].establishments),
                tables.number(rows[c.pk].establishments_10_plus),
            ],
        )
        for c in detail
    ]
    section.tables.append(
        tables.Table(
            key="emplois",
            caption=_detail_caption(selection, f"Emplois et établissements par commune ({section.vintage})"),
            header_label="Commune",
            columns=(
                tables.Column(f"Emplois {first.vintage}"),
                tables.Column("dont salariés"),
                tables.Column(
                    f"Emplois {previous_year}" if previous_year else "Emplois (recensement précédent)"
                ),
                tables.Column(f"Établissements {first.establishments_year}"),
                tables.Column("dont 10 salariés ou plus"),
            ),
            rows=tuple(table_rows),
            footer=tables.row(
                f"Total : {selection.label}",
                [
                    tables.number(jobs),
                    tables.number(salaried),
                    tables.number(total("jobs_previous") if len(with_previous) == len(rows) else None),
                    tables.number(total("establishments")),
                    tables.number(total("establishments_10_plus")),
                ],
            )
            if len(selection.communes) > 1
            else None,
            source=section.source,
        )
    )
    return section


def default_end_month(available_last: date | None, today: date, *, youth_last: date | None = None) -> date:
    """The default period is twelve months ending with:

    - when the youth indicators are computed, the last complete calendar year they cover (a calendar year is
      what reports compare, and the job-seekers series falls back to its own last months when it stops
      earlier);
    - else the last published month of the job-seekers series, else last month.
    """
    if youth_last is not None:
        this_month = date(today.year, today.month, 1)
        last_complete = min(youth_last, add_months(this_month, -1))
        year = last_complete.year if last_complete.month == 12 else last_complete.year - 1
        return date(year, 12, 1)
    if available_last is not None:
        return available_last
    return add_months(date(today.year, today.month, 1), -1)
