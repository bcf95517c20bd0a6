"""The packages form a graph, not a line: each imports only the packages its row of ALLOWED names, and no
module imports another that imports it back.

The report and the store are siblings: neither imports the other. What both need (the action life-cycle,
the branding, what a consultant's report adds) lives below them in `deliverable/`, and the kit both
command lines use in `cli/`. docs/architecture.md prints this table (tests/test_docs.py keeps them equal).
Imports anywhere in a module count: at the top, inside a function, or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# package (or entry module) -> the other packages it may import, and does
ALLOWED: dict[str, frozenset[str]] = {
    "questions": frozenset(),
    "cli": frozenset({"questions"}),
    "scoring": frozenset({"questions", "cli"}),
    "deliverable": frozenset({"questions", "scoring"}),
    "report": frozenset({"questions", "cli", "scoring", "deliverable"}),
    "store": frozenset({"questions", "cli", "scoring", "deliverable"}),
    "ui": frozenset({"questions", "scoring", "deliverable", "report", "store"}),
    "app": frozenset({"ui"}),
    "pirisk": frozenset({"cli", "scoring", "report", "store", "ui"}),
}
ENTRY_MODULES = ("app", "pirisk")  # app.py and pirisk.py, beside the packages
PACKAGES = tuple(name for name in ALLOWED if name not in ENTRY_MODULES)
PROJECT = (*ALLOWED, "assets")
_CORE = {"streamlit", "sqlalchemy", "alembic", "psycopg", "pandas", "fpdf"}
STACKS = {
    "questions": _CORE,
    "cli": _CORE,
    "deliverable": _CORE,
    "scoring": _CORE - {"pandas"},
    "report": {"streamlit", "sqlalchemy", "alembic", "psycopg"},
    "store": {"streamlit"},
}


def _modules() -> dict[str, Path]:
    out = {name: ROOT / f"{name}.py" for name in ENTRY_MODULES}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module `path` imports (absolute names; relative imports resolved), wherever the import is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = path.relative_to(ROOT).with_suffix("").parts[: -node.level]
                base = ".".join([*package, base] if base else package)
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # `from ui import state` imports ui.state
    return found


def _project_edges() -> dict[str, set[str]]:
    edges = {}
    for name, path in MODULES.items():
        edges[name] = {m for m in _imports(path) if m in MODULES and m != name}
    return edges


def _top(module: str) -> str:
    return module.split(".")[0]


def _package_edges() -> dict[str, set[str]]:
    """package -> the other project packages its modules import, as the code has it."""
    edges: dict[str, set[str]] = {name: set() for name in ALLOWED}
    for module, path in MODULES.items():
        edges[_top(module)] |= {_top(m) for m in _imports(path) if _top(m) in PROJECT} - {_top(module)}
    return edges


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_the_packages_its_package_may(module: str) -> None:
    mine = _top(module)
    wrong = sorted(m for m in _imports(MODULES[module]) if _top(m) in PROJECT and _top(m) not in ALLOWED[mine] | {mine})
    assert wrong == [], f"{module} imports {wrong}; {mine} may import only {sorted(ALLOWED[mine])} (tests/test_architecture.py)"


def test_the_table_of_allowed_imports_is_what_the_code_does() -> None:
    """No row allows more than the code uses, so the table (and the graph in the docs) is the real one."""
    assert _package_edges() == {name: set(allowed) for name, allowed in ALLOWED.items()}


def test_the_packages_form_a_graph_without_cycles() -> None:
    try:
        order = list(TopologicalSorter(ALLOWED).static_order())
    except CycleError as err:
        pytest.fail(f"the allowed imports run in a circle: {err.args[1]}")
    assert set(order) == set(ALLOWED)
    assert set().union(*ALLOWED.values()) <= set(ALLOWED)


def test_the_report_and_the_store_are_siblings() -> None:
    """store/ imports nothing from report/, and report/ nothing from store/: what both need is below them."""
    for module, path in MODULES.items():
        if _top(module) in ("report", "store"):
            other = "store" if _top(module) == "report" else "report"
            assert not {m for m in _imports(path) if _top(m) == other}, f"{module} imports {other}"


@pytest.mark.parametrize("package", sorted(STACKS))
def test_the_core_does_not_import_the_browser_or_database_stacks(package: str) -> None:
    for module, path in MODULES.items():
        if module.split(".")[0] != package:
            continue
        stacks = {m.split(".")[0] for m in _imports(path)} & STACKS[package]
        assert not stacks, f"{module} imports {sorted(stacks)}"


def test_no_two_modules_import_each_other_even_indirectly() -> None:
    edges = _project_edges()
    # A package's __init__ that re-exports its modules is not a cycle with them.
    for name in list(edges):
        if (ROOT / name.replace(".", "/") / "__init__.py").exists():
            edges[name] = set()
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_self_assessment_never_mentions_the_workspace() -> None:
    """The questionnaire reaches the workspace only through ui.link (a registered Link)."""
    for name in ("ui.state", "ui.widgets", "ui.assess", "ui.results", "ui.present", "ui.charts", "ui.link"):
        path = MODULES[name]
        assert not {m for m in _imports(path) if m.startswith(("ui.workspace", "store"))}, name
        assert "ws_" not in path.read_text(encoding="utf-8"), name


def test_a_first_visit_loads_no_database_stack() -> None:
    """A founder's first page, with the workspace installed, imports neither SQLAlchemy nor pandas: the
    workspace's modules reach the store only when a workspace page uses it (a third of a second saved on
    every new server's first session). Run in a fresh interpreter, as a new server would."""
    import subprocess
    import sys

    code = (
        "import sys; from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120); at.run()\n"
        "assert not at.exception, at.exception\n"
        "print(sorted(m for m in ('sqlalchemy', 'pandas', 'alembic', 'psycopg') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_founders_first_results_load_no_pandas() -> None:
    """The results page's ranked assessment and plan search use the batch evaluator but not its tables:
    pandas (about a fifth of a second to import) waits for a table to score, not for a server's first
    results page, which is every founder's own pirisk app. Run in a fresh interpreter, as a new server."""
    import subprocess
    import sys

    example = ROOT / "examples" / "article-2012-internet-company.json"
    code = (
        "import json, sys; from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120)\n"
        "at.session_state['started'] = True\n"
        f"at.session_state['answers'] = json.load(open({str(example)!r}, encoding='utf-8'))['answers']\n"
        "at.run()\n"
        "at._page_hash = next(h for h, p in at._registered_pages.items() if p.get('url_pathname') == 'results')\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "assert at.get_by_key('plan_step__1'), 'the results page and its plan were drawn'\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
