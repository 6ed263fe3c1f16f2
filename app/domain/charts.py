"""Server-side SVG charts: bars, stacked bars and lines, with a title and description for screen
readers, the Okabe–Ito colour-blind-safe palette, and a viewBox so they scale to any width. The
numbers are always also in a table beside the chart; the chart is the quick look."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 58
# Labels are sized for a phone, where the axis text is 18 units (reports.css): about 10 units a
# character. A bar chart whose labels would not fit under their bars draws its bars across, each
# label whole (or shortened with its full text as a tooltip) on the left.
CHAR_UNITS = 10
ROW, LABEL_WIDTH, LABEL_CHARS = 34, 250, 24


@dataclass(frozen=True, slots=True)
class Series:
    """One line or set of bars; None is a point with nothing to show (a day without a single
    target counted has no attainment), drawn as a gap in a line and as no bar."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    kind: str  # bar | stacked | line
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * step:
            return factor * step
    return 10.0 * step


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def render_svg(chart: Chart, chart_id: str) -> str:
    """The chart as an inline SVG element."""
    if not chart.labels or not chart.series:
        return ""
    slot_chars = (WIDTH - LEFT - RIGHT) / len(chart.labels) / CHAR_UNITS
    if chart.kind == "bar" and max(len(label) for label in chart.labels) > slot_chars:
        return _render_across(chart, chart_id)
    if chart.kind == "stacked":
        top = max(sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.labels)))
    else:
        top = max(max((v for v in s.values if v is not None), default=0) for s in chart.series)
    top = _nice_max(top)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _opening(chart, chart_id, HEIGHT)
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>'
        )
    slot = plot_w / len(chart.labels)
    parts.extend(_marks(chart, top, slot, plot_h))
    every = max(1, -(-len(chart.labels) // 7))  # at most seven labels, so they never overlap
    for i, label in enumerate(chart.labels):
        if i % every:
            continue
        x = LEFT + slot * (i + 0.5)
        parts.append(
            f'<text class="axis" x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.extend(_legend(chart, HEIGHT))
    parts.append("</svg>")
    return "".join(parts)


def _opening(chart: Chart, chart_id: str, height: float) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-d">{escape(_describe(chart))}</desc>',
    ]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _render_across(chart: Chart, chart_id: str) -> str:
    """Bars drawn across, one row per label, its value at the bar's end."""
    many = len(chart.series) > 1
    height = TOP + ROW * len(chart.labels) + (40 if many else 8)
    top = _nice_max(max(max((v for v in s.values if v is not None), default=0) for s in chart.series))
    room = WIDTH - RIGHT - LABEL_WIDTH - 60  # the value's text after the longest bar
    thick = ROW * 0.7 / len(chart.series)
    parts = _opening(chart, chart_id, height)
    for i, label in enumerate(chart.labels):
        y = TOP + ROW * i
        tip = f"<title>{escape(label)}</title>" if _short(label) != label else ""
        parts.append(
            f'<text class="axis" x="{LABEL_WIDTH - 8}" y="{y + ROW / 2 + 6:.1f}" text-anchor="end">'
            f"{tip}{escape(_short(label))}</text>"
        )
        for n, series in enumerate(chart.series):
            value = series.values[i] or 0.0
            width, bar_y = room * value / top, y + ROW * 0.15 + n * thick
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{width:.1f}" height="{thick:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(label)} · {escape(series.name)}: '
                f"{_fmt(value)}{escape(chart.unit)}</title></rect>"
            )
            parts.append(
                f'<text class="axis" x="{LABEL_WIDTH + width + 6:.1f}" y="{bar_y + thick / 2 + 6:.1f}">'
                f"{_fmt(value)}{escape(chart.unit)}</text>"
            )
    if many:
        parts.extend(_legend(chart, height))
    parts.append("</svg>")
    return "".join(parts)


def _marks(chart: Chart, top: float, slot: float, plot_h: float) -> list[str]:
    parts: list[str] = []
    base = TOP + plot_h
    if chart.kind == "line":
        for n, series in enumerate(chart.series):
            colour = PALETTE[n % len(PALETTE)]
            dash = ' stroke-dasharray="6 3"' if n % 2 else ""
            for run in _runs(series.values):
                points = [f"{LEFT + slot * (i + 0.5):.1f},{base - plot_h * v / top:.1f}" for i, v in run]
                if len(points) == 1:  # a lone point between gaps: a dot, or it would not show
                    cx, cy = points[0].split(",")
                    parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
                    continue
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash} '
                    f'points="{" ".join(points)}"/>'
                )
        return parts
    groups = 1 if chart.kind == "stacked" else len(chart.series)
    width = slot * 0.7 / groups
    for i, label in enumerate(chart.labels):
        stacked = 0.0
        for n, series in enumerate(chart.series):
            value = series.values[i] or 0.0
            height = plot_h * value / top
            x = LEFT + slot * (i + 0.15) + (0 if chart.kind == "stacked" else n * width)
            y = base - height - (plot_h * stacked / top if chart.kind == "stacked" else 0)
            colour = PALETTE[n % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(label)} · {escape(series.name)}: "
                f"{_fmt(value)}{escape(chart.unit)}</title></rect>"
            )
            if chart.kind == "stacked":
                stacked += value
    return parts


def _runs(values: tuple[float | None, ...]) -> list[list[tuple[int, float]]]:
    """The unbroken stretches of a line: (index, value) pairs between the points with no value."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if run]


def _legend(chart: Chart, height: float) -> list[str]:
    parts, x = [], LEFT
    for n, series in enumerate(chart.series):
        colour = PALETTE[n % len(PALETTE)]
        y = height - 14
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text class="legend" x="{x + 16}" y="{y}">{escape(series.name)}</text>')
        x += 28 + 10 * len(series.name)  # room for the larger legend text on a phone
    return parts


def _describe(chart: Chart) -> str:
    kinds = {"bar": "Bar chart", "stacked": "Stacked bar chart", "line": "Line chart"}
    names = ", ".join(s.name for s in chart.series)
    kind = kinds.get(chart.kind, "Chart")
    return f"{kind} of {names} over {len(chart.labels)} points; the table below holds the numbers."
