"""Legal scenarios as data: every case in tests/cases/*.yaml is assessed and checked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from scoring.axes import AXIS_KEYS, LEVEL_KEYS
from scoring.engine import assess

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = Path(__file__).resolve().parent / "cases"
CASE_KEYS = {"name", "as_of", "base", "answers", "remove", "expect"}
EXPECT_KEYS = {
    "levels",
    "min_levels",
    "max_levels",
    "fired",
    "not_fired",
    "unknowns",
    "scores_above",
    "scores_below",
    "route",
    "route_met",
    "route_uncertain",
}


def _load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            cases.append((f"{path.stem}[{i}]", case))
    return cases


CASES = _load_cases()


def _answers(case: dict) -> dict:
    answers: dict = {}
    if "base" in case:
        answers.update(json.loads((ROOT / case["base"]).read_text(encoding="utf-8"))["answers"])
    answers.update(case.get("answers") or {})
    for qid in case.get("remove") or []:
        answers.pop(qid, None)
    return answers


def test_there_are_enough_cases():
    assert len(CASES) >= 27, f"only {len(CASES)} scenario cases"


@pytest.mark.parametrize(("where", "case"), CASES, ids=[c[0] for c in CASES])
def test_case(where: str, case: dict):
    assert set(case) <= CASE_KEYS, f"{where}: unknown keys {set(case) - CASE_KEYS}"
    assert set(case["expect"]) <= EXPECT_KEYS, f"{where}: unknown expect keys {set(case['expect']) - EXPECT_KEYS}"
    name = case["name"]
    assert name.endswith(".") and len(name.split()) >= 6, f"{where}: the name should be a full sentence"
    as_of = case["as_of"] if isinstance(case["as_of"], dt.date) else dt.date.fromisoformat(str(case["as_of"]))
    result = assess(_answers(case), as_of)
    expect = case["expect"]
    rank = {k: i for i, k in enumerate(LEVEL_KEYS)}
    got = {axis: result.axes[axis].level for axis in AXIS_KEYS}
    for axis, level in (expect.get("levels") or {}).items():
        assert got[axis] == level, f"{name} ({axis}): expected {level}, got {got[axis]}"
    for axis, level in (expect.get("min_levels") or {}).items():
        assert rank[got[axis]] >= rank[level], f"{name} ({axis}): expected at least {level}, got {got[axis]}"
    for axis, level in (expect.get("max_levels") or {}).items():
        assert rank[got[axis]] <= rank[level], f"{name} ({axis}): expected at most {level}, got {got[axis]}"
    fired = set(result.fired_rules)
    for rule in expect.get("fired") or []:
        assert rule in fired, f"{name}: expected rule {rule} to fire; fired: {sorted(fired)}"
    for rule in expect.get("not_fired") or []:
        assert rule not in fired, f"{name}: expected rule {rule} not to fire"
    unknown_ids = {u.answers[0].question for u in result.unknowns}
    for qid in expect.get("unknowns") or []:
        assert qid in unknown_ids, f"{name}: expected '{qid}' to be reported as unknown"
    for axis, score in (expect.get("scores_above") or {}).items():
        assert result.axes[axis].score > score, f"{name} ({axis}): score {result.axes[axis].score} not above {score}"
    for axis, score in (expect.get("scores_below") or {}).items():
        assert result.axes[axis].score < score, f"{name} ({axis}): score {result.axes[axis].score} not below {score}"
    route = result.transfer_route
    for key, got_value in (("route", "route"), ("route_met", "met"), ("route_uncertain", "uncertain")):
        if key in expect:
            assert route is not None, f"{name}: no transfer route decided"
            assert getattr(route, got_value) == expect[key], (
                f"{name}: {key} is {getattr(route, got_value)!r}, expected {expect[key]!r}"
            )
