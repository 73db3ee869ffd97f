"""SVG charts: valid XML, accessible names, right number of marks, no inline style, honest suppressed bars."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from maillage.observatory import charts
from maillage.observatory.formatting import fr_month, fr_number, fr_percent, fr_signed, months_between

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart: charts.Chart) -> ET.Element:
    root = ET.fromstring(str(chart.svg))  # noqa: S314 - our own markup
    assert root.tag == f"{SVG}svg"
    return root


def no_style_anywhere(root: ET.Element) -> None:
    for element in root.iter():
        assert "style" not in element.attrib, element.tag


def relative_luminance(colour: str) -> float:
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


BARS = [
    charts.Bar("Rennes", 54833),
    charts.Bar("Cesson-Sévigné", Decimal("2155.4")),
    charts.Bar("Bruz", 2067),
    charts.Bar("Petite commune", None, suppressed=True),
]


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_bar_chart_is_valid_accessible_svg(orientation):
    chart = charts.bar_chart(
        BARS,
        chart_id="test-barres",
        title="Jeunes de 15 à 24 ans",
        description="Par commune.",
        value_label="15-24 ans",
        orientation=orientation,
    )
    root = parse(chart)
    no_style_anywhere(root)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "test-barres-title test-barres-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (
        title is not None and title.get("id") == "test-barres-title" and title.text == "Jeunes de 15 à 24 ans"
    )
    assert desc is not None and desc.text.startswith("Par commune.")
    assert "1 valeur inférieure à 11" in desc.text
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    suppressed = root.findall(f".//{SVG}rect[@class='bar-suppressed']")
    assert len(bars) == 3
    assert len(suppressed) == 1
    assert chart.marks == 4
    assert suppressed[0].get("fill") == "url(#test-barres-hatch)"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "54\u00a0833" in texts
    assert "2\u00a0155" in texts
    assert "< 11" in texts


def test_a_suppressed_bar_spans_the_threshold_not_its_value():
    chart = charts.bar_chart(
        [charts.Bar("Grande", 100), charts.Bar("Petite", None, suppressed=True)],
        chart_id="seuil",
        title="t",
        threshold=11,
    )
    root = parse(chart)
    full = root.find(f".//{SVG}rect[@class='bar']")
    hidden = root.find(f".//{SVG}rect[@class='bar-suppressed']")
    # The axis ends at 100: the hatched box covers [0, 11), whatever the true value.
    assert float(hidden.get("width")) == pytest.approx(float(full.get("width")) * 11 / 100, rel=0.01)


def test_the_value_of_a_suppressed_bar_is_refused():
    with pytest.raises(ValueError, match="masquée"):
        charts.bar_chart([charts.Bar("Petite", 4, suppressed=True)], chart_id="x", title="t")


def test_the_companion_table_matches_the_chart():
    chart = charts.bar_chart(
        BARS, chart_id="tableau", title="Titre", category_label="Commune", value_label="Jeunes"
    )
    table = chart.table
    assert table.caption == "Titre"
    assert table.csv_header() == ["Commune", "Jeunes"]
    assert [r.header.display for r in table.rows] == ["Rennes", "Cesson-Sévigné", "Bruz", "Petite commune"]
    assert [r.cells[0].display for r in table.rows] == ["54\u00a0833", "2\u00a0155", "2\u00a0067", "< 11"]
    assert table.rows[-1].cells[0].suppressed
    assert list(table.csv_rows())[1] == ["Cesson-Sévigné", "2155,4"]
    assert list(table.csv_rows())[3] == ["Petite commune", "< 11"]


def test_labels_are_escaped():
    chart = charts.bar_chart([charts.Bar("<script>alert(1)</script> & co", 5)], chart_id="esc", title="a < b")
    assert "<script>" not in str(chart.svg)
    parse(chart)


def test_line_chart_with_gaps_and_two_series():
    months = months_between(*(date(2024, m, 1) for m in (1, 6)))
    chart = charts.line_chart(
        [
            charts.Series("Commune A", [120, 130, None, 150, 160, 170], suppressed=frozenset({2})),
            charts.Series("Commune B", [900, 910, 920, 930, 940, 950]),
        ],
        x_labels=[fr_month(m) for m in months],
        chart_id="courbe",
        title="Demandeurs d'emploi",
    )
    root = parse(chart)
    no_style_anywhere(root)
    assert root.find(f"{SVG}title").text == "Demandeurs d'emploi"
    paths = root.findall(f".//{SVG}path[@class='chart-line']")
    assert len(paths) == 2
    assert paths[0].get("d").count("M") == 2  # the gap splits the line in two
    assert paths[1].get("stroke-dasharray")  # the second series is dashed, not only coloured
    assert len(root.findall(f".//{SVG}circle")) == 11
    assert chart.table.rows[2].cells[0].display == "< 11"
    assert chart.table.rows[0].header.display == "janvier 2024"
    assert chart.table.csv_header() == ["Mois", "Commune A", "Commune B"]


def test_line_chart_refuses_mismatched_series():
    with pytest.raises(ValueError, match="valeurs pour"):
        charts.line_chart([charts.Series("A", [1, 2])], x_labels=["a"], chart_id="x", title="t")


def test_choropleth_quantiles_and_fixed_breaks():
    values = {1: 5.0, 2: 10.0, 3: 15.0, 4: 20.0, 5: None, 6: None}
    scheme = charts.choropleth(values, classes=2, suppressed=[6], decimals=0, unit="%")
    assert scheme.breaks == (15.0,)
    assert scheme.colours[1] == scheme.colours[2] != scheme.colours[3] == scheme.colours[4]
    assert scheme.colours[5] == charts.NO_DATA_COLOUR
    assert scheme.colours[6] == charts.SUPPRESSED_COLOUR
    labels = [entry.label for entry in scheme.legend]
    assert labels == ["moins de 15\u00a0%", "15\u00a0% ou plus", "< 11 (secret statistique)", "pas de donnée"]
    assert [entry.count for entry in scheme.legend] == [2, 2, 1, 1]

    fixed = charts.choropleth({1: 1, 2: 50, 3: 100}, breaks=[10, 60])
    assert len({fixed.colours[1], fixed.colours[2], fixed.colours[3]}) == 3
    assert [e.label for e in fixed.legend] == ["moins de 10", "de 10 à moins de 60", "60 ou plus"]
    with pytest.raises(ValueError):
        charts.choropleth({1: 1}, breaks=[10, 5])


def test_every_colour_has_enough_contrast():
    for colour in (
        charts.BAR_COLOUR,
        *charts.SERIES_COLOURS,
        *charts.CHOROPLETH_PALETTE,
        charts.SUPPRESSED_COLOUR,
    ):
        assert contrast_with_white(colour) >= 3, colour


def test_nice_ticks():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(54833)[-1] >= 54833
    assert charts.nice_ticks(9) == [0, 2, 4, 6, 8, 10]


def test_french_formatting():
    assert fr_number(1234567.891) == "1\u00a0234\u00a0568"
    assert fr_number(Decimal("767.95"), 1) == "768,0"
    assert fr_number(None) == "—"
    assert fr_percent(15.734) == "15,7\u00a0%"
    assert fr_signed(-12) == "\u221212"
    assert fr_signed(3.25, 1, suffix="%") == "+3,3\u00a0%"
    assert fr_month(date(2024, 2, 1), short=True) == "févr. 2024"
