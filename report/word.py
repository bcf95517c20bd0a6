"""The Word report: `write_docx(content) -> bytes`, written with python-docx from the
same ReportContent as the PDF and the Markdown, so that a consultant can edit it before handing it over.

Headings are Word headings (the navigation pane lists them), tables are Word tables and the charts are
PNG images (report/images.py). Every style names an East Asian font (`w:eastAsia`) and Chinese as the
East Asian language, so that Word and LibreOffice draw Chinese with a Chinese font instead of boxes.
User text goes into plain runs through `word_text`, never into fields.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from report.content import (
    HIDDEN,
    TOOL_NAME,
    UNANSWERED,
    UNKNOWN_ANSWER,
    AnswerView,
    AppendixView,
    AxisFinding,
    MeasureView,
    ReportContent,
    TableView,
)
from report.images import grid_png, radar_png
from report.style import ACCENT, AMBER_TEXT, INK, LEVEL_PALE, LEVEL_TEXT, MUTED, TABLE_HEAD

# The East Asian font every style names. Word on Windows and macOS ships it; where it is missing, Word and
# LibreOffice substitute a Chinese font because the East Asian language is set to Chinese.
EAST_ASIAN_FONT = "Microsoft YaHei"
LATIN_FONT = "Calibri"
TABLE_TEXT = "Table Text"  # the paragraph style of table cells; its id is "TableText"
MAX_LOGO_PIXELS = 4096 * 4096
MAX_PROPERTY = 255  # characters in a core property such as the title (python-docx refuses more)
# Characters a Word document cannot hold (XML 1.0), and the controls that reorder text on screen.
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")

Color = tuple[int, int, int]


def word_text(text: object) -> str:
    """`text` as a Word run holds it: what XML cannot carry (and text-reordering controls) becomes U+FFFD;
    newlines and tabs stay (the run turns them into line breaks and tabs). Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _UNFIT.sub("\ufffd", text)


def _rgb(color: Color) -> RGBColor:
    return RGBColor(*color)


def _hex(color: Color) -> str:
    return "{:02X}{:02X}{:02X}".format(*color)


# -- the document's styles ---------------------------------------------------------------------------------


def _set_fonts(rpr: Any, lang_tag: str) -> None:
    """Name the Latin and East Asian fonts on a run-properties element, dropping the theme fonts that
    would override them, and say which language East Asian text is in."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), lang_tag)
        lang.set(qn("w:eastAsia"), "zh-CN")


def _styles(doc: Any, lang_tag: str) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, lang_tag)
    for style in doc.styles:
        if style.type in (1, 2, 3):  # paragraph, character and table styles
            _set_fonts(style.element.get_or_add_rPr(), lang_tag)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    normal.font.color.rgb = _rgb(INK)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = _rgb(INK if name == "Title" else ACCENT)
    cells = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)  # a size for every cell, set once
    cells.base_style = normal
    cells.font.size = Pt(9)
    cells.paragraph_format.space_after = Pt(1)
    _set_fonts(cells.element.get_or_add_rPr(), lang_tag)


# -- building blocks ---------------------------------------------------------------------------------------


class Writer:
    """The document being written, with the few kinds of paragraph and table the report uses."""

    def __init__(self, c: ReportContent) -> None:
        self.c = c
        self.doc = Document()
        _styles(self.doc, c.t("lang_tag"))
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = section.top_margin = Cm(1.8)
        section.bottom_margin = Cm(2.0)
        self.width = int(Cm(21.0 - 2 * 1.8))
        self.headings: list[tuple[int, str]] = []  # (level, text) of every Heading 1 and 2, for the contents

    def styled(self, style_id: str) -> Any:
        """A new paragraph in a style, by its id. (Setting the id directly: python-docx's lookup by name
        scans every style for each paragraph, which took most of the time to write a report.)"""
        p = self.doc.add_paragraph()
        p._p.style = style_id
        return p

    def heading(self, text: str, level: int = 1) -> None:
        self.run(self.styled(f"Heading{level}"), text)
        if level <= 2:
            self.headings.append((level, text))

    def field(self, p: Any, code: str, shown: str, *, color: Color = INK, size: float | None = None) -> None:
        """A Word field (PAGE, NUMPAGES, TOC) in paragraph `p`, showing `shown` until Word updates it.
        Only for the report's own codes: user text never goes into a field."""
        for kind, text in (("begin", None), ("instr", code), ("separate", None), ("text", shown), ("end", None)):
            r = p.add_run()
            if color != INK:
                r.font.color.rgb = _rgb(color)
            if size:
                r.font.size = Pt(size)
            if kind == "instr":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {text} "
                r._r.append(el)
            elif kind == "text":
                r.text = text or ""
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
                r._r.append(el)

    def para(
        self, text: str = "", *, color: Color = INK, size: float | None = None, bold: bool = False, italic: bool = False
    ) -> Any:
        p = self.doc.add_paragraph()
        if text:
            self.run(p, text, color=color, size=size, bold=bold, italic=italic)
        return p

    @staticmethod
    def run(p: Any, text: str, *, color: Color = INK, size: float | None = None, bold: bool = False, italic: bool = False) -> Any:
        r = p.add_run(word_text(text))
        if color != INK:
            r.font.color.rgb = _rgb(color)
        if size:
            r.font.size = Pt(size)
        if bold:
            r.bold = True
        if italic:
            r.italic = True
        return r

    def bullets(self, items: Iterable[str], *, color: Color = INK, level: int = 1) -> None:
        style = "ListBullet" if level == 1 else "ListBullet2"
        for item in items:
            self.run(self.styled(style), item, color=color)

    def numbered(self, items: Iterable[str]) -> None:
        for item in items:
            self.run(self.styled("ListNumber"), item)

    def table(
        self,
        widths: Sequence[float],
        head: Sequence[str] | None,
        rows: Iterable[Sequence[Sequence[tuple[str, Color, bool]] | str]],
        *,
        fills: dict[tuple[int, int], Color] | None = None,
    ) -> Any:
        """A Word table: a shaded heading row repeated on each page (unless `head` is None), then rows.
        A cell is text, or runs of (text, colour, bold), each on its own line."""
        table = self.doc.add_table(rows=0, cols=len(widths))
        table._tbl.tblStyle_val = "TableGrid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        total = sum(widths)
        for column, w in zip(table.columns, widths, strict=True):
            column.width = int(self.width * w / total)
        if head is not None:
            cells = table.add_row().cells
            header = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            header.append(repeat)
            for cell, text in zip(cells, head, strict=True):
                self._cell(cell, [(text, ACCENT, True)], TABLE_HEAD)
        fills = fills or {}
        for i, row in enumerate(rows):
            cells = table.add_row().cells
            for j, (cell, value) in enumerate(zip(cells, row, strict=True)):
                runs = [(value, INK, False)] if isinstance(value, str) else value
                self._cell(cell, runs, fills.get((i, j)))
        self.doc.add_paragraph()
        return table

    def _cell(self, cell: Any, runs: Sequence[tuple[str, Color, bool]], fill: Color | None) -> None:
        p = cell.paragraphs[0]
        for k, (text, color, bold) in enumerate(runs):
            if k:
                p = cell.add_paragraph()
            p._p.style = "TableText"
            self.run(p, text, color=color, bold=bold)
        if fill is not None:
            shade = OxmlElement("w:shd")
            shade.set(qn("w:val"), "clear")
            shade.set(qn("w:color"), "auto")
            shade.set(qn("w:fill"), _hex(fill))
            cell._tc.get_or_add_tcPr().append(shade)

    def plain_table(self, t: TableView) -> None:
        emphasis = set(t.emphasis)
        self.table(
            t.widths,
            t.head,
            ([[(text, AMBER_TEXT if i in emphasis else INK, i in emphasis)] for text in row] for i, row in enumerate(t.rows)),
        )

    def picture(self, data: bytes, width: float) -> None:
        self.doc.add_picture(io.BytesIO(data), width=int(width))

    def page_break(self) -> None:
        self.doc.add_page_break()


# -- the sections ------------------------------------------------------------------------------------------


def _logo(w: Writer, logo: bytes | None) -> None:
    if not logo:
        return
    try:
        from PIL import Image

        with Image.open(io.BytesIO(logo)) as im:
            im.verify()
            fits = im.width * im.height <= MAX_LOGO_PIXELS
        if fits:
            p = w.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.add_run().add_picture(io.BytesIO(logo), height=Cm(2.0))
    except Exception:  # noqa: S110 - a logo that will not load is left off; the report still builds
        pass


def _cover(w: Writer, c: ReportContent) -> None:
    _logo(w, c.logo)
    w.para(c.kicker, color=ACCENT, size=11)
    w.run(w.styled("Title"), c.document_title())
    w.para(c.display_name, color=ACCENT, size=16)
    if c.title.strip():
        w.para(c.title, size=12)
    w.table((30, 70), None, [([(k, MUTED, False)], v) for k, v in c.cover])
    if not c.sections:  # a report's cover: each axis's result at a glance
        w.table(
            (25, 25, 20),
            [c.t("col_axis"), c.t("col_level"), c.t("col_score")],
            ((ax.label, [(ax.level_label, LEVEL_TEXT[ax.level], True)], c.t("score_value", score=ax.score)) for ax in c.axes),
            fills={(i, 1): LEVEL_PALE[ax.level] for i, ax in enumerate(c.axes)},
        )
    w.para(c.t("about_disclaimer", as_of=c.law_as_of.isoformat()), size=9)
    w.page_break()


def _contents(w: Writer, c: ReportContent, before: Any) -> None:
    """The table of contents, put before paragraph `before` once every heading is written: a TOC field whose
    shown entries are the headings of levels 1 and 2 (Word adds their pages when it updates the field, F9)."""
    w.run(before.insert_paragraph_before(), c.t("sec_contents"), color=ACCENT, size=16, bold=True)
    entries = []
    for level, text in w.headings:
        p = before.insert_paragraph_before()
        p.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        p.paragraph_format.space_after = Pt(1)
        entries.append((p, level, text))
    if entries:
        first, last = entries[0][0], entries[-1][0]
        for kind, code in (("begin", ""), ("instr", 'TOC \\o "1-2" \\h \\z'), ("separate", "")):
            el = OxmlElement("w:instrText" if kind == "instr" else "w:fldChar")
            if kind == "instr":
                el.set(qn("xml:space"), "preserve")
                el.text = f" {code} "
            else:
                el.set(qn("w:fldCharType"), kind)
            first.add_run()._r.append(el)
        for p, level, text in entries:
            w.run(p, text, color=INK if level == 1 else MUTED)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        last.add_run()._r.append(end)
    before.insert_paragraph_before().add_run().add_break(WD_BREAK.PAGE)


def _drift(w: Writer, c: ReportContent) -> None:
    d = c.drift
    if d is None:
        return
    w.heading(c.t("sec_drift"), 2)
    w.para(d.heading, color=AMBER_TEXT)
    if d.unchanged:
        w.para(d.unchanged)
    for a in d.axes:
        w.bullets([c.t("drift_axis_line", axis=a.label, before=a.before, now=a.now)])
        w.bullets(a.because, color=MUTED, level=2)
    for key, titles in (("drift_new", d.new), ("drift_gone", d.gone)):
        if titles:
            w.para(c.t(key), color=MUTED, bold=True, size=9)
            w.bullets(titles)


def _measure_runs(c: ReportContent, m: MeasureView) -> list[tuple[str, Color, bool]]:
    runs = [(m.title, INK, True), (m.description, INK, False)]
    if m.addresses:
        runs.append((c.t("plan_addresses", refs=", ".join(m.addresses)), MUTED, False))
    if m.past_note:
        runs.append((m.past_note, AMBER_TEXT, False))
    return runs


def _transfer(w: Writer, c: ReportContent) -> None:
    """The cross-border route as of the date, as the Results card says it, with its sources."""
    if c.transfer is None:
        return
    w.heading(c.transfer.heading)
    for line in c.transfer.lines:
        w.para(line)
    for label in c.transfer.cited:
        w.para(label, color=MUTED)


def _first(w: Writer, c: ReportContent) -> None:
    """What to do first: the plan's steps, then the measures in none of them with each reason once."""
    plan = c.plan
    if plan is None:
        return
    w.page_break()
    w.heading(c.t("sec_first"))
    if plan.steps:
        w.para(c.t("plan_first_intro"), color=MUTED)
        rows = []
        for step in plan.steps:
            measures = [run for m in step.measures for run in _measure_runs(c, m)]
            after = [(step.effect, ACCENT, True), *((a.text, LEVEL_TEXT[a.level], False) for a in step.after)]
            rows.append(
                (
                    c.t("plan_step", n=step.number),
                    measures,
                    after,
                    "\n".join(m.owner for m in step.measures if m.owner),
                    "\n".join(m.due for m in step.measures if m.due),
                )
            )
        w.table(
            (8, 43, 28, 9, 12), [c.t(k) for k in ("col_no", "col_measure", "plan_scores_after", "col_owner", "col_due")], rows
        )
    else:
        w.para(c.t("plan_no_steps") if plan.still else c.t("plan_nothing"))
    if plan.still:
        w.heading(c.common("also_required_title"), 2)
        w.para(c.t("plan_still_intro"), color=MUTED)
        for group in plan.still:
            w.para(group.reason, color=AMBER_TEXT, italic=True)
            w.bullets(f"{m.title}: {m.description}" for m in group.measures)


def _summary(w: Writer, c: ReportContent) -> None:
    w.heading(c.t("sec_summary"))
    if c.summary_text:
        w.para(c.summary_text)
    if c.scope_text:
        w.heading(c.t("sec_scope"), 2)
        w.para(c.scope_text)
    _drift(w, c)
    w.table(
        (20, 14, 13, 17, 17, 51),
        [c.t(k) for k in ("col_axis", "col_level", "col_score", "col_likelihood", "col_severity", "col_reason")],
        (
            (
                ax.label,
                [(ax.level_label, LEVEL_TEXT[ax.level], True)],
                c.t("score_value", score=ax.score),
                ax.likelihood_label,
                ax.severity_label,
                ax.reason,
            )
            for ax in c.axes
        ),
        fills={(i, 1): LEVEL_PALE[ax.level] for i, ax in enumerate(c.axes)},
    )
    w.para(c.counts, color=MUTED)
    w.heading(c.t("summary_top"), 2)
    if c.top:
        w.numbered(c.top)
    else:
        w.para(c.t("summary_no_findings"))
    if c.first_measure:
        w.para(c.first_measure, color=ACCENT)
    radar = radar_png(c.axes, dict(c.method.level_ceiling), c.t("chart_radar"))
    grid = grid_png(c.axes, c.method.level, c.lang, (c.t("chart_grid"), c.t("chart_likelihood"), c.t("chart_severity")))
    w.picture(radar, w.width * 0.62)
    w.picture(grid, w.width * 0.72)


def _answer_lines(w: Writer, c: ReportContent, answers: Sequence[AnswerView]) -> None:
    for a in answers:
        w.bullets([c.t("answer_line", question=a.question, answer=a.answer)])
        if a.note:
            w.bullets([c.t("note_line", note=a.note)], color=ACCENT, level=2)


def _finding(w: Writer, c: ReportContent, af: AxisFinding) -> None:
    f = af.finding
    w.heading(f"{f.ref} · {f.title}", 3)
    w.para(af.impact, color=LEVEL_TEXT[af.level], size=9)
    if not af.first:
        w.para(c.t("finding_see_above", axis=af.explained_under, ref=f.ref), color=MUTED, italic=True)
        return
    if f.uncertain:
        w.para(c.t("finding_uncertain"), color=AMBER_TEXT)
    w.para(f.explain)
    if f.answers:
        w.para(c.t("finding_answers"), color=MUTED, bold=True, size=9)
        _answer_lines(w, c, f.answers)
    for key, cites in (("finding_cited", f.cited), ("finding_article", f.article)):
        if cites:
            w.para(c.t(key), color=MUTED, bold=True, size=9)
            w.bullets(cites)


def _findings(w: Writer, c: ReportContent) -> None:
    w.page_break()
    w.heading(c.t("sec_findings"))
    for ax in c.axes:
        w.heading(c.t("axis_heading", axis=ax.label, level=ax.level_label, score=ax.score), 2)
        w.para(ax.description, color=MUTED, italic=True)
        if ax.caveat:
            w.para(ax.caveat, color=AMBER_TEXT)
        w.para(c.t("axis_reason", reason=ax.reason))
        if ax.exposure:
            w.para(c.t("axis_exposure"), color=MUTED, bold=True, size=9)
            for e in ax.exposure:
                w.bullets([e.text])
                w.bullets(e.cited, color=MUTED, level=2)
        if not ax.findings:
            w.para(c.t("axis_no_findings"), color=MUTED)
        for af in ax.findings:
            _finding(w, c, af)
    if c.unknowns:
        w.heading(c.t("sec_unknowns"), 2)
        w.para(c.t("unknowns_intro"), color=MUTED)
        for u in c.unknowns:
            p = w.para(u.title, bold=True)
            w.run(p, " " + u.explain)
    if c.notes or c.consultant_notes:
        w.heading(c.t("sec_notes"), 2)
        if c.consultant_notes:
            w.para(c.t("notes_consultant"), color=MUTED, bold=True, size=9)
            w.bullets(c.t("consultant_note_line", question=a.question, note=a.note) for a in c.consultant_notes)
        if c.notes:
            w.para(c.t("notes_caveats"), color=MUTED, bold=True, size=9)
            w.bullets(c.notes)


def _plan(w: Writer, c: ReportContent) -> None:
    if c.plan is not None:  # the steps are under "What to do first": here only the actions taken on
        if c.actions_table is not None:
            w.page_break()
            w.heading(c.t("sec_plan"))
            w.para(c.t("plan_tracked_only"), color=MUTED)
            w.plain_table(c.actions_table)
        return
    w.page_break()
    w.heading(c.t("sec_plan"))
    if c.measures:
        w.para(c.t("plan_intro"), color=MUTED)
        rows = []
        for m in c.measures:
            measure = _measure_runs(c, m)
            after = [(a.text, LEVEL_TEXT[a.level], False) for a in m.after]
            rows.append((str(m.rank), measure, c.t("plan_points", n=m.reduction), after, m.owner, m.due))
        w.table(
            (8, 62, 18, 42, 25, 19),
            [c.t(k) for k in ("col_no", "col_measure", "col_reduction", "col_after", "col_owner", "col_due")],
            rows,
        )
    else:
        w.para(c.t("plan_none"))
    if c.also_required:
        w.heading(c.common("also_required_title"), 2)
        w.para(c.common("also_required_intro"), color=MUTED)
        for m in c.also_required:
            w.para(m.title, bold=True)
            w.para(m.description)
            w.para(m.why, color=AMBER_TEXT, italic=True)
    if c.actions_table is not None:
        w.heading(c.t("plan_tracked"), 2)
        w.para(c.t("plan_tracked_intro"), color=MUTED)
        w.plain_table(c.actions_table)


def _answers(w: Writer, c: ReportContent) -> None:
    w.page_break()
    w.heading(c.t("sec_answers"))
    w.para(c.t("answers_intro"), color=MUTED)
    colors: dict[str, tuple[int, int, int]] = {HIDDEN: MUTED, UNANSWERED: MUTED, UNKNOWN_ANSWER: AMBER_TEXT}
    for section in c.answers:
        w.heading(section.title, 2)
        rows = []
        for a in section.rows:
            answer = [(a.answer, colors.get(a.status, INK), False)]
            if a.note:
                answer.append((c.t("note_line", note=a.note), ACCENT, False))
            rows.append(([(a.question, MUTED if a.status == HIDDEN else INK, False)], answer))
        w.table((62, 38), [c.t("col_question"), c.t("col_answer")], rows)


def _sources(w: Writer, c: ReportContent) -> None:
    w.page_break()
    w.heading(c.t("sec_sources"))
    w.para(c.t("sources_intro", as_of=c.law_as_of.isoformat()), color=MUTED)
    w.para(c.t("confidence_legend"), color=MUTED, size=9)
    for commentary, key in ((False, "sources_law"), (True, "sources_commentary")):
        group = [s for s in c.sources if s.commentary == commentary]
        if not group:
            continue
        w.heading(c.t(key), 2)
        for s in group:
            p = w.styled("ListBullet")
            w.run(p, s.label, bold=True)
            w.run(p, " " + s.summary)
            if s.not_modelled:
                w.bullets([s.not_modelled], color=MUTED, level=2)


def _appendix(w: Writer, a: AppendixView, new_page: bool = True) -> None:
    """An appendix, or a section of a document template, on a page of its own unless `new_page` is False."""
    if new_page:
        w.page_break()
    w.heading(a.title)
    w.para(a.intro, color=MUTED)
    for block in a.blocks:
        if block.heading:
            w.heading(block.heading, 2)
        if block.text:
            w.para(block.text)
        if block.items:
            w.bullets(block.items)
        if block.table is not None:
            w.plain_table(block.table)
        if block.blanks:  # to write in by hand: amber, so that none is missed
            w.bullets(block.blanks, color=AMBER_TEXT)


def _about(w: Writer, c: ReportContent) -> None:
    w.heading(c.t("sec_about"))
    w.para(c.t("about_disclaimer", as_of=c.law_as_of.isoformat()))
    w.para(c.t("about_method"), color=MUTED)
    if c.made_with:
        w.para(c.made_with, color=MUTED)


def _furniture(w: Writer, c: ReportContent) -> None:
    """The running header (company and title) and foot (the disclaimer), and the file's properties."""
    section = w.doc.sections[0]
    head = f"{c.display_name} — {c.title}" if c.title.strip() else c.display_name
    w.run(section.header.paragraphs[0], head, color=MUTED, size=8)
    w.run(section.footer.paragraphs[0], c.t("footer_disclaimer", as_of=c.law_as_of.isoformat()), color=MUTED, size=8)
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # "Page {page} of {pages}" with Word's own page fields in the placeholders' places.
    for part in re.split(r"(\{page\}|\{pages\})", c.t("page_of", page="{page}", pages="{pages}")):
        if part == "{page}":
            w.field(pages, "PAGE", "1", color=MUTED, size=8)
        elif part == "{pages}":
            w.field(pages, "NUMPAGES", "1", color=MUTED, size=8)
        elif part:
            w.run(pages, part, color=MUTED, size=8)
    props = w.doc.core_properties
    title = word_text(" — ".join(part for part in (c.document_title(), c.display_name, c.title) if part.strip()))
    props.title = title if len(title) <= MAX_PROPERTY else title[: MAX_PROPERTY - 1] + "…"
    props.subject = c.t("doc_subject")
    props.keywords = c.t("doc_keywords")
    props.language = c.t("lang_tag")
    props.author = word_text(c.branding_name) or ("" if c.white_label else TOOL_NAME)
    props.last_modified_by = props.author
    props.comments = ""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created, props.modified = now, now


def write_docx(c: ReportContent) -> bytes:
    """The report of `c` as a Word (.docx) file: the same sections, findings, actions, notes and appendices
    as the PDF, with the charts as images."""
    w = Writer(c)
    _furniture(w, c)
    _cover(w, c)
    contents = w.para()
    if c.sections:  # a document template: its sections, one after another
        for section in c.sections:
            _appendix(w, section, new_page=False)
    else:
        _summary(w, c)
        _first(w, c)
        _transfer(w, c)
        _findings(w, c)
        _plan(w, c)
        _answers(w, c)
        _sources(w, c)
        for appendix in c.appendices:
            _appendix(w, appendix)
    w.page_break()
    _about(w, c)
    _contents(w, c, contents)
    out = io.BytesIO()
    w.doc.save(out)
    return out.getvalue()
