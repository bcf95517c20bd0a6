"""The documentation states what the code and data do: the method table, the answers-file keys, the package
graph and where each concept lives."""

from __future__ import annotations

import ast
import glob
import re
from pathlib import Path

from scoring.answers_file import KNOWN_KEYS, REQUIRED_KEYS
from scoring.axes import LEVEL_KEYS
from scoring.loader import default_law
from tests.test_architecture import ALLOWED

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


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
                refs = arg.split(":")[1:] if kind in ("share_of", "turnover_cap") else [arg]
                for ref in refs:
                    provision = law.provisions[ref.rpartition(".")[0]]
                    assert provision.confidence != "U", f"{statement.id} uses a figure of {provision.id}, which is unconfirmed"
                    used += 1
    assert used
    text = " ".join((DOCS / "scoring-method.md").read_text(encoding="utf-8").split())
    assert "no exposure statement fills a placeholder from a U provision" in text


def _table(text: str, heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first Markdown table under `## heading`, without its header."""
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines[2:]]


def test_the_package_graph_in_the_docs_is_the_architecture_tests_table() -> None:
    rows = _table((DOCS / "architecture.md").read_text(encoding="utf-8"), "The package graph")
    graph = {row[0].strip("`"): frozenset(re.findall(r"`([a-z_]+)`", row[2])) for row in rows}
    assert graph == ALLOWED


def _expand(pattern: str) -> list[Path]:
    """A path of the concept table, with `{a,b}` alternatives and `*` wildcards, as the files it names."""
    braces = re.search(r"\{([^}]*)\}", pattern)
    if braces:
        return [p for alt in braces[1].split(",") for p in _expand(pattern[: braces.start()] + alt + pattern[braces.end() :])]
    return [Path(p) for p in sorted(glob.glob(str(ROOT / pattern)))]


def _defines(path: Path, symbol: str) -> bool:
    """Whether the module at `path` defines `symbol` (a name, or `Class.member`) at its top level."""

    def names(body: list[ast.stmt]) -> dict[str, ast.stmt]:
        found: dict[str, ast.stmt] = {}
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[node.name] = node
            elif isinstance(node, ast.Assign):
                found |= {t.id: node for t in node.targets if isinstance(t, ast.Name)}
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                found[node.target.id] = node
        return found

    owner, _, member = symbol.partition(".")
    top = names(ast.parse(path.read_text(encoding="utf-8")).body)
    if not member:
        return owner in top
    cls = top.get(owner)
    return isinstance(cls, ast.ClassDef) and member in names(cls.body)


PATH = re.compile(r"[\w{},*./-]+(?:/|\.(?:py|yaml|js|conf|css))")
SYMBOL = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)(?:\(.*\))?(?: -> .*)?")


def test_each_place_in_the_concept_table_exists_and_defines_what_it_names() -> None:
    """Every path in "Where each concept lives" names files that exist; a name in backticks after a Python
    file is defined in that file (a class named in the concept column, in one of the row's files)."""
    rows = _table((DOCS / "architecture.md").read_text(encoding="utf-8"), "Where each concept lives")
    assert len(rows) > 20
    checked = 0
    for concept, place in rows:
        row_modules: list[Path] = []
        modules: list[Path] = []
        for token in re.findall(r"`([^`]+)`", place):
            if PATH.fullmatch(token):
                files = _expand(token)
                assert files, f"the concept table names {token}, which does not exist"
                modules = [f for f in files if f.suffix == ".py"]
                row_modules += modules
            elif modules and (symbol := SYMBOL.fullmatch(token.replace("\\|", "|"))):
                assert any(_defines(m, symbol[1]) for m in modules), (
                    f"{symbol[1]} is defined in none of {[str(m.relative_to(ROOT)) for m in modules]}"
                )
                checked += 1
        for token in re.findall(r"`([A-Z]\w*(?:\.\w+)?)`", concept):
            assert any(_defines(m, token) for m in row_modules), f"{token} ({concept}) is defined in none of {place}"
            checked += 1
    assert checked > 20
