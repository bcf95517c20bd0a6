"""One source of truth: each decision about a result is made once (scoring/plan.py) and every consumer agrees.

* every legal scenario in tests/cases scores the same through assess() and assess_frame();
* an axis's reason (what the card shows) is always the first finding listed under it;
* an answer is answered in one sense everywhere: an empty tick-list is "none of these", never "missing".
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from questions.answers import AnswerSet, parse_cell
from scoring.assessment import Assessment
from scoring.axes import AXIS_KEYS
from scoring.engine import Incomplete, assess, assess_answers, incomplete
from scoring.frame import assess_frame
from scoring.loader import default_law
from scoring.plan import plan
from tests.test_cases import CASES, _answers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
# The article's date, today, and the day before and the day of each change of law in the brief.
CHANGES = (
    dt.date(2015, 11, 1),
    dt.date(2017, 6, 1),
    dt.date(2021, 1, 1),
    dt.date(2021, 11, 1),
    dt.date(2025, 1, 1),
    dt.date(2025, 5, 1),
    dt.date(2025, 11, 1),
    dt.date(2026, 1, 1),
)
DATES = [dt.date(2012, 9, 4), dt.date(2026, 12, 1), *(d + dt.timedelta(days=k) for d in CHANGES for k in (-1, 0))]


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _engine_row(a: Assessment) -> dict:
    row: dict = {}
    for axis in AXIS_KEYS:
        r = a.axes[axis]
        row |= {
            f"{axis}_likelihood": r.likelihood,
            f"{axis}_severity": r.severity,
            f"{axis}_level": r.level,
            f"{axis}_score": r.score,
        }
    row["fired_rules"] = ";".join(a.fired_rules)
    row["remedies"] = ";".join(r.remedy for r in a.remedies)
    return row


def test_every_scenario_scores_the_same_in_both_evaluators() -> None:
    by_day: dict[dt.date, list[tuple[str, dict]]] = {}
    for where, case in CASES:
        by_day.setdefault(_date(case["as_of"]), []).append((where, _answers(case)))
    checked = 0
    for day, cases in by_day.items():
        frame = pd.DataFrame([answers for _, answers in cases], dtype=object)
        result = assess_frame(frame, day, remedies=True)
        for i, (where, answers) in enumerate(cases):
            got = result.iloc[i]
            assert pd.isna(got["error"]), f"{where}: {got['error']}"
            expected = _engine_row(assess(answers, day))
            assert {k: (str(got[k]) if k.endswith("_level") else got[k]) for k in expected} == expected, where
            checked += 1
    assert checked == len(CASES) >= 100


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_cards_reason_is_the_first_finding_listed_under_it(path: Path) -> None:
    answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
    for day in DATES:
        a = assess(answers, day)
        for axis in AXIS_KEYS:
            r = a.axes[axis]
            listed = a.findings_for(axis)
            if listed:
                assert (r.top_rule, r.reason) == (listed[0].rule, listed[0].title), f"{path.stem} {day} {axis}"
                impact = listed[0].impacts[axis]
                assert (r.likelihood, r.severity, r.level) == (impact.likelihood, impact.severity, impact.level)
            else:
                assert r.top_rule is None and r.score == 0


def test_ties_on_an_axis_are_broken_the_same_way_in_the_card_and_the_list() -> None:
    """Where two rules place the same impact on an axis, the plan orders them by rule id, and both the
    card and the list follow it (before, the card took the highest id and the list the lowest)."""
    ties = 0
    for day in DATES:
        p = plan(default_law(), day)
        for axis, order in p.axis_order.items():
            for a, b in itertools.pairwise(order):
                ia, ib = p.rules[a].impacts[axis], p.rules[b].impacts[axis]
                if (ia.base, ia.severity, ia.likelihood) == (ib.base, ib.severity, ib.likelihood):
                    ties += 1
                    assert p.rules[a].id < p.rules[b].id
    assert ties  # the data has ties, so the rule is exercised


def test_an_empty_tick_list_is_an_answer_everywhere() -> None:
    answers = json.loads((ROOT / "examples" / "well-run-ecommerce-2026.json").read_text(encoding="utf-8"))["answers"]
    answers = dict(answers, data_categories=[])
    assert not incomplete(answers)  # the screens' progress and the results gate
    result = assess_answers(AnswerSet(answers), dt.date(2026, 12, 1))
    assert isinstance(result, Assessment)  # the results page shows results
    assert result.answers["data_categories"] == []
    bank_question = default_law().bank.questions["data_categories"]
    assert parse_cell(bank_question, "[]") == ([], None)  # the batch and the workspace import read it so
    assert parse_cell(bank_question, "") == (None, None)  # a blank cell is not answered
    without = {k: v for k, v in answers.items() if k != "data_categories"}
    lacking = assess_answers(AnswerSet(without), dt.date(2026, 12, 1))
    assert isinstance(lacking, Incomplete) and lacking.missing == {"data": ("data_categories",)}


@pytest.mark.parametrize(
    "value",
    [True, "yes", 3, None, "unknown", "no_such_choice", ["no_such_choice"], [], "x" * 5, ["a", "a"], {"a": 1}],
)
def test_whether_a_value_answers_a_question_is_decided_once(value: object) -> None:
    """`Question.problem` decides; the English of the CLI (`check_value`) and the message key of the
    files and the workspace (`answer_problem`) only put the same verdict in words."""
    from scoring.answers_file import answer_problem

    law = default_law()
    for q in law.bank.questions.values():
        if value is None:
            continue
        found = q.problem(value)
        worded = answer_problem(q, value)
        assert (found is None) == (q.check_value(value) is None) == (worded is None), (q.id, value)
        if found is not None:
            assert worded is not None and worded[0] == found.key


def test_one_visibility_for_the_engine_and_the_screens() -> None:
    from questions.conditions import Visibility
    from scoring.engine import visibility

    answers = json.loads((ROOT / "examples" / "well-run-ecommerce-2026.json").read_text(encoding="utf-8"))["answers"]
    shown = visibility(answers, default_law())
    assert set(shown.values()) <= set(Visibility) and all(isinstance(v, Visibility) for v in shown.values())
    assert Visibility.HIDDEN in shown.values() and Visibility.SHOWN in shown.values()
    for path in (ROOT / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "HIDDEN, MAYBE, SHOWN =" not in text and "HIDDEN =" not in text, path


def test_an_axis_reason_never_rests_on_i_dont_know_while_a_finding_on_known_answers_ties_with_it() -> None:
    """Issue 21: answering "I don't know" about critical infrastructure made its one-hour reporting duty
    the administrative card's reason, although findings on known answers were as serious."""
    answers = json.loads((ROOT / "examples" / "healthtech-startup-2026.json").read_text(encoding="utf-8"))["answers"]
    # Without its transfer abroad: an unknown CIIO answer would otherwise also call for a security
    # assessment, a finding more serious than any on known answers (no tie, so it rightly leads).
    unknown = assess(dict(answers, cii_operator="unknown", cross_border=False), dt.date(2026, 12, 1)).axes["administrative"]
    assert not unknown.findings[0].uncertain
    assert any(f.rule.startswith("governance.cii") and f.uncertain for f in unknown.findings)
    checked = 0
    for where, case in CASES:
        a = assess(_answers(case), _date(case["as_of"]))
        for axis, r in a.axes.items():
            if not r.findings:
                continue
            top = r.findings[0].impacts[axis]
            tied = [
                f
                for f in r.findings
                if (lambda i: (i.base, i.severity, i.likelihood))(f.impacts[axis]) == (top.base, top.severity, top.likelihood)
            ]
            assert not r.findings[0].uncertain or all(f.uncertain for f in tied), (where, axis)
            checked += 1
        by_weight = [(-max(i.base for i in f.impacts.values()), f.uncertain) for f in a.findings]
        assert by_weight == sorted(by_weight), where
    assert checked > 300
