"""The screen's charts (inline SVG, ui/charts.py) read back as the tests check them: parsed as XML, their
words, each axis's texts, and where their shapes are."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from typing import Any

NS = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    """The SVG as XML (which it must be: a browser's HTML parser is kinder, but a chart that parses as XML
    has every tag closed and every attribute quoted)."""
    root = ET.fromstring(markup)
    assert root.tag == f"{NS}svg", root.tag
    return root


def markups(node: Any) -> list[str]:
    """The SVG of every chart an AppTest page (or a block of it) draws: the data of each pirisk_chart
    component (ui/charts.py `draw`), which assets/chart.js puts on the page as it is."""
    found = []
    for element in node.get("bidi_component"):
        if element.proto.component_name.endswith("pirisk_chart"):
            found.append(json.loads(element.proto.json)["svg"])
    return found


def shown(at: Any, key: str) -> ET.Element:
    """The chart an AppTest page draws in the container keyed `key`."""
    drawn = markups(at.get_by_key(key))
    assert len(drawn) == 1, (key, len(drawn))
    return parse(drawn[0])


def title(svg: ET.Element) -> str:
    found = svg.find(f"{NS}title")
    assert found is not None
    return "".join(found.itertext())


def desc(svg: ET.Element) -> str:
    found = svg.find(f"{NS}desc")
    assert found is not None
    return "".join(found.itertext())


def words(svg: ET.Element) -> list[str]:
    """Every <text> element's words, in drawing order."""
    return ["".join(t.itertext()) for t in svg.iter(f"{NS}text")]


def axis_texts(svg: ET.Element) -> dict[str, list[str]]:
    """Each axis's texts (a radar: its name, then its scores; the grid: its name), by axis key."""
    return {g.get("data-axis", ""): words(g) for g in svg.iter(f"{NS}g") if g.get("data-axis")}


def radar_scores(svg: ET.Element) -> dict[str, list[int]]:
    """The scores written beside each axis of a radar, one per series in the legend's order."""
    return {axis: [int(s) for s in texts[1].split(" / ")] for axis, texts in axis_texts(svg).items()}


def radar_polygon_scores(svg: ET.Element, series: int) -> list[float]:
    """The 0-100 score each vertex of series `series`'s polygon stands for: its distance from the centre
    over the outer ring's radius (the largest circle without a title is a ring)."""
    rings = [c for c in svg.iter(f"{NS}circle") if c.find(f"{NS}title") is None]
    outer = max(rings, key=lambda c: float(c.get("r", 0)))
    cx, cy, r = (float(outer.get(k, 0)) for k in ("cx", "cy", "r"))
    polygon = next(p for p in svg.iter(f"{NS}polygon") if p.get("data-series") == str(series))
    points = [tuple(map(float, p.split(","))) for p in polygon.get("points", "").split()]
    return [math.hypot(x - cx, y - cy) / r * 100 for x, y in points]


def legend_names(svg: ET.Element) -> list[str]:
    """The series the chart's legend names, in order (none when it has one series)."""
    rows = sorted((int(g.get("data-legend", 0)), words(g)) for g in svg.iter(f"{NS}g") if g.get("data-legend") is not None)
    return [" ".join(w) for _, w in rows]


def marker_centre(shape: ET.Element) -> tuple[float, float]:
    """The centre of a marker: a circle, a square (rect) or a polygon (diamond, triangle)."""
    tag = shape.tag.removeprefix(NS)
    if tag == "circle":
        return float(shape.get("cx", 0)), float(shape.get("cy", 0))
    if tag == "rect":
        return float(shape.get("x", 0)) + float(shape.get("width", 0)) / 2, float(shape.get("y", 0)) + float(
            shape.get("height", 0)
        ) / 2
    points = [tuple(map(float, p.split(","))) for p in shape.get("points", "").split()]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def grid_places(svg: ET.Element) -> dict[str, tuple[int, int]]:
    """Each axis's (column, row) on the grid, found by which cell's rectangle its marker is drawn in."""
    cells = {}
    for rect in svg.iter(f"{NS}rect"):
        if rect.get("data-cell"):
            col, row = map(int, rect.get("data-cell", "").split(","))
            x, y, w, h = (float(rect.get(k, 0)) for k in ("x", "y", "width", "height"))
            cells[(col, row)] = (x, y, x + w, y + h)
    out = {}
    for g in svg.iter(f"{NS}g"):
        if not g.get("data-axis"):
            continue
        mx, my = marker_centre(g[0])
        inside = [cell for cell, (x0, y0, x1, y1) in cells.items() if x0 <= mx <= x1 and y0 <= my <= y1]
        assert len(inside) == 1, (g.get("data-axis"), inside)
        out[g.get("data-axis", "")] = inside[0]
    return out


def bar_scores(svg: ET.Element) -> dict[int, dict[str, float]]:
    """The compare chart's bars: each series' bar height per axis, as a score (the 100 line's height is 100)."""
    scale = {line.get("data-value"): float(line.get("y1", 0)) for line in svg.iter(f"{NS}line") if line.get("data-value")}
    top, base = scale["100"], scale["0"]
    out: dict[int, dict[str, float]] = {}
    for rect in svg.iter(f"{NS}rect"):
        if rect.get("data-series") is not None:
            out.setdefault(int(rect.get("data-series", 0)), {})[rect.get("data-axis", "")] = (
                float(rect.get("height", 0)) / (base - top) * 100
            )
    return out
