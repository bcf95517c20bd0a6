"""A printable sheet (PDF) of a workshop's respondents' personal links, each with its QR code, to hand out."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import WrapMode

from questions.strings import tr
from report.fonts import add_report_font, drawn, printable
from report.style import ACCENT, BOTTOM, INK, MARGIN, MUTED, PAGE_FORMAT, RULE_LINE, TOP

QR_SIDE = 38.0  # mm: a phone reads it from arm's length
ENTRY_HEIGHT = QR_SIDE + 8.0


@dataclass(frozen=True)
class LinkEntry:
    """One respondent's link as the sheet prints it (name and role are user text, printed as typed)."""

    name: str
    role: str
    url: str
    expires: dt.date


def qr_png(url: str) -> bytes:
    """The link as a QR code, drawn here (segno), as PNG: no service is asked."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def build_link_sheet(client: str, title: str, entries: Sequence[LinkEntry], lang: str) -> bytes:
    """The sheet: a heading naming the client and the assessment, how to use a link, then each respondent
    with their QR code, link and last day. Every text goes through the report font's `printable`."""
    pdf = FPDF(orientation="P", unit="mm", format=PAGE_FORMAT)
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    add_report_font(pdf)
    pdf.set_title(drawn(printable(tr("report", "links_title", lang))))
    pdf.add_page()
    width = pdf.w - 2 * MARGIN
    pdf.set_text_color(*ACCENT)
    pdf.set_font(size=16)
    pdf.multi_cell(width, 8, printable(tr("report", "links_title", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(size=11)
    pdf.multi_cell(width, 6, printable(f"{client} — {title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.set_font(size=9)
    pdf.multi_cell(width, 5, printable(tr("report", "links_intro", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for entry in entries:
        if pdf.get_y() + ENTRY_HEIGHT > pdf.h - BOTTOM:
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_draw_color(*RULE_LINE)
        pdf.line(MARGIN, top, MARGIN + width, top)
        pdf.image(io.BytesIO(qr_png(entry.url)), x=MARGIN, y=top + 3, w=QR_SIDE, h=QR_SIDE)
        text_x, text_width = MARGIN + QR_SIDE + 6, width - QR_SIDE - 6
        pdf.set_xy(text_x, top + 4)
        pdf.set_text_color(*INK)
        pdf.set_font(size=13)
        pdf.multi_cell(text_width, 6.5, printable(entry.name), new_x="LEFT", new_y="NEXT")
        if entry.role.strip():
            pdf.set_text_color(*MUTED)
            pdf.set_font(size=10)
            pdf.multi_cell(text_width, 5, printable(entry.role), new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.set_font(size=8.5)
        pdf.multi_cell(text_width, 4.5, printable(entry.url), new_x="LEFT", new_y="NEXT", wrapmode=WrapMode.CHAR)
        pdf.set_text_color(*MUTED)
        pdf.set_font(size=9)
        until = tr("report", "links_until", lang, date=entry.expires.isoformat())
        pdf.multi_cell(text_width, 5, printable(until), new_x="LEFT", new_y="NEXT")
        pdf.set_xy(MARGIN, top + ENTRY_HEIGHT)
    return bytes(pdf.output())
