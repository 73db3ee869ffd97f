"""The local diagnosis (état des lieux local) of a zone or an EPCI for a quarter: HTML, PDF, archive.

Written for elected officials, in plain French: key figures and their change over the previous quarter and
the same quarter a year before, the coverage map, the most frequent barriers, exits and their outcomes,
referrals and employer activity when those modules exist, and the open-data context. It leaves the staff:
the secrecy rule always applies (`Publisher(secret=True)`), whoever reads it.

`archive_diagnosis` renders the PDF and stores it with its record (`DiagnosisReport`): a committee opens the
report it discussed, not a recomputation. The `generate_quarterly_diagnoses` task archives every zone's and
EPCI's report for the last complete quarter.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from . import dashboard, tables
from .access import ObservatoryScope
from .enums import TerritoryKind
from .formatting import add_months, fr_month, fr_number
from .indicators import HEADLINE_VULNERABLE, VULNERABLE_DIMENSIONS
from .models import DiagnosisReport
from .publication import Figure, Publisher, display, total
from .selectors import CommuneInfo, KeyFigure, Selection, TerritoryIndex
from .suppression import Published, publish_change

ORDINALS = {1: "1er", 2: "2e", 3: "3e", 4: "4e"}
PERIOD_RE = re.compile(r"^\s*(\d{4})-[QqTt]([1-4])\s*$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Quarter:
    start: date

    @property
    def end(self) -> date:
        """First day of the quarter's last month."""
        return add_months(self.start, 2)

    @property
    def number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def key(self) -> str:
        return f"{self.start.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{ORDINALS[self.number]} trimestre {self.start.year}"

    @property
    def months_label(self) -> str:
        return f"{fr_month(self.start)} – {fr_month(self.end)}"

    def shifted(self, quarters: int) -> Quarter:
        return Quarter(add_months(self.start, 3 * quarters))


def parse_period(text: str | None, *, default: Quarter) -> Quarter:
    if not text:
        return default
    match = PERIOD_RE.match(text[:20])
    if not match:
        raise PeriodError("Indiquez un trimestre au format AAAA-Tn (par exemple 2025-T3).")
    year, number = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise PeriodError("Choisissez une année entre 2000 et 2100.")
    return Quarter(date(year, 3 * (number - 1) + 1, 1))


def last_complete_quarter(last_month: date | None, today: date | None = None) -> Quarter:
    """The last quarter whose three months are computed and over (today's quarter is not complete)."""
    today = today or timezone.localdate()
    current = Quarter(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1))
    quarter = current.shifted(-1)
    if last_month is not None:
        while quarter.end > last_month:
            quarter = quarter.shifted(-1)
    return quarter


# --- The territory ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    kind: str
    pk: int
    name: str
    communes: tuple[CommuneInfo, ...]
    zone_name: str = ""

    @property
    def ids(self) -> list[int]:
        return [c.pk for c in self.communes]

    @property
    def kind_label(self) -> str:
        return "la zone" if self.kind == TerritoryKind.ZONE else "l'EPCI"

    def selection(self) -> Selection:
        return Selection(label=self.name, communes=self.communes, detail_ids=frozenset(self.ids))


def all_communes() -> tuple[CommuneInfo, ...]:
    """Every commune with its zone and EPCI (one query)."""
    from maillage.territory.models import Commune

    rows = Commune.objects.order_by("search_name", "insee_code").values_list(
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
    return tuple(CommuneInfo(*values) for values in rows)


def resolve_territory(
    scope: ObservatoryScope, kind: str, pk: int, communes: tuple[CommuneInfo, ...] | None = None
) -> Territory:
    """The zone or EPCI, or 404 when it does not exist or is outside the user's scope."""
    if kind == TerritoryKind.ZONE:
        allowed = scope.allows_zone(pk)
    elif kind == TerritoryKind.EPCI:
        allowed = scope.allows_epci(pk)
    else:
        raise Http404
    if not allowed:
        raise Http404
    communes = all_communes() if communes is None else communes
    if kind == TerritoryKind.ZONE:
        members = tuple(c for c in communes if c.zone_id == pk)
        name = members[0].zone_name if members else ""
    else:
        members = tuple(c for c in communes if c.epci_id == pk)
        name = members[0].epci_name if members else ""
    if not members:
        raise Http404
    zone_names = sorted({c.zone_name for c in members})
    return Territory(kind=kind, pk=pk, name=name, communes=members, zone_name=", ".join(zone_names))


# --- Content -----------------------------------------------------------------------------------------------


@dataclass
class ComparedFigure:
    label: str
    now: str
    previous: str
    change_previous: str
    last_year: str
    change_last_year: str
    unit: str = ""


@dataclass
class Diagnosis:
    territory: Territory
    quarter: Quarter
    available: bool
    generated_at: object
    sentences: list[str] = field(default_factory=list)
    compared: list[ComparedFigure] = field(default_factory=list)
    blocks: list[dashboard.Block] = field(default_factory=list)
    context_figures: list[KeyFigure] = field(default_factory=list)
    context_notes: list[str] = field(default_factory=list)
    context_sources: list[str] = field(default_factory=list)
    map_svg: str = ""
    map_legend: tuple = ()
    threshold: int = 11

    @property
    def title(self) -> str:
        return f"État des lieux local — {self.territory.name} — {self.quarter.label}"

    @property
    def all_tables(self) -> list[tables.Table]:
        found = []
        for block in self.blocks:
            found += block.tables
        return found


COMPARED = (
    ("youths_accompanied", "", "Jeunes accompagnés"),
    ("new_files", "", "Nouveaux dossiers"),
    ("contacts", "*", "Contacts (entretiens, ateliers, messages)"),
    ("programme_entries", "*", "Entrées en dispositif"),
    ("exits", "*", "Sorties vers l'emploi ou la formation"),
)


def _figure(figures: dict, ids: list[int], code: str, dimension: str) -> Figure:
    if dimension == "*":
        dims = {d for (_, c, d) in figures if c == code}
        return total([dashboard._sum(figures, ids, code, d) for d in dims])
    return dashboard._sum(figures, ids, code, dimension)


def build_diagnosis(
    territory: Territory,
    quarter: Quarter,
    *,
    with_map: bool = True,
    bounds: tuple[date | None, date | None] | None = None,
    communes: tuple[CommuneInfo, ...] | None = None,
) -> Diagnosis:
    first, last = bounds if bounds is not None else dashboard.month_bounds()
    publisher = Publisher(secret=True)
    diagnosis = Diagnosis(
        territory=territory,
        quarter=quarter,
        available=last is not None,
        generated_at=timezone.localtime(),
        threshold=publisher.threshold,
    )
    _open_data_context(diagnosis)
    if last is None:
        return diagnosis
    ids = territory.ids
    periods = {"now": quarter, "previous": quarter.shifted(-1), "last_year": quarter.shifted(-4)}
    # The zone(s) of the territory: the comparison for the coverage rate.
    communes = all_communes() if communes is None else communes
    zone_ids = {c.zone_id for c in territory.communes}
    zone_communes = tuple(c for c in communes if c.zone_id in zone_ids)
    figures = {
        key: dashboard.Summary([c.pk for c in zone_communes], q.start, q.end, last_month=last).figures(
            dashboard.ALL_CODES
        )
        for key, q in periods.items()
    }
    published: dict[str, dict[str, Published]] = {key: {} for key in periods}
    for code, dimension, label in COMPARED:
        for key in periods:
            published[key][code] = publisher.count(_figure(figures[key], ids, code, dimension))
        diagnosis.compared.append(_compare(label, published, code))
    population, source, vintage = dashboard.young_population(ids)
    young = sum(population.values(), Decimal(0))
    now = published["now"]["youths_accompanied"]
    coverage = publisher.ratio(now.value or 0, int(young), scale=100, base=now) if young else None
    zone_population, _, _ = dashboard.young_population([c.pk for c in zone_communes])
    zone_young = sum(zone_population.values(), Decimal(0))
    zone_accompanied = dashboard._sum(figures["now"], [c.pk for c in zone_communes], "youths_accompanied", "")
    zone_rate = Decimal(zone_accompanied.value) * 100 / zone_young if zone_young else None

    selection = territory.selection()
    context = dashboard.Context(
        selection=selection,
        index=TerritoryIndex(
            zones=(), epcis=(), communes=zone_communes, selectable_commune_ids=frozenset(ids)
        ),
        publisher=publisher,
        start=quarter.start,
        end=quarter.end,
        figures=figures["now"],
        area={"youths_accompanied": dashboard.Figure(zone_accompanied.value, zone_accompanied.persons)},
        population={**zone_population},
        population_source=source,
        population_vintage=vintage,
        area_population=zone_young,
        monthly={},
        last_month=last,
        area_label="la zone",
    )
    diagnosis.sentences = _sentences(
        territory, quarter, published, coverage, zone_rate, figures["now"], publisher
    )
    equity = dashboard.equity_block(context, with_map=with_map, with_trend=False)
    equity.title = "Taux de couverture par commune"
    equity.priorities = equity.priorities[:5]
    diagnosis.map_svg, diagnosis.map_legend = equity.map_svg, equity.map_legend
    diagnosis.blocks = [
        equity,
        dashboard._vulnerable_block(context),
        dashboard._exits_block(context),
        dashboard._programmes_block(context),
        *dashboard._optional_blocks(context),
    ]
    if quarter.end > last:
        diagnosis.sentences.append(
            f"Attention : les indicateurs ne sont calculés que jusqu'à {fr_month(last)} ; le trimestre "
            "est incomplet."
        )
    return diagnosis


def _compare(label: str, published: dict[str, dict[str, Published]], code: str) -> ComparedFigure:
    now, previous, last_year = (published[k][code] for k in ("now", "previous", "last_year"))
    change_previous = publish_change(previous, now)
    change_year = publish_change(last_year, now)
    return ComparedFigure(
        label=label,
        now=display(now),
        previous=display(previous),
        change_previous=change_previous.display if change_previous.published else "non publiable",
        last_year=display(last_year),
        change_last_year=change_year.display if change_year.published else "non publiable",
    )


def _count_text(published: Published) -> str:
    if published.suppressed:
        return f"moins de {published.threshold}"
    return fr_number(published.value)


def _sentences(territory, quarter, published, coverage, zone_rate, figures_now, publisher) -> list[str]:
    now = published["now"]
    sentences = []
    accompanied = now["youths_accompanied"]
    sentences.append(
        f"Au {quarter.label} ({quarter.months_label}), {_count_text(accompanied)} jeunes habitant "
        f"{territory.kind_label} {territory.name} ont été accompagnés par la Mission locale : ils ont "
        "eu au moins "
        "un entretien, un atelier ou un échange avec un conseiller ou une conseillère."
    )
    change_previous = publish_change(published["previous"]["youths_accompanied"], accompanied)
    change_year = publish_change(published["last_year"]["youths_accompanied"], accompanied)
    if change_previous.published and change_year.published:
        sentences.append(
            f"C'est {_signed_words(change_previous.value)} qu'au trimestre précédent, et "
            f"{_signed_words(change_year.value)} qu'au même trimestre de l'année précédente."
        )
    if coverage is not None:
        comparison = (
            f", contre {fr_number(zone_rate, 1)} dans l'ensemble de la zone" if zone_rate is not None else ""
        )
        sentences.append(
            f"Cela fait {fr_number(coverage, 1)} jeunes accompagnés pour 100 jeunes de 15 à 24 ans du "
            "territoire"
            f"{comparison} (le recensement compte les 15-24 ans ; la Mission locale accueille les 16-25 ans)."
        )
    files = now["new_files"]
    sentences.append(f"{_capital(_count_text(files))} jeunes se sont inscrits pour la première fois.")
    exits = now["exits"]
    sentences.append(
        f"{_capital(_count_text(exits))} sorties vers un emploi, une alternance ou une formation ont "
        "été enregistrées."
    )
    ids = territory.ids
    labels = dict(VULNERABLE_DIMENSIONS)
    headline = []
    for code in HEADLINE_VULNERABLE:
        value = publisher.count(dashboard._sum(figures_now, ids, "vulnerable", code))
        if not value.suppressed:
            headline.append(f"{labels[code].split(' — ')[-1].lower()} : {fr_number(value.value)}")
    if headline:
        sentences.append(
            "Parmi les jeunes accompagnés, situations de vulnérabilité : " + " ; ".join(headline) + "."
        )
    # The most frequent barrier domains, among the published ones only (ranking hidden values would hint
    # at their size).
    domains = []
    for code, label in VULNERABLE_DIMENSIONS:
        if ":" in code:
            continue
        value = publisher.count(dashboard._sum(figures_now, ids, "vulnerable", code))
        if not value.suppressed and value.value:
            domains.append((value.value, label.lower()))
    if domains:
        top = sorted(domains, key=lambda item: (-item[0], item[1]))[:3]
        sentences.append(
            "Les freins les plus fréquents parmi les jeunes accompagnés : "
            + ", ".join(f"{label} ({fr_number(value)} jeunes)" for value, label in top)
            + "."
        )
    sentences.append(
        f"Les nombres inférieurs à {publisher.threshold} ne sont pas publiés (« < {publisher.threshold} "
        "») : ils "
        "pourraient permettre de reconnaître une personne."
    )
    return sentences


def _signed_words(value: int) -> str:
    if value > 0:
        return f"{fr_number(value)} de plus"
    if value < 0:
        return f"{fr_number(-value)} de moins"
    return "autant"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _open_data_context(diagnosis: Diagnosis) -> None:
    from . import selectors

    selection = diagnosis.territory.selection()
    population = selectors.population_section(selection, with_map=False)
    if population.available:
        diagnosis.context_figures += population.figures[:3]
        diagnosis.context_sources.append(f"{population.source} — millésime {population.vintage}")
    first, last = selectors.job_seekers_months()
    if last is not None:
        end = min(last, diagnosis.quarter.end)
        start = add_months(end, -12)
        seekers = selectors.job_seekers_section(selection, start=start, end=end, available=(first, last))
        diagnosis.context_figures += seekers.figures
        diagnosis.context_notes += seekers.notes[:1]
        if seekers.available:
            diagnosis.context_sources.append(f"{seekers.source} — {seekers.vintage}")


# --- PDF and archive ----------------------------------------------------------------------------------------


def render_html(diagnosis: Diagnosis, *, for_pdf: bool = False) -> str:
    return render_to_string(
        "observatory/diagnosis_pdf.html" if for_pdf else "observatory/diagnosis_body.html",
        {"diagnosis": diagnosis, "min_cell": diagnosis.threshold},
    )


def render_pdf(diagnosis: Diagnosis) -> bytes:
    from weasyprint import CSS, HTML

    # WeasyPrint logs each step of each PDF at INFO: keep its warnings only.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    stylesheet = finders.find("observatory/diagnosis-print.css")
    html = render_html(diagnosis, for_pdf=True)
    return HTML(string=html, base_url=str(finders.find("observatory") or ".")).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )


def pdf_filename(territory: Territory, quarter: Quarter) -> str:
    from django.utils.text import slugify

    return f"etat-des-lieux-{slugify(territory.name)[:50]}-{quarter.key.lower()}.pdf"


def archive_diagnosis(territory: Territory, quarter: Quarter, *, by=None) -> DiagnosisReport:
    """Render and store the PDF with its record (each run adds a version; none is overwritten)."""
    diagnosis = build_diagnosis(territory, quarter)
    content = render_pdf(diagnosis)
    generated_at = timezone.now()
    report = DiagnosisReport(
        territory_kind=territory.kind,
        zone_id=territory.pk if territory.kind == TerritoryKind.ZONE else None,
        epci_id=territory.pk if territory.kind == TerritoryKind.EPCI else None,
        territory_name=territory.name,
        period_start=quarter.start,
        period_label=quarter.label,
        generated_at=generated_at,
        generated_by=by if getattr(by, "pk", None) else None,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    name = pdf_filename(territory, quarter).replace(".pdf", f"-{generated_at:%Y%m%d%H%M%S}.pdf")
    report.file.save(name, ContentFile(content), save=False)
    report.save()
    return report


def territories() -> list[Territory]:
    """Every zone and every EPCI of the area."""
    communes = all_communes()
    result = []
    for kind, key, name_of in (
        (TerritoryKind.ZONE, "zone_id", "zone_name"),
        (TerritoryKind.EPCI, "epci_id", "epci_name"),
    ):
        grouped: dict[int, list[CommuneInfo]] = {}
        for commune in communes:
            grouped.setdefault(getattr(commune, key), []).append(commune)
        for pk, members in grouped.items():
            result.append(
                Territory(
                    kind=kind,
                    pk=pk,
                    name=getattr(members[0], name_of),
                    communes=tuple(members),
                    zone_name=", ".join(sorted({c.zone_name for c in members})),
                )
            )
    return result


def archive_quarter(quarter: Quarter | None = None, *, by=None) -> list[DiagnosisReport]:
    """Archive the diagnosis of every zone and EPCI for a quarter (the last complete one by default)."""
    _, last = dashboard.month_bounds()
    quarter = quarter or last_complete_quarter(last)
    return [archive_diagnosis(t, quarter, by=by) for t in territories()]


__all__ = [
    "Diagnosis",
    "PeriodError",
    "Quarter",
    "Territory",
    "archive_diagnosis",
    "archive_quarter",
    "build_diagnosis",
    "last_complete_quarter",
    "parse_period",
    "render_pdf",
    "resolve_territory",
]
