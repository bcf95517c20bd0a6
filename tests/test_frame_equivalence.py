"""assess_frame agrees with assess(): hypothesis generates batches of answer sets, scored both ways on every date that matters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.conditions import TRUE, parse
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from scoring.axes import AXIS_KEYS
from scoring.engine import assess, visibility
from scoring.errors import AnswersError
from scoring.frame import assess_frame
from scoring.loader import Law, default_law
from scoring.model import Rule

TODAY = dt.date(2026, 11, 29)
# The brief's dates: the article's, today, and the day before and of each change of law.
KEY_DATES = [
    dt.date(2012, 9, 4),
    TODAY,
    *(
        d + dt.timedelta(days=k)
        for d in (
            dt.date(2015, 11, 1),
            dt.date(2017, 6, 1),
            dt.date(2021, 1, 1),
            dt.date(2021, 11, 1),
            dt.date(2025, 1, 1),
            dt.date(2026, 1, 1),
        )
        for k in (-1, 0)
    ),
]
OMIT = "<omit>"  # a marker the strategies draw for "leave this question out"
SETTINGS = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
)


def boundary_dates(law: Law) -> list[dt.date]:
    """Every day on which the set of rules in force changes, the day before it, and the key dates."""
    days = set(KEY_DATES) | {law.method.coverage_from}
    for rule in law.rules:
        if rule.in_force is not None:
            days |= {rule.in_force.from_, rule.in_force.from_ - dt.timedelta(days=1)}
            if rule.in_force.to is not None:
                days |= {rule.in_force.to, rule.in_force.to + dt.timedelta(days=1)}
    return sorted(d for d in days if d >= law.method.coverage_from)


LAW = default_law()
QUESTIONS = tuple(LAW.bank.questions.values())
ALL_DATES = boundary_dates(LAW)


def value(q: Question) -> st.SearchStrategy[Any]:
    """A valid known answer to `q`."""
    if q.type == "yes_no":
        return st.booleans()
    ids = [c.id for c in q.choices]
    return st.sampled_from(ids) if q.type == "single" else st.lists(st.sampled_from(ids), unique=True)


def _cell(q: Question) -> st.SearchStrategy[Any]:
    modes = ["value"] * 6 + ["omit"] + ([UNKNOWN] if q.unknown else [])
    return st.sampled_from(modes).flatmap(lambda m: value(q) if m == "value" else st.just(OMIT if m == "omit" else UNKNOWN))


# Per question: a known answer most of the time, else "unknown" (where offered) or nothing.
CELLS = {q.id: _cell(q) for q in QUESTIONS}


@st.composite
def answer_set(draw: st.DrawFn, complete: bool = True) -> dict[str, Any]:
    """Answers for every question of the bank, hidden branches included, some omitted. With
    `complete`, every question that is visible and required is then answered, in bank order
    (its show_if looks only at earlier questions), so that assess() accepts the set."""
    answers = {}
    for q in QUESTIONS:
        drawn = draw(CELLS[q.id])
        if drawn != OMIT:
            answers[q.id] = drawn
    if complete:
        shown = visibility(answers, LAW)
        for q in QUESTIONS:
            if q.required and q.id not in answers and shown[q.id] == TRUE:
                answers[q.id] = draw(value(q) if not q.unknown else st.one_of(value(q), st.just(UNKNOWN)))
                shown = visibility(answers, LAW)
    return answers


SPELLINGS = {True: ["true", "TRUE", "yes", "Yes", "1"], False: ["false", "False", "no", "NO", "0"]}


def to_frame(sets: list[dict[str, Any]], style: str, law: Law) -> pd.DataFrame:
    """The answer sets as a table: Python values, or text as a CSV would hold it."""
    rows = []
    for i, answers in enumerate(sets):
        row: dict[str, Any] = {"company": f"company {i}"}
        for qid, v in answers.items():
            q = law.bank.questions[qid]
            if style == "text":
                if q.type == "yes_no" and isinstance(v, bool):
                    v = SPELLINGS[v][i % 5]
                elif q.type == "multi" and v != UNKNOWN:
                    v = json.dumps(v)
                elif v == UNKNOWN:
                    v = ["unknown", "Unknown", " UNKNOWN "][i % 3]
            row[qid] = v
        rows.append(row)
    return pd.DataFrame(rows)


def expected(a: Any) -> tuple[Any, ...]:
    scores = tuple(x for k in AXIS_KEYS for x in (a.axes[k].likelihood, a.axes[k].severity, a.axes[k].level, a.axes[k].score))
    return (*scores, ";".join(a.fired_rules))


def got(record: dict[str, Any]) -> tuple[Any, ...]:
    scores = tuple(record[f"{k}_{p}"] for k in AXIS_KEYS for p in ("likelihood", "severity", "level", "score"))
    return (*scores, record["fired_rules"])


def assert_same(sets: list[dict[str, Any]], frame: pd.DataFrame, day: dt.date, law: Law) -> None:
    result = assess_frame(frame, day, law=law)
    records = result.to_dict("records")
    for i, (answers, record) in enumerate(zip(sets, records, strict=True)):
        assert pd.isna(record["error"]), (day, i, record["error"])
        assert record["company"] == f"company {i}"
        assert got(record) == expected(assess(answers, day, rank_remedies=False, law=law)), (day, answers)


@settings(SETTINGS, max_examples=6)
@given(sets=st.lists(answer_set(), min_size=20, max_size=40), style=st.sampled_from(["python", "text"]))
def test_frame_scores_equal_assess_on_every_date_the_law_changes(law, sets, style):
    frame = to_frame(sets, style, law)
    for day in ALL_DATES:
        assert_same(sets, frame, day, law)


def test_the_dates_include_the_key_dates_and_every_change_of_rules(law):
    assert set(KEY_DATES) <= set(ALL_DATES)
    assert {dt.date(2015, 10, 31), dt.date(2021, 11, 1), dt.date(2025, 12, 31), dt.date(2012, 9, 4), TODAY} <= set(ALL_DATES)
    assert len(ALL_DATES) > len(KEY_DATES)


@st.composite
def maybe_broken_set(draw: st.DrawFn) -> dict[str, Any]:
    """An answer set that may miss required answers, and may hold one answer that does not fit."""
    answers = draw(answer_set(complete=draw(st.booleans())))
    if draw(st.integers(0, 3)) == 0:
        q = draw(st.sampled_from(QUESTIONS))
        bad = {"yes_no": "maybe", "single": "no_such_choice", "multi": ["no_such_choice"]}[q.type]
        answers[q.id] = UNKNOWN if not q.unknown and draw(st.booleans()) else bad
    return answers


@settings(SETTINGS, max_examples=15)
@given(sets=st.lists(maybe_broken_set(), min_size=20, max_size=40), day=st.sampled_from(KEY_DATES))
def test_frame_refuses_exactly_the_rows_assess_refuses(law, sets, day):
    records = assess_frame(to_frame(sets, "python", law), day, law=law).to_dict("records")
    for answers, record in zip(sets, records, strict=True):
        try:
            a = assess(answers, day, rank_remedies=False, law=law)
        except AnswersError as err:
            assert isinstance(record["error"], str), answers
            if str(err).startswith("required answers missing"):  # no bad cell: the same sentence
                assert record["error"] == str(err)
            else:
                for problem in err.problems:
                    qid = problem.split("'")[1]
                    assert record["error"].startswith(qid) or f"; {qid}: " in record["error"], (problem, record["error"])
            assert all(pd.isna(record[c]) for c in ("civil_score", "fired_rules", "criminal_level"))
        else:
            assert pd.isna(record["error"])
            assert got(record) == expected(a)


@settings(SETTINGS, max_examples=10)
@given(sets=st.lists(answer_set(), min_size=5, max_size=20), day=st.sampled_from(KEY_DATES))
def test_frame_ranks_remedies_as_assess_does(law, sets, day):
    result = assess_frame(to_frame(sets, "text", law), day, remedies=True, law=law)
    for answers, ranked in zip(sets, result["remedies"], strict=True):
        assert ranked == ";".join(r.remedy for r in assess(answers, day, law=law).remedies), answers


@pytest.mark.parametrize("day", KEY_DATES, ids=str)
def test_the_article_answers_score_the_same_both_ways(law, article_answers, day):
    sets = [article_answers, dict(article_answers, buys_data=UNKNOWN), dict(article_answers, data_categories=UNKNOWN)]
    assert_same(sets, to_frame(sets, "text", law), day, law)


def synthetic_law(law: Law) -> Law:
    """The shipped law plus rules that use every operator (all_of and lt are not in the data yet),
    and show_ifs that look forward or at themselves, which the engine reads as hidden."""
    questions = law.bank.questions
    extra = {
        "synthetic.all_of": ({"data_categories": {"all_of": ["health", "credit"]}}, {"civil": {"likelihood": 4, "severity": 2}}),
        "synthetic.not_any_of": (
            {"not": {"data_categories": {"any_of": ["whereabouts", "property"]}}},
            {"criminal": {"likelihood": 1, "severity": 4}},
        ),
        "synthetic.lt_or_in": (
            {"any": [{"people_count": {"lt": 1000000}}, {"institution_type": {"in": ["finance", "medical"]}}]},
            {"administrative": {"likelihood": 3, "severity": 3}, "reputational": {"likelihood": 2, "severity": 1}},
        ),
        "synthetic.equals_multi": (
            {"all": [{"data_categories": "identity_contact"}, {"records_other": {"lt": 500}}]},
            {"civil": {"likelihood": 2, "severity": 4}},
        ),
        "synthetic.branch": (
            {"all": [{"purchased_data_kind": "includes_sensitive"}, {"not": {"supplier_warranties": True}}]},
            {"criminal": {"likelihood": 4, "severity": 4}},
        ),
        "synthetic.forward": (
            {"any": [{"biometrics": True}, {"parental_consent": False}]},
            {"reputational": {"likelihood": 4, "severity": 4}},
        ),
    }
    rules = tuple(
        Rule.model_validate(
            {
                "id": rid,
                "title": dict.fromkeys(LOCALES, rid),
                "when": when,
                "impacts": impacts,
                "cites": ["pipl.66"],
                "explain": dict.fromkeys(LOCALES, rid),
            }
        )
        for rid, (when, impacts) in extra.items()
    )
    conditions = dict(law.conditions) | {rid: parse(when, questions, "", law.definitions) for rid, (when, _) in extra.items()}
    show_if = dict(law.show_if)
    show_if["biometrics"] = parse({"past_leak": True}, questions)  # looks forward: always hidden
    show_if["children_data"] = parse({"any": [{"consumer_facing": True}, {"children_data": True}]}, questions)  # looks at itself
    return dataclasses.replace(law, rules=law.rules + rules, conditions=conditions, show_if=show_if)


SYNTHETIC = synthetic_law(LAW)


@settings(SETTINGS, max_examples=6)
@given(
    sets=st.lists(answer_set(), min_size=20, max_size=40), day=st.sampled_from([dt.date(2012, 9, 4), dt.date(2021, 11, 1), TODAY])
)
def test_every_operator_and_odd_show_ifs_agree(sets, day):
    records = assess_frame(to_frame(sets, "text", SYNTHETIC), day, law=SYNTHETIC).to_dict("records")
    fired = 0
    for answers, record in zip(sets, records, strict=True):
        try:
            a = assess(answers, day, rank_remedies=False, law=SYNTHETIC)
        except AnswersError as err:
            assert record["error"] == str(err)
            continue
        assert pd.isna(record["error"]) and got(record) == expected(a), answers
        assert "biometrics" not in {f.question for finding in a.findings for f in finding.answers}
        fired += sum(r.startswith("synthetic.") for r in a.fired_rules)
    assert fired
