"""Read-side queries of the territory, used by the pages of every app."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from .models import EPCI, QPV, Commune, FormerCommune, Quartier, Site, Zone

#: How many communes the search shows at most (the user refines the query beyond that).
SEARCH_LIMIT = 20


def area_summary() -> dict:
    totals = Commune.objects.aggregate(communes=Count("id"), population=Sum("population"))
    return {
        "zones": Zone.objects.count(),
        "epcis": EPCI.objects.count(),
        "communes": totals["communes"] or 0,
        "population": totals["population"] or 0,
        "quartiers": Quartier.objects.count(),
        "qpvs": QPV.objects.count(),
        "sites": Site.objects.filter(is_active=True).count(),
    }


def zones_with_figures(zone_ids: Iterable[int] | None = None):
    zones = Zone.objects.annotate(commune_count=Count("communes"), population=Sum("communes__population"))
    if zone_ids is not None:
        zones = zones.filter(pk__in=list(zone_ids))
    return zones.order_by("position", "name")


def epcis_with_figures(epci_ids: Iterable[int] | None = None):
    epcis = EPCI.objects.annotate(commune_count=Count("communes"), population=Sum("communes__population"))
    if epci_ids is not None:
        epcis = epcis.filter(pk__in=list(epci_ids))
    return epcis.order_by("name")


def resolve_commune(code: str | None) -> Commune | None:
    """The current commune for a current or former INSEE code (Ossé 35209 → Châteaugiron 35069), or None.

    Old records keep the code of their time; communes nouvelles keep one of the merged codes, so a current
    code wins over a former one.
    """
    code = (code or "").strip().upper()
    if len(code) != 5:
        return None
    commune = Commune.objects.select_related("zone", "epci").filter(insee_code=code).first()
    if commune is not None:
        return commune
    former = (
        FormerCommune.objects.select_related("commune__zone", "commune__epci")
        .filter(insee_code=code)
        .order_by("-effective_date")
        .first()
    )
    return former.commune if former is not None else None


# --- The territory page ---------------------------------------------------------------------------------


@dataclass
class EpciFigures:
    epci: EPCI
    communes: list[Commune] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)

    @property
    def commune_count(self) -> int:
        return len(self.communes)

    @property
    def population(self) -> int:
        return sum(c.population for c in self.communes)


@dataclass
class ZoneFigures:
    zone: Zone
    communes: list[Commune] = field(default_factory=list)
    epcis: list[EPCI] = field(default_factory=list)
    quartiers: list[Quartier] = field(default_factory=list)

    @property
    def commune_count(self) -> int:
        return len(self.communes)

    @property
    def population(self) -> int:
        return sum(c.population for c in self.communes)


@dataclass
class TerritoryOverview:
    zones: list[ZoneFigures]
    epcis: list[EpciFigures]
    sites: list[Site]
    qpvs: list[QPV]

    @property
    def commune_count(self) -> int:
        return sum(z.commune_count for z in self.zones)

    @property
    def population(self) -> int:
        return sum(z.population for z in self.zones)

    @property
    def population_vintage(self) -> int | None:
        """The population's millésime (the latest one, should a pack ever mix them)."""
        return max((c.population_vintage for z in self.zones for c in z.communes), default=None)

    @property
    def has_illustrative_sites(self) -> bool:
        return any(site.is_illustrative for site in self.sites)

    @property
    def quartier_count(self) -> int:
        return sum(len(z.quartiers) for z in self.zones)


def territory_overview() -> TerritoryOverview:
    """Zones, EPCI, communes, quartiers with their QPV, and sites, in a fixed number of queries (5).

    Figures are summed in Python over the communes loaded for the lists, so that every total agrees with
    the rows shown.
    """
    zones = {z.pk: ZoneFigures(z) for z in Zone.objects.order_by("position", "name")}
    epcis: dict[int, EpciFigures] = {}
    for commune in Commune.objects.select_related("epci").order_by("search_name", "insee_code"):
        zone = zones[commune.zone_id]
        zone.communes.append(commune)
        figures = epcis.setdefault(commune.epci_id, EpciFigures(commune.epci))
        figures.communes.append(commune)
        if commune.epci not in zone.epcis:
            zone.epcis.append(commune.epci)
        if zone.zone not in figures.zones:
            figures.zones.append(zone.zone)
    qpvs = list(QPV.objects.select_related("commune", "quartier").order_by("code"))
    qpvs_by_quartier: dict[int, list[QPV]] = defaultdict(list)
    for qpv in qpvs:
        if qpv.quartier_id is not None:
            qpvs_by_quartier[qpv.quartier_id].append(qpv)
    for quartier in Quartier.objects.select_related("commune").order_by("commune__search_name", "number"):
        quartier.qpv_list = qpvs_by_quartier.get(quartier.pk, [])  # type: ignore[attr-defined]
        zones[quartier.zone_id].quartiers.append(quartier)
    for zone in zones.values():
        zone.epcis.sort(key=lambda e: e.name)
    sites = list(
        Site.objects.filter(is_active=True)
        .select_related("commune", "zone")
        .order_by("zone__position", "commune__search_name", "name")
    )
    return TerritoryOverview(
        zones=list(zones.values()),
        epcis=sorted(epcis.values(), key=lambda e: e.epci.name),
        sites=sites,
        qpvs=qpvs,
    )


@dataclass(frozen=True)
class CommuneSearchResult:
    query: str
    communes: list[Commune]
    #: More communes match than are shown: the user should refine the query.
    truncated: bool


def search_communes(query: str, *, limit: int = SEARCH_LIMIT) -> CommuneSearchResult:
    """One query whatever the data: the first `limit` matches with their zone and EPCI."""
    communes = list(Commune.objects.search(query).select_related("zone", "epci")[: limit + 1])
    return CommuneSearchResult(query=query, communes=communes[:limit], truncated=len(communes) > limit)
