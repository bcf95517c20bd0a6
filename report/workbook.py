"""The consultant's workbook: `write_workbook(content) -> bytes`, one .xlsx from the same ReportContent as the
reports, to work from: a summary with the level words and the company, the findings with their marked
citations, every answer with its question and note, the notes, the action plan with the tracked actions,
and the workshop, comparison, projection, evidence files and action history when the report has them.

Every cell is written by `_write`, the workbook's one writer, which neutralises text a spreadsheet would
run as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from questions.strings import tr
from report.content import MeasureView, ReportContent, TableView
from scoring import tables
from scoring.axes import level

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _write(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """The workbook, by the one table writer (scoring.tables): bold, frozen headings, text wrapped, and every
    text cell neutralised, so that nothing a user typed is ever taken as a formula."""
    return tables.write_xlsx(sheets, wrap_text=True, replace_illegal=True)


def _fit(value: Any) -> Any:
    """A lone surrogate, which no file can hold (an answers file may carry one), as U+FFFD, as in the other formats."""
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def _frame(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    return pd.DataFrame([[_fit(v) for v in r] for r in rows], columns=[_fit(h) for h in head], dtype=object)


def _table(t: TableView) -> pd.DataFrame:
    return _frame(t.head, t.rows)


def sheets(c: ReportContent) -> dict[str, pd.DataFrame]:
    """The workbook's sheets, by their (localised) names, in order."""
    t = c.t
    lines = "\n".join
    out: dict[str, pd.DataFrame] = {}
    out[t("sheet_summary")] = _frame(
        [t(k) for k in ("col_company", "col_client", "col_assessment", "col_law_as_of", "col_axis", "col_level", "col_score")]
        + [t(k) for k in ("col_likelihood", "col_severity", "col_reason")],
        [
            (
                c.display_name,
                c.client,
                c.title,
                c.law_as_of,
                ax.label,
                ax.level_label,
                ax.score,
                ax.likelihood_label,
                ax.severity_label,
                ax.reason,
            )
            for ax in c.axes
        ],
    )
    levels: dict[str, list[str]] = {f.ref: [] for f in c.findings}
    for ax in c.axes:
        for af in ax.findings:
            levels[af.finding.ref].append(t("axis_level", axis=ax.label, level=level(af.level).label.get(c.lang)))
    out[t("sheet_findings")] = _frame(
        [t(k) for k in ("col_ref", "col_finding", "col_axes", "col_explain", "col_cited", "col_article")],
        [(f.ref, f.title, lines(levels.get(f.ref, [])), f.explain, lines(f.cited), lines(f.article)) for f in c.findings],
    )
    out[t("sheet_answers")] = _frame(
        [t(k) for k in ("col_section", "col_question", "col_answer", "col_note")],
        [(s.title, a.question, a.answer, a.note) for s in c.answers for a in s.rows],
    )
    out[t("sheet_notes")] = _frame(
        [t(k) for k in ("col_section", "col_question", "col_answer", "col_note")],
        [(s.title, a.question, a.answer, a.note) for s in c.answers for a in s.rows if a.note],
    )
    out[t("sheet_actions")] = _plan(c)
    workshop = c.block("workshop", "answers")
    if workshop is not None and workshop.table is not None:
        df = _table(workshop.table)
        disputed = set(workshop.table.emphasis)
        df[t("col_disputed")] = [
            tr("common", "answer_yes", c.lang) if i in disputed else "" for i in range(len(workshop.table.rows))
        ]
        out[t("sheet_workshop")] = df
    for key, sheet in (("scores", "sheet_comparison"), ("answers", "sheet_comparison_answers")):
        part = c.block("comparison", key)
        if part is not None and part.table is not None:
            out[t(sheet)] = _table(part.table)
    new, resolved = c.block("comparison", "new"), c.block("comparison", "resolved")
    if new is not None and resolved is not None:
        out[t("sheet_comparison_findings")] = _frame(
            [t("col_change"), t("col_finding")],
            [(t("comparison_new_short"), x) for x in new.items] + [(t("comparison_resolved_short"), x) for x in resolved.items],
        )
    projection = c.block("projected", "scores")
    if projection is not None and projection.table is not None:
        out[t("sheet_projected")] = _table(projection.table)
    for key, sheet in (("files", "sheet_evidence"), ("history", "sheet_action_history")):
        part = c.block("evidence", key)
        if part is not None and part.table is not None:
            out[t(sheet)] = _table(part.table)
    return out


def _plan(c: ReportContent) -> pd.DataFrame:
    """Every measure with its tracked action, if any: in the order of the plan's steps (each row with its step's
    number, what the step does and the scores after it), then those still called for with their reason; without
    a plan, ranked ones first, then those also required by law. Then tracked actions whose measure the
    assessment no longer calls for."""
    t = c.t
    tracked = {a.remedy: a for a in c.actions if a.remedy}
    own = [a for a in c.actions if not a.remedy]  # the consultant's own actions, after every measure
    lines = "\n".join
    listed: list[tuple[int | None, MeasureView, str, str]] = []  # (number, measure, effect, scores after)
    if c.plan is not None:
        for step in c.plan.steps:
            listed += [(step.number, m, step.effect, lines(a.text for a in step.after)) for m in step.measures]
        listed += [(None, m, group.reason, "") for group in c.plan.still for m in group.measures]
    else:
        for m in (*c.measures, *c.also_required):
            effect = t("plan_points", n=m.reduction) if not m.why else m.why
            listed.append((None if m.why else m.rank, m, effect, lines(x.text for x in m.after)))
    rows = []
    for number, m, effect, after in listed:
        a = tracked.pop(m.remedy, None)
        rows.append(
            (
                number,
                m.title,
                effect,
                after,
                a.owner if a else "",
                a.due_on if a else None,  # a date cell, not text
                a.status_word if a else "",
                a.reason if a else "",
                a.evidence if a else "",
                lines(m.cited),
            )
        )
    rows += [
        (None, a.measure, "", "", a.owner, a.due_on, a.status_word, a.reason, a.evidence, "") for a in (*tracked.values(), *own)
    ]
    effect, after = ("col_step_effect", "plan_scores_after") if c.plan is not None else ("col_reduction", "col_after")
    head = ("col_no", "col_measure", effect, after, "col_owner", "col_due", "col_status", "col_why_not", "col_evidence")
    return _frame([*(t(k) for k in head), t("col_cited")], rows)


def write_workbook(c: ReportContent) -> bytes:
    """The workbook of `c`, in its language, as .xlsx bytes."""
    return _write(sheets(c))
