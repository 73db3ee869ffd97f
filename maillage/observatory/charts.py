"""Server-rendered SVG charts with their accessible data tables (pure: no database, no request).

Every chart is an ``<svg role="img" aria-labelledby="… …">`` with a ``<title>`` and a ``<desc>`` and comes
with a `tables.Table` holding the same figures, which the template shows beside it (a screen reader reads
the table; the SVG is one image to it). Constraints the markup honours:

- **no ``style`` attribute** (the Content-Security-Policy forbids inline styles): colours are presentation
  attributes (``fill=``, ``stroke=``) and layout classes live in ``static/css/observatory.css``;
- **colours ≥ 3:1** against the white background (WCAG 1.4.11), and never the only cue: values are written
  next to the bars, series have distinct dash patterns and a legend;
- **French numbers** (``formatting.fr_number``);
- **suppressed values** ("< 11") are never drawn at their height: the bar is an empty hatched box from 0 to
  the threshold — the interval the value lies in — labelled "< 11"; a line chart leaves a gap.

`choropleth` turns ``{commune_id: value}`` into ``{commune_id: colour}`` and a legend, for the commune map
drawn by the territory app (``commune_map`` below is the adapter).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from . import tables
from .formatting import fr_number
from .suppression import min_cell, suppressed_label

Number = int | float | Decimal

#: Bars and the first series: the house blue, 10:1 on white.
BAR_COLOUR = "#1f3a93"
#: Line series, each ≥ 5:1 on white, paired with a dash pattern so that colour is not the only cue.
SERIES_COLOURS = ("#1f3a93", "#a33d00", "#18753c", "#6a1b9a")
SERIES_DASHES = ("", "8 4", "2 4", "12 4 2 4")
INK = "#1e1e1e"
MUTED = "#4f4f4f"
GRID = "#c8c8d0"
#: Sequential palette of the choropleth, light to dark; the lightest is 3.1:1 on white.
CHOROPLETH_PALETTE = ("#7b8fd0", "#5c74c4", "#3f5bb3", "#2a4499", "#142665")
_PALETTE_PICKS = {1: (2,), 2: (1, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}
SUPPRESSED_COLOUR = "#6b6b75"
#: Same grey as the territory maps for communes without a value.
NO_DATA_COLOUR = "#d4d4dc"

#: viewBox widths: narrow enough that the text stays legible when the chart shrinks to a phone's width.
WIDTH = 560
BAR_WIDTH = 480
FONT_SIZE = 14
SMALL_FONT_SIZE = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number | None
    suppressed: bool = False
    #: Display text; by default the French-formatted value, "< 11" when suppressed, "non disponible" if None.
    display: str | None = None


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Number | None]
    #: Positions (indexes in `values`) suppressed by the secrecy rule; their value must be None.
    suppressed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    description: str
    svg: SafeString
    table: tables.Table
    #: Number of drawn marks (bars or points), handy for tests and for "no data" messages.
    marks: int = 0


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    count: int = 0


@dataclass(frozen=True)
class Choropleth:
    colours: dict[Hashable, str]
    legend: tuple[LegendEntry, ...]
    breaks: tuple[Number, ...] = ()


# --- Helpers ---------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    """A coordinate: compact and locale-free."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_ticks(maximum: float, target: int = 5) -> list[float]:
    """0, step, 2·step … up to a round value ≥ maximum (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = math.ceil(maximum / step - 1e-9)
    return [round(step * k, 10) for k in range(count + 1)]


def _tick(value: float) -> str:
    return fr_number(value, 0 if float(value).is_integer() else 1)


def _display(bar: Bar, threshold: int, decimals: int) -> str:
    if bar.display is not None:
        return bar.display
    if bar.suppressed:
        return suppressed_label(threshold)
    if bar.value is None:
        return "non disponible"
    return fr_number(bar.value, decimals)


def _wrap(label: str, width: int, lines: int) -> list[str]:
    words, result, current = label.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            result.append(current)
            current = word
    if current:
        result.append(current)
    if len(result) > lines:
        result = result[:lines]
        result[-1] = result[-1][: max(width - 1, 1)].rstrip() + "…"
    return [line if len(line) <= width + 2 else line[: width - 1] + "…" for line in result]


def _shorten(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _svg_open(chart_id: str, height: float, title: str, description: str, width: int = WIDTH) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} {_n(height)}" '
        f'role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" focusable="false">',
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
        f'<desc id="{_e(chart_id)}-desc">{_e(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{_n(height)}" fill="#ffffff"/>',
    ]


def _hatch(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{_e(chart_id)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="2"/></pattern></defs>'
    )


def _bar_table(
    chart_id: str,
    title: str,
    category_label: str,
    value_label: str,
    bars: Sequence[Bar],
    threshold: int,
    decimals: int,
) -> tables.Table:
    rows = []
    for bar in bars:
        if bar.suppressed:
            cell = tables.secret(_display(bar, threshold, decimals))
        elif bar.value is None:
            cell = tables.TableCell(display=_display(bar, threshold, decimals), raw=None)
        else:
            cell = tables.TableCell(display=_display(bar, threshold, decimals), raw=bar.value)
        rows.append(tables.row(bar.label, [cell]))
    return tables.Table(
        key=chart_id,
        caption=title,
        header_label=category_label,
        columns=(tables.Column(value_label),),
        rows=tuple(rows),
    )


def _summary(bars: Sequence[Bar], threshold: int, decimals: int) -> str:
    shown = [b for b in bars if b.value is not None and not b.suppressed]
    parts = [f"{len(bars)} valeur{'s' if len(bars) > 1 else ''}."]
    if shown:
        top = max(shown, key=lambda b: b.value or 0)
        parts.append(f"La plus élevée : {top.label}, {_display(top, threshold, decimals)}.")
    hidden = sum(b.suppressed for b in bars)
    if hidden:
        parts.append(
            f"{hidden} valeur{'s' if hidden > 1 else ''} inférieure{'s' if hidden > 1 else ''} "
            f"à {threshold}, "
            "non publiée" + ("s" if hidden > 1 else "") + " (secret statistique)."
        )
    return " ".join(parts)


def _check(bars: Iterable[Bar]) -> None:
    for bar in bars:
        if bar.suppressed and bar.value is not None:
            raise ValueError(
                f"« {bar.label} » est masquée : sa valeur ne doit pas être transmise au graphique."
            )
        if bar.value is not None and bar.value < 0:
            raise ValueError(f"« {bar.label} » : valeur négative non prise en charge.")


# --- Bar charts -------------------------------------------------------------------------------------------


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    category_label: str = "Catégorie",
    value_label: str = "Valeur",
    orientation: str = "horizontal",
    decimals: int = 0,
    threshold: int | None = None,
    colour: str = BAR_COLOUR,
) -> Chart:
    """A bar chart. Horizontal (labels above their bar, suits long labels and phones) or vertical."""
    if orientation not in ("horizontal", "vertical"):
        raise ValueError("orientation : « horizontal » ou « vertical ».")
    _check(bars)
    n = min_cell() if threshold is None else threshold
    full_description = " ".join(part for part in (description, _summary(bars, n, decimals)) if part)
    values = [float(b.value) for b in bars if b.value is not None]
    maximum = max([*values, float(n) if any(b.suppressed for b in bars) else 0.0, 0.0])
    ticks = nice_ticks(maximum)
    top = ticks[-1]
    draw = _horizontal_bars if orientation == "horizontal" else _vertical_bars
    parts, marks = draw(bars, chart_id, title, full_description, ticks, top, n, decimals, colour)
    return Chart(
        chart_id=chart_id,
        title=title,
        description=full_description,
        svg=mark_safe("".join(parts)),  # noqa: S308 - every dynamic text is escaped by _e()
        table=_bar_table(chart_id, title, category_label, value_label, bars, n, decimals),
        marks=marks,
    )


def _horizontal_bars(bars, chart_id, title, description, ticks, top, n, decimals, colour):
    row_height, bar_height, top_margin, axis_height = 46, 18, 8, 28
    x0, x1 = 8.0, BAR_WIDTH - 80.0
    height = top_margin + row_height * max(len(bars), 1) + axis_height
    plot_bottom = top_margin + row_height * max(len(bars), 1)

    def x(value: float) -> float:
        return x0 + (x1 - x0) * value / top

    parts = _svg_open(chart_id, height, title, description, BAR_WIDTH)
    parts.append(_hatch(chart_id))
    parts.append('<g class="chart-grid">')
    for tick in ticks:
        parts.append(
            f'<line x1="{_n(x(tick))}" y1="{top_margin}" x2="{_n(x(tick))}" y2="{_n(plot_bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(x(tick))}" y="{_n(plot_bottom + 18)}" font-size="{SMALL_FONT_SIZE}" '
            f'text-anchor="middle" fill="{MUTED}">{_e(_tick(tick))}</text>'
        )
    parts.append("</g>")
    marks = 0
    for k, bar in enumerate(bars):
        y = top_margin + row_height * k
        label = _e(_shorten(bar.label, 58))
        parts.append(
            f'<g class="chart-bar"><title>{_e(bar.label)} : {_e(_display(bar, n, decimals))}</title>'
        )
        parts.append(
            f'<text x="{_n(x0)}" y="{_n(y + 14)}" font-size="{FONT_SIZE}" fill="{INK}">{label}</text>'
        )
        bar_y = y + 20
        if bar.suppressed:
            width = max(x(n) - x0, 6.0)
            parts.append(
                f'<rect class="bar-suppressed" x="{_n(x0)}" y="{_n(bar_y)}" width="{_n(width)}" '
                f'height="{bar_height}" fill="url(#{_e(chart_id)}-hatch)" stroke="{MUTED}" stroke-width="1"/>'
            )
            end = x0 + width
            marks += 1
        elif bar.value is not None:
            width = x(float(bar.value)) - x0
            parts.append(
                f'<rect class="bar" x="{_n(x0)}" y="{_n(bar_y)}" width="{_n(width)}" height="{bar_height}" '
                f'fill="{colour}"/>'
            )
            end = x0 + width
            marks += 1
        else:
            end = x0
        parts.append(
            f'<text x="{_n(end + 6)}" y="{_n(bar_y + 14)}" font-size="{FONT_SIZE}" fill="{INK}" '
            f'font-weight="600">{_e(_display(bar, n, decimals))}</text></g>'
        )
    parts.append(
        f'<line x1="{_n(x0)}" y1="{top_margin}" x2="{_n(x0)}" y2="{_n(plot_bottom)}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return parts, marks


def _vertical_bars(bars, chart_id, title, description, ticks, top, n, decimals, colour):
    height, left, right, top_margin, bottom = 340.0, 64.0, 8.0, 28.0, 72.0
    plot_top, plot_bottom = top_margin, height - bottom
    band = (WIDTH - left - right) / max(len(bars), 1)
    bar_width = min(band * 0.6, 80.0)

    def y(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / top

    parts = _svg_open(chart_id, height, title, description)
    parts.append(_hatch(chart_id))
    parts.append('<g class="chart-grid">')
    for tick in ticks:
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y(tick))}" x2="{_n(WIDTH - right)}" y2="{_n(y(tick))}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(left - 6)}" y="{_n(y(tick) + 4)}" font-size="{SMALL_FONT_SIZE}" text-anchor="end" '
            f'fill="{MUTED}">{_e(_tick(tick))}</text>'
        )
    parts.append("</g>")
    chars = max(int(band / 7.5), 4)
    marks = 0
    for k, bar in enumerate(bars):
        centre = left + band * k + band / 2
        bx = centre - bar_width / 2
        parts.append(
            f'<g class="chart-bar"><title>{_e(bar.label)} : {_e(_display(bar, n, decimals))}</title>'
        )
        if bar.suppressed:
            bar_top = min(y(n), plot_bottom - 6)
            parts.append(
                f'<rect class="bar-suppressed" x="{_n(bx)}" y="{_n(bar_top)}" width="{_n(bar_width)}" '
                f'height="{_n(plot_bottom - bar_top)}" fill="url(#{_e(chart_id)}-hatch)" stroke="{MUTED}" '
                'stroke-width="1"/>'
            )
            marks += 1
        elif bar.value is not None:
            bar_top = y(float(bar.value))
            parts.append(
                f'<rect class="bar" x="{_n(bx)}" y="{_n(bar_top)}" width="{_n(bar_width)}" '
                f'height="{_n(plot_bottom - bar_top)}" fill="{colour}"/>'
            )
            marks += 1
        else:
            bar_top = plot_bottom
        parts.append(
            f'<text x="{_n(centre)}" y="{_n(bar_top - 6)}" font-size="{FONT_SIZE}" text-anchor="middle" '
            f'fill="{INK}" font-weight="600">{_e(_display(bar, n, decimals))}</text>'
        )
        parts.append(
            f'<text x="{_n(centre)}" y="{_n(plot_bottom + 18)}" font-size="{SMALL_FONT_SIZE}" '
            f'text-anchor="middle" fill="{INK}">'
        )
        for line_number, line in enumerate(_wrap(bar.label, chars, 3)):
            dy = "0" if line_number == 0 else "1.2em"
            parts.append(f'<tspan x="{_n(centre)}" dy="{dy}">{_e(line)}</tspan>')
        parts.append("</text></g>")
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(plot_bottom)}" x2="{_n(WIDTH - right)}" y2="{_n(plot_bottom)}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return parts, marks


# --- Line charts ------------------------------------------------------------------------------------------


def line_chart(
    series: Sequence[Series],
    *,
    x_labels: Sequence[str],
    chart_id: str,
    title: str,
    description: str = "",
    category_label: str = "Mois",
    decimals: int = 0,
    threshold: int | None = None,
    tick_labels: Sequence[str] | None = None,
) -> Chart:
    """One or several monthly series over the same months (y axis from zero). Suppressed points are gaps."""
    if len(series) > len(SERIES_COLOURS):
        raise ValueError(f"Au plus {len(SERIES_COLOURS)} séries par graphique.")
    n = min_cell() if threshold is None else threshold
    for s in series:
        if len(s.values) != len(x_labels):
            raise ValueError(f"« {s.label} » : {len(s.values)} valeurs pour {len(x_labels)} mois.")
        for k in s.suppressed:
            if s.values[k] is not None:
                raise ValueError(
                    f"« {s.label} » : une valeur masquée ne doit pas être transmise au graphique."
                )
    ticks_text = list(tick_labels) if tick_labels is not None else list(x_labels)

    legend_height = 26 * len(series) if len(series) > 1 else 0
    height, left, right, bottom = 320.0 + legend_height, 72.0, 20.0, 48.0
    plot_top, plot_bottom = 16.0 + legend_height, height - bottom
    values = [float(v) for s in series for v in s.values if v is not None]
    ticks = nice_ticks(max(values, default=0.0))
    top = ticks[-1]
    count = len(x_labels)
    step = (WIDTH - left - right) / max(count - 1, 1)

    def x(k: int) -> float:
        return left + step * k if count > 1 else (left + WIDTH - right) / 2

    def y(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / top

    summary = []
    for s in series:
        shown = [(k, v) for k, v in enumerate(s.values) if v is not None]
        if shown:
            (k0, v0), (k1, v1) = shown[0], shown[-1]
            summary.append(
                f"{s.label} : {fr_number(v0, decimals)} en {x_labels[k0]}, "
                f"{fr_number(v1, decimals)} en {x_labels[k1]}."
            )
        if s.suppressed:
            summary.append(
                f"{len(s.suppressed)} mois sous le seuil de {n}, non publiés (secret statistique)."
            )
    full_description = " ".join(part for part in (description, *summary) if part)

    parts = _svg_open(chart_id, height, title, full_description)
    if len(series) > 1:
        parts.append('<g class="chart-legend">')
        for k, s in enumerate(series):
            ly = 18 + 26 * k
            dash = f' stroke-dasharray="{SERIES_DASHES[k]}"' if SERIES_DASHES[k] else ""
            parts.append(
                f'<line x1="{_n(left)}" y1="{ly}" x2="{_n(left + 36)}" y2="{ly}" '
                f'stroke="{SERIES_COLOURS[k]}" '
                f'stroke-width="3"{dash}/><text x="{_n(left + 44)}" y="{ly + 5}" font-size="{FONT_SIZE}" '
                f'fill="{INK}">{_e(s.label)}</text>'
            )
        parts.append("</g>")
    parts.append('<g class="chart-grid">')
    for tick in ticks:
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y(tick))}" x2="{_n(WIDTH - right)}" y2="{_n(y(tick))}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(left - 6)}" y="{_n(y(tick) + 4)}" font-size="{SMALL_FONT_SIZE}" text-anchor="end" '
            f'fill="{MUTED}">{_e(_tick(tick))}</text>'
        )
    every = max(math.ceil(count / 6), 1)
    for k in range(0, count, every):
        parts.append(
            f'<text x="{_n(x(k))}" y="{_n(plot_bottom + 20)}" font-size="{SMALL_FONT_SIZE}" '
            'text-anchor="middle" '
            f'fill="{INK}">{_e(ticks_text[k])}</text>'
        )
    parts.append("</g>")
    marks = 0
    for index, s in enumerate(series):
        colour, dash = SERIES_COLOURS[index], SERIES_DASHES[index]
        path, pen_down = [], False
        for k, value in enumerate(s.values):
            if value is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{_n(x(k))} {_n(y(float(value)))}")
            pen_down = True
        if path:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<path class="chart-line" d="{" ".join(path)}" fill="none" stroke="{colour}" '
                'stroke-width="2.5" '
                f'stroke-linejoin="round"{dash_attr}/>'
            )
        for k, value in enumerate(s.values):
            if value is None:
                continue
            marks += 1
            parts.append(
                f'<circle class="chart-point" cx="{_n(x(k))}" cy="{_n(y(float(value)))}" r="3.5" '
                f'fill="{colour}">'
                f"<title>{_e(s.label)}, {_e(x_labels[k])} : {_e(fr_number(value, decimals))}</title></circle>"
            )
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(plot_bottom)}" x2="{_n(WIDTH - right)}" y2="{_n(plot_bottom)}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append("</svg>")

    rows = []
    for k, label in enumerate(x_labels):
        cells = []
        for s in series:
            if k in s.suppressed:
                cells.append(tables.secret(suppressed_label(n)))
            else:
                cells.append(tables.number(s.values[k], decimals))
        rows.append(tables.row(label, cells))
    table = tables.Table(
        key=chart_id,
        caption=title,
        header_label=category_label,
        columns=tuple(tables.Column(s.label) for s in series),
        rows=tuple(rows),
    )
    return Chart(
        chart_id=chart_id,
        title=title,
        description=full_description,
        svg=mark_safe("".join(parts)),  # noqa: S308 - every dynamic text is escaped by _e()
        table=table,
        marks=marks,
    )


# --- Choropleth -------------------------------------------------------------------------------------------


def quantile_breaks(values: Iterable[Number], classes: int = 5) -> list[Number]:
    """Class boundaries so that each class holds about the same number of values (ties merge classes)."""
    ordered = sorted(values)
    if not ordered or classes < 2:
        return []
    breaks: list[Number] = []
    for k in range(1, classes):
        candidate = ordered[min(round(k * len(ordered) / classes), len(ordered) - 1)]
        if candidate > ordered[0] and (not breaks or candidate > breaks[-1]):
            breaks.append(candidate)
    return breaks


def choropleth(
    values: Mapping[Hashable, Number | None],
    *,
    breaks: Sequence[Number] | None = None,
    classes: int = 5,
    suppressed: Iterable[Hashable] = (),
    decimals: int = 0,
    unit: str = "",
    formatter: Callable[[Number], str] | None = None,
    threshold: int | None = None,
) -> Choropleth:
    """{commune_id: value} → {commune_id: colour} and the legend.

    Classes are quantiles of the values by default, or the given fixed `breaks` (ascending): a value v is in
    class i when breaks[i-1] ≤ v < breaks[i]. Suppressed communes get the grey "< 11" class, communes
    without a value the light grey "pas de donnée" class.
    """
    n = min_cell() if threshold is None else threshold
    hidden = set(suppressed)
    known = {key: value for key, value in values.items() if value is not None and key not in hidden}
    if breaks is None:
        if not 1 <= classes <= len(CHOROPLETH_PALETTE):
            raise ValueError(f"De 1 à {len(CHOROPLETH_PALETTE)} classes.")
        cut = quantile_breaks(known.values(), classes)
    else:
        cut = list(breaks)
        if any(b >= a for a, b in zip(cut[1:], cut, strict=False)):
            raise ValueError("Les seuils de classes doivent être strictement croissants.")
        if len(cut) + 1 > len(CHOROPLETH_PALETTE):
            raise ValueError(f"Au plus {len(CHOROPLETH_PALETTE)} classes.")
    class_count = len(cut) + 1
    palette = [CHOROPLETH_PALETTE[k] for k in _PALETTE_PICKS[class_count]]
    fmt = formatter or (lambda v: fr_number(v, decimals) + (f"\u00a0{unit}" if unit else ""))

    colours: dict[Hashable, str] = {}
    counts = [0] * class_count
    for key, value in known.items():
        index = sum(1 for b in cut if value >= b)
        colours[key] = palette[index]
        counts[index] += 1
    legend: list[LegendEntry] = []
    if known:
        for index in range(class_count):
            if class_count == 1:
                label = "toutes les valeurs"
            elif index == 0:
                label = f"moins de {fmt(cut[0])}"
            elif index == class_count - 1:
                label = f"{fmt(cut[-1])} ou plus"
            else:
                label = f"de {fmt(cut[index - 1])} à moins de {fmt(cut[index])}"
            legend.append(LegendEntry(label=label, colour=palette[index], count=counts[index]))
    hidden_keys = [key for key in values if key in hidden]
    for key in hidden_keys:
        colours[key] = SUPPRESSED_COLOUR
    if hidden_keys:
        legend.append(
            LegendEntry(
                label=f"{suppressed_label(n)} (secret statistique)",
                colour=SUPPRESSED_COLOUR,
                count=len(hidden_keys),
            )
        )
    missing = [key for key, value in values.items() if value is None and key not in hidden]
    for key in missing:
        colours[key] = NO_DATA_COLOUR
    if missing:
        legend.append(LegendEntry(label="pas de donnée", colour=NO_DATA_COLOUR, count=len(missing)))
    return Choropleth(colours=colours, legend=tuple(legend), breaks=tuple(cut))


def commune_map(
    scheme: Choropleth,
    *,
    title: str,
    description: str,
    map_id: str = "carte-observatoire",
    titles: Mapping[int, str] | None = None,
    commune_ids: Iterable[int] | None = None,
) -> SafeString:
    """ADAPTER to the territory app's commune map: the one place where the observatory calls
    ``maillage.territory.maps.render_commune_map`` (it reads the stored contours, hence the import here and
    not at the top of this otherwise pure module). Communes without a colour get the territory's grey."""
    try:
        from maillage.territory.maps import render_commune_map
    except ImportError:  # the territory maps are not installed: the page shows the table only
        return mark_safe("")  # noqa: S308 - empty

    return render_commune_map(
        {key: colour for key, colour in scheme.colours.items() if isinstance(key, int)},
        title=title,
        description=description,
        map_id=map_id,
        titles=titles,
        commune_ids=None if commune_ids is None else list(commune_ids),
    )
