"""Broken data files: each fixture in the table must be refused with a message naming the problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from questions.errors import DataError
from questions.loader import BANK_DIR, load_bank
from questions.locales import LOCALES
from scoring.loader import SCORING_DIR, load_law

DATA = ["sources", "rules", "remedies.yaml", "exposure.yaml", "method.yaml", "definitions.yaml", "transfer.yaml"]


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


def chain(*mutations: Callable[[Path, Path], None]) -> Callable[[Path, Path], None]:
    """Several mutations, applied in order."""

    def apply(bank_dir: Path, law_dir: Path) -> None:
        for mutate in mutations:
            mutate(bank_dir, law_dir)

    return apply


def append(relpath: str, text: str) -> Callable[[Path, Path], None]:
    def apply(bank_dir: Path, law_dir: Path) -> None:
        root, _, rest = relpath.partition("/")
        path = (bank_dir if root == "bank" else law_dir) / rest
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return apply


def text_yaml(en: str, zh: str) -> str:
    """A text in every registered language, as a YAML flow mapping: the English in any but en and zh."""
    return "{" + ", ".join(f"{lang}: {zh if lang == 'zh' else en}" for lang in LOCALES) + "}"


TITLE, EXPLAIN = text_yaml("Extra", "额外"), text_yaml("Extra rule.", "额外规则。")
RULE = """
- id: extra.rule
  title: {title}
  title_about: {title_about}
  when: {when}
  impacts: {impacts}
  cites: {cites}
  explain: {explain}
  versions:
    - in_force: {{from: 2022-01-01}}
"""
# The format before versions: one entry per dated copy, its period beside the id.
DATED_COPY = f"""
- id: extra.rule@2022
  title: {TITLE}
  title_about: [sells_data]
  in_force: {{from: 2022-01-01}}
  when: {{sells_data: true}}
  impacts: {{civil: {{likelihood: 1, severity: 1}}}}
  cites: [pipl.66]
  explain: {EXPLAIN}
"""


def rule_yaml(
    when="{sells_data: true}", impacts="{civil: {likelihood: 1, severity: 1}}", cites="[pipl.66]", title_about="[sells_data]"
) -> str:
    """An extra rule, well formed unless its arguments are not."""
    return RULE.format(title=TITLE, title_about=title_about, when=when, impacts=impacts, cites=cites, explain=EXPLAIN)


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
    (
        "question that does not say whether it is required",
        edit("bank/profile.yaml", "    required: true\n", ""),
        "missing key 'required'",
    ),
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
    ("title speaks of a question its rule does not check", extra_rule(title_about="[buys_data]"), "speaks of 'buys_data', which"),
    (
        "title speaks of an unknown question",
        extra_rule(title_about="[[sells_data, no_such_question]]"),
        "unknown question id or named condition 'no_such_question'",
    ),
    ("title speaks of nothing", extra_rule(title_about="[]"), "title_about"),
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
            rule_yaml().replace("id: extra.rule", "id: sharing.presumed_fault"),
        ),
        "duplicate rule id",
    ),
    ("rule written as a dated copy", append("scoring/rules/sharing.yaml", DATED_COPY), "a rule's id has no @YYYY"),
    (
        "rule with a period outside its versions",
        append("scoring/rules/sharing.yaml", DATED_COPY.replace("extra.rule@2022", "extra.rule")),
        "a rule's period goes under `versions:`",
    ),
    (
        "rule with an empty list of versions",
        append(
            "scoring/rules/sharing.yaml",
            rule_yaml().split("    - ")[0].replace("versions:", "versions: []"),
        ),
        "`versions:` is empty",
    ),
    (
        "unknown key in a rule version",
        edit(
            "scoring/rules/staff.yaml",
            "    - in_force: {from: 2021-11-01, to: 2024-12-31}\n",
            "    - in_force: {from: 2021-11-01, to: 2024-12-31}\n      colour: red\n",
        ),
        "unknown key 'colour'",
    ),
    (
        "rule version repeats the rule's when",
        edit(
            "scoring/rules/staff.yaml",
            "    - in_force: {from: 2021-11-01, to: 2024-12-31}\n",
            "    - in_force: {from: 2021-11-01, to: 2024-12-31}\n      when: {staff_misuse: true}\n",
        ),
        "(staff.supervision): versions[1].when repeats the rule's `when`",
    ),
    (
        "two rule versions repeat one when",
        append(
            "scoring/rules/sharing.yaml",
            rule_yaml() + "      when: {buys_data: true}\n    - in_force: {from: 2023-01-01}\n      when: {buys_data: true}\n",
        ),
        "(extra.rule): versions[1].when repeats versions[0].when",
    ),
    (
        "rule versions overlap",
        edit("scoring/rules/staff.yaml", "{from: 2017-06-01, to: 2021-10-31}", "{from: 2017-06-01, to: 2021-11-30}"),
        "(staff.supervision): versions[1] is in force from 2021-11-01 while versions[0] is still in force",
    ),
    (
        "rule versions out of order",
        edit("scoring/rules/staff.yaml", "{from: 2017-06-01, to: 2021-10-31}", "{from: 2026-06-01, to: 2026-10-31}"),
        "(staff.supervision): versions are listed oldest first: versions[1] starts before versions[0]",
    ),
    (
        "two rule versions start in one year",
        chain(
            edit("scoring/rules/staff.yaml", "{from: 2017-06-01, to: 2021-10-31}", "{from: 2017-06-01, to: 2017-10-31}"),
            edit("scoring/rules/staff.yaml", "{from: 2021-11-01, to: 2024-12-31}", "{from: 2017-11-01, to: 2024-12-31}"),
        ),
        "both start in 2017, so both would be named staff.supervision@2017",
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
    (
        "a placeholder kind whose words are missing",
        edit("scoring/method.yaml", "  turnover_cap_unknown:", "  turnover_cap_unknown_renamed:"),
        "needs the text 'turnover_cap_unknown'",
    ),
    (
        "turnover_cap with two parts",
        edit(
            "scoring/exposure.yaml",
            "annual_turnover:pipl.66.unit_fine_max_rmb:pipl.66.turnover_pct}), suspension",
            "annual_turnover:pipl.66.turnover_pct}), suspension",
        ),
        "turnover_cap needs",
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


def test_no_two_versions_of_a_rule_repeat_a_when():
    """The issue's measure: a `when` shared by versions is written once, so no two expanded versions
    of one rule (`x@2017`, `x@2021`) carry the same condition unless it is the rule's own."""
    from scoring.loader import default_law

    by_rule: dict[str, list] = {}
    for rule in default_law().rules:
        by_rule.setdefault(rule.base, []).append(rule)
    families = {base: rules for base, rules in by_rule.items() if len(rules) > 1}
    assert len(families) >= 17
    raw = {}
    for path in sorted((SCORING_DIR / "rules").glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            raw[entry["id"]] = entry
    for base in families:
        own = [v["when"] for v in raw[base].get("versions", []) if "when" in v]
        assert len({repr(w) for w in own}) == len(own), f"{base}: two versions repeat a when"
        assert raw[base]["when"] not in own, f"{base}: a version repeats the rule's when"
