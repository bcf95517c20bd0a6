"""The consultant's workbook: one .xlsx with the summary (level words, company), the findings with marked
citations, the answers with their questions and notes, the notes, the action plan, and the workshop,
comparison and projection when chosen; every text cell neutralised by the one writer."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from deliverable.actions import ActionInput
from deliverable.extras import ReportExtras, RespondentInput, WorkshopInput, article_comparison
from questions.answers import AnswerSet
from questions.locales import LOCALES
from questions.strings import tr
from report.workbook import _write
from scoring import tables
from scoring.axes import AXES, level
from scoring.engine import assess
from scoring.loader import default_law
from tests.exports import XLSX

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
DAY = dt.date(2026, 12, 1)
EVIL = ('=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR")
MARK = re.compile(r"\[(V|PV|U)\]")


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]


def book(data: bytes) -> dict[str, list[list[Any]]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def cells(data: bytes) -> list[Any]:
    return [c for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row]


@pytest.fixture(scope="module")
def made(answers) -> dict[str, Any]:
    a = assess(answers, DAY)
    out = {}
    for lang in LOCALES:
        notes = {q: f"Note on {q}" for q in list(answers)[:20]}
        notes["buys_data"] = EVIL[0]
        workshop = WorkshopInput(
            (
                RespondentInput("Li Wei", "CTO", {"consumer_facing": True}),
                RespondentInput(EVIL[3], "HR", {"consumer_facing": "unknown"}),
            ),
            ("consumer_facing",),
        )
        actions = (
            ActionInput(a.remedies[0].remedy, owner=EVIL[1], due=dt.date(2027, 3, 1), status="done", evidence=EVIL[2]),
            ActionInput(a.remedies[1].remedy, owner="Zhang Min", status="not_doing", reason=EVIL[4]),
        )
        extras = ReportExtras(
            client="=Example Internet Co.",
            title=EVIL[5],
            workshop=workshop,
            actions=actions,
            comparison=article_comparison(a, lang),
            projected=True,
        )
        data = XLSX.build(a, AnswerSet(answers, "", lang, DAY, notes), extras=extras)
        out[lang] = {"data": data, "sheets": book(data), "assessment": a, "notes": notes, "actions": actions}
    return out


@pytest.mark.parametrize("lang", LOCALES)
def test_one_workbook_with_every_sheet_in_the_reports_language(made, lang) -> None:
    sheets = made[lang]["sheets"]
    names = ["summary", "findings", "answers", "notes", "actions", "workshop", "comparison", "comparison_findings", "projected"]
    assert list(sheets) == [tr("report", f"sheet_{n}", lang) for n in names]
    assert not any(len(n) > 31 for n in sheets)


@pytest.mark.parametrize("lang", LOCALES)
def test_the_summary_has_level_words_and_the_company(made, lang) -> None:
    a = made[lang]["assessment"]
    summary = made[lang]["sheets"][tr("report", "sheet_summary", lang)]
    head, rows = summary[0], summary[1:]
    col = {name: i for i, name in enumerate(head)}
    assert len(rows) == len(AXES)
    for axis, row in zip(AXES, rows, strict=True):
        assert row[col[tr("report", "col_company", lang)]] == "=Example Internet Co."  # the client's, kept as text (see below)
        assert row[col[tr("report", "col_axis", lang)]] == axis.label[lang]
        assert row[col[tr("report", "col_level", lang)]] == level(a.axes[axis.key].level).label[lang]
        assert row[col[tr("report", "col_score", lang)]] == a.axes[axis.key].score
    assert not {"low", "medium", "high", "severe"} & {v for r in rows for v in r}  # never a raw level id


@pytest.mark.parametrize("lang", LOCALES)
def test_answers_notes_actions_and_findings_with_marked_citations(made, lang) -> None:
    m = made[lang]
    sheets = m["sheets"]
    bank = default_law().bank
    answers = sheets[tr("report", "sheet_answers", lang)]
    assert [r[1] for r in answers[1:]] == [q.text[lang] for q in bank.questions.values()]  # every question, in full
    assert answers[0] == [tr("report", k, lang) for k in ("col_section", "col_question", "col_answer", "col_note")]  # no ids
    notes = sheets[tr("report", "sheet_notes", lang)]
    assert len(notes) - 1 == len(m["notes"])
    assert EVIL[0] in {r[3] for r in notes}
    plan = sheets[tr("report", "sheet_actions", lang)]
    by_owner = {r[4]: r for r in plan[1:] if r[4]}
    assert plan[0][5:8] == [tr("report", k, lang) for k in ("col_due", "col_status", "col_why_not")]
    assert by_owner[EVIL[1]][5] == dt.datetime(2027, 3, 1)  # a date cell, not text
    assert by_owner[EVIL[1]][6] == tr("report", "action_status_done", lang)
    assert by_owner[EVIL[1]][8] == EVIL[2]
    # The status and why it is not being done, each in its own cell.
    assert by_owner["Zhang Min"][6:8] == [tr("report", "action_status_not_doing", lang), EVIL[4]]
    # Issue 21: the measures in the order of the plan's steps, each row numbered with its step, then those still
    # called for (the sheet ranked each measure alone before).
    measures = [r[1] for r in plan[1:]]
    a = m["assessment"]
    titles = {r.remedy: r.title[lang] for r in a.remedies}
    assert measures[: len(a.remedies)] == [titles[r] for r in (*a.plan.measures, *a.plan.still_called_for)]
    steps = [r[0] for r in plan[1 : 1 + len(a.plan.measures)]]
    assert steps == [n for n, s in enumerate(a.plan.steps, 1) for _ in s.measures]
    assert plan[0][2] == tr("report", "col_step_effect", lang)
    cited = [c for r in plan[1:] for c in (r[9] or "").splitlines()]
    assert cited and all(MARK.search(c) for c in cited)
    findings = sheets[tr("report", "sheet_findings", lang)]
    assert [r[1] for r in findings[1:]] == [f.title[lang] for f in m["assessment"].findings]
    assert all(MARK.search(line) for r in findings[1:] for line in (r[4] or "").splitlines())
    assert sum(len((r[4] or "").splitlines()) for r in findings[1:]) == sum(
        len(f.legal_citations) for f in m["assessment"].findings
    )


@pytest.mark.parametrize("lang", LOCALES)
def test_workshop_comparison_and_projection_sheets(made, lang) -> None:
    sheets = made[lang]["sheets"]
    workshop = sheets[tr("report", "sheet_workshop", lang)]
    assert workshop[0][1:3] == ["Li Wei", "@cmd"]
    assert workshop[1][-1] == tr("common", "answer_yes", lang)  # they disagreed
    comparison = sheets[tr("report", "sheet_comparison", lang)]
    assert [r[0] for r in comparison[1:]] == [a.label[lang] for a in AXES]
    assert all(not str(r[3]).startswith(("+", "-", "'")) for r in comparison[1:])  # changes in words, not formulas
    assert len(sheets[tr("report", "sheet_projected", lang)]) == len(AXES) + 1


def test_without_the_extras_the_workbook_has_the_core_sheets_only(answers) -> None:
    data = XLSX.build(assess(answers, DAY), AnswerSet(answers, "Acme", "en"))
    assert list(book(data)) == ["Summary", "Findings", "Answers", "Notes", "Action plan"]


def test_no_cell_is_ever_a_formula(made) -> None:
    for lang in LOCALES:
        every = cells(made[lang]["data"])
        assert not [c.coordinate for c in every if c.data_type == "f"]
        # Formula-like text is kept as text by Excel's quote prefix, never run.
        risky = [c for c in every if isinstance(c.value, str) and c.value.startswith(tables.FORMULA_START)]
        assert risky and all(c.quotePrefix and c.data_type == "s" for c in risky)


PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t\r\n"), max_size=30)


@given(PRINTABLE, st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "'", " ="]))
def test_the_writer_neutralises_exactly_as_the_spreadsheet_export_does(text, start) -> None:
    """The workbook is written by the one table writer (scoring.tables), as the portfolio export and the
    batch command are: a text cell keeps its text and is never a formula (Excel's quote prefix)."""
    value = start + text
    sheet = load_workbook(io.BytesIO(_write({"s": pd.DataFrame({"h": [value]}, dtype=object)})))["s"]
    cell = sheet.cell(row=2, column=1)
    if value == "":
        assert cell.value is None
        return
    assert cell.value == value and cell.data_type == "s"
    assert bool(cell.quotePrefix) == value.startswith(tables.FORMULA_START)


def test_control_characters_do_not_break_the_workbook() -> None:
    sheet = load_workbook(io.BytesIO(_write({"s": pd.DataFrame({"h": ["=a\x01b\x00", "ok\x1b"]}, dtype=object)})))["s"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["=a\ufffdb\ufffd", "ok\ufffd"]
    assert sheet.cell(row=2, column=1).quotePrefix and sheet.cell(row=2, column=1).data_type == "s"


def test_a_column_of_chinese_text_is_as_wide_as_it_shows() -> None:
    """Issue 22, item 8: a Chinese character takes two columns' width; the widths counted one."""
    frame = pd.DataFrame({"en": ["x" * 20], "zh": ["个人信息保护合规审查" * 2]}, dtype=object)
    sheet = load_workbook(io.BytesIO(_write({"S": frame}))).worksheets[0]
    assert sheet.column_dimensions["B"].width == 2 * sheet.column_dimensions["A"].width - 2  # 40 + 2 against 20 + 2
