"""The report's part of issue 22, item 5, read back as a reader would in every export format and both
languages: the sign-off line, the evidence files with their SHA-256, the action plan's history, and the
consultant's own actions among the tracked ones (workbook: its own sheets)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from deliverable.actions import ActionInput
from deliverable.extras import ActionChangeInput, EvidenceInput, ReportExtras
from questions.answers import AnswerSet
from questions.strings import tr
from report.formats import FORMATS
from scoring.engine import assess
from tests.exports import FORMAT_IDS, seen_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
DAY = dt.date(2026, 12, 1)
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
OWN = "Train the call centre on withdrawals"


def _extras(remedy: str) -> ReportExtras:
    return ReportExtras(
        client="Example Internet Co.",
        title="Annual review 2026",
        actions=(ActionInput(remedy, owner="Li Wei", status="in_progress"), ActionInput("", owner="Zhang Min", title=OWN)),
        evidence=(
            EvidenceInput("consent-log.pdf", DAY, SHA, 1234, question="consumer_facing"),
            EvidenceInput("training.xlsx", DAY, "0" * 64, 99, action=OWN),
        ),
        action_history=(
            ActionChangeInput(remedy, "status", "planned", "in_progress", "Ana", dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)),
            ActionChangeInput(OWN, "owner", None, "Zhang Min", "Bo", dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)),
        ),
        signed_by="Wang Fang",
        signed_on=DAY,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("key", FORMAT_IDS)
def test_every_format_carries_the_sign_off_the_evidence_and_the_history(key, lang, law):
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    a = assess(answers, DAY, law=law)
    remedy = a.remedies[0].remedy
    fmt = next(f for f in FORMATS if f.key == key)
    text = " ".join(
        seen_text(fmt, fmt.build(a, AnswerSet(answers, "Example", lang), None, assessed_on=DAY, extras=_extras(remedy))).split()
    )
    signed = tr("report", "signed_off_by", lang, name="Wang Fang", date=DAY.isoformat())
    assert signed in text or key == "xlsx"  # the workbook is the consultant's working file, not the signed report
    for expected in ("consent-log.pdf", "training.xlsx", OWN, "Zhang Min", "2026-12-01 09:30"):
        assert expected in text
    assert SHA in text.replace(" ", "") or SHA in text  # a writer may break the fingerprint across lines
    assert tr("report", "action_status_in_progress", lang) in text


def test_the_workbook_has_an_evidence_sheet_and_a_history_sheet(law):
    from io import BytesIO

    from openpyxl import load_workbook

    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    a = assess(answers, DAY, law=law)
    fmt = next(f for f in FORMATS if f.key == "xlsx")
    book = load_workbook(BytesIO(fmt.build(a, AnswerSet(answers, "Example", "en"), None, extras=_extras(a.remedies[0].remedy))))
    files = [[c.value for c in row] for row in book["Evidence files"].iter_rows()]
    assert files[1][0] == "consent-log.pdf" and files[1][3] == SHA  # the fingerprint whole, to compare
    history = [[c.value for c in row] for row in book["Action history"].iter_rows()]
    assert [r[2] for r in history[1:]] == ["Status", "Owner"]
    plan = [[c.value for c in row] for row in book["Action plan"].iter_rows()]
    assert any(row[1] == OWN and row[4] == "Zhang Min" for row in plan)


def test_without_evidence_or_history_there_is_no_such_appendix(law):
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    a = assess(answers, DAY, law=law)
    md = next(f for f in FORMATS if f.key == "md")
    text = md.build(a, AnswerSet(answers, "Example", "en"), None, extras=ReportExtras(client="C")).decode()
    assert tr("report", "evidence_title", "en") not in text and "signed off" not in text


@pytest.mark.parametrize("key", FORMAT_IDS)
def test_a_hostile_file_name_and_reviewer_are_shown_as_typed(key, law):
    import dataclasses

    nasty = "=SUM(A1) <b>x</b> **y** $z$ [l](javascript:alert(1)).pdf"
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    a = assess(answers, DAY, law=law)
    extras = dataclasses.replace(
        _extras(a.remedies[0].remedy),
        evidence=(EvidenceInput(nasty, DAY, SHA, 1, question="consumer_facing"),),
        signed_by="<i>Rev</i> **R**",
    )
    fmt = next(f for f in FORMATS if f.key == key)
    text = seen_text(fmt, fmt.build(a, AnswerSet(answers, "Example", "en"), None, assessed_on=DAY, extras=extras))
    flat = " ".join(text.split())
    assert nasty in flat or (key == "xlsx" and nasty in flat.replace("'=", "="))  # a sheet neutralises the formula
    assert "<i>Rev</i> **R**" in flat or key == "xlsx"
