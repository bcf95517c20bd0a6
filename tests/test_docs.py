"""The documentation states what the code and data do: the method table and the answers-file keys."""

from __future__ import annotations

import re
from pathlib import Path

from scoring.answers_file import KNOWN_KEYS, REQUIRED_KEYS
from scoring.axes import LEVEL_KEYS
from scoring.loader import default_law

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_method_table_in_the_docs_is_method_yaml() -> None:
    method = default_law().method
    text = (DOCS / "scoring-method.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\s*\| ([1-4]) \|((?: [a-z]+ \(\d+\) \|){4})$", text, flags=re.M)
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4], "the likelihood x severity table has one row per likelihood"
    for lik, cells in rows:
        found = re.findall(r"([a-z]+) \((\d+)\)", cells)
        expected = [(method.level(int(lik), sev), str(method.base(int(lik), sev))) for sev in (1, 2, 3, 4)]
        assert found == expected, f"likelihood {lik}: the docs say {found}, method.yaml {expected}"
    floors = [0] + [method.level_ceiling[k] + 1 for k in LEVEL_KEYS[:-1]]
    bands = ", ".join(f"{k} {lo}–{method.level_ceiling[k]}" for k, lo in zip(LEVEL_KEYS, floors, strict=True))
    assert f"({bands})" in " ".join(text.split())
    assert f"`per_extra_finding` ({method.per_extra_finding})" in text


def test_the_answers_file_keys_in_the_docs_are_the_readers() -> None:
    text = (DOCS / "answers-format.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (yes|no) \|", text, flags=re.M))
    assert set(rows) == set(KNOWN_KEYS)
    assert {k for k, required in rows.items() if required == "yes"} == set(REQUIRED_KEYS)


def test_the_rule_fields_in_the_docs_are_the_loaders() -> None:
    """docs/adding-rules.md lists every field a rule and a rule version may have, and no other."""
    from scoring.model import RuleEntry, RuleVersion

    text = (DOCS / "adding-rules.md").read_text(encoding="utf-8")
    start = text.index("## A rule (")
    section = text[start : text.index("\n## ", start)]
    rule_table, version_table = re.findall(r"(?:^\|.*\n)+", section, flags=re.M)[:2]
    rule_rows = set(re.findall(r"^\| `([a-z_]+)` \|", rule_table, flags=re.M))
    version_rows = {
        field for row in re.findall(r"^\| (`.*?) \|", version_table, flags=re.M) for field in re.findall(r"`([a-z_]+)`", row)
    }
    assert rule_rows == set(RuleEntry.model_fields) - {"in_force"}  # refused at the rule: periods are versions
    assert version_rows == set(RuleVersion.model_fields)


def test_no_figure_pirisk_prints_comes_from_an_unconfirmed_provision() -> None:
    """docs/scoring-method.md: "no exposure statement fills a placeholder from a U provision"."""
    from scoring.loader import PLACEHOLDER

    law = default_law()
    used = 0
    for statement in law.exposure:
        for lang in statement.text:
            for kind, arg in PLACEHOLDER.findall(statement.text[lang]):
                ref = arg.split(":", 1)[1] if kind == "share_of" else arg
                provision = law.provisions[ref.rpartition(".")[0]]
                assert provision.confidence != "U", f"{statement.id} uses a figure of {provision.id}, which is unconfirmed"
                used += 1
    assert used
    text = " ".join((DOCS / "scoring-method.md").read_text(encoding="utf-8").split())
    assert "no exposure statement fills a placeholder from a U provision" in text
