"""Server-rendered SVG maps of the communes, from their stored contours (no tile server, no JavaScript).

- `project_boundaries` turns GeoJSON contours into SVG path data: equirectangular projection with the
  longitudes scaled by cos(mean latitude), viewBox fitted to the data, integer coordinates (about 100 m at
  the scale of a bassin d'emploi, under a pixel on screen).
- `projected_communes` caches that work in the Django cache, keyed by a fingerprint of the contours (count
  and last change), so a page does not project 147 polygons at each request.
- `render_commune_map` draws the communes with a fill colour per commune id given by the caller: zones
  here, a choropleth for the observatory.
- `zone_map` is the map of the territory page, with its legend.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import CommuneBoundary

if TYPE_CHECKING:
    from .selectors import ZoneFigures

#: Zone colours in zone order. Each has a contrast of at least 4.8:1 against white (the borders), and the
#: hues (Okabe-Ito inspired, darkened) stay apart for the common colour-vision deficiencies. A territory
#: with more zones than colours reuses them: the legend and the tables remain the reference.
ZONE_PALETTE: tuple[str, ...] = (
    "#a8467f",  # magenta        5.5:1  (Rennes)
    "#0072b2",  # blue           5.2:1  (Rennes Métropole)
    "#007a5e",  # bluish green   5.3:1  (Antenne du Pays de Brocéliande)
    "#b35806",  # orange brown   4.9:1  (Antenne du Pays des Vallons de Vilaine)
    "#8a6d00",  # dark yellow    4.9:1  (Antenne territoriale du Nord-Est de Rennes)
    "#6b4c9a",  # purple         6.7:1
    "#c0392b",  # red            5.4:1
    "#00707a",  # teal           5.8:1
)
#: Communes the caller gave no colour for (light grey; the white borders stay visible against it).
NO_DATA_FILL = "#d4d4dc"
BORDER_COLOUR = "#ffffff"
MAP_SIZE = 1000  # the larger side of the viewBox, in SVG user units
MAP_PADDING = 8
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Shape:
    commune_id: int
    name: str
    #: SVG path data, one subpath per ring (holes drawn through fill-rule="evenodd").
    d: str


@dataclass(frozen=True)
class ProjectedMap:
    width: int
    height: int
    shapes: tuple[Shape, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    detail: str = ""


@dataclass(frozen=True)
class CommuneMap:
    svg: SafeString
    legend: tuple[LegendItem, ...]
    shape_count: int


def _polygons(geometry: Mapping[str, Any]) -> list[list[list[list[float]]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def project_boundaries(rows: Iterable[tuple[int, str, Mapping[str, Any]]]) -> ProjectedMap:
    """Project (commune id, name, GeoJSON geometry) rows into SVG path data fitted to a viewBox."""
    communes = [(pk, name, _polygons(geometry)) for pk, name, geometry in rows]
    points = [p for _, _, polygons in communes for polygon in polygons for ring in polygon for p in ring]
    if not points:
        return ProjectedMap(width=MAP_SIZE, height=MAP_SIZE // 2, shapes=())
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    # Equirectangular projection, true to scale at the middle latitude of the area.
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * x_scale, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (MAP_SIZE - 2 * MAP_PADDING) / max(span_x, span_y)
    width = math.ceil(span_x * scale) + 2 * MAP_PADDING
    height = math.ceil(span_y * scale) + 2 * MAP_PADDING

    def xy(position: Sequence[float]) -> tuple[int, int]:
        return (
            round((position[0] - min_lon) * x_scale * scale) + MAP_PADDING,
            round((max_lat - position[1]) * scale) + MAP_PADDING,
        )

    shapes = []
    for pk, name, polygons in communes:
        subpaths = []
        for polygon in polygons:
            for ring in polygon:
                projected: list[tuple[int, int]] = []
                for position in ring:
                    point = xy(position)
                    if not projected or projected[-1] != point:
                        projected.append(point)
                if len(projected) >= 3:
                    subpaths.append(_subpath(projected))
        if subpaths:
            shapes.append(Shape(commune_id=pk, name=name, d="".join(subpaths)))
    return ProjectedMap(width=width, height=height, shapes=tuple(shapes))


def _subpath(points: Sequence[tuple[int, int]]) -> str:
    """A closed subpath in relative coordinates ("M10 20l3-2 -1 4z"), about half the size of absolute ones."""
    parts = [f"M{points[0][0]} {points[0][1]}l"]
    previous = points[0]
    numbers = []
    for x, y in points[1:]:
        numbers += [x - previous[0], y - previous[1]]
        previous = (x, y)
    text = ""
    for number in numbers:
        # A minus sign separates numbers by itself: "3-2" reads as 3, -2.
        text += str(number) if number < 0 or not text else f" {number}"
    parts.append(text)
    parts.append("z")
    return "".join(parts)


def projected_communes(commune_ids: Collection[int] | None = None) -> ProjectedMap:
    """The projected contours of the given communes (all by default), from the cache when unchanged.

    One query when cached (the fingerprint), two otherwise.
    """
    boundaries = CommuneBoundary.objects.all()
    if commune_ids is not None:
        boundaries = boundaries.filter(commune_id__in=list(commune_ids))
    fingerprint = boundaries.aggregate(n=Count("pk"), shapes=Max("updated"), names=Max("commune__updated"))
    ids = "all" if commune_ids is None else ",".join(str(pk) for pk in sorted(commune_ids))
    digest = hashlib.sha256(f"{fingerprint}|{ids}".encode()).hexdigest()[:32]
    key = f"territory:map:{digest}"
    projected = cache.get(key)
    if projected is None:
        projected = project_boundaries(
            boundaries.order_by("commune__search_name").values_list("commune_id", "commune__name", "geometry")
        )
        cache.set(key, projected, CACHE_SECONDS)
    return projected


def render_commune_map(
    fills: Mapping[int, str],
    *,
    title: str,
    description: str,
    map_id: str = "carte-communes",
    titles: Mapping[int, str] | None = None,
    commune_ids: Collection[int] | None = None,
    default_fill: str = NO_DATA_FILL,
) -> SafeString:
    """An inline SVG map: one <path> per commune, filled with `fills[commune id]`.

    `titles` overrides the tooltip of a commune (its name by default), e.g. "Acigné : 12 jeunes". The SVG has
    role="img" and is labelled by its <title> and <desc>; the page must also give the same information as
    text (a table), since a map alone is not accessible.
    """
    projected = projected_communes(commune_ids)
    titles = titles or {}
    paths = "".join(
        format_html(
            '<path d="{}" fill="{}"><title>{}</title></path>',
            shape.d,
            fills.get(shape.commune_id, default_fill),
            titles.get(shape.commune_id, shape.name),
        )
        for shape in projected.shapes
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}" role="img" aria-labelledby="{}-titre {}-desc" '
        'class="commune-map" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-titre">{}</title><desc id="{}-desc">{}</desc>'
        '<g stroke="{}" stroke-width="1" stroke-linejoin="round" fill-rule="evenodd">{}</g></svg>',
        projected.view_box,
        map_id,
        map_id,
        map_id,
        title,
        map_id,
        description,
        BORDER_COLOUR,
        mark_safe(paths),  # noqa: S308 - built above with format_html, every value escaped
    )


def zone_colours(zone_ids: Sequence[int]) -> dict[int, str]:
    """A colour per zone id, in the order given (the zones' display order)."""
    return {pk: ZONE_PALETTE[index % len(ZONE_PALETTE)] for index, pk in enumerate(zone_ids)}


def zone_map(zones: Sequence[ZoneFigures], *, map_id: str = "carte-zones") -> CommuneMap:
    """The communes coloured by zone, with the legend (one item per zone, with its commune count)."""
    colours = zone_colours([z.zone.pk for z in zones])
    fills = {c.pk: colours[z.zone.pk] for z in zones for c in z.communes}
    titles = {c.pk: f"{c.name} — {z.zone.name}" for z in zones for c in z.communes}
    commune_count = sum(z.commune_count for z in zones)
    svg = render_commune_map(
        fills,
        title=f"Carte des {commune_count} communes du territoire, colorées selon leur zone",
        description=(
            "Chaque commune est colorée selon la zone (antenne) qui la dessert. "
            "Le tableau des zones et les listes de communes, plus bas, donnent les mêmes informations."
        ),
        titles=titles,
        map_id=map_id,
    )
    legend = tuple(
        LegendItem(
            label=z.zone.name,
            colour=colours[z.zone.pk],
            detail=f"{z.commune_count} commune{'s' if z.commune_count > 1 else ''}",
        )
        for z in zones
    )
    return CommuneMap(svg=svg, legend=legend, shape_count=svg.count("<path "))
