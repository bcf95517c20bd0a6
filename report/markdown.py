"""The Markdown report: `write_markdown(content) -> bytes` (UTF-8), the same content as the PDF, as text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from report.content import HIDDEN, UNKNOWN_ANSWER, AnswerView, AppendixView, AxisFinding, ReportContent, TableView
from report.fonts import plain

_INLINE = re.compile(r"([\\`*_\[\]|~$])")  # `$`: math in GitHub and other renderers
# Bare addresses that GitHub-flavoured renderers turn into links: a scheme's "://", "www.", "name@host".
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![\w.])(www)(\.)|(?<=\w)(@)(?=\w)")
_DOTTED = re.compile(r"(?<=\w)\.(?=\w)")  # "acme.com", a dotted rule id: fuzzy linkifiers make them links
_SHORTCODE = re.compile(r":(?=[a-z0-9_+-]+:)", re.IGNORECASE)  # :emoji: shortcodes
_LINE_START = re.compile(r"^(\s*)([#>+=-])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def md_escape(text: object) -> str:
    """`text` as one line of literal Markdown: markup characters are escaped and HTML is shown, not run."""
    line = html.escape(plain(text), quote=False)
    line = _INLINE.sub(r"\\\1", line)
    line = _AUTOLINK.sub(lambda m: "\\:" if m.group(1) else f"{m.group(2)}\\." if m.group(2) else "\\@", line)
    line = _DOTTED.sub(r"\\.", line)
    line = _SHORTCODE.sub(r"\\:", line)
    line = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(head)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return [*out, ""]


def _answer_cell(c: ReportContent, a: AnswerView) -> str:
    words = md_escape(a.answer)
    words = f"*{words}*" if a.status in (HIDDEN, UNKNOWN_ANSWER) else words
    return f"{words}<br>*{md_escape(c.t('note_line', note=a.note))}*" if a.note else words


def _plain_table(table: TableView) -> list[str]:
    """A content table; rows to emphasise in bold."""
    emphasis = set(table.emphasis)
    rows = (
        tuple(f"**{md_escape(cell)}**" if i in emphasis and cell.strip() else md_escape(cell) for cell in row)
        for i, row in enumerate(table.rows)
    )
    return _table((md_escape(h) for h in table.head), rows)


def _appendix(a: AppendixView) -> list[str]:
    out = [f"## {md_escape(a.title)}", "", md_escape(a.intro), ""]
    for block in a.blocks:
        if block.heading:
            out += [f"### {md_escape(block.heading)}", ""]
        if block.text:
            out += [md_escape(block.text), ""]
        if block.items:
            out += [f"- {md_escape(item)}" for item in block.items]
            out.append("")
        if block.table is not None:
            out += _plain_table(block.table)
        if block.blanks:  # to write in by hand: in bold, so that none is missed
            out += [f"- **{md_escape(blank)}**" for blank in block.blanks]
            out.append("")
    return out


def _finding(c: ReportContent, af: AxisFinding) -> list[str]:
    f = af.finding
    lines = [f"#### {md_escape(f.ref)} · {md_escape(f.title)}", "", md_escape(af.impact), ""]
    if not af.first:
        return [*lines, f"*{md_escape(c.t('finding_see_above', axis=af.explained_under, ref=f.ref))}*", ""]
    if f.uncertain:
        lines += [f"> {md_escape(c.t('finding_uncertain'))}", ""]
    lines += [md_escape(f.explain), ""]
    if f.answers:
        lines += [f"**{md_escape(c.t('finding_answers'))}**", ""]
        for a in f.answers:
            lines.append(f"- {md_escape(a.question)} — **{md_escape(a.answer)}**")
            if a.note:
                lines.append(f"  - *{md_escape(c.t('note_line', note=a.note))}*")
        lines.append("")
    for key, cites in (("finding_cited", f.cited), ("finding_article", f.article)):
        if cites:
            lines += [f"**{md_escape(c.t(key))}**", ""]
            lines += [f"- {md_escape(cite)}" for cite in cites]
            lines.append("")
    return lines


def _paragraphs(text: str) -> list[str]:
    """User text of several lines as escaped paragraphs (each line literal, a blank line between them)."""
    out = []
    for line in text.splitlines():
        if line.strip():
            out += [md_escape(line), ""]
    return out


def _contents(c: ReportContent) -> list[str]:
    """The sections in order (a Markdown reader has no pages; GitHub builds its own outline too)."""
    if c.sections:  # a document template
        names = [*(s.title for s in c.sections), c.t("sec_about")]
    else:
        names = [c.t("sec_summary")]
        if c.plan is not None:
            names.append(c.t("sec_first"))
        if c.transfer is not None:
            names.append(c.transfer.heading)
        names.append(c.t("sec_findings"))
        if c.plan is None or c.actions_table is not None:
            names.append(c.t("sec_plan"))
        names += [c.t("sec_answers"), c.t("sec_sources"), *(a.title for a in c.appendices), c.t("sec_about")]
    if c.sections:  # numbered in their titles already
        return [f"**{md_escape(c.t('sec_contents'))}**", "", *(f"- {md_escape(n)}" for n in names), ""]
    return [f"**{md_escape(c.t('sec_contents'))}**", "", *(f"{i}. {md_escape(n)}" for i, n in enumerate(names, 1)), ""]


def _drift(c: ReportContent) -> list[str]:
    d = c.drift
    if d is None:
        return []
    out = [f"### {md_escape(c.t('sec_drift'))}", "", f"> {md_escape(d.heading)}", ""]
    if d.unchanged:
        out += [md_escape(d.unchanged), ""]
    for a in d.axes:
        out.append(f"- {md_escape(c.t('drift_axis_line', axis=a.label, before=a.before, now=a.now))}")
        out += [f"  - {md_escape(x)}" for x in a.because]
    out.append("")
    for key, titles in (("drift_new", d.new), ("drift_gone", d.gone)):
        if titles:
            out += [f"**{md_escape(c.t(key))}**", "", *(f"- {md_escape(x)}" for x in titles), ""]
    return out


def _first(c: ReportContent) -> list[str]:
    """What to do first: the plan's steps, then the measures in none of them, each reason said once."""
    plan = c.plan
    if plan is None:
        return []
    out = [f"## {md_escape(c.t('sec_first'))}", ""]
    if plan.steps:
        out += [md_escape(c.t("plan_first_intro")), ""]
        rows = []
        for step in plan.steps:
            measures = []
            for m in step.measures:
                cell = f"**{md_escape(m.title)}**<br>{md_escape(m.description)}"
                if m.addresses:
                    cell += "<br>" + md_escape(c.t("plan_addresses", refs=", ".join(m.addresses)))
                if m.past_note:
                    cell += "<br>*" + md_escape(m.past_note) + "*"
                measures.append(cell)
            after = "<br>".join([f"**{md_escape(step.effect)}**", *(md_escape(a.text) for a in step.after)])
            owners = "<br>".join(md_escape(m.owner) for m in step.measures if m.owner)
            dues = "<br>".join(md_escape(m.due) for m in step.measures if m.due)
            rows.append((md_escape(c.t("plan_step", n=step.number)), "<br>".join(measures), after, owners, dues))
        out += _table((md_escape(c.t(k)) for k in ("col_no", "col_measure", "plan_scores_after", "col_owner", "col_due")), rows)
    else:
        out += [md_escape(c.t("plan_no_steps") if plan.still else c.t("plan_nothing")), ""]
    if plan.still:
        out += [f"### {md_escape(c.common('also_required_title'))}", "", md_escape(c.t("plan_still_intro")), ""]
        for group in plan.still:
            out += [f"*{md_escape(group.reason)}*", ""]
            out += [f"- **{md_escape(m.title)}**: {md_escape(m.description)}" for m in group.measures]
            out.append("")
    return out


def render_markdown(c: ReportContent) -> str:
    """The report content as GitHub-flavoured Markdown: the same findings, measures, actions, notes, answers,
    sources and appendices as the PDF, without the charts. User-typed text is escaped so that it shows literally."""
    t = c.t
    out = [f"# {md_escape(c.document_title())}", "", f"*{md_escape(c.kicker)}*", ""]
    out += [f"**{md_escape(c.display_name)}**", ""]
    if c.title.strip():
        out += [md_escape(c.title), ""]
    out += _table(("", ""), ((md_escape(k), md_escape(v)) for k, v in c.cover))
    out += [f"> {md_escape(t('about_disclaimer', as_of=c.law_as_of.isoformat()))}", ""]

    out += _contents(c)
    if c.sections:  # a document template: its sections, then what every report ends with
        for section in c.sections:
            out += _appendix(section)
        return "\n".join(out + _about(c))
    out += [f"## {md_escape(t('sec_summary'))}", ""]
    if c.summary_text:
        out += _paragraphs(c.summary_text)
    if c.scope_text:
        out += [f"### {md_escape(t('sec_scope'))}", "", *_paragraphs(c.scope_text)]
    out += _drift(c)
    out += _table(
        (md_escape(t(k)) for k in ("col_axis", "col_level", "col_score", "col_likelihood", "col_severity", "col_reason")),
        (
            (
                md_escape(a.label),
                f"**{md_escape(a.level_label)}**",
                md_escape(t("score_value", score=a.score)),
                md_escape(a.likelihood_label),
                md_escape(a.severity_label),
                md_escape(a.reason),
            )
            for a in c.axes
        ),
    )
    out += [md_escape(c.counts), ""]
    out += [f"### {md_escape(t('summary_top'))}", ""]
    out += [f"{i}. {md_escape(line)}" for i, line in enumerate(c.top, 1)] or [md_escape(t("summary_no_findings"))]
    out.append("")
    if c.first_measure:
        out += [md_escape(c.first_measure), ""]

    out += _first(c)
    if c.transfer is not None:  # the cross-border route, as the Results card says it
        out += [f"## {md_escape(c.transfer.heading)}", ""]
        out += [f"{md_escape(line)}\n" for line in c.transfer.lines]
        out += [f"- {md_escape(label)}" for label in c.transfer.cited] + [""]
    out += [f"## {md_escape(t('sec_findings'))}", ""]
    for a in c.axes:
        out += [f"### {md_escape(t('axis_heading', axis=a.label, level=a.level_label, score=a.score))}", ""]
        out += [f"*{md_escape(a.description)}*", ""]
        if a.caveat:
            out += [f"> {md_escape(a.caveat)}", ""]
        out += [md_escape(t("axis_reason", reason=a.reason)), ""]
        if a.exposure:
            out += [f"**{md_escape(t('axis_exposure'))}**", ""]
            for e in a.exposure:
                out.append(f"- {md_escape(e.text)}")
                out += [f"  - {md_escape(cite)}" for cite in e.cited]
            out.append("")
        if not a.findings:
            out += [md_escape(t("axis_no_findings")), ""]
        for af in a.findings:
            out += _finding(c, af)

    if c.unknowns:
        out += [f"## {md_escape(t('sec_unknowns'))}", "", md_escape(t("unknowns_intro")), ""]
        for u in c.unknowns:
            out += [f"- **{md_escape(u.title)}** {md_escape(u.explain)}"]
        out.append("")
    if c.notes or c.consultant_notes:
        out += [f"## {md_escape(t('sec_notes'))}", ""]
        if c.consultant_notes:
            out += [f"**{md_escape(t('notes_consultant'))}**", ""]
            out += [f"- {md_escape(t('consultant_note_line', question=a.question, note=a.note))}" for a in c.consultant_notes]
            out.append("")
        if c.notes:
            out += [f"**{md_escape(t('notes_caveats'))}**", ""]
            out += [f"- {md_escape(n)}" for n in c.notes]
            out.append("")

    if c.plan is None or c.actions_table is not None:
        out += [f"## {md_escape(t('sec_plan'))}", ""]
    if c.plan is not None:  # the steps are under "What to do first": here only the actions taken on
        if c.actions_table is not None:
            out += [md_escape(t("plan_tracked_only")), ""]
    elif c.measures:
        out += [md_escape(t("plan_intro")), ""]
        rows = []
        for m in c.measures:
            measure = f"**{md_escape(m.title)}**<br>{md_escape(m.description)}"
            if m.addresses:
                measure += "<br>" + md_escape(t("plan_addresses", refs=", ".join(m.addresses)))
            if m.past_note:
                measure += "<br>*" + md_escape(m.past_note) + "*"
            rows.append(
                (
                    str(m.rank),
                    measure,
                    md_escape(t("plan_points", n=m.reduction)),
                    "<br>".join(md_escape(a.text) for a in m.after),
                    md_escape(m.owner),
                    md_escape(m.due),
                )
            )
        out += _table(
            (md_escape(t(k)) for k in ("col_no", "col_measure", "col_reduction", "col_after", "col_owner", "col_due")), rows
        )
    else:
        out += [md_escape(t("plan_none")), ""]
    if c.also_required and c.plan is None:
        out += [f"### {md_escape(c.common('also_required_title'))}", ""]
        out += [md_escape(c.common("also_required_intro")), ""]
        for m in c.also_required:
            out += [f"- **{md_escape(m.title)}**: {md_escape(m.description)} *{md_escape(m.why)}*"]
        out.append("")
    if c.actions_table is not None:
        out += [f"### {md_escape(t('plan_tracked'))}", "", md_escape(t("plan_tracked_intro")), ""]
        out += _plain_table(c.actions_table)

    out += [f"## {md_escape(t('sec_answers'))}", "", md_escape(t("answers_intro")), ""]
    for s in c.answers:
        out += [f"### {md_escape(s.title)}", ""]
        out += _table(
            (md_escape(t("col_question")), md_escape(t("col_answer"))),
            ((md_escape(a.question), _answer_cell(c, a)) for a in s.rows),
        )

    out += [
        f"## {md_escape(t('sec_sources'))}",
        "",
        md_escape(t("sources_intro", as_of=c.law_as_of.isoformat())),
        "",
        md_escape(t("confidence_legend")),
        "",
    ]
    for commentary, key in ((False, "sources_law"), (True, "sources_commentary")):
        group = [s for s in c.sources if s.commentary == commentary]
        if not group:
            continue
        out += [f"### {md_escape(t(key))}", ""]
        for source in group:
            out.append(f"- **{md_escape(source.label)}**: {md_escape(source.summary)}")
            if source.not_modelled:
                out.append(f"  - {md_escape(source.not_modelled)}")
        out.append("")

    for appendix in c.appendices:
        out += _appendix(appendix)

    return "\n".join(out + _about(c))


def _about(c: ReportContent) -> list[str]:
    """About this report (the disclaimer, the method, the versions), then the foot's disclaimer."""
    as_of = c.law_as_of.isoformat()
    out = [f"## {md_escape(c.t('sec_about'))}", "", md_escape(c.t("about_disclaimer", as_of=as_of)), ""]
    out += [md_escape(c.t("about_method")), ""]
    if c.made_with:
        out += [md_escape(c.made_with), ""]
    return [*out, "---", "", f"*{md_escape(c.t('footer_disclaimer', as_of=as_of))}*", ""]


def write_markdown(c: ReportContent) -> bytes:
    """The Markdown report of `c`, as UTF-8 bytes."""
    return render_markdown(c).encode("utf-8")
