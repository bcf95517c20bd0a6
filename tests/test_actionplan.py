"""The action plan ("what do I do first?"): steps of measures, each the smallest set that lowers the exposure.

* doing the steps in order gives, after each, exactly the scores `assess()` gives with those measures
  applied (the plan is searched with the batch evaluator and must agree with the engine);
* every scenario above low either has a plan that lowers some axis, or rests only on what no measure
  can change now (a past event, or a finding no measure addresses);
* a step that lowers a level is as small as can be: no smaller part of it lowers a level;
* a measure left "still called for" lowers no score, even with every other measure done.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest

from scoring.assessment import Assessment
from scoring.axes import LEVEL_RANK
from scoring.engine import assess
from scoring.loader import default_law
from scoring.plan import plan
from tests.test_cases import CASES, _answers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
DATES = (dt.date(2012, 9, 4), dt.date(2014, 6, 1), dt.date(2021, 11, 1), dt.date(2026, 12, 1))


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _scores(a: Assessment) -> dict[str, tuple[str, int]]:
    return {k: (v.level, v.score) for k, v in a.axes.items()}


def _example(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


def _check_steps(answers: dict, day: dt.date, a: Assessment) -> None:
    assert a.plan is not None
    done: list[str] = []
    before = _scores(a)
    for step in a.plan.steps:
        done += step.measures
        after = assess(answers, day, apply_remedies=done, rank_remedies=False)
        assert {k: (v.level, v.score) for k, v in step.after.items()} == _scores(after), step.measures
        assert any(after.axes[k].score < before[k][1] for k in before), step.measures
        lowered = {k for k in before if LEVEL_RANK[after.axes[k].level] < LEVEL_RANK[before[k][0]]}
        assert set(step.lowered) == lowered
        before = _scores(after)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("day", DATES, ids=str)
def test_each_step_gives_the_scores_assess_gives_with_its_measures_done(path: Path, day: dt.date) -> None:
    answers = _example(path)
    _check_steps(answers, day, assess(answers, day))


def test_every_scenario_above_low_has_a_plan_or_rests_on_what_no_measure_changes() -> None:
    law = default_law()
    checked = 0
    for where, case in CASES:
        day, answers = _day(case["as_of"]), _answers(case)
        a = assess(answers, day)
        above = [k for k, v in a.axes.items() if v.level != "low"]
        if not above:
            continue
        checked += 1
        assert a.plan is not None, where
        if a.plan.steps:
            _check_steps(answers, day, a)
            continue
        anchored = {r.id for r in plan(law, day).rules if r.anchored}
        for axis in above:
            for f in a.axes[axis].findings:
                assert f.rule in anchored or not f.remedy or f.remedy not in {r.remedy for r in a.remedies}, (where, f.rule)
    assert checked >= 150


def test_a_typical_profile_gets_a_first_step_where_no_single_measure_lowers_a_level() -> None:
    """The founder of the issue: several findings hold each level, so no one measure moves a level."""
    answers = _example(ROOT / "examples" / "healthtech-startup-2026.json")
    a = assess(answers, dt.date(2026, 12, 1))
    assert not any(r.levels for r in a.remedies)
    assert a.plan and len(a.plan.steps[0].measures) > 1 and a.plan.steps[0].lowered


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_step_that_lowers_a_level_has_no_smaller_part_that_does(path: Path) -> None:
    day = dt.date(2026, 12, 1)
    answers = _example(path)
    a = assess(answers, day)
    assert a.plan is not None
    done: list[str] = []
    for step in a.plan.steps:
        base = _scores(assess(answers, day, apply_remedies=done, rank_remedies=False))
        if step.lowered and len(step.measures) <= 3:
            for k in range(1, len(step.measures)):
                for part in itertools.combinations(step.measures, k):
                    after = assess(answers, day, apply_remedies=[*done, *part], rank_remedies=False)
                    assert not any(LEVEL_RANK[after.axes[x].level] < LEVEL_RANK[base[x][0]] for x in base), part
        done += step.measures


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_measure_left_out_of_the_plan_lowers_no_score_even_with_all_the_others(path: Path) -> None:
    day = dt.date(2026, 12, 1)
    answers = _example(path)
    a = assess(answers, day)
    assert a.plan is not None
    everything = [r.remedy for r in a.remedies]
    for measure in a.plan.still_called_for:
        without = assess(answers, day, apply_remedies=[m for m in everything if m != measure], rank_remedies=False)
        with_it = assess(answers, day, apply_remedies=everything, rank_remedies=False)
        assert _scores(without) == _scores(with_it), measure
    assert set(a.plan.measures) | set(a.plan.still_called_for) == set(everything)


def test_the_plan_is_in_the_json_output() -> None:
    answers = _example(ROOT / "examples" / "healthtech-startup-2026.json")
    out = assess(answers, dt.date(2026, 12, 1)).to_dict("en")
    steps = out["plan"]["steps"]
    assert steps and steps[0]["measures"] and set(steps[0]["after"]) == {"civil", "criminal", "administrative", "reputational"}
    assert "still_called_for" in out["plan"]
    assert assess(answers, dt.date(2026, 12, 1), rank_remedies=False).to_dict("en")["plan"] is None
