"""Broken data files: each fixture in the table must be refused with a message naming the problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from questions.errors import DataError
from questions.loader import BANK_DIR, load_bank
from questions.locales import LOCALES
from scoring.loader import SCORING_DIR, load_law

DATA = ["sources", "rules", "remedies.yaml", "exposure.yaml", "method.yaml", "definitions.yaml"]


@pytest.fixture()
def copies(tmp_path: Path) -> tuple[Path, Path]:
    bank_dir = tmp_path / "bank"
    shutil.copytree(BANK_DIR, bank_dir)
    law_dir = tmp_path / "scoring"
    law_dir.mkdir()
    for name in DATA:
        src = SCORING_DIR / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, law_dir / name)
    return bank_dir, law_dir


def edit(relpath: str, old: str, new: str) -> Callable[[Path, Path], None]:
    """A mutation: replace the first `old` with `new` in one data file (bank/... or scoring/...)."""

    def apply(bank_dir: Path, law_dir: Path) -> None:
        root, _, rest = relpath.partition("/")
        path = (bank_dir if root == "bank" else law_dir) / rest
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture is stale: {old!r} not in {relpath}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def append(relpath: str, text: str) -> Callable[[Path, Path], None]:
    def apply(bank_dir: Path, law_dir: Path) -> None:
        root, _, rest = relpath.partition("/")
        path = (bank_dir if root == "bank" else law_dir) / rest
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return apply


RULE = """
- id: extra.rule@2022
  title: {title}
  in_force: {{from: 2022-01-01}}
  when: {when}
  impacts: {impacts}
  cites: {cites}
  explain: {explain}
"""


def text_yaml(en: str, zh: str) -> str:
    """A text in every registered language, as a YAML flow mapping: the English in any but en and zh."""
    return "{" + ", ".join(f"{lang}: {zh if lang == 'zh' else en}" for lang in LOCALES) + "}"


def rule_yaml(when="{sells_data: true}", impacts="{civil: {likelihood: 1, severity: 1}}", cites="[pipl.66]") -> str:
    """An extra rule, well formed unless its arguments are not."""
    title, explain = text_yaml("Extra", "额外"), text_yaml("Extra rule.", "额外规则。")
    return RULE.format(title=title, when=when, impacts=impacts, cites=cites, explain=explain)


def extra_rule(**parts: str) -> Callable:
    return append("scoring/rules/sharing.yaml", rule_yaml(**parts))


# (what is broken, mutation, text the error must contain)
BROKEN = [
    (
        "unknown key in a question",
        edit("bank/profile.yaml", "    type: yes_no", "    type: yes_no\n    colour: red"),
        "unknown key 'colour'",
    ),
    (
        "duplicate YAML key",
        edit("bank/profile.yaml", "    type: yes_no", "    type: yes_no\n    type: yes_no"),
        "duplicate key 'type'",
    ),
    ("invalid YAML", append("bank/profile.yaml", "\n  - id: [unclosed\n"), "bank/profile.yaml"),
    ("unknown question type", edit("bank/profile.yaml", "type: yes_no", "type: slider"), "type"),
    ("missing Chinese text", edit("bank/profile.yaml", "zh:", "zz:"), "missing key 'zh'"),
    ("choice id 'unknown'", edit("bank/data.yaml", "id: under_50", "id: unknown"), "reserved"),
    (
        "show_if names an unknown question",
        edit("bank/sharing.yaml", "show_if: {uses_processors: true}", "show_if: {no_such_question: true}"),
        "unknown question id 'no_such_question'",
    ),
    (
        "section file mismatch",
        edit("bank/profile.yaml", "section: profile", "section: other"),
        "index.yaml lists this file as 'profile'",
    ),
    (
        "rule when names an unknown question",
        extra_rule(when="{no_such_question: true}"),
        "unknown question id 'no_such_question'",
    ),
    ("rule when uses an unknown operator", extra_rule(when="{people_count: {between: [1, 2]}}"), "unknown operator 'between'"),
    ("rule compares with a choice that does not exist", extra_rule(when="{compliance_audits: weekly}"), "has no choice 'weekly'"),
    ("threshold off a band edge", extra_rule(when="{records_tier1: {gte: 60}}"), "is not a band edge"),
    ("rule tests for 'I don't know'", extra_rule(when="{sells_data: unknown}"), "may not test for"),
    ("unknown named condition", extra_rule(when="{use: no_such_definition}"), "unknown named condition"),
    ("rule impacts an unknown axis", extra_rule(impacts="{moral: {likelihood: 1, severity: 1}}"), "unknown axis 'moral'"),
    ("likelihood out of range", extra_rule(impacts="{civil: {likelihood: 5, severity: 1}}"), "likelihood"),
    ("rule cites an unknown source", extra_rule(cites="[pipl.999]"), "unknown source id 'pipl.999'"),
    (
        "rule cites a provision not yet in force",
        append(
            "scoring/rules/sharing.yaml",
            rule_yaml().replace("2022-01-01", "2020-01-01"),
        ),
        "is not in force for all of 2020-01-01 onwards",
    ),
    (
        "duplicate rule id",
        append(
            "scoring/rules/sharing.yaml",
            rule_yaml().replace("extra.rule@2022", "sharing.presumed_fault@2021"),
        ),
        "duplicate rule id",
    ),
    (
        "rule names an unknown remedy",
        append(
            "scoring/rules/sharing.yaml",
            rule_yaml() + "  remedy: pray\n",
        ),
        "unknown remedy id 'pray'",
    ),
    (
        "bad date in a source",
        edit("scoring/sources/pipl.yaml", "in_force: {from: 2021-11-01}", "in_force: {from: 2021-13-01}"),
        "pipl.yaml",
    ),
    ("overlapping provision versions", edit("scoring/sources/criminal_law.yaml", "2015-10-31", "2015-11-30"), "still in force"),
    ("provision ends before it starts", edit("scoring/sources/tort_law.yaml", "2020-12-31", "2001-12-31"), "before it starts"),
    ("bad confidence mark", edit("scoring/sources/pipl.yaml", "confidence: V", "confidence: maybe"), "confidence"),
    (
        "remedy sets an unknown question",
        edit("scoring/remedies.yaml", "sets: {pi_officer: true}", "sets: {pi_oficer: true}"),
        "unknown question id 'pi_oficer'",
    ),
    (
        "remedy sets an impossible answer",
        edit("scoring/remedies.yaml", "sets: {pi_officer: true}", "sets: {pi_officer: maybe}"),
        "expects true or false",
    ),
    (
        "placeholder names a missing figure",
        edit("scoring/exposure.yaml", "{money:pipl.66.unit_fine_max_rmb}", "{money:pipl.66.no_such_figure}"),
        "has no figure 'no_such_figure'",
    ),
    (
        "matrix names an unknown level",
        edit("scoring/method.yaml", "1: [low, low, medium, medium]", "1: [low, low, medium, catastrophic]"),
        "unknown level 'catastrophic'",
    ),
    (
        "base score outside its level",
        edit("scoring/method.yaml", "1: [5, 10, 30, 35]", "1: [5, 10, 30, 99]"),
        "outside its level",
    ),
]


@pytest.mark.parametrize(("what", "mutate", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_data_is_refused_with_a_clear_message(copies, what, mutate, message):
    bank_dir, law_dir = copies
    mutate(bank_dir, law_dir)
    with pytest.raises(DataError) as err:
        bank = load_bank(bank_dir)
        load_law(law_dir, bank=bank)
    text = str(err.value)
    assert message in text, f"{what}: {text}"
    assert "\n" not in text


def test_the_shipped_data_loads(copies):
    bank_dir, law_dir = copies
    law = load_law(law_dir, bank=load_bank(bank_dir))
    assert law.rules and law.provisions


def test_error_names_the_file(copies):
    bank_dir, law_dir = copies
    extra_rule(cites="[nope.1]")(bank_dir, law_dir)
    with pytest.raises(DataError) as err:
        load_law(law_dir, bank=load_bank(bank_dir))
    assert err.value.file.endswith("sharing.yaml")
    assert "extra.rule@2022" in err.value.key
