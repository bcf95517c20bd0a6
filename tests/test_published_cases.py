"""Published decisions as calibration: every case in tests/cases/published/*.yaml must reach its outcome."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from scoring.axes import AXIS_KEYS, LEVEL_KEYS
from scoring.engine import assess
from scoring.loader import default_law

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED_DIR = Path(__file__).resolve().parent / "cases" / "published"
BASELINE = "tests/cases/published/baseline.json"
CASE_KEYS = {"name", "source", "as_of", "base", "answers", "assumed", "expect"}
REQUIRED_CASE_KEYS = CASE_KEYS - {"base"}
SOURCE_KEYS = {"authority_or_court", "date", "reference", "published_in", "secondary"}
PUBLISHED_IN_KEYS = {"where", "address"}
EXPECT_KEYS = {"min_levels", "cites", "not_encoded"}
RANK = {level: i for i, level in enumerate(LEVEL_KEYS)}


def _load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(PUBLISHED_DIR.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            cases.append((f"{path.stem}[{i}]", case))
    return cases


CASES = _load_cases()


def _check_shape(where: str, case: dict) -> None:
    """Strict keys: a typo in a case is a failure, not a silently weaker test."""
    law = default_law()
    assert set(case) <= CASE_KEYS, f"{where}: unknown keys {sorted(set(case) - CASE_KEYS)}"
    assert REQUIRED_CASE_KEYS <= set(case), f"{where}: missing keys {sorted(REQUIRED_CASE_KEYS - set(case))}"
    name = case["name"]
    assert name.endswith(".") and len(name.split()) >= 8, f"{where}: the name should be a full sentence"
    source = case["source"]
    assert set(source) == SOURCE_KEYS, f"{where}: source keys must be exactly {sorted(SOURCE_KEYS)}"
    assert isinstance(source["secondary"], bool), f"{where}: source.secondary must be true or false"
    for key in ("authority_or_court", "reference"):
        assert isinstance(source[key], str) and source[key].strip(), f"{where}: source.{key} must be text (or 'unknown')"
    date = source["date"]
    assert isinstance(date, dt.date) or date == "unknown", f"{where}: source.date must be a date or 'unknown'"
    published_in = source["published_in"]
    assert isinstance(published_in, dict) and set(published_in) == PUBLISHED_IN_KEYS, (
        f"{where}: source.published_in must give {sorted(PUBLISHED_IN_KEYS)}"
    )
    assert str(published_in["address"]).startswith(("http://", "https://")), f"{where}: published_in.address must be a URL"
    answers = case["answers"]
    unknown_ids = set(answers) - set(law.bank.questions)
    assert not unknown_ids, f"{where}: answers name unknown questions {sorted(unknown_ids)}"
    assumed = case["assumed"]
    assert isinstance(assumed, list), f"{where}: assumed must be a list of question ids"
    not_questions = set(assumed) - set(law.bank.questions)
    assert not not_questions, f"{where}: assumed names unknown questions {sorted(not_questions)}"
    not_answered = set(assumed) - set(answers)
    assert not not_answered, f"{where}: assumed answers must be written in the case's answers: {sorted(not_answered)}"
    expect = case["expect"]
    assert set(expect) <= EXPECT_KEYS, f"{where}: unknown expect keys {sorted(set(expect) - EXPECT_KEYS)}"
    min_levels = expect.get("min_levels") or {}
    assert min_levels, f"{where}: expect.min_levels names the axis the authority acted on"
    for axis, level in min_levels.items():
        assert axis in AXIS_KEYS and level in LEVEL_KEYS, f"{where}: bad min_levels entry {axis}: {level}"
    cites = expect.get("cites") or []
    unknown_cites = set(cites) - set(law.provisions)
    assert not unknown_cites, f"{where}: expect.cites names unknown provisions {sorted(unknown_cites)}"
    assert cites or expect.get("not_encoded"), (
        f"{where}: name the provisions the authority applied (expect.cites), or those pirisk lacks (expect.not_encoded)"
    )


def _answers(case: dict) -> dict:
    answers = dict(json.loads((ROOT / case.get("base", BASELINE)).read_text(encoding="utf-8"))["answers"])
    answers.update(case["answers"])
    return answers


def test_there_are_enough_published_cases():
    assert len(CASES) >= 12, f"only {len(CASES)} published cases"


def test_the_scenario_runner_does_not_read_the_published_cases():
    # tests/test_cases.py globs tests/cases/*.yaml without recursing: its strict key check would
    # reject the published cases' own keys (source, assumed), and its expectations differ.
    from tests.test_cases import CASES as SCENARIOS

    assert SCENARIOS, "the scenario runner found no cases"
    assert not [where for where, case in SCENARIOS if "source" in case or "assumed" in case]


def test_the_method_doc_lists_every_published_case_and_its_axis():
    text = (ROOT / "docs" / "scoring-method.md").read_text(encoding="utf-8")
    section = text.split("\n### The cases\n", 1)[1].split("\n### ", 1)[0]
    listed = dict(re.findall(r"^\| `([a-z_]+\[\d+\])` \| ([a-z, ]+) \|", section, flags=re.M))
    expected = {where: ", ".join(case["expect"]["min_levels"]) for where, case in CASES}
    assert listed == expected, "docs/scoring-method.md, 'The cases': one row per published case, with the axes it expects"


@pytest.mark.parametrize(("where", "case"), CASES, ids=[c[0] for c in CASES])
def test_published_case_reaches_its_outcome(where: str, case: dict):
    _check_shape(where, case)
    as_of = case["as_of"] if isinstance(case["as_of"], dt.date) else dt.date.fromisoformat(str(case["as_of"]))
    result = assess(_answers(case), as_of)
    expect = case["expect"]
    source_facts = set(case["answers"]) - set(case["assumed"])
    for axis, level in expect["min_levels"].items():
        got = result.axes[axis].level
        assert RANK[got] >= RANK[level], f"{case['name']} ({axis}): the authority acted, expected at least {level}, got {got}"
        # The outcome must rest on what the source says, not only on what the case assumes.
        reaching = [
            f
            for f in result.axes[axis].findings
            if f.kind == "rule" and RANK[f.impacts[axis].level] >= RANK[level] and {a.question for a in f.answers} & source_facts
        ]
        assert reaching, f"{case['name']} ({axis}): no finding at {level} or above rests on a fact the source gives"
    acted_on = expect["min_levels"]
    cited = {c.id for axis in acted_on for f in result.axes[axis].findings if f.kind == "rule" for c in f.citations}
    for provision in expect.get("cites") or []:
        assert provision in cited, (
            f"{case['name']}: the authority applied {provision}, which no finding on {sorted(acted_on)} cites"
        )
