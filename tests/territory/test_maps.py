from __future__ import annotations

import math
from xml.etree import ElementTree

import pytest
from django.core.cache import cache

from maillage.territory import maps, selectors
from maillage.territory.models import Commune

from .factories import CommuneFactory

SVG_NS = "{http://www.w3.org/2000/svg}"


def square(lon, lat, size):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_projection_is_corrected_by_the_cosine_of_the_latitude():
    # One degree by one degree at 60° N is twice as tall as it is wide.
    projected = maps.project_boundaries([(1, "Carré", square(10, 59.5, 1))])
    inner_width = projected.width - 2 * maps.MAP_PADDING
    inner_height = projected.height - 2 * maps.MAP_PADDING
    assert inner_height == maps.MAP_SIZE - 2 * maps.MAP_PADDING
    assert inner_width / inner_height == pytest.approx(math.cos(math.radians(60)), abs=0.01)
    assert projected.view_box == f"0 0 {projected.width} {projected.height}"


def test_paths_are_closed_relative_subpaths_one_per_ring():
    outer = square(0, 0, 2)["coordinates"][0]
    hole = square(0.5, 0.5, 1)["coordinates"][0]
    projected = maps.project_boundaries(
        [
            (
                1,
                "Avec un trou",
                {"type": "MultiPolygon", "coordinates": [[outer, hole], [square(3, 0, 1)["coordinates"][0]]]},
            )
        ]
    )
    (shape,) = projected.shapes
    assert shape.d.count("M") == 3
    assert shape.d.count("z") == 3
    assert shape.d.startswith(f"M{maps.MAP_PADDING} ")


def test_empty_data_gives_an_empty_map():
    assert maps.project_boundaries([]).shapes == ()


def test_zone_palette_contrasts_with_the_white_borders():
    assert len(set(maps.ZONE_PALETTE)) == len(maps.ZONE_PALETTE) >= 5
    for colour in maps.ZONE_PALETTE:
        assert 1.05 / (relative_luminance(colour) + 0.05) >= 3, colour


def test_map_of_the_pack_has_a_titled_path_per_commune_in_the_zone_colour(territory):
    overview = selectors.territory_overview()
    commune_map = maps.zone_map(overview.zones)
    svg = ElementTree.fromstring(str(commune_map.svg))  # noqa: S314 - our own output
    paths = svg.findall(f".//{SVG_NS}path")
    assert commune_map.shape_count == len(paths) == 147
    assert sorted(p.find(f"{SVG_NS}title").text.split(" — ")[0] for p in paths) == sorted(
        Commune.objects.values_list("name", flat=True)
    )
    colours = {item.label: item.colour for item in commune_map.legend}
    assert list(colours) == [z.zone.name for z in overview.zones]
    assert len(set(colours.values())) == 5
    rennes = next(p for p in paths if p.find(f"{SVG_NS}title").text.startswith("Rennes —"))
    assert rennes.get("fill") == colours["Rennes"]
    assert svg.get("viewBox").startswith("0 0 ")
    assert svg.find(f"{SVG_NS}title").text.startswith("Carte des 147 communes")


def test_caller_chooses_fills_and_titles_for_choropleths(territory):
    rennes = Commune.objects.get(insee_code="35238")
    svg = maps.render_commune_map(
        {rennes.pk: "#123456"},
        title="Jeunes accompagnés",
        description="Nombre de jeunes par commune",
        titles={rennes.pk: "Rennes : 12 jeunes <b>"},
        map_id="choroplethe",
    )
    root = ElementTree.fromstring(str(svg))  # noqa: S314 - our own output
    fills = [p.get("fill") for p in root.iter(f"{SVG_NS}path")]
    assert fills.count("#123456") == 1
    assert fills.count(maps.NO_DATA_FILL) == 146
    assert "Rennes : 12 jeunes &lt;b&gt;" in svg
    assert root.get("aria-labelledby") == "choroplethe-titre choroplethe-desc"


def test_a_subset_of_communes_gets_its_own_fitted_view_box(territory):
    brocéliande = Commune.objects.filter(zone__name="Antenne du Pays de Brocéliande").values_list(
        "pk", flat=True
    )
    subset = maps.projected_communes(list(brocéliande))
    assert len(subset.shapes) == 33
    assert max(subset.width, subset.height) <= maps.MAP_SIZE + 1


def test_projected_paths_are_cached_until_the_data_changes(territory, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(2):
        first = maps.projected_communes()
    with django_assert_num_queries(1):  # only the fingerprint
        assert maps.projected_communes() == first
    CommuneFactory(name="Nouvelle commune")  # no contour: same shapes
    rennes = Commune.objects.get(insee_code="35238")
    rennes.name = "Rennes la Bretonne"
    rennes.save()
    with django_assert_num_queries(2):
        renamed = maps.projected_communes()
    assert "Rennes la Bretonne" in {shape.name for shape in renamed.shapes}
