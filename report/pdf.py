"""The PDF report: `write_pdf(content) -> bytes`, written with fpdf2 and an embedded CJK font subset."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.outline import OutlineSection

from report.charts import draw_grid, draw_radar
from report.content import (
    HIDDEN,
    TOOL_NAME,
    UNANSWERED,
    UNKNOWN_ANSWER,
    AnswerView,
    AppendixView,
    AxisFinding,
    AxisView,
    MeasureView,
    ReportContent,
    StepView,
    TableView,
)
from report.fonts import BREAK, FONT_FAMILY, add_report_font, drawn, plain, printable
from report.style import (
    ACCENT,
    AMBER_TEXT,
    BOTTOM,
    INK,
    LEVEL_PALE,
    LEVEL_STRONG,
    LEVEL_TEXT,
    MARGIN,
    MUTED,
    PAGE_FORMAT,
    RULE_LINE,
    TABLE_HEAD,
    TOP,
)

MAX_LOGO_PIXELS = 4096 * 4096
SOFT_BREAKS = frozenset("._@/-")  # where a word longer than the line may break, after the character


class ReportPDF(FPDF):
    """An A4 page set with the report's font, running header, and disclaimer and page number in the foot."""

    def __init__(self, content: ReportContent) -> None:
        super().__init__(orientation="P", unit="mm", format=PAGE_FORMAT)
        self.content = content
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        add_report_font(self)
        self.header_text = ""
        self.footer_text = content.t("footer_disclaimer", as_of=content.law_as_of.isoformat())

    def embedded_font(self) -> Any:
        """The report's one font (a TTF font; fpdf2's type hints cannot tell it from a core font)."""
        return self.fonts[FONT_FAMILY]

    # -- text helpers -------------------------------------------------------------------------
    def safe(self, text: object, multiline: bool = False) -> str:
        """Text ready to wrap: see `fonts.printable`."""
        return printable(text, multiline=multiline)

    def one_line(self, text: object) -> str:
        """Text ready to draw on one line (no break marks)."""
        return drawn(printable(text))

    def fit(self, text: str, width: float) -> str:
        """`text` on one line, cut with an ellipsis so that it fits `width` at the current font size."""
        text = self.one_line(text)
        if self.get_string_width(text) <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.get_string_width(text[:mid] + "…") <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo] + "…"

    def wrap(self, text: str, width: float) -> list[str]:
        """Break prepared text (see `safe`) into lines that fit `width` at the current font size.

        Breaks go at spaces and at the marks `printable` puts between Chinese characters; a word
        longer than the line is cut between characters. Linear in the text's length (fpdf2's own
        multi_cell re-measures the line for every character, which dominated the build time)."""
        cw = self.embedded_font().cw
        avail = (width - 2 * self.c_margin) * self.k * 1000 / self.font_size_pt
        out: list[str] = []
        for part in text.split("\n"):
            pre = [0.0, *accumulate(cw[ord(ch)] for ch in part)]
            start, brk, soft, i, n = 0, -1, -1, 0, len(part)
            while i < n:
                ch = part[i]
                if ch == " " or ch == BREAK:
                    brk = i
                elif ch in SOFT_BREAKS:
                    soft = i
                if pre[i + 1] - pre[start] > avail and i > start:
                    if ch == " ":
                        out.append(part[start:i])
                        start, brk, soft = i + 1, -1, -1
                    elif brk > start:
                        out.append(part[start:brk])
                        start, brk, soft = brk + 1, -1, -1
                        continue
                    elif start <= soft < i:  # a word longer than the line (an id, an address): after a separator
                        out.append(part[start : soft + 1])
                        start, brk, soft = soft + 1, -1, -1
                        continue
                    else:
                        out.append(part[start:i])
                        start, brk, soft = i, -1, -1
                        continue
                i += 1
            out.append(part[start:])
        return [drawn(line).rstrip(" ") for line in out]

    def text_lines(self, text: str, width: float, lh: float, x: float | None = None) -> None:
        """Draw prepared text as wrapped lines from `x` (default: the left margin), breaking pages as needed."""
        x = self.l_margin if x is None else x
        for line in self.wrap(text, width):
            self.set_x(x)
            self.cell(width, lh, line, new_x="LMARGIN", new_y="NEXT")

    def para(
        self,
        text: str,
        size: float = 9.5,
        color: tuple[int, int, int] = INK,
        indent: float = 0,
        gap: float = 1.2,
        lh: float | None = None,
    ) -> None:
        self.set_font(size=size)
        self.set_text_color(*color)
        self.text_lines(self.safe(text, multiline=True), self.epw - indent, lh or size * 0.5, self.l_margin + indent)
        if gap:
            self.ln(gap)

    def bullets(
        self, items: Iterable[str], size: float = 8.5, color: tuple[int, int, int] = INK, indent: float = 3, mark: str = "•"
    ) -> None:
        lh = size * 0.48
        width = self.epw - indent - 3.5
        for raw in items:
            self.set_font(size=size)
            lines = self.wrap(self.safe(raw, multiline=True), width)
            if len(lines) <= 4:  # a short item is never split across pages
                self.need(len(lines) * lh + 0.6)
            self.set_text_color(*MUTED)
            self.set_x(self.l_margin + indent)
            y = self.get_y()
            self.cell(3.5, lh, mark)
            self.set_text_color(*color)
            self.set_y(y)
            for line in lines:
                self.set_x(self.l_margin + indent + 3.5)
                self.cell(width, lh, line, new_x="LMARGIN", new_y="NEXT")
            self.ln(0.6)

    @contextmanager
    def bold(self, color: tuple[int, int, int]) -> Iterator[None]:
        """Text drawn in this block reads as bold: the font has one weight, so the glyphs get a thin
        outline of their own colour. Only for text that will not break across a page."""
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.16, draw_color=color, text_color=color):
            yield

    def need(self, height: float) -> None:
        """Start a new page unless `height` mm fit above the foot."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, level: int = 0, outline: int | None = -1) -> None:
        """A heading of `level` (0–2), listed in the PDF's outline at `outline` (default: its level; None: not listed)."""
        size = {0: 16.0, 1: 13.0, 2: 11.0}[level]
        self.need(size * 0.5 + 22)
        if outline is not None:
            self.start_section(plain(text), level=level if outline == -1 else outline)
        self.set_font(size=size)
        self.set_text_color(*ACCENT)
        with self.bold(ACCENT):
            self.text_lines(self.safe(text), self.epw, size * 0.5)
        if level == 0:
            self.set_draw_color(*ACCENT)
            self.set_line_width(0.4)
            self.line(self.l_margin, self.get_y() + 1, self.l_margin + self.epw, self.get_y() + 1)
            self.ln(4)
        else:
            self.ln(1.5)

    def label(self, text: str, size: float = 7.5) -> None:
        """A small grey label above a list (kept with the list's first lines)."""
        self.need(12)
        self.set_font(size=size)
        self.set_text_color(*MUTED)
        self.text_lines(self.safe(text), self.epw, size * 0.48)
        self.ln(0.4)

    # -- page furniture ------------------------------------------------------------------------
    def header(self) -> None:
        if not self.header_text:
            return
        self.set_font(size=7.5)
        self.set_text_color(*MUTED)
        self.set_xy(self.l_margin, 9)
        title = self.content.document_title()
        right_w = self.get_string_width(title) + 2
        self.cell(self.epw - right_w, 4, self.fit(self.header_text, self.epw - right_w - 4))
        self.cell(right_w, 4, self.one_line(title), align="R")
        self.set_draw_color(*RULE_LINE)
        self.set_line_width(0.2)
        self.line(self.l_margin, 13.5, self.l_margin + self.epw, 13.5)
        self.set_xy(self.l_margin, TOP)

    def footer(self) -> None:
        self.set_draw_color(*RULE_LINE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.h - 15.5, self.l_margin + self.epw, self.h - 15.5)
        self.set_font(size=7)
        self.set_text_color(*MUTED)
        page = self.content.t("page_of", page=self.page_no(), pages="{nb}")
        page_w = self.get_string_width(page.replace("{nb}", "000")) + 2
        self.set_xy(self.l_margin, self.h - 14)
        self.text_lines(self.safe(self.footer_text), self.epw - page_w - 4, 3.3)
        self.set_xy(self.l_margin + self.epw - page_w, self.h - 14)
        self.cell(page_w, 3.3, page, align="R")

    # -- tables --------------------------------------------------------------------------------
    def grid(self, widths: Sequence[float], head: Sequence[str], rows: Iterable[Sequence[Cell]], size: float = 8) -> None:
        """A table: a shaded heading row, repeated after a page break, then rows divided by rules.

        Text wraps inside its column and a row never splits across pages. Drawn here rather than with
        fpdf2's `table()`, whose per-character line measuring took 40% of the report's build time;
        this also lets one cell hold a bold title over plain text."""
        cols = [self.epw * w / sum(widths) for w in widths]
        pad_x, pad_y, lh = 0.6, 1.3, size * 0.47  # cell() adds its own margin (c_margin) inside pad_x
        heading = self._grid_row([Cell(((h, ACCENT, False),), fill=TABLE_HEAD) for h in head], cols, size, pad_x)
        head_h = heading[1] * lh + 2 * pad_y
        first = True
        for row in rows:
            laid, lines = self._grid_row(row, cols, size, pad_x)
            h = lines * lh + 2 * pad_y
            if first or self.get_y() + h > self.page_break_trigger:
                if not first or self.get_y() + head_h + h > self.page_break_trigger:
                    self.add_page()
                self._grid_draw(*heading, cols, size, pad_x, pad_y, lh)
                first = False
            self._grid_draw(laid, lines, cols, size, pad_x, pad_y, lh)

    def _grid_row(self, row: Sequence[Cell], cols: list[float], size: float, pad_x: float) -> tuple[list[Any], int]:
        """Each cell's wrapped lines as (line, colour, bold), and the row's height in lines."""
        self.set_font(size=size)
        laid = []
        for cell, w in zip(row, cols, strict=True):
            lines = [
                (line, color, bold)
                for text, color, bold in cell.runs
                for line in self.wrap(self.safe(text, multiline=True), w - 2 * pad_x)
            ]
            laid.append((lines, cell.fill))
        return laid, max([len(lines) for lines, _ in laid] + [1])

    def _grid_draw(
        self, laid: list[Any], lines: int, cols: list[float], size: float, pad_x: float, pad_y: float, lh: float
    ) -> None:
        y, x = self.get_y(), self.l_margin
        h = lines * lh + 2 * pad_y
        self.set_font(size=size)
        # The row was placed to fit; a row taller than a page runs into the foot rather than splitting.
        auto, margin = self.auto_page_break, self.b_margin
        self.set_auto_page_break(False)
        for (cell_lines, fill), w in zip(laid, cols, strict=True):
            if fill:
                self.set_fill_color(*fill)
                self.rect(x, y, w, h, style="F")
            for i, (line, color, bold) in enumerate(cell_lines):
                self.set_xy(x + pad_x, y + pad_y + i * lh)
                self.set_text_color(*color)
                if bold:
                    with self.bold(color):
                        self.cell(w - 2 * pad_x, lh, line)
                else:
                    self.cell(w - 2 * pad_x, lh, line)
            x += w
        self.set_auto_page_break(auto, margin)
        self.set_draw_color(*RULE_LINE)
        self.set_line_width(0.2)
        self.line(self.l_margin, y + h, self.l_margin + self.epw, y + h)
        self.set_xy(self.l_margin, y + h)


@dataclass(frozen=True)
class Cell:
    """One table cell: runs of text, each starting on a new line, as (text, colour, bold); and a fill."""

    runs: tuple[tuple[str, tuple[int, int, int], bool], ...]
    fill: tuple[int, int, int] | None = None

    @classmethod
    def of(cls, text: str, color: tuple[int, int, int] = INK, fill: tuple[int, int, int] | None = None) -> Cell:
        return cls(((text, color, False),), fill)


# -- the sections ------------------------------------------------------------------------------


def _cover(pdf: ReportPDF, c: ReportContent) -> None:
    pdf.add_page()
    top = TOP + 6
    logo = c.logo
    if logo:
        try:
            from PIL import Image

            with Image.open(io.BytesIO(logo)) as im:
                ok = im.width * im.height <= MAX_LOGO_PIXELS
            if ok:
                pdf.image(io.BytesIO(logo), x=pdf.l_margin + pdf.epw - 50, y=top - 4, w=50, h=20, keep_aspect_ratio=True)
        except Exception:  # noqa: S110 - a logo that will not load is left off; the report still builds
            pass
    pdf.set_y(top + 24)
    pdf.set_font(size=10)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 5, pdf.fit(c.kicker, pdf.epw - 55 if logo else pdf.epw), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(size=22)
    pdf.set_text_color(*INK)
    with pdf.bold(INK):
        pdf.text_lines(pdf.safe(c.document_title()), pdf.epw, 10)
    pdf.ln(6)
    pdf.set_font(size=16)
    pdf.set_text_color(*ACCENT)
    pdf.text_lines(pdf.safe(c.display_name), pdf.epw, 8)
    if c.title.strip():
        pdf.ln(1)
        pdf.set_font(size=12)
        pdf.set_text_color(*INK)
        pdf.text_lines(pdf.safe(c.title), pdf.epw, 6)
    pdf.ln(8)

    for key, value in c.cover:
        pdf.set_font(size=9)
        pdf.set_text_color(*MUTED)
        y = pdf.get_y()
        pdf.cell(42, 5.5, pdf.fit(key, 41))
        pdf.set_text_color(*INK)
        pdf.set_font(size=10)
        pdf.set_xy(pdf.l_margin + 42, y)
        pdf.text_lines(pdf.safe(value), pdf.epw - 42, 5.5, pdf.l_margin + 42)
        pdf.ln(0.8)

    if not c.sections:  # a report's cover: one card per axis, the result at a glance
        _axis_cards(pdf, c)

    # The disclaimer, boxed, at the foot of the cover.
    pdf.set_font(size=8.5)
    lines = pdf.wrap(pdf.safe(c.t("about_disclaimer", as_of=c.law_as_of.isoformat())), pdf.epw - 6)
    box_h = len(lines) * 4.3 + 6
    y = max(pdf.get_y(), pdf.h - BOTTOM - 40)
    pdf.set_fill_color(*TABLE_HEAD)
    pdf.rect(pdf.l_margin, y, pdf.epw, box_h, style="F")
    pdf.set_text_color(*INK)
    pdf.set_y(y + 3)
    for line in lines:
        pdf.set_x(pdf.l_margin + 3)
        pdf.cell(pdf.epw - 6, 4.3, line, new_x="LMARGIN", new_y="NEXT")


def _axis_cards(pdf: ReportPDF, c: ReportContent) -> None:
    pdf.ln(8)
    gap = 4.0
    card_w = (pdf.epw - 3 * gap) / 4
    y = pdf.get_y()
    for i, ax in enumerate(c.axes):
        x = pdf.l_margin + i * (card_w + gap)
        pdf.set_fill_color(*LEVEL_PALE[ax.level])
        pdf.rect(x, y, card_w, 26, style="F")
        pdf.set_fill_color(*LEVEL_STRONG[ax.level])
        pdf.rect(x, y, card_w, 1.6, style="F")
        pdf.set_xy(x + 3, y + 4)
        pdf.set_font(size=9)
        pdf.set_text_color(*INK)
        pdf.cell(card_w - 6, 4.5, pdf.fit(ax.label, card_w - 6))
        pdf.set_xy(x + 3, y + 10)
        pdf.set_font(size=16)
        pdf.set_text_color(*LEVEL_TEXT[ax.level])
        with pdf.bold(LEVEL_TEXT[ax.level]):
            pdf.cell(card_w - 6, 7, pdf.fit(ax.level_label, card_w - 6))
        pdf.set_xy(x + 3, y + 18.5)
        pdf.set_font(size=9)
        pdf.set_text_color(*MUTED)
        pdf.cell(card_w - 6, 4.5, c.t("score_value", score=ax.score))
    pdf.set_y(y + 34)


def _summary(pdf: ReportPDF, c: ReportContent) -> None:
    """The executive summary, on the page the caller started: the consultant's summary and scope, then the scores."""
    pdf.heading(c.t("sec_summary"))
    if c.summary_text:
        pdf.para(c.summary_text, size=10, gap=3)
    if c.scope_text:
        pdf.heading(c.t("sec_scope"), level=2, outline=1)
        pdf.para(c.scope_text, size=10, gap=3)
    _drift(pdf, c)
    pdf.grid(
        (20, 14, 13, 17, 17, 51),
        [c.t(k) for k in ("col_axis", "col_level", "col_score", "col_likelihood", "col_severity", "col_reason")],
        (
            (
                Cell.of(ax.label),
                Cell.of(ax.level_label, LEVEL_TEXT[ax.level], LEVEL_PALE[ax.level]),
                Cell.of(c.t("score_value", score=ax.score)),
                Cell.of(ax.likelihood_label),
                Cell.of(ax.severity_label),
                Cell.of(ax.reason),
            )
            for ax in c.axes
        ),
        size=8.5,
    )
    pdf.ln(3)
    pdf.para(c.counts, size=9, color=MUTED)

    pdf.heading(c.t("summary_top"), level=2, outline=None)
    if c.top:
        pdf.bullets((f"{i}. {line}" for i, line in enumerate(c.top, 1)), size=9.5, mark="")
    else:
        pdf.para(c.t("summary_no_findings"))
    if c.first_measure:
        pdf.ln(1)
        pdf.para(c.first_measure, size=9.5, color=ACCENT)

    pdf.need(96)
    y = pdf.get_y() + 4
    radar_w = 84.0
    draw_radar(pdf, pdf.l_margin, y, radar_w, c.axes, dict(c.method.level_ceiling), c.t("chart_radar"))
    draw_grid(
        pdf,
        pdf.l_margin + radar_w + 4,
        y + 3,
        pdf.epw - radar_w - 4,
        c.axes,
        c.method.level,
        c.lang,
        (c.t("chart_grid"), c.t("chart_likelihood"), c.t("chart_severity")),
    )
    pdf.set_y(y + 96)


def _drift(pdf: ReportPDF, c: ReportContent) -> None:
    """The scores that moved since the rules the assessment was saved under, and the findings that explain it."""
    d = c.drift
    if d is None:
        return
    pdf.heading(c.t("sec_drift"), level=2, outline=1)
    pdf.para(d.heading, size=9.5, color=AMBER_TEXT, gap=1)
    if d.unchanged:
        pdf.para(d.unchanged, size=9)
    for a in d.axes:
        pdf.bullets([c.t("drift_axis_line", axis=a.label, before=a.before, now=a.now)], size=9)
        pdf.bullets(a.because, size=8.5, color=MUTED, indent=7, mark="–")
    for key, titles in (("drift_new", d.new), ("drift_gone", d.gone)):
        if titles:
            pdf.label(c.t(key))
            pdf.bullets(titles, size=9)
    pdf.ln(2)


def _transfer(pdf: ReportPDF, c: ReportContent) -> None:
    """The cross-border route as of the date, as the Results card says it, with its sources."""
    if c.transfer is None:
        return
    pdf.ln(4)
    pdf.heading(c.transfer.heading)
    for line in c.transfer.lines:
        pdf.para(line, size=9.5, gap=1.5)
    for label in c.transfer.cited:
        pdf.para(label, size=8.5, color=MUTED, gap=0.5)


def _first(pdf: ReportPDF, c: ReportContent) -> None:
    """What to do first: the plan's steps in order, each with its measures and the scores after it; then the
    measures in no step, each reason said once."""
    plan = c.plan
    if plan is None:
        return
    pdf.add_page()
    pdf.heading(c.t("sec_first"))
    if plan.steps:
        pdf.para(c.t("plan_first_intro"), size=9, color=MUTED, gap=3)
        rows = []
        for step in plan.steps:
            runs: list[tuple[str, tuple[int, int, int], bool]] = []
            for m in step.measures:
                runs += _measure_runs(c, m)
            after = [(step.effect, ACCENT, True)]
            after += [(a.text, LEVEL_TEXT[a.level], False) for a in step.after]
            owner, due = _owners(step)
            rows.append(
                (Cell.of(c.t("plan_step", n=step.number)), Cell(tuple(runs)), Cell(tuple(after)), Cell.of(owner), Cell.of(due))
            )
        pdf.grid(
            (8, 43, 28, 9, 12), [c.t(k) for k in ("col_no", "col_measure", "plan_scores_after", "col_owner", "col_due")], rows
        )
    else:
        pdf.para(c.t("plan_no_steps") if plan.still else c.t("plan_nothing"))
    if plan.still:
        pdf.ln(3)
        pdf.heading(c.common("also_required_title"), level=1)
        pdf.para(c.t("plan_still_intro"), size=9, color=MUTED, gap=2)
        for group in plan.still:
            pdf.para(group.reason, size=9, color=AMBER_TEXT, gap=1)
            pdf.bullets((f"{m.title}: {m.description}" for m in group.measures), size=9)
            pdf.ln(1)


def _owners(step: StepView) -> tuple[str, str]:
    """The owners and due dates of a step's tracked measures, one a line (blank to fill in by hand)."""
    return "\n".join(m.owner for m in step.measures if m.owner), "\n".join(m.due for m in step.measures if m.due)


def _measure_runs(c: ReportContent, m: MeasureView) -> list[tuple[str, tuple[int, int, int], bool]]:
    """A measure in a table cell: its title in bold, what it is, what it addresses, and a past event that stays."""
    runs = [(m.title, INK, True), (m.description, INK, False)]
    if m.addresses:
        runs.append((c.t("plan_addresses", refs=", ".join(m.addresses)), MUTED, False))
    if m.past_note:
        runs.append((m.past_note, AMBER_TEXT, False))
    return runs


def _finding(pdf: ReportPDF, c: ReportContent, af: AxisFinding) -> None:
    f = af.finding
    pdf.need(24 if af.first else 14)
    # A coloured tab in the margin marks the level of this finding on this axis.
    y0 = pdf.get_y()
    pdf.set_fill_color(*LEVEL_STRONG[af.level])
    pdf.rect(pdf.l_margin - 4, y0 + 0.6, 1.6, 4.2, style="F")
    pdf.set_font(size=10.5)
    pdf.set_text_color(*INK)
    with pdf.bold(INK):
        pdf.text_lines(pdf.safe(f"{f.ref} · {f.title}"), pdf.epw, 5.4)
    pdf.para(af.impact, size=8, color=LEVEL_TEXT[af.level], gap=0.8)
    if not af.first:
        pdf.para(c.t("finding_see_above", axis=af.explained_under, ref=f.ref), size=8.5, color=MUTED, gap=3)
        return
    if f.uncertain:
        pdf.para(c.t("finding_uncertain"), size=8.5, color=AMBER_TEXT, gap=0.8)
    pdf.para(f.explain, size=9.5, gap=1.5)
    if f.answers:
        pdf.label(c.t("finding_answers"))
        for a in f.answers:
            pdf.bullets([c.t("answer_line", question=a.question, answer=a.answer)])
            if a.note:
                pdf.bullets([c.t("note_line", note=a.note)], color=ACCENT, indent=7, mark="–")
    if f.cited:
        pdf.label(c.t("finding_cited"))
        pdf.bullets(f.cited)
    if f.article:
        pdf.label(c.t("finding_article"))
        pdf.bullets(f.article)
    pdf.ln(3)


def _axis(pdf: ReportPDF, c: ReportContent, ax: AxisView) -> None:
    pdf.need(50)
    pdf.start_section(plain(ax.label), level=1)
    y = pdf.get_y()
    pdf.set_fill_color(*LEVEL_PALE[ax.level])
    pdf.rect(pdf.l_margin, y, pdf.epw, 10, style="F")
    pdf.set_fill_color(*LEVEL_STRONG[ax.level])
    pdf.rect(pdf.l_margin, y, 2, 10, style="F")
    pdf.set_xy(pdf.l_margin + 5, y + 2)
    pdf.set_font(size=13)
    pdf.set_text_color(*INK)
    with pdf.bold(INK):
        pdf.cell(pdf.epw - 8, 6, pdf.fit(c.t("axis_heading", axis=ax.label, level=ax.level_label, score=ax.score), pdf.epw - 8))
    pdf.set_y(y + 12)
    pdf.para(ax.description, size=8.5, color=MUTED, gap=0.5)
    if ax.caveat:
        pdf.para(ax.caveat, size=8.5, color=AMBER_TEXT, gap=0.5)
    pdf.para(c.t("axis_reason", reason=ax.reason), size=9, gap=2)
    if ax.exposure:
        pdf.label(c.t("axis_exposure"), size=8)
        for e in ax.exposure:
            pdf.bullets([e.text], size=9)
            if e.cited:
                pdf.bullets(e.cited, size=7.5, color=MUTED, indent=7, mark="–")
        pdf.ln(2)
    if not ax.findings:
        pdf.para(c.t("axis_no_findings"), color=MUTED)
    for af in ax.findings:
        _finding(pdf, c, af)
    pdf.ln(2)


def _findings(pdf: ReportPDF, c: ReportContent) -> None:
    pdf.add_page()
    pdf.heading(c.t("sec_findings"))
    for ax in c.axes:
        _axis(pdf, c, ax)


def _unknowns_and_notes(pdf: ReportPDF, c: ReportContent) -> None:
    if c.unknowns:
        pdf.ln(2)
        pdf.heading(c.t("sec_unknowns"), level=1)
        pdf.para(c.t("unknowns_intro"), size=9, color=MUTED, gap=2)
        for u in c.unknowns:
            pdf.need(14)
            pdf.para(u.title, size=9.5, gap=0.3)
            pdf.para(u.explain, size=8.5, color=MUTED, indent=3, gap=2)
    if c.notes or c.consultant_notes:
        pdf.ln(2)
        pdf.heading(c.t("sec_notes"), level=1)
        if c.consultant_notes:
            pdf.label(c.t("notes_consultant"))
            pdf.bullets((c.t("consultant_note_line", question=a.question, note=a.note) for a in c.consultant_notes), size=9)
        if c.notes:
            pdf.label(c.t("notes_caveats"))
            pdf.bullets(c.notes, size=9)


def _also_required(pdf: ReportPDF, c: ReportContent) -> None:
    """The measures that lower no score here, each with why: not "0 points", which reads as useless."""
    if not c.also_required:
        return
    pdf.ln(3)
    pdf.heading(c.common("also_required_title"), level=1)
    pdf.para(c.common("also_required_intro"), size=9, color=MUTED, gap=2)
    for m in c.also_required:
        pdf.need(14)
        with pdf.bold(INK):
            pdf.para(m.title, size=9.5, gap=0.5)
        pdf.para(m.description, size=9, gap=0.5)
        pdf.para(m.why, size=8.5, color=AMBER_TEXT, gap=2)


def _plan(pdf: ReportPDF, c: ReportContent) -> None:
    if c.plan is not None:  # the steps are under "What to do first": here only the actions taken on
        if c.actions_table is not None:
            pdf.add_page()
            pdf.heading(c.t("sec_plan"))
            pdf.para(c.t("plan_tracked_only"), size=9, color=MUTED, gap=2)
            _tracked(pdf, c)
        return
    if c.measures or c.also_required or c.actions:
        pdf.add_page()
    else:  # one line: no need for a page of its own
        pdf.ln(6)
    pdf.heading(c.t("sec_plan"))
    if not c.measures:
        pdf.para(c.t("plan_none"))
        _also_required(pdf, c)
        _tracked(pdf, c)
        return
    pdf.para(c.t("plan_intro"), size=9, color=MUTED, gap=3)
    rows = []
    for m in c.measures:
        rows.append(
            (
                Cell.of(str(m.rank)),
                Cell(tuple(_measure_runs(c, m))),
                Cell.of(c.t("plan_points", n=m.reduction)),
                Cell(tuple((a.text, LEVEL_TEXT[a.level], False) for a in m.after)),
                Cell.of(m.owner),
                Cell.of(m.due),
            )
        )
    pdf.grid(
        (8, 62, 18, 42, 25, 19),
        [c.t(k) for k in ("col_no", "col_measure", "col_reduction", "col_after", "col_owner", "col_due")],
        rows,
    )
    _also_required(pdf, c)
    _tracked(pdf, c)


def _tracked(pdf: ReportPDF, c: ReportContent) -> None:
    if c.actions_table is None:
        return
    pdf.ln(3)
    pdf.heading(c.t("plan_tracked"), level=1)
    pdf.para(c.t("plan_tracked_intro"), size=9, color=MUTED, gap=2)
    _table(pdf, c.actions_table)


def _table(pdf: ReportPDF, table: TableView) -> None:
    """A plain table of the content (rows to emphasise drawn in amber)."""
    emphasis = set(table.emphasis)
    pdf.grid(
        table.widths,
        table.head,
        (tuple(Cell.of(text, AMBER_TEXT if i in emphasis else INK) for text in row) for i, row in enumerate(table.rows)),
    )


def _answers(pdf: ReportPDF, c: ReportContent) -> None:
    pdf.add_page()
    pdf.heading(c.t("sec_answers"))
    pdf.para(c.t("answers_intro"), size=9, color=MUTED, gap=2)
    colors: dict[str, tuple[int, int, int]] = {HIDDEN: MUTED, UNANSWERED: MUTED, UNKNOWN_ANSWER: AMBER_TEXT}
    for section in c.answers:
        pdf.need(30)
        pdf.heading(section.title, level=2, outline=1)
        pdf.grid(
            (62, 38),
            [c.t("col_question"), c.t("col_answer")],
            ((Cell.of(a.question, MUTED if a.status == HIDDEN else INK), _answer_cell(c, a, colors)) for a in section.rows),
        )
        pdf.ln(3)


def _answer_cell(c: ReportContent, a: AnswerView, colors: dict[str, tuple[int, int, int]]) -> Cell:
    """The answer, and under it the consultant's note on the question."""
    runs = [(a.answer, colors.get(a.status, INK), False)]
    if a.note:
        runs.append((c.t("note_line", note=a.note), ACCENT, False))
    return Cell(tuple(runs))


def _sources(pdf: ReportPDF, c: ReportContent) -> None:
    pdf.add_page()
    pdf.heading(c.t("sec_sources"))
    pdf.para(c.t("sources_intro", as_of=c.law_as_of.isoformat()), size=9, color=MUTED, gap=0.5)
    pdf.para(c.t("confidence_legend"), size=8, color=MUTED, gap=3)
    for commentary, key in ((False, "sources_law"), (True, "sources_commentary")):
        group = [s for s in c.sources if s.commentary == commentary]
        if not group:
            continue
        pdf.heading(c.t(key), level=2, outline=None)
        for s in group:
            pdf.need(14)
            pdf.para(s.label, size=9, gap=0.2)
            pdf.para(s.summary, size=8, color=MUTED, indent=3, gap=0.3)
            if s.not_modelled:
                pdf.para(s.not_modelled, size=7.5, color=MUTED, indent=3, gap=0.3)
            pdf.ln(1.8)


def _appendix(pdf: ReportPDF, a: AppendixView, new_page: bool = True) -> None:
    """An appendix, or a section of a document template, on a page of its own unless `new_page` is False."""
    if new_page:
        pdf.add_page()
    pdf.heading(a.title)
    pdf.para(a.intro, size=9, color=MUTED, gap=2)
    for block in a.blocks:
        if block.heading:
            pdf.heading(block.heading, level=2, outline=None)
        if block.text:
            pdf.para(block.text, size=9, gap=1.5)
        if block.items:
            pdf.bullets(block.items, size=9)
        if block.table is not None:
            _table(pdf, block.table)
        if block.blanks:  # to write in by hand: amber, so that none is missed
            pdf.bullets(block.blanks, size=9, color=AMBER_TEXT)
        pdf.ln(3)


def _about(pdf: ReportPDF, c: ReportContent) -> None:
    pdf.ln(4)
    pdf.need(52)  # the section is short: keep it on one page
    pdf.heading(c.t("sec_about"), level=1, outline=0)  # a section of its own, as in Word
    pdf.para(c.t("about_disclaimer", as_of=c.law_as_of.isoformat()), size=9, gap=2)
    pdf.para(c.t("about_method"), size=8.5, color=MUTED, gap=2)
    if c.made_with:
        pdf.para(c.made_with, size=8, color=MUTED)


def _metadata(pdf: ReportPDF, c: ReportContent) -> None:
    title = c.document_title()
    pdf.set_title(" — ".join(plain(part) for part in (title, c.display_name, c.title) if part.strip()))
    pdf.set_subject(c.t("doc_subject"))
    pdf.set_keywords(c.t("doc_keywords"))
    pdf.set_lang(c.t("lang_tag"))
    tool = "" if c.white_label else TOOL_NAME
    pdf.set_creator(tool)
    pdf.set_author(plain(c.branding_name) if c.branding_name else tool)
    pdf.set_display_mode("fullwidth", "continuous")


def _contents(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """The table of contents: every section and its parts (outline levels 0 and 1), each with its page, linked."""
    assert isinstance(pdf, ReportPDF)
    c = pdf.content
    pdf.set_y(TOP)
    pdf.heading(c.t("sec_contents"), outline=None)
    entries = [s for s in outline if s.level <= 1]
    size = 10.0 if len(entries) <= 40 else 8.5  # one page holds them all
    lh = size * 0.52
    for s in entries:
        indent = 6.0 * s.level
        pdf.set_font(size=size if s.level == 0 else size - 1)
        pdf.set_text_color(*(INK if s.level == 0 else MUTED))
        page = str(s.page_number)
        page_w = pdf.get_string_width(page) + 2
        pdf.set_x(pdf.l_margin + indent)
        link = pdf.add_link(page=s.page_number)
        pdf.cell(pdf.epw - indent - page_w, lh, pdf.fit(s.name, pdf.epw - indent - page_w - 4), link=link)
        pdf.cell(page_w, lh, page, align="R", link=link, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.6 if s.level else 1.2)


def write_pdf(content: ReportContent) -> bytes:
    """The full PDF report of `content`, as bytes: the consultancy's name and logo on the cover when the
    content has them. User-typed text is printed as given; characters the font lacks show as a box."""
    pdf = ReportPDF(content)
    _metadata(pdf, content)
    _cover(pdf, content)
    c = content
    pdf.header_text = f"{c.display_name} — {c.title}" if c.title.strip() else c.display_name
    pdf.add_page()
    pdf.insert_toc_placeholder(_contents, pages=1)  # the summary starts on the page after the contents
    if content.sections:  # a document template: its sections, one after another
        for section in content.sections:
            _appendix(pdf, section, new_page=False)
    else:
        _summary(pdf, content)
        _first(pdf, content)
        _transfer(pdf, content)
        _findings(pdf, content)
        _unknowns_and_notes(pdf, content)
        _plan(pdf, content)
        _answers(pdf, content)
        _sources(pdf, content)
        for appendix in content.appendices:
            _appendix(pdf, appendix)
    _about(pdf, content)
    font = pdf.embedded_font()
    font.missing_glyphs[:] = [g for g in font.missing_glyphs if g != ord(BREAK)]  # drawn as nothing, on purpose
    return bytes(pdf.output())
