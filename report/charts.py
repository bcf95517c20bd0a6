"""Charts for print, drawn as vector shapes straight into the PDF: the four-axis radar and the 4×4 risk grid."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from fpdf import FPDF

from report.fonts import drawn, printable
from report.grid import ACROSS, STEPS, UP, cell_level, place, tick_labels
from report.style import INK, LEVEL_PALE, LEVEL_STRONG, LEVEL_TEXT, MUTED, RULE_LINE
from scoring.axes import LEVELS

if TYPE_CHECKING:
    from report.content import AxisView


def _one_line(text: object) -> str:
    return drawn(printable(text))


def _label(
    pdf: FPDF, x: float, y: float, w: float, text: str, size: float, align: str = "C", color: tuple[int, int, int] = INK
) -> None:
    """One line of text whose box starts at (x, y), shrunk until it fits `w`."""
    pdf.set_font(size=size)
    text = _one_line(text)
    while size > 4.5 and pdf.get_string_width(text) > w:
        size -= 0.25
        pdf.set_font(size=size)
    pdf.set_text_color(*color)
    pdf.set_xy(x, y)
    pdf.cell(w, size * 0.42, text, align=align)


def draw_radar(pdf: FPDF, x: float, y: float, w: float, axes: Sequence[AxisView], ceilings: dict[str, int], title: str) -> float:
    """A radar of the four 0–100 scores, on rings coloured by level band. Returns the height used."""
    label_w = 19.0
    r = min((w - 2 * label_w) / 2, 30.0)
    cx, cy = x + w / 2, y + 8 + r
    n = len(axes)
    angles = [math.radians(-90 + 360 * i / n) for i in range(n)]

    def point(scale: float, a: float) -> tuple[float, float]:
        return cx + r * scale * math.cos(a), cy + r * scale * math.sin(a)

    # Bands from the outside in, so that each inner band paints over the outer one.
    bands = sorted(((ceilings[lv.key], lv.key) for lv in LEVELS), reverse=True)
    pdf.set_line_width(0.15)
    pdf.set_draw_color(*RULE_LINE)
    for ceiling, key in bands:
        pdf.set_fill_color(*LEVEL_PALE[key])
        pdf.polygon([point(min(ceiling, 100) / 100, a) for a in angles], style="DF")
    for a in angles:
        pdf.line(cx, cy, *point(1, a))

    pts = [point(max(0, min(ax.score, 100)) / 100, a) for ax, a in zip(axes, angles, strict=True)]
    pdf.set_draw_color(31, 58, 96)
    pdf.set_fill_color(31, 58, 96)
    pdf.set_line_width(0.5)
    with pdf.local_context(fill_opacity=0.22):
        pdf.polygon(pts, style="DF")
    for ax, (px, py) in zip(axes, pts, strict=True):
        pdf.set_fill_color(*LEVEL_STRONG[ax.level])
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.3)
        pdf.circle(px, py, 1.5, style="DF")

    for ax, a in zip(axes, angles, strict=True):
        ex, ey = point(1, a)
        cos, sin = math.cos(a), math.sin(a)
        if abs(sin) > 0.7:  # top or bottom: centred above or below the spoke
            bx, align = ex - label_w, "C"
            by = ey - 9.5 if sin < 0 else ey + 2.5
            lw = 2 * label_w
        elif cos > 0:
            bx, by, align, lw = ex + 2, ey - 3.5, "L", label_w - 2
        else:
            bx, by, align, lw = ex - label_w, ey - 3.5, "R", label_w - 2
        _label(pdf, bx, by, lw, ax.label, 8.5, align)
        _label(pdf, bx, by + 3.7, lw, f"{ax.level_label} · {ax.score}", 8, align, LEVEL_TEXT[ax.level])

    bottom = cy + r + 11
    _label(pdf, x, bottom, w, title, 8, "C", MUTED)
    return bottom + 4 - y


def draw_grid(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    axes: Sequence[AxisView],
    level_of: Callable[[int, int], str],
    lang: str,
    titles: tuple[str, str, str],
) -> float:
    """The likelihood × severity grid, cells coloured by level, with each axis placed; laid out as
    report/grid.py says (as on screen). `titles` are the chart's title and the words for likelihood and
    severity. Returns the height used."""
    title, words = titles[0], {"likelihood": titles[1], "severity": titles[2]}
    head_w = 19.0
    cw = (w - head_w) / 4
    ch = 14.0
    gx, gy = x + head_w, y + 5
    _label(pdf, x, y, head_w + cw, f"{words[UP]} ↑", 7.5, "L", MUTED)

    pdf.set_line_width(0.6)
    pdf.set_draw_color(255, 255, 255)
    up, across = tick_labels(UP, lang), tick_labels(ACROSS, lang)
    for row in reversed(STEPS):
        row_y = gy + (4 - row) * ch
        _label(pdf, x, row_y + ch / 2 - 1.5, head_w - 1.5, up[row - 1], 7, "R", MUTED)
        for col in STEPS:
            pdf.set_fill_color(*LEVEL_PALE[cell_level(level_of, col, row)])
            pdf.rect(gx + (col - 1) * cw, row_y, cw, ch, style="DF")
    base = gy + 4 * ch
    for col in STEPS:
        _label(pdf, gx + (col - 1) * cw, base + 1, cw, across[col - 1], 7, "C", MUTED)
    _label(pdf, gx, base + 5, 4 * cw, f"{words[ACROSS]} →", 7.5, "C", MUTED)

    cells: dict[tuple[int, int], list[AxisView]] = {}
    for ax in axes:
        cells.setdefault(place(ax.likelihood, ax.severity), []).append(ax)
    # One size for every label in the grid: the largest at which the longest one fits its cell.
    label_w = cw - 4.2 - 2 * pdf.c_margin  # cell() insets its text by c_margin: without it "Administrative" ran out of its cell
    size = 7.0
    pdf.set_font(size=size)
    widest = max((pdf.get_string_width(_one_line(ax.label)) for ax in axes), default=0)
    if widest > label_w:
        size = max(4.5, size * label_w / widest)
    for (col, row), here in cells.items():
        cx0, cy0 = gx + (col - 1) * cw, gy + (4 - row) * ch
        step = min(3.4, (ch - 1.5) / len(here))
        top = cy0 + (ch - step * len(here)) / 2
        for i, ax in enumerate(here):
            ly = top + i * step
            pdf.set_fill_color(*LEVEL_STRONG[ax.level])
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.15)
            pdf.circle(cx0 + 2.2, ly + step / 2, 0.95, style="DF")
            _label(pdf, cx0 + 3.6, ly + step / 2 - size * 0.21, label_w, ax.label, size, "L", INK)

    # Level key under the grid.
    key_y = base + 10.5
    kx = gx
    kw = 4 * cw / len(LEVELS)
    for lv in LEVELS:
        pdf.set_fill_color(*LEVEL_PALE[lv.key])
        pdf.set_draw_color(*RULE_LINE)
        pdf.set_line_width(0.15)
        pdf.rect(kx + 0.5, key_y + 0.4, 3, 2.6, style="DF")
        _label(pdf, kx + 4.2, key_y, kw - 4.5, lv.label.get(lang), 7, "L", MUTED)
        kx += kw
    _label(pdf, x, key_y + 5.5, w, title, 8, "C", MUTED)
    return key_y + 9.5 - y
