"""The report's two charts as PNG images, for formats that take pictures rather than drawing (Word): the
four-axis radar and the likelihood x severity grid, with the print colours, the report's font and the
grid laid out as on screen and in the PDF (report/grid.py)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont

from report.fonts import FONT_PATH
from report.grid import ACROSS, STEPS, UP, cell_level, place, tick_labels
from report.style import INK, LEVEL_PALE, LEVEL_STRONG, LEVEL_TEXT, MUTED, RULE_LINE
from scoring.axes import LEVELS

if TYPE_CHECKING:
    from report.content import AxisView

Color = tuple[int, int, int]
WHITE: Color = (255, 255, 255)
LINE: Color = (31, 58, 96)


@cache
def _font(size: int) -> Any:
    return ImageFont.truetype(str(FONT_PATH), size)


def _text(draw: Any, box: tuple[float, float, float], text: str, size: int, color: Color = INK, align: str = "c") -> None:
    """One line centred vertically on y, starting (l), centred (c) or ending (r) at x, shrunk to fit `width`."""
    x, y, width = box
    while size > 10 and draw.textlength(text, font=_font(size)) > width:
        size -= 1
    font = _font(size)
    length = draw.textlength(text, font=font)
    left = {"l": x, "c": x - length / 2, "r": x - length}[align]
    draw.text((left, y), text, font=font, fill=color, anchor="lm")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def radar_png(axes: Sequence[AxisView], ceilings: dict[str, int], title: str) -> bytes:
    """A radar of the four 0–100 scores on rings coloured by level band, as in the PDF."""
    w, h = 900, 820
    image = Image.new("RGB", (w, h), WHITE)
    draw = ImageDraw.Draw(image)
    cx, cy, r = w / 2, 395, 280
    n = len(axes)
    angles = [math.radians(-90 + 360 * i / n) for i in range(n)]

    def point(scale: float, a: float) -> tuple[float, float]:
        return cx + r * scale * math.cos(a), cy + r * scale * math.sin(a)

    for ceiling, key in sorted(((ceilings[lv.key], lv.key) for lv in LEVELS), reverse=True):
        draw.polygon([point(min(ceiling, 100) / 100, a) for a in angles], fill=LEVEL_PALE[key], outline=RULE_LINE)
    for a in angles:
        draw.line([(cx, cy), point(1, a)], fill=RULE_LINE, width=2)
    pts = [point(max(0, min(ax.score, 100)) / 100, a) for ax, a in zip(axes, angles, strict=True)]
    overlay = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(overlay).polygon(pts, fill=(*LINE, 56))
    image.paste(overlay, (0, 0), overlay)
    draw.line([*pts, pts[0]], fill=LINE, width=5, joint="curve")
    for ax, (px, py) in zip(axes, pts, strict=True):
        draw.ellipse((px - 11, py - 11, px + 11, py + 11), fill=LEVEL_STRONG[ax.level], outline=WHITE, width=3)
    for ax, a in zip(axes, angles, strict=True):
        ex, ey = point(1, a)
        cos, sin = math.cos(a), math.sin(a)
        if abs(sin) > 0.7:  # top or bottom: centred above or below the spoke
            x, align, width = ex, "c", 400.0
            y = ey - 62 if sin < 0 else ey + 28
        elif cos > 0:
            x, y, align, width = ex + 16, ey - 18, "l", w - ex - 20
        else:
            x, y, align, width = ex - 16, ey - 18, "r", ex - 20
        _text(draw, (x, y, width), ax.label, 30, INK, align)
        _text(draw, (x, y + 34, width), f"{ax.level_label} · {ax.score}", 26, LEVEL_TEXT[ax.level], align)
    _text(draw, (w / 2, h - 24, w - 40), title, 26, MUTED)
    return _png(image)


def grid_png(axes: Sequence[AxisView], level_of: Callable[[int, int], str], lang: str, titles: tuple[str, str, str]) -> bytes:
    """The likelihood x severity grid with each axis placed, as in the PDF and on screen. `titles` are
    the chart's title and the words for likelihood and severity."""
    title, words = titles[0], {"likelihood": titles[1], "severity": titles[2]}
    head, cw, ch = 190, 190, 130
    w, h = head + 4 * cw + 20, 60 + 4 * ch + 170
    image = Image.new("RGB", (w, h), WHITE)
    draw = ImageDraw.Draw(image)
    gx, gy = head, 60
    _text(draw, (10, 28, head + cw), f"{words[UP]} ↑", 26, MUTED, "l")
    up, across = tick_labels(UP, lang), tick_labels(ACROSS, lang)
    for row in STEPS:
        top = gy + (4 - row) * ch
        _text(draw, (head - 14, top + ch / 2, head - 24), up[row - 1], 24, MUTED, "r")
        for col in STEPS:
            left = gx + (col - 1) * cw
            draw.rectangle(
                (left, top, left + cw, top + ch), fill=LEVEL_PALE[cell_level(level_of, col, row)], outline=WHITE, width=4
            )
    base = gy + 4 * ch
    for col in STEPS:
        _text(draw, (gx + (col - 0.5) * cw, base + 22, cw - 8), across[col - 1], 24, MUTED)
    _text(draw, (gx + 2 * cw, base + 62, 4 * cw), f"{words[ACROSS]} →", 26, MUTED)

    cells: dict[tuple[int, int], list[AxisView]] = {}
    for ax in axes:
        cells.setdefault(place(ax.likelihood, ax.severity), []).append(ax)
    for (col, row), here in cells.items():
        left, top = gx + (col - 1) * cw, gy + (4 - row) * ch
        step = min(30.0, (ch - 10) / len(here))
        first = top + (ch - step * len(here)) / 2 + step / 2
        for i, ax in enumerate(here):
            y = first + i * step
            draw.ellipse((left + 12, y - 8, left + 28, y + 8), fill=LEVEL_STRONG[ax.level], outline=INK, width=2)
            _text(draw, (left + 36, y, cw - 44), ax.label, 24, INK, "l")

    key_y = base + 108
    kw = 4 * cw / len(LEVELS)
    for i, lv in enumerate(LEVELS):
        x = gx + i * kw
        draw.rectangle((x + 4, key_y - 10, x + 28, key_y + 10), fill=LEVEL_PALE[lv.key], outline=RULE_LINE, width=2)
        _text(draw, (x + 36, key_y, kw - 40), lv.label.get(lang), 24, MUTED, "l")
    _text(draw, (w / 2, h - 20, w - 40), title, 26, MUTED)
    return _png(image)
