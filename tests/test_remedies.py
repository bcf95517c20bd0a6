"""Measures change what the company does from now on, as the law of the day asks.

* Past conduct stays: no measure removes a finding that rests on a past event (a leak, an order
  refused, data already provided), neither in the ranking nor in the what-if; the measure says why.
* Remedies are dated: a measure is offered, and can be applied, only while it is in force.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scoring.engine import assess
from scoring.errors import AnswersError
from scoring.loader import default_law
from scoring.plan import plan

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 12, 1)
ARTICLE = dt.date(2012, 9, 4)


def example(name: str) -> dict:
    return json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))["answers"]


def test_a_measure_never_removes_a_finding_that_rests_on_a_past_event() -> None:
    answers = example("article-2012-internet-company")
    now = assess(answers, TODAY)
    anchored = {r.id for r in plan(default_law(), TODAY).rules if r.anchored}
    assert anchored & set(now.fired_rules), "the example has findings that rest on past events"
    for measure in now.remedies:
        projected = assess(answers, TODAY, apply_remedies=[measure.remedy], rank_remedies=False)
        kept = anchored & set(now.fired_rules)
        assert kept <= set(projected.fired_rules), measure.remedy  # the what-if keeps them
        assert {k: a.score for k, a in projected.axes.items()} == {k: s.score for k, s in measure.after.items()}, measure.remedy


def test_a_measure_that_only_meets_a_past_event_says_the_past_event_remains() -> None:
    # A refused rectification order is past: obeying from now on cannot undo the refusal.
    answers = dict(
        example("article-2012-internet-company"),
        network_service_provider=True,
        rectification_order=True,
        rectification_obeyed=False,
    )
    now = assess(answers, TODAY)
    assert "incidents.refusal_to_correct@2021" in now.fired_rules
    obey = next(m for m in now.remedies if m.remedy == "obey_rectification_order")
    assert "incidents.refusal_to_correct@2021" in obey.past_remains
    assert not obey.lowers_a_score and obey.unchanged_because == "past"
    assert "incidents.refusal_to_correct@2021" in assess(answers, TODAY, apply_remedies=[obey.remedy]).fired_rules


def test_answers_about_past_events_are_never_set_by_a_measure() -> None:
    p = plan(default_law(), TODAY)
    questions = default_law().bank.questions
    for planned in p.remedies.values():
        assert not any(questions[q].past for q in planned.future_sets), planned.remedy.id
    # the rectification order: obeying it now cannot undo a refusal already made
    assert "rectification_obeyed" in default_law().remedies["obey_rectification_order"].sets
    assert "rectification_obeyed" not in p.remedies["obey_rectification_order"].future_sets


def test_measures_are_offered_only_while_in_force() -> None:
    law = default_law()
    answers = example("article-2012-internet-company")
    for day in (ARTICLE, TODAY):
        for measure in assess(answers, day).remedies:
            span = law.remedies[measure.remedy].in_force
            assert span is None or span.covers(day), (day, measure.remedy)
    offered_2012 = {m.remedy for m in assess(answers, ARTICLE).remedies}
    assert "obtain_separate_consent_for_sharing" not in offered_2012  # a 2021 concept
    with pytest.raises(AnswersError, match="not in force on 2012-09-04"):
        assess(answers, ARTICLE, apply_remedies=["obtain_separate_consent_for_sharing"])


def test_a_rule_marked_past_asks_about_a_past_event() -> None:
    """A rule marked past asks about a past event, or is a criminal finding: a crime is conduct that
    has happened (providing, obtaining), which stays prosecutable whatever is done now, even where the
    question asks about a practice that goes on (issue 20, error 6)."""
    law = default_law()
    questions = law.bank.questions
    marked = [r for r in law.rules if r.past]
    assert marked
    for rule in marked:
        asked_past = any(questions[q].past for q in law.conditions[rule.id].questions())
        assert asked_past or "criminal" in rule.impacts, rule.id
