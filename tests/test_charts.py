"""The screen's charts as inline SVG (ui/charts.py): valid markup on one line, named and described in the
page's language, the data drawn where it belongs (radii, cells, bar heights), labels inside the chart in
both languages, and user-typed names escaped."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from questions.locales import LOCALES
from report.grid import cell_level, tick_labels
from scoring.assessment import Assessment
from scoring.axes import AXES
from scoring.engine import assess
from scoring.loader import default_law
from tests import svg_charts as sv
from ui import charts
from ui.present import LEVEL_TINTS, level_label

ROOT = Path(__file__).resolve().parents[1]
LAW = default_law()
KEYS = [a.key for a in AXES]


def _answers() -> dict[str, Any]:
    return json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]


@pytest.fixture(scope="module")
def then() -> Assessment:
    return assess(_answers(), dt.date(2012, 9, 4), law=LAW)


@pytest.fixture(scope="module")
def now() -> Assessment:
    return assess(_answers(), dt.date(2026, 1, 1), law=LAW)


def _all(then: Assessment, now: Assessment, lang: str) -> dict[str, str]:
    return {
        "radar": charts.radar_svg([("Now", then)], lang),
        "what_if": charts.radar_svg([("Now", then), ("With", now)], lang, compact=True),
        "grid": charts.grid_svg(then, LAW.method, lang),
        "bars": charts.bars_svg(then, now, ("A · 2012-09-04", "B · 2026-01-01"), lang, "A and B"),
    }


@pytest.mark.parametrize("lang", LOCALES)
def test_every_chart_is_one_line_of_valid_svg_named_and_described_that_scales_to_its_column(
    then: Assessment, now: Assessment, lang: str
) -> None:
    for name, markup in _all(then, now, lang).items():
        assert "\n" not in markup, name  # st.markdown breaks inline HTML at a line break
        svg = sv.parse(markup)
        assert svg.get("role") == "img" and svg.get("width") == "100%" and svg.get("height") is None, name
        assert re.fullmatch(r"0 0 [0-9.]+ [0-9.]+", svg.get("viewBox", "")), name
        assert sv.title(svg) and sv.desc(svg), name
        for axis in AXES:  # the data in words, in the page's language
            assert axis.label.get(lang) in sv.desc(svg), (name, axis.key)


@pytest.mark.parametrize("lang", LOCALES)
def test_the_radar_names_the_four_axes_and_draws_each_score_at_its_radius(then: Assessment, now: Assessment, lang: str) -> None:
    svg = sv.parse(charts.radar_svg([("Now", then), ("With", now)], lang))
    texts = sv.axis_texts(svg)
    assert list(texts) == KEYS
    assert [t[0] for t in texts.values()] == [a.label.get(lang) for a in AXES]
    assert sv.radar_scores(svg) == {k: [then.axes[k].score, now.axes[k].score] for k in KEYS}
    for series, assessment in enumerate((then, now)):
        radii = sv.radar_polygon_scores(svg, series)
        assert radii == pytest.approx([assessment.axes[k].score for k in KEYS], abs=0.2), series
    for axis in AXES:  # the current series' level, in words
        assert f"{axis.label.get(lang)} {then.axes[axis.key].score}/100" in sv.desc(svg)
        assert level_label(then.axes[axis.key].level, lang) in sv.desc(svg)


def test_known_scores_land_on_their_rings() -> None:
    """Scores of 0, 25, 50 and 100: the vertices sit at the centre, on the first ring, the second, the outer."""
    base = assess(_answers(), dt.date(2012, 9, 4), law=LAW)
    scores = dict(zip(KEYS, (0, 25, 50, 100), strict=True))
    forced = replace(base, axes={k: replace(base.axes[k], score=s) for k, s in scores.items()})
    svg = sv.parse(charts.radar_svg([("Now", forced)], "en"))
    assert sv.radar_polygon_scores(svg, 0) == pytest.approx([0, 25, 50, 100], abs=0.2)


def test_one_series_has_no_legend_and_several_have_one_with_the_earlier_dashed(then: Assessment, now: Assessment) -> None:
    alone = sv.parse(charts.radar_svg([("Now", then)], "en"))
    assert sv.legend_names(alone) == []
    both = sv.parse(charts.radar_svg([("Now", then), ("With the measures", now)], "en"))
    assert sv.legend_names(both) == ["Now", "With the measures"]
    polygons = {p.get("data-series"): p for p in both.iter(f"{sv.NS}polygon") if p.get("data-series")}
    assert polygons["0"].get("stroke-dasharray") is None and polygons["1"].get("stroke-dasharray")


@pytest.mark.parametrize("lang", LOCALES)
def test_the_grid_places_each_axis_in_the_cell_of_its_likelihood_and_severity(then: Assessment, lang: str) -> None:
    svg = sv.parse(charts.grid_svg(then, LAW.method, lang))
    assert sv.grid_places(svg) == {k: (then.axes[k].severity, then.axes[k].likelihood) for k in KEYS}
    assert {k: t for k, t in sv.axis_texts(svg).items()} == {a.key: [a.label.get(lang)] for a in AXES}
    words = " ".join(sv.words(svg))
    for scale in ("likelihood", "severity"):  # both scales' words (broken at spaces) and names
        for word in tick_labels(scale, lang):
            assert all(part in words for part in word.split()), word
    cells = [r for r in svg.iter(f"{sv.NS}rect") if r.get("data-cell")]
    assert len(cells) == 16
    for rect in cells:  # each cell tinted by its level
        col, row = map(int, rect.get("data-cell", "").split(","))
        assert rect.get("fill") == LEVEL_TINTS[cell_level(LAW.method.level, col, row)]


def test_the_compare_bars_show_both_assessments_scores_per_axis(then: Assessment, now: Assessment) -> None:
    svg = sv.parse(charts.bars_svg(then, now, ("A · 2012-09-04", "B · 2026-01-01"), "zh", "A 与 B"))
    heights = sv.bar_scores(svg)
    assert heights[0] == pytest.approx({k: then.axes[k].score for k in KEYS}, abs=0.2)
    assert heights[1] == pytest.approx({k: now.axes[k].score for k in KEYS}, abs=0.2)
    assert sv.legend_names(svg) == ["A · 2012-09-04", "B · 2026-01-01"]
    assert all(a.label["zh"] in sv.words(svg) for a in AXES)


@pytest.mark.parametrize("lang", LOCALES)
def test_every_label_stays_inside_the_chart(then: Assessment, now: Assessment, lang: str) -> None:
    """Each text's width, estimated as the charts estimate it (CJK one em, Latin 0.62 em), keeps inside the
    viewBox: the margins make room for the longest axis name in either language."""
    for name, markup in _all(then, now, lang).items():
        svg = sv.parse(markup)
        _, _, width, height = map(float, svg.get("viewBox", "").split())
        for text in svg.iter(f"{sv.NS}text"):
            if text.get("transform"):
                continue  # the upright scale name, centred on the grid's height
            words = "".join(text.itertext())
            size, x, y = float(text.get("font-size", 0)), float(text.get("x", 0)), float(text.get("y", 0))
            w = charts.text_width(words, size)
            left = {"start": x, "middle": x - w / 2, "end": x - w}[text.get("text-anchor", "start")]
            assert 0 <= left and left + w <= width, (name, words, left, left + w, width)
            assert size * 0.8 <= y <= height, (name, words, y, height)


def test_user_typed_series_names_are_escaped(then: Assessment, now: Assessment) -> None:
    """A series name may be a client's assessment title typed by a user: it is text in the SVG, never markup,
    Markdown or a Streamlit directive."""
    typed = '<b>x</b>& *em* :red[y] $z$ "q" www.example.com'
    markup = charts.radar_svg([("Now", then), (typed, now)], "en")
    assert "<b>" not in markup and "& " not in markup and ":red[" not in markup and "*em*" not in markup
    svg = sv.parse(markup)
    assert [n.replace("\u2060", "") for n in sv.legend_names(svg)] == ["Now", typed]  # reads as typed
    bars = charts.bars_svg(then, now, (typed, "B"), "en", typed)
    assert "<b>" not in bars and sv.legend_names(sv.parse(bars))[0].replace("\u2060", "") == typed
    assert sv.title(sv.parse(bars)).replace("\u2060", "") == typed
