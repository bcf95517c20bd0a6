"""The report's one font (Noto Sans SC, committed with its licence) and text made safe to print with it."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from fontTools.ttLib import TTFont

from questions.content import content_path

FONT_DIR = content_path("assets", "fonts")
FONT_PATH = FONT_DIR / "NotoSansSC-Regular.otf"
FONT_FAMILY = "notosanssc"

# Shown in place of a character the font cannot draw (emoji, rare scripts, control characters,
# lone surrogates), so that the reader sees that something was there.
MISSING = "□"

# Chinese has no spaces between words, so the report marks where a line may break with U+200B,
# which fpdf2's word wrap treats as a break and the report draws with zero width (the font has no
# glyph for it, so nothing is drawn or extracted). No break goes before closing punctuation or
# after opening punctuation (the "kinsoku" rules of CJK typesetting).
BREAK = "\u200b"
# fpdf2 replaces "{nb}" anywhere in page text with the page count; a break mark inside keeps a
# user's literal "{nb}" as typed.
PAGE_COUNT_ALIAS = "{nb}"
_ALIAS_KEPT = "{" + BREAK + "nb}"
NO_LINE_START = frozenset("，。、；：？！）》」』”’〉】〕〗…—％‰·・ー々,.;:?!)]}%")
NO_LINE_END = frozenset("（《「『“‘〈【〔〖([{")


def _unused_save(*_args: object, **_kwargs: object) -> None:
    """Stands for TTFont.save where fpdf2 discards what it would write (see `add_report_font`)."""


def add_report_font(pdf: Any) -> None:
    """Give an fpdf2 document the report's font, set at 10 pt, tuned as every pirisk PDF needs it."""
    pdf.add_font(FONT_FAMILY, "", str(FONT_PATH))
    font = pdf.fonts[FONT_FAMILY]
    font.cw[ord(BREAK)] = 0  # the break mark takes no room
    # fpdf2 saves the subset font whole before taking its CFF table; recomputing the bounding box
    # of every glyph on that save tripled the time to write a Chinese report. The full font's
    # box, kept instead, still encloses every glyph.
    font.ttfont.recalcBBoxes = False
    if font.is_cff and font.is_cid_keyed:
        # For a CID-keyed CFF font, fpdf2 (2.8.9) embeds the CFF table alone and throws the whole
        # saved font away: skip compiling it, a third of the time to write a long Chinese report.
        font.ttfont.save = _unused_save
    pdf.set_font(FONT_FAMILY, size=10)


@cache
def font_codepoints() -> frozenset[int]:
    """The code points the font has a glyph for (read once per process)."""
    font = TTFont(FONT_PATH, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK punctuation, kana, ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x3FFFF
    )


def printable(text: object, *, multiline: bool = False) -> str:
    """`text` ready to draw: every character the font cannot draw replaced by a visible box, and
    line-break opportunities marked between Chinese characters.

    Any whitespace becomes a plain space (newlines are kept only when `multiline`); control and
    format characters and lone surrogates become the box too. Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    known = font_codepoints()
    out: list[str] = []
    prev = ""
    for ch in text:
        if ch == "\n" and multiline:
            pass
        elif ch.isspace():
            ch = " "
        elif ord(ch) not in known or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            ch = MISSING
        if (
            prev
            and (_is_cjk(ch) or _is_cjk(prev))
            and ch not in NO_LINE_START
            and prev not in NO_LINE_END
            and not ch.isspace()
            and not prev.isspace()
        ):
            out.append(BREAK)
        out.append(ch)
        prev = ch
    return "".join(out).replace(PAGE_COUNT_ALIAS, _ALIAS_KEPT)


def drawn(line: str) -> str:
    """A line of prepared text as drawn: break marks dropped, except the one that keeps "{nb}" literal."""
    return line.replace(BREAK, "").replace(PAGE_COUNT_ALIAS, _ALIAS_KEPT)


def plain(text: object) -> str:
    """`text` as valid Unicode for places that are not drawn (metadata, Markdown): lone surrogates
    and control characters replaced with U+FFFD, whitespace runs collapsed to one space."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    cleaned = "".join("\ufffd" if unicodedata.category(ch) in ("Cs", "Cc") and not ch.isspace() else ch for ch in text)
    return " ".join(cleaned.split())
