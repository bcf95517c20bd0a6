"""Plotly figures for the results page: the four-axis radar and the likelihood x severity grid.

They are built as plain figure specs (dicts): st.plotly_chart validates a spec once, which is several
times cheaper than building it through plotly.graph_objects and then having it validated again.
"""

from __future__ import annotations

from typing import Any

from questions.strings import tr
from report.grid import ACROSS, STEPS, UP, cell_level, place, tick_labels
from scoring.assessment import Assessment
from scoring.axes import AXES, LEVEL_RANK, LEVELS
from scoring.model import Method
from ui.present import LEVEL_COLORS, LEVEL_TINTS, colon

_FONT = {"family": "sans-serif", "size": 13}
# Each axis's line inside a grid cell (offset from the cell's centre), so axes sharing a cell never overlap.
_CELL_ROWS = (0.3, 0.12, -0.06, -0.24)
_MARKERS = ("circle", "diamond", "square", "triangle-up")
_PALETTE = ("#1f5f8b", "#2e7d32", "#8e6c8a")


def label_room(label: str, size: int) -> int:
    """Pixels beside a radar's circle that an axis label needs at font `size` (a CJK character is about
    one em wide, a Latin one about 0.6 em). Plotly's polar charts make no room for their labels."""
    return round(sum(1.0 if ord(c) >= 0x2E80 else 0.62 for c in label) * size) + 16


def wrapped(label: str) -> str:
    """A tick label broken at its spaces, so that it fits under its column on a phone."""
    return "<br>".join(label.split())


def radar_figure(series: list[tuple[str, Assessment]], lang: str, *, compact: bool = False) -> dict[str, Any]:
    """A radar of the four axes' scores (0-100); one trace per (name, assessment), the first is current.
    The margins beside the circle fit the longest axis label at any width; `compact` is for a narrow column."""
    labels = [a.label.get(lang) for a in AXES]
    size = 12 if compact else 13
    # The first axis is drawn to the right of the circle and the third to its left (Plotly's default
    # rotation), the others above and below it: each side gets the room its own label needs.
    right, left = label_room(labels[0], size), label_room(labels[2], size)
    data = []
    for i, (name, assessment) in enumerate(series):
        scores = [assessment.axes[a.key].score for a in AXES]
        data.append(
            {
                "type": "scatterpolar",
                "r": [*scores, scores[0]],
                "theta": [*labels, labels[0]],
                "name": name,
                "fill": "toself",
                "opacity": 0.75 if i == 0 else 0.55,
                "line": {"color": _PALETTE[i % len(_PALETTE)], "dash": "solid" if i == 0 else "dash"},
                "hovertemplate": "%{theta}: %{r}<extra>" + name + "</extra>",
            }
        )
    layout = {
        "polar": {
            "domain": {"x": [0, 1], "y": [0, 1]},
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [25, 50, 75, 100],
                "angle": 45,
                "tickangle": 45,
                "tickfont": {"size": 10, "color": "#666"},
            },
            "angularaxis": {"tickfont": {"size": size}, "rotation": 0, "direction": "counterclockwise"},
        },
        "showlegend": len(series) > 1,
        "legend": {"orientation": "h", "y": -0.08, "x": 0.5, "xanchor": "center"},
        "margin": {"l": left, "r": right, "t": 36, "b": 60 if len(series) > 1 else 36},
        "height": 260 if compact else 400,
        "font": _FONT,
    }
    return {"data": data, "layout": layout}


def grid_figure(assessment: Assessment, method: Method, lang: str) -> dict[str, Any]:
    """The GB/T 39335-style risk matrix, laid out as in print (report/grid.py: severity across, likelihood
    up), coloured by level, with each axis listed in its cell (each axis has its own line in a cell, so
    none covers another)."""
    level_label = {lv.key: lv.label.get(lang) for lv in LEVELS}
    ordered = sorted(LEVELS, key=lambda lv: lv.rank)
    n = len(ordered) - 1
    colorscale = []
    for lv in ordered:  # a stepped scale: each level one flat colour
        lo, hi = max(lv.rank - 0.5, 0) / n, min(lv.rank + 0.5, n) / n
        colorscale += [[lo, LEVEL_TINTS[lv.key]], [hi, LEVEL_TINTS[lv.key]]]
    cells = [(col, row) for row in STEPS for col in STEPS]
    data: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "x": list(STEPS),
            "y": list(STEPS),
            "z": [[LEVEL_RANK[cell_level(method.level, col, row)] for col in STEPS] for row in STEPS],
            "zmin": 0,
            "zmax": n,
            "colorscale": colorscale,
            "showscale": False,
            "hoverinfo": "skip",
            "xgap": 3,
            "ygap": 3,
        },
        {  # each cell's level, small in its bottom-right corner
            "type": "scatter",
            "name": "",  # hover is off; a name would be one more string to translate
            "x": [col + 0.47 for col, _ in cells],
            "y": [row - 0.47 for _, row in cells],
            "mode": "text",
            "text": [level_label[cell_level(method.level, col, row)] for col, row in cells],
            "textposition": "top left",
            "textfont": {"size": 10, "color": "rgba(0,0,0,0.5)"},
            "hoverinfo": "skip",
        },
    ]
    for i, axis in enumerate(AXES):
        result = assessment.axes[axis.key]
        label = axis.label.get(lang)
        col, row = place(result.likelihood, result.severity)
        rightmost = col == STEPS[-1]  # label to the marker's left, so it stays inside the chart
        data.append(
            {
                "type": "scatter",
                "name": label,
                "x": [col + (0.4 if rightmost else -0.4)],
                "y": [row + _CELL_ROWS[i % len(_CELL_ROWS)]],
                "mode": "markers+text",
                "marker": {
                    "size": 10,
                    "color": LEVEL_COLORS[result.level],
                    "symbol": _MARKERS[i % len(_MARKERS)],
                    "line": {"width": 1.5, "color": "#222"},
                },
                "text": [label],
                "textposition": "middle left" if rightmost else "middle right",
                "textfont": {"size": 11, "color": "#111"},
                "cliponaxis": False,
                "hovertemplate": f"{label}{colon(lang)}{level_label[result.level]} ({result.score}/100)<extra></extra>",
            }
        )
    titles = {"likelihood": tr("ui", "grid_likelihood", lang), "severity": tr("ui", "grid_severity", lang)}
    axis_style = {"tickvals": list(STEPS), "range": [0.5, 4.5], "showgrid": False, "zeroline": False, "fixedrange": True}
    layout = {
        # The horizontal scale's words break at their spaces, so that the longest fits under its column on a phone.
        "xaxis": {
            **axis_style,
            "title": {"text": titles[ACROSS]},
            "ticktext": [wrapped(w) for w in tick_labels(ACROSS, lang)],
            "tickangle": 0,
        },
        "yaxis": {**axis_style, "title": {"text": titles[UP]}, "ticktext": tick_labels(UP, lang)},
        "showlegend": False,
        "margin": {"l": 80, "r": 16, "t": 30, "b": 70},
        "height": 400,
        "font": _FONT,
        "plot_bgcolor": "white",
    }
    return {"data": data, "layout": layout}
