"""The engine: refusals, purity, unknown answers, remedies and what-if; plus property tests."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.model import UNKNOWN
from scoring.axes import AXIS_KEYS, LEVEL_RANK
from scoring.engine import assess, visibility
from scoring.errors import AnswersError, DateError

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 29)
ARTICLE = dt.date(2012, 9, 4)


def test_refuses_a_date_before_the_encoded_law(article_answers):
    with pytest.raises(DateError, match="before the earliest law pirisk encodes"):
        assess(article_answers, dt.date(2009, 2, 27))
    assert assess(article_answers, dt.date(2009, 2, 28)).law_as_of == dt.date(2009, 2, 28)


@pytest.mark.parametrize("bad", ["2012-09-04", None, 20120904, dt.datetime(2012, 9, 4, 12)])
def test_refuses_what_is_not_a_date(article_answers, bad):
    with pytest.raises(DateError, match="must be a date"):
        assess(article_answers, bad)


def test_names_every_problem_in_one_error(article_answers):
    answers = dict(article_answers)
    answers["no_such_question"] = True
    answers["consumer_facing"] = "sometimes"
    answers["compliance_audits"] = "weekly"
    answers["collects_directly"] = UNKNOWN  # this question offers no "I don't know"
    with pytest.raises(AnswersError) as err:
        assess(answers, TODAY)
    message = str(err.value)
    for part in (
        "unknown question id 'no_such_question'",
        "'consumer_facing' expects true or false",
        "no choice 'weekly'",
        "'collects_directly' does not offer",
    ):
        assert part in message
    assert len(err.value.problems) == 4


def test_names_all_missing_required_answers(article_answers):
    answers = dict(article_answers)
    del answers["consumer_facing"], answers["buys_data"]
    with pytest.raises(AnswersError, match="required answers missing: consumer_facing, buys_data"):
        assess(answers, TODAY)


def test_a_hidden_question_need_not_be_answered(article_answers):
    answers = dict(article_answers, shares_with_third_parties=False, sells_data=False)
    answers.pop("separate_consent_for_sharing")
    answers.pop("sharing_anonymised")
    assert visibility(answers)["separate_consent_for_sharing"] == 0
    assess(answers, TODAY)


def test_answers_to_hidden_questions_are_kept_but_ignored(article_answers):
    hidden = dict(article_answers, shares_with_third_parties=False, separate_consent_for_sharing=False)
    again = dict(hidden, separate_consent_for_sharing=True)
    assert assess(hidden, TODAY).fired_rules == assess(again, TODAY).fired_rules


def test_the_engine_is_pure():
    """No clock, no streamlit or pandas in the engine and the modules it imports."""
    paths = [
        ROOT / "scoring" / n for n in ("engine.py", "plan.py", "loader.py", "assessment.py", "model.py", "exposure.py", "axes.py")
    ]
    for path in [*paths, *sorted((ROOT / "questions").glob("*.py"))]:
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.names[0].name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)}
        imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"streamlit", "pandas", "time"}, name
        source = path.read_text(encoding="utf-8")
        assert "today()" not in source and "now()" not in source, name


def test_unknown_answers_are_reported_and_cautious(article_answers):
    known = assess(dict(article_answers, buys_data=False), TODAY)
    unknown = assess(dict(article_answers, buys_data=UNKNOWN), TODAY)
    assert "unknown.buys_data" in {u.rule for u in unknown.unknowns}
    assert "sourcing.buying_ordinary_lists@2017" not in known.fired_rules
    assert "sourcing.buying_ordinary_lists@2017" in unknown.fired_rules
    finding = next(f for f in unknown.findings if f.rule == "sourcing.buying_ordinary_lists@2017")
    assert finding.uncertain and any(a.question == "buys_data" and a.assumed for a in finding.answers)


def test_findings_carry_the_provision_version_in_force(article_answers):
    early = assess(article_answers, dt.date(2015, 10, 31))
    late = assess(article_answers, dt.date(2015, 11, 1))
    cite = lambda result: {c.id for f in result.findings for c in f.citations if c.id.startswith("crim.253-1")}  # noqa: E731
    assert cite(early) == {"crim.253-1@2009"}
    assert "crim.253-1@2015" in cite(late) and "crim.253-1@2009" not in cite(late)


def test_exposure_states_the_fine_for_the_turnover_band(article_answers):
    result = assess(article_answers, TODAY)
    text = " ".join(e.text["en"] for e in result.axes["administrative"].exposure)
    # 5% of RMB 1-10 billion, the article company's band.
    assert "RMB 50,000,000–RMB 500,000,000" in text
    zh = " ".join(e.text["zh"] for e in result.axes["administrative"].exposure)
    assert "5000万元以上5亿元以下" in zh  # 亿元, not 50000万元 (issue 12); ranges as the statutes write them (issue 20)
    assert "RMB 15,000" in " ".join(e.text["en"] for e in assess(article_answers, ARTICLE).axes["administrative"].exposure)


def test_remedies_are_ranked_by_recomputed_effect(article_answers):
    result = assess(article_answers, TODAY)
    assert result.remedies
    reductions = [r.reduction for r in result.remedies]
    assert reductions == sorted(reductions, reverse=True)
    top = result.remedies[0]
    what_if = assess(article_answers, TODAY, apply_remedies=[top.remedy], rank_remedies=False)
    for axis in AXIS_KEYS:
        assert what_if.axes[axis].score == top.after[axis].score
    assert sum(result.axes[a].score - what_if.axes[a].score for a in AXIS_KEYS) == top.reduction


def test_applying_every_remedy_never_raises_a_score(article_answers):
    base = assess(article_answers, TODAY)
    all_applied = assess(article_answers, TODAY, apply_remedies=[r.remedy for r in base.remedies], rank_remedies=False)
    for axis in AXIS_KEYS:
        assert all_applied.axes[axis].score <= base.axes[axis].score


def test_unknown_remedy_is_refused(article_answers):
    with pytest.raises(AnswersError, match="unknown remedy id 'magic'"):
        assess(article_answers, TODAY, apply_remedies=["magic"])


def test_to_dict_has_the_documented_shape(article_answers):
    data = assess(article_answers, TODAY).to_dict("en")
    assert {"law_as_of", "axes", "findings", "remedies"} <= set(data)
    assert set(data["axes"]) == set(AXIS_KEYS)
    for axis in data["axes"].values():
        assert {"likelihood", "severity", "level", "score"} <= set(axis)
        assert axis["level"] in ("low", "medium", "high", "severe")
    finding = data["findings"][0]
    assert {"rule", "answers", "impacts", "citations"} <= set(finding)
    assert {"id", "instrument", "article", "in_force_from", "in_force_to"} <= set(finding["citations"][0])


def test_a_date_after_the_review_carries_a_note(article_answers, law):
    later = law.method.reviewed + dt.timedelta(days=1)
    assert any("last reviewed" in n["en"] for n in assess(article_answers, later).notes)
    assert not any("last reviewed" in n["en"] for n in assess(article_answers, law.method.reviewed).notes)


# --- properties -----------------------------------------------------------------------------

DATES = [ARTICLE, dt.date(2015, 11, 1), dt.date(2017, 6, 1), dt.date(2021, 11, 1), dt.date(2025, 11, 1), TODAY]


@st.composite
def answer_sets(draw, bank):
    """A random valid answer set: every question answered (hidden ones too), unknowns where offered."""
    answers = {}
    for q in bank.questions.values():
        options: list = [True, False] if q.type == "yes_no" else []
        if q.type == "single":
            options = [c.id for c in q.choices]
        if q.unknown:
            options.append(UNKNOWN)
        if q.type == "multi":
            if q.unknown and draw(st.integers(0, 9)) == 0:
                answers[q.id] = UNKNOWN
            else:
                answers[q.id] = draw(st.lists(st.sampled_from([c.id for c in q.choices]), unique=True))
            continue
        answers[q.id] = draw(st.sampled_from(options))
    return answers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_answers_never_crash_and_unknown_never_lowers(law, data):
    answers = data.draw(answer_sets(law.bank))
    day = data.draw(st.sampled_from(DATES))
    before = assess(answers, day)
    known = [qid for qid, v in answers.items() if v != UNKNOWN and law.bank.questions[qid].unknown]
    if not known:
        return
    qid = data.draw(st.sampled_from(known))
    after = assess(dict(answers, **{qid: UNKNOWN}), day)
    for axis in AXIS_KEYS:
        b, a = before.axes[axis], after.axes[axis]
        assert a.score >= b.score, f"{qid} -> unknown lowered {axis}: {b.score} -> {a.score}"
        assert LEVEL_RANK[a.level] >= LEVEL_RANK[b.level]
    assert set(before.fired_rules) <= set(after.fired_rules)
