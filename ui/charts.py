"""The screen's charts as inline SVG, drawn in Python: the four-axis radar, the likelihood x severity grid
and the compare page's bars.

Plain geometry and text: the browser draws them at little cost (no JavaScript bundle, no layout pass of a
charting library) and a screen reader reads the data, which each chart's <desc> says in words. Each SVG
scales to its column (a viewBox, width 100%). Every text node and attribute value that carries words goes
through `ui.present.svg_text`. `draw` puts one on the page through a few lines of browser code
(assets/chart.js), not through Markdown: parsing the SVG as Markdown's HTML cost the results page about
60 ms of the browser's time before the score cards showed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from importlib import resources
from typing import Any, NewType

import streamlit as st

from questions.strings import tr
from report.grid import ACROSS, STEPS, UP, cell_level, place, tick_labels
from scoring.assessment import Assessment
from scoring.axes import AXES
from scoring.model import Method
from ui.present import LEVEL_COLORS, LEVEL_TINTS, colon, level_label, svg_text

# Markup built here from escaped text only: the one kind of value `draw` puts on a page as HTML.
Svg = NewType("Svg", str)

_INK, _MUTED, _RULE = "#111", "#666", "#d0d0d0"
# Each axis's line inside a grid cell (its marker's centre below the cell's top), so that axes sharing a
# cell never overlap, nor does a name running on into the next cell meet that cell's names; the cell's
# level is named below the last line.
_CELL_LINES = (10, 23, 36, 49)
_MARKERS = ("circle", "diamond", "square", "triangle")
_PALETTE = ("#1f5f8b", "#2e7d32", "#8e6c8a")
_BAR_COLORS = ("#8e9aaf", "#1f5f8b")  # the earlier assessment grey, the later one blue
_DASH = "6 4"  # the line of every series but the first


def label_room(label: str, size: float) -> int:
    """Width (in the chart's units, i.e. pixels at scale 1) that `label` needs at font `size`, with a
    margin: a CJK character is about one em wide, a Latin one about 0.6 em."""
    return round(text_width(label, size)) + 16


def text_width(label: str, size: float) -> float:
    """About how wide `label` is at font `size` (sans-serif)."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.62 for c in label) * size


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, words: str, size: float, *, anchor: str = "middle", fill: str = _INK, extra: str = "") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{svg_text(words)}</text>"
    )


def _marker(kind: str, x: float, y: float, size: float, fill: str, tip: str) -> str:
    """A marker of one of the four shapes centred on (x, y), `size` across, with `tip` shown on hover."""
    h = size / 2
    style = f'fill="{fill}" stroke="#222" stroke-width="1.5"'
    if kind == "circle":
        shape = f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(h)}" {style}>'
        end = "</circle>"
    elif kind == "square":
        shape = f'<rect x="{_num(x - h * 0.9)}" y="{_num(y - h * 0.9)}" width="{_num(size * 0.9)}" height="{_num(size * 0.9)}" {style}>'
        end = "</rect>"
    else:
        corners = (
            [(x, y - h * 1.2), (x + h * 1.2, y), (x, y + h * 1.2), (x - h * 1.2, y)]
            if kind == "diamond"
            else [(x, y - h * 1.1), (x + h * 1.1, y + h * 0.9), (x - h * 1.1, y + h * 0.9)]
        )
        shape = f'<polygon points="{_points(corners)}" {style}>'
        end = "</polygon>"
    return f"{shape}<title>{svg_text(tip)}</title>{end}"


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _svg(width: float, height: float, title: str, desc: str, body: list[str], *, grow: float = 1.3) -> Svg:
    """The chart's outer element: scales to its column, up to `grow` times its own size (a wide column
    centres it), named by its title and described by its data in words."""
    return Svg(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" width="100%" '
        f'style="display:block;max-height:{_num(height * grow)}px" role="img" font-family="sans-serif">'
        f"<title>{svg_text(title)}</title><desc>{svg_text(desc)}</desc>{''.join(body)}</svg>"
    )


def _scores_in_words(name: str, assessment: Assessment, lang: str) -> str:
    """One series in words: its name, then each axis with its score and level."""
    scores = tr("common", "list_sep", lang).join(
        tr(
            "ui",
            "chart_axis_score",
            lang,
            axis=a.label.get(lang),
            score=assessment.axes[a.key].score,
            level=level_label(assessment.axes[a.key].level, lang),
        )
        for a in AXES
    )
    return tr("ui", "chart_series", lang, name=name, scores=scores)


def _legend(names: list[str], colors: list[str], x: float, y: float, size: float, *, lines: bool = True) -> list[str]:
    """One row per series from (x, y) down: a sample of its line (dashed after the first) or a swatch of
    its colour, then its name."""
    out = []
    for i, (name, color) in enumerate(zip(names, colors, strict=True)):
        row = y + i * size * 1.5
        out.append(f'<g data-legend="{i}">')
        if lines:
            dash = "" if i == 0 else f' stroke-dasharray="{_DASH}"'
            out.append(
                f'<line x1="{_num(x)}" y1="{_num(row)}" x2="{_num(x + 24)}" y2="{_num(row)}" stroke="{color}" stroke-width="2.5"{dash}/>'
            )
        else:
            out.append(f'<rect x="{_num(x + 6)}" y="{_num(row - 6)}" width="12" height="12" fill="{color}"/>')
        out.append(_text(x + 30, row + size * 0.35, name, size, anchor="start") + "</g>")
    return out


def _legend_width(names: list[str], size: float) -> float:
    return 30 + max(text_width(n, size) for n in names)


def radar_svg(series: list[tuple[str, Assessment]], lang: str, *, compact: bool = False) -> Svg:
    """A radar of the four axes' scores (0-100); one series per (name, assessment), the first is current
    (solid, its points coloured by level), the others dashed; a legend when there are several. Beside each
    axis: its name and each series' score. The margins fit the longest label; `compact` is for a narrow
    column."""
    labels = [a.label.get(lang) for a in AXES]
    size = 12 if compact else 13
    radius = 70 if compact else 100
    line = size * 1.25
    scores = [[assessment.axes[a.key].score for a in AXES] for _, assessment in series]
    beside = [" / ".join(str(s[i]) for s in scores) for i in range(len(AXES))]  # each axis's scores, in series order
    n = len(AXES)
    angles = [2 * math.pi * i / n for i in range(n)]  # the first axis to the right, then counter-clockwise
    # Each side of the circle gets the room of the labels drawn there (the first axis right, the third left).
    right = max((label_room(w, size) for i, w in enumerate(labels) if math.cos(angles[i]) > 0.3), default=16)
    left = max((label_room(w, size) for i, w in enumerate(labels) if math.cos(angles[i]) < -0.3), default=16)
    right = max(right, max(label_room(b, size) for b in beside))
    left = max(left, max(label_room(b, size) for b in beside))
    top = bottom = 2 * line + 12
    names = [name for name, _ in series]
    colors = [_PALETTE[i % len(_PALETTE)] for i in range(len(series))]
    legend = len(series) > 1
    width: float = left + 2 * radius + right
    if legend:
        width = max(width, _legend_width(names, size) + 16)
    height = top + 2 * radius + bottom + (len(series) * size * 1.5 + 6 if legend else 0)
    cx, cy = left + radius, top + radius

    def at(value: float, angle: float) -> tuple[float, float]:
        r = radius * max(0, min(value, 100)) / 100
        return cx + r * math.cos(angle), cy - r * math.sin(angle)

    body = []
    for ring in (25, 50, 75, 100):
        body.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(radius * ring / 100)}" fill="none" stroke="{_RULE}"/>')
    for angle in angles:
        x, y = at(100, angle)
        body.append(f'<line x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}" stroke="{_RULE}"/>')
    for ring in (25, 50, 75, 100):  # the scale, along the diagonal between the first two axes
        x, y = at(ring, math.pi / 4)
        halo = ' stroke="#fff" stroke-width="3" paint-order="stroke"'  # readable over a series' line
        body.append(_text(x + 2, y - 2, str(ring), 10, anchor="start", fill=_MUTED, extra=halo))
    for i in reversed(range(len(series))):  # the current series last, on top
        _, assessment = series[i]
        points = [at(s, a) for s, a in zip(scores[i], angles, strict=True)]
        dash = "" if i == 0 else f' stroke-dasharray="{_DASH}"'
        body.append(
            f'<polygon points="{_points(points)}" fill="{colors[i]}" fill-opacity="{0.22 if i == 0 else 0.1}" '
            f'stroke="{colors[i]}" stroke-width="2.5"{dash} stroke-linejoin="round" data-series="{i}"/>'
        )
        for axis, (x, y) in zip(AXES, points, strict=True):
            result = assessment.axes[axis.key]
            fill = LEVEL_COLORS[result.level] if i == 0 else colors[i]
            tip = f"{names[i]}{colon(lang)}{axis.label.get(lang)} {result.score}/100"
            body.append(_marker("circle", x, y, 9 if i == 0 else 7, fill, tip))
    for i, angle in enumerate(angles):
        x, y = at(100, angle)
        cos, sin = math.cos(angle), math.sin(angle)
        if sin > 0.7:  # the top axis: its name and scores above the circle
            spots = [(x, y - 8 - line), (x, y - 8)], "middle"
        elif sin < -0.7:  # the bottom one: below
            spots = [(x, y + 6 + size), (x, y + 6 + size + line)], "middle"
        else:  # beside the circle, on its side
            dx = 8 if cos > 0 else -8
            spots = [(x + dx, y - 2), (x + dx, y - 2 + line)], "start" if cos > 0 else "end"
        (lx, ly), (sx, sy) = spots[0]
        body.append(
            f'<g data-axis="{AXES[i].key}">'
            + _text(lx, ly, labels[i], size, anchor=spots[1])
            + _text(sx, sy, beside[i], size - 1, anchor=spots[1], fill=_MUTED)
            + "</g>"
        )
    if legend:
        lw = _legend_width(names, size)
        body += _legend(names, colors, (width - lw) / 2, top + 2 * radius + bottom + size * 0.5, size)
    desc = tr("common", "list_sep", lang).join(_scores_in_words(name, a, lang) for name, a in series)
    return _svg(width, height, tr("ui", "radar_title", lang), desc, body, grow=1.0 if compact else 1.3)


def grid_svg(assessment: Assessment, method: Method, lang: str) -> Svg:
    """The GB/T 39335-style risk matrix, laid out as in print (report/grid.py: severity across, likelihood
    up), each cell tinted by its level and naming it small in its corner, each axis a marker and its name
    in its cell, on a line of its own (so none covers another)."""
    size, tick = 11, 11
    up_words, across_words = tick_labels(UP, lang), tick_labels(ACROSS, lang)
    titles = {"likelihood": tr("ui", "grid_likelihood", lang), "severity": tr("ui", "grid_severity", lang)}
    # Both scales' words break at their spaces ("Very / likely"), so that the grid keeps its width on a phone.
    up_lines, across_lines = [w.split() for w in up_words], [w.split() for w in across_words]
    cw, ch = 80, 72
    title_room = 20  # the vertical scale's name, turned upright
    gx = title_room + max(label_room(part, tick) for lines in up_lines for part in lines)
    gy = 10
    width = gx + 4 * cw + 10
    base = gy + 4 * ch
    height = base + 8 + max(len(lines) for lines in across_lines) * tick * 1.2 + 8 + size * 1.4
    body = []
    for row in STEPS:
        top = gy + (4 - row) * ch
        lines = up_lines[row - 1]
        first = top + ch / 2 + tick * 0.35 - (len(lines) - 1) * tick * 0.6
        for k, part in enumerate(lines):
            body.append(_text(gx - 8, first + k * tick * 1.2, part, tick, anchor="end", fill=_MUTED))
        for col in STEPS:
            left = gx + (col - 1) * cw
            level = cell_level(method.level, col, row)
            body.append(
                f'<rect x="{_num(left + 1.5)}" y="{_num(top + 1.5)}" width="{cw - 3}" height="{ch - 3}" fill="{LEVEL_TINTS[level]}" '
                f'data-cell="{col},{row}"/>'
            )
            level_word = level_label(level, lang)
            body.append(
                _text(left + cw - 5, top + ch - 5, level_word, 9, anchor="end", fill="#000", extra=' fill-opacity="0.55"')
            )
    for col in STEPS:
        for k, part in enumerate(across_lines[col - 1]):
            body.append(_text(gx + (col - 0.5) * cw, base + 8 + tick + k * tick * 1.2, part, tick, fill=_MUTED))
    body.append(_text(gx + 2 * cw, height - 6, titles[ACROSS], size + 1))
    middle = gy + 2 * ch
    body.append(_text(14, middle, titles[UP], size + 1, extra=f' transform="rotate(-90 14 {_num(middle)})"'))
    parts = []
    for i, axis in enumerate(AXES):
        result = assessment.axes[axis.key]
        label = axis.label.get(lang)
        col, row = place(result.likelihood, result.severity)
        left = gx + (col - 1) * cw
        y = gy + (4 - row) * ch + _CELL_LINES[i % len(_CELL_LINES)]
        rightmost = col == STEPS[-1]  # the name to the marker's left, so that it stays inside the chart
        x = left + cw - 12 if rightmost else left + 12
        tip = f"{label}{colon(lang)}{level_label(result.level, lang)} ({result.score}/100)"
        body.append(
            f'<g data-axis="{axis.key}" data-cell="{col},{row}">'
            + _marker(_MARKERS[i % len(_MARKERS)], x, y, 10, LEVEL_COLORS[result.level], tip)
            + _text(x - 9 if rightmost else x + 9, y + size * 0.35, label, size, anchor="end" if rightmost else "start")
            + "</g>"
        )
        scale = tr(
            "ui", "scale_line", lang, likelihood=up_words[result.likelihood - 1], severity=across_words[result.severity - 1]
        )
        parts.append(tr("ui", "chart_grid_axis", lang, axis=label, level=level_label(result.level, lang), scale=scale))
    return _svg(width, height, tr("ui", "grid_title", lang), tr("common", "list_sep", lang).join(parts), body)


def bars_svg(first: Assessment, second: Assessment, names: tuple[str, str], lang: str, title: str) -> Svg:
    """Each axis's score in two assessments as grouped bars (the earlier grey, the later blue), each bar
    with its score above it, and a legend naming the two; `title` names the chart."""
    size = 12
    labels = [a.label.get(lang) for a in AXES]
    # Each axis's group is as wide as its name and its neighbour's need, centred under it (a long name may
    # reach over its group's edge, not into the next name); the last also keeps inside the chart's edge.
    widths = [text_width(w, size) for w in labels]
    group = max(64.0, widths[-1] - 8, *((a + b) / 2 + 12 for a, b in itertools.pairwise(widths)))
    left, top, plot = 34, 16, 200
    width = left + group * len(AXES) + 8
    legend_y = top + plot + 8 + size * 2
    height = legend_y + 2 * size * 1.5
    width = max(width, _legend_width(list(names), size) + 16)
    body = []
    for value in (0, 25, 50, 75, 100):
        y = top + plot * (1 - value / 100)
        body.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{_num(left + group * len(AXES))}" y2="{_num(y)}" stroke="{_RULE}" data-value="{value}"/>'
        )
        body.append(_text(left - 5, y + 3.5, str(value), 10, anchor="end", fill=_MUTED))
    bar = min(28.0, (group - 24) / 2)
    for k, (axis, label) in enumerate(zip(AXES, labels, strict=True)):
        middle = left + group * (k + 0.5)
        for j, (name, result, color) in enumerate(zip(names, (first, second), _BAR_COLORS, strict=True)):
            score = result.axes[axis.key].score
            x = middle - bar - 1 if j == 0 else middle + 1
            h = plot * max(0, min(score, 100)) / 100
            tip = f"{name}{colon(lang)}{label} {score}/100"
            body.append(
                f'<rect x="{_num(x)}" y="{_num(top + plot - h)}" width="{_num(bar)}" height="{_num(h)}" fill="{color}" '
                f'data-series="{j}" data-axis="{axis.key}"><title>{svg_text(tip)}</title></rect>'
            )
            body.append(_text(x + bar / 2, top + plot - h - 4, str(score), 10))
        body.append(_text(middle, top + plot + 8 + size, label, size))
    legend_x = (width - _legend_width(list(names), size)) / 2
    body += _legend(list(names), list(_BAR_COLORS), legend_x, legend_y, size, lines=False)
    desc = tr("common", "list_sep", lang).join(
        _scores_in_words(name, result, lang) for name, result in zip(names, (first, second), strict=True)
    )
    return _svg(width, height, title, desc, body)


_CHART = st.components.v2.component(
    "pirisk_chart", js=resources.files("assets").joinpath("chart.js").read_text(encoding="utf-8"), isolate_styles=False
)


def draw(svg: Svg, key: str, where: Any = st) -> None:
    """Put a chart on the page in a container keyed `key` (tests and the bench find it by that key). The
    one place the app shows markup: the SVG is built above from escaped text (`svg_text`) and numbers, and
    assets/chart.js puts it on the page as it is."""
    with where.container(key=key):
        # In a dict: Streamlit checks any other kind of data for being a table, which imports pandas.
        _CHART(key=f"{key}-svg", data={"svg": svg})
