"""User text stays text on every page: every Streamlit call that renders Markdown (bodies, widget labels,
help, tabs, expanders, metrics) gets user text only through `ui.present.md`, the one escaping function,
which covers all of Streamlit's Markdown (images, autolinks, LaTeX, colour directives, emoji shortcodes,
Material icons). The Markdown export escapes bare addresses and math too. The answers download is built
on click, so no copy of the answers sits at a /media address.

The AST check below enumerates every such call in ui/ and ui/workspace/ and fails on one that passes user
text unescaped; before issue 11, workshop respondents' names went raw into radio and multiselect labels.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from questions.answers import AnswerSet
from report.formats import FORMATS
from scoring.engine import assess
from tests.exports import FORMAT_IDS, seen_text
from tests.test_report import squash
from ui.present import WORD_JOINER, md

ROOT = Path(__file__).resolve().parents[1]

# -- the static check -------------------------------------------------------------------------------------

# Streamlit calls whose arguments are rendered as Markdown: the positions and keywords that are.
SINKS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    **{name: ((0,), ("body",)) for name in ("markdown", "caption", "title", "header", "subheader", "toast")},
    **{name: ((0,), ("body",)) for name in ("error", "warning", "info", "success", "exception")},
    **{
        name: ((0,), ("label",))
        for name in (
            "button",
            "download_button",
            "link_button",
            "form_submit_button",
            "checkbox",
            "toggle",
            "radio",
            "selectbox",
            "multiselect",
            "text_input",
            "text_area",
            "number_input",
            "date_input",
            "time_input",
            "file_uploader",
            "slider",
            "select_slider",
            "color_picker",
            "pills",
            "segmented_control",
            "feedback",
            "expander",
            "popover",
            "metric",
            "badge",
            "status",
            "chat_input",
            "camera_input",
            "audio_input",
        )
    },
    "page_link": ((), ("label",)),
    "progress": ((), ("text",)),
    "tabs": ((0,), ("tabs",)),
    "write": ((0, 1, 2, 3, 4, 5), ()),
}
ALWAYS = ("help",)  # tooltips render Markdown on every widget

# Attributes of the workspace's records (and of an upload, a URL) that hold what a user typed.
USER_ATTRS = frozenset(("name", "title", "company", "client_name", "text", "author", "role", "url", "bank_version", "problems"))
USER_KEYS = frozenset(("client", "title", "company"))  # the open assessment's {...} in session state
USER_PARAMS = frozenset(("name", "title", "company", "text", "who", "reason", "error", "message", "client", "value"))
# Functions whose result carries user text.
USER_CALLS = frozenset(("author", "option_label", "value_label", "change_labels", "error_text", "reason", "shown_url", "str"))
# Functions whose result is safe to render: the escaping function, and plain facts (numbers, dates, labels).
SAFE_CALLS = frozenset(("md", "len", "round", "int", "float", "isoformat", "status_label", "level_label", "colon", "when"))
# Session-state keys that never hold user text (numbers, dates, ids, enum values).
SAFE_STATE = frozenset(
    (
        "LANG", "LAW_AS_OF", "STEP", "WHAT_IF", "BLOCKED", "UPLOADER_ROUND", "CLIENT", "SELECTED", "COMPARE_A",
        "COMPARE_B", "CURRENT", "JUMP", "SHOW_ARCHIVED", "EXPORT_SCOPE", "EXPORT_ARCHIVED", "IMPORT_ROUND", "ATTEMPT",
        "TEMPLATE_LANG", "IMPORT_CLIENT", "IMPORT_DATE", "IMPORT_LANG", "SEEN", "UNLOCKED", "NOTICE", "CONFLICT",
        "IMPORT_PROBLEMS",
    )
)  # fmt: skip


def _is_state(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "ss") or (isinstance(node, ast.Attribute) and node.attr == "session_state")


def _safe_key(key: ast.AST) -> bool:
    name = key.attr if isinstance(key, ast.Attribute) else key.id if isinstance(key, ast.Name) else None
    if isinstance(key, ast.Constant):
        return key.value in ("lang", "step", "law_as_of")
    return name in SAFE_STATE


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


class Taint:
    """Which expressions of one function hold user text (a flow-insensitive pass over its assignments)."""

    def __init__(self, function: ast.AST) -> None:
        self.names: set[str] = set()
        if isinstance(function, ast.FunctionDef | ast.Lambda):
            args = function.args
            self.names |= {a.arg for a in [*args.args, *args.kwonlyargs, *args.posonlyargs] if a.arg in USER_PARAMS}
        for node in ast.walk(function):
            if isinstance(node, ast.ExceptHandler) and node.name:
                self.names.add(node.name)
        changed = True
        while changed:
            changed = False
            for node in ast.walk(function):
                targets: list[ast.AST] = []
                value: ast.AST | None = None
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                elif isinstance(node, ast.For | ast.comprehension):
                    targets, value = [node.target], node.iter
                elif isinstance(node, ast.NamedExpr):
                    targets, value = [node.target], node.value
                if value is not None and self.tainted(value):
                    for target in targets:
                        for name in ast.walk(target):
                            if isinstance(name, ast.Name) and name.id not in self.names:
                                self.names.add(name.id)
                                changed = True

    def tainted(self, node: ast.AST) -> bool:
        """Whether `node` holds user text that is not escaped."""
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in SAFE_CALLS:
                return False
            if (
                name in ("get", "label")
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "lang"
            ):
                return False  # a Text of the bank or the law, in the page's language
            if name == "get" and isinstance(node.func, ast.Attribute) and _is_state(node.func.value):
                return not (node.args and _safe_key(node.args[0]))
            if name in USER_CALLS:
                return True
            parts = [*node.args, *(k.value for k in node.keywords)]
            if isinstance(node.func, ast.Attribute):
                parts.append(node.func.value)
            return any(self.tainted(p) for p in parts)
        if isinstance(node, ast.Attribute):
            return node.attr in USER_ATTRS or self.tainted(node.value)
        if isinstance(node, ast.Subscript):
            if _is_state(node.value):
                return not _safe_key(node.slice)
            if isinstance(node.slice, ast.Constant) and node.slice.value in USER_KEYS:
                return True
            return self.tainted(node.value)
        if isinstance(node, ast.Name):
            return node.id in self.names
        if isinstance(node, ast.Lambda):
            return False
        if isinstance(node, ast.IfExp):  # the condition is not shown
            return self.tainted(node.body) or self.tainted(node.orelse)
        return any(self.tainted(child) for child in ast.iter_child_nodes(node))


@dataclass(frozen=True)
class Sink:
    where: str
    call: str
    argument: str
    escaped: bool  # user text reached it through md()


def _sink_arguments(
    call: ast.Call, sinks: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = SINKS
) -> list[tuple[str, ast.AST]]:
    name = _call_name(call)
    positions, keywords = sinks[name]
    found = [(f"arg{i}", call.args[i]) for i in positions if i < len(call.args)]
    found += [(k.arg, k.value) for k in call.keywords if k.arg in (*keywords, *ALWAYS)]
    if name == "tabs":  # the labels are the list's elements
        found = [(label, e) for label, lst in found for e in (lst.elts if isinstance(lst, ast.List) else [lst])]
    return found


def _escaped_user_text(node: ast.AST, taint: Taint) -> bool:
    return any(
        isinstance(n, ast.Call) and _call_name(n) == "md" and any(taint.tainted(a) for a in n.args) for n in ast.walk(node)
    )


def _bare_names(node: ast.AST) -> set[str]:
    """The names in `node` that are not inside an md(...) call."""
    if isinstance(node, ast.Call) and _call_name(node) == "md":
        return set()
    if isinstance(node, ast.Name):
        return {node.id}
    return {n for child in ast.iter_child_nodes(node) for n in _bare_names(child)}


def wrappers(trees: list[ast.AST]) -> dict[str, tuple[tuple[int, ...], tuple[str, ...]]]:
    """The project's own functions that pass a parameter on to a Markdown sink unescaped (say, a helper that
    draws a radio with the label it is given): calling one is calling the sink."""
    found: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = dict(SINKS)
    changed = True
    while changed:
        changed = False
        for tree in trees:
            for f in ast.walk(tree):
                if not isinstance(f, ast.FunctionDef) or f.name in SINKS:
                    continue
                positional = [a.arg for a in [*f.args.posonlyargs, *f.args.args]]
                params = set(positional) | {a.arg for a in f.args.kwonlyargs}
                reached: set[str] = set()
                for call in ast.walk(f):
                    if isinstance(call, ast.Call) and _call_name(call) in found:
                        for _, value in _sink_arguments(call, found):
                            reached |= _bare_names(value) & params
                if reached:
                    entry = (tuple(i for i, a in enumerate(positional) if a in reached), tuple(sorted(reached)))
                    if found.get(f.name) != entry:
                        found[f.name] = entry
                        changed = True
    return found


def scan(source: str, where: str, sinks: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] | None = None) -> list[Sink]:
    """Every call in `source` that renders Markdown and receives user text, escaped or not. A call is judged
    with the taint of the innermost function around it (which inherits what its enclosing ones taint)."""
    tree = ast.parse(source)
    sinks = sinks or wrappers([tree])
    out: list[Sink] = []

    def visit(scope: ast.AST, inherited: set[str]) -> None:
        taint = Taint(scope) if not isinstance(scope, ast.Module) else Taint(ast.Module(body=[], type_ignores=[]))
        taint.names |= inherited
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            if isinstance(node, ast.FunctionDef | ast.Lambda):
                visit(node, taint.names)
                continue
            name = _call_name(node) if isinstance(node, ast.Call) else ""
            is_sink = name in SINKS and isinstance(getattr(node, "func", None), ast.Attribute)
            if isinstance(node, ast.Call) and (is_sink or (name in sinks and name not in SINKS)):
                for argument, value in _sink_arguments(node, sinks):
                    bad, good = taint.tainted(value), _escaped_user_text(value, taint)
                    if bad or good:
                        out.append(Sink(f"{where}:{node.lineno}", _call_name(node), argument, escaped=not bad))
            stack.extend(ast.iter_child_nodes(node))

    visit(tree, set())
    return out


def ui_modules() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "ui" / "workspace").glob("*.py"))]


def test_every_streamlit_call_that_receives_user_text_escapes_it():
    sources = {path: path.read_text(encoding="utf-8") for path in ui_modules()}
    sinks = wrappers([ast.parse(text) for text in sources.values()])
    assert "_answer_input" in sinks  # the workshop's helper draws a radio with the label it is given
    found = [s for path, text in sources.items() for s in scan(text, str(path.relative_to(ROOT)), sinks)]
    raw = [s for s in found if not s.escaped]
    assert raw == [], "user text rendered as Markdown without ui.present.md: " + "; ".join(
        f"{s.where} st.{s.call}({s.argument}=...)" for s in raw
    )
    escaped = {(s.where.split(":")[0], s.call) for s in found}
    # The enumeration reaches the places user text is shown (a sanity check of the scan itself).
    for expected in [
        ("ui/workspace/workshop.py", "_answer_input"),  # a respondent's name as the radio/multiselect label
        ("ui/workspace/clients.py", "subheader"),
        ("ui/workspace/clients.py", "markdown"),
        ("ui/workspace/assessments.py", "subheader"),
        ("ui/workspace/history.py", "markdown"),
        ("ui/widgets.py", "error"),
        ("ui/results.py", "header"),  # the company's name over the results
        ("ui/workspace/respondent.py", "caption"),  # the respondent's own name and their client's, on their page
        ("ui/assess.py", "markdown"),
        ("ui/workspace/access.py", "caption"),
    ]:
        assert expected in escaped, expected


@pytest.mark.parametrize(
    ("code", "bad"),
    [
        ("st.radio(r.name, options)", True),
        ("draw(r.name)\ndef draw(label):\n    st.radio(label, [])", True),
        ("draw(md(r.name))\ndef draw(label):\n    st.radio(label, [])", False),
        ("st.radio(md(r.name), options)", False),
        ("st.multiselect(label, options)\nlabel = respondent.name", True),
        ("col.button(c.name, key='x')", True),
        ("st.markdown(f'**{saved.title}**')", True),
        ("st.markdown(f'**{md(saved.title)}**')", False),
        ("st.error(t('x', reason=str(err)))", True),
        ("st.caption(md(t('x', name=who)))", False),
        ("st.caption(t('x', n=len(rows)))", False),
        ("st.text(c.name)", False),  # plain text, not Markdown
        ("st.expander(f'{q.title.get(lang)} ({n})')", False),  # the bank's text
        ("st.tabs([c.name for c in clients])", True),
        ("st.button('x', help=f'{opened[\"client\"]}')", True),
        ("st.info(ss[state.COMPANY])", True),
        ("st.info(ss[state.STEP])", False),
        ("st.page_link(page, label=uploaded.name)", True),
        ("st.progress(0.5, text=ws.author())", True),
    ],
)
def test_the_scan_catches_a_new_unescaped_call(code, bad):
    source = (
        "def page(r, options, label, c, saved, err, who, rows, q, lang, n, clients, opened, ss, state, page, uploaded, ws):\n"
    )
    source += textwrap.indent(code, "    ") + "\n"
    found = scan(source, "snippet")
    assert any(not s.escaped for s in found) is bad, found


# -- the escaping function ---------------------------------------------------------------------------------

PAYLOADS = [
    "Alice ![](http://198.51.100.1/pixel.png)",
    "see www.evil.example",
    "http://evil.example/x and mailto:a@b.example",
    "$$x^2$$ and $y$",
    ":red[red] :smile: :material/home:",
    "<img src=x onerror=alert(1)> [l](javascript:alert(1))",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_leaves_nothing_streamlit_would_interpret(payload):
    import re

    out = md(payload)
    assert ":" not in out  # no shortcode, icon or directive can start: every colon is the entity &#58;
    bare = re.sub(r"\\.", "", out.replace("&#58;", ""))
    assert not re.search(r"[!-/;-@\[-`{-~]", bare), bare  # every other markup character is escaped
    if "www." in payload:
        assert "www" + WORD_JOINER in out  # Streamlit links www. after escapes are undone: broken up
    if "://" in payload:
        assert "&#58;" + WORD_JOINER in out
    if "@" in payload:
        assert WORD_JOINER + "\\@" in out


# -- the pages, with hostile user text everywhere -----------------------------------------------------------

HOSTILE = "Eve ![](http://198.51.100.1/p.png) www.evil.example :smile: $$x$$ :red[r] <b>b</b> a@b.example"
RAW_FRAGMENTS = ("![](", "www.evil", ":smile:", "$$x", ":red[", "<b>", "a@b")


def _markdown_fields(at: AppTest) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success", "toast"):
        out += [(kind, str(e.value)) for e in at.get(kind)]
    for kind in ("button", "checkbox", "radio", "selectbox", "multiselect", "text_input", "text_area", "date_input", "toggle"):
        for e in at.get(kind):
            out += [(f"{kind}.label", e.label), (f"{kind}.help", getattr(e, "help", None) or "")]
            if kind == "radio":
                out += [("radio.option", str(o)) for o in e.options]
    for kind in ("metric", "expander", "tab"):
        out += [(f"{kind}.label", e.label) for e in at.get(kind)]
    for kind in ("download_button", "page_link"):
        out += [(f"{kind}.label", e.proto.label) for e in at.get(kind)] + [(f"{kind}.help", e.proto.help) for e in at.get(kind)]
    for e in at.get("progress"):
        out.append(("progress.text", e.proto.text))
    return out


def test_hostile_names_notes_and_titles_render_as_text_on_every_workspace_page(tmp_path, monkeypatch):
    from store import repo
    from store.access import hash_password
    from store.db import make_engine, upgrade
    from tests.test_workspace_app import article_answers, goto
    from ui.workspace import session as ws

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", hash_password("a long password"))
    ws._engine_for.clear()
    ws.limiters.clear()
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade(engine)
    client = repo.create_client(engine, HOSTILE)
    saved = repo.create_assessment(
        engine, client.id, HOSTILE, dt.date(2025, 1, 1), "en", answers=article_answers(), company=HOSTILE
    )
    second = repo.duplicate_assessment(engine, saved, HOSTILE + " 2")
    v = repo.set_note(engine, saved, "buys_data", HOSTILE, expected_version=1, author=HOSTILE)
    v = repo.update_assessment(engine, saved, expected_version=v, author=HOSTILE, title=HOSTILE + " (v2)").version
    for name in (HOSTILE, HOSTILE + " too"):
        r = repo.add_respondent(engine, saved, name, HOSTILE)
        repo.set_respondent_answer(
            engine, r, "company_sector", "finance" if name == HOSTILE else "healthcare", expected_version=r.version
        )
    repo.set_branding(engine, HOSTILE, None)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at = goto(at, "workspace")
    at.text_input(key="ws_author_field").input(HOSTILE)
    at.text_input(key="ws_password").input("a long password")
    at.button(key="ws_unlock").click().run()
    at.session_state["ws_client"] = client.id
    at.session_state["ws_selected"] = saved.id
    at.session_state["ws_compare_a"], at.session_state["ws_compare_b"] = saved.id, second.id
    at.session_state["ws_workshop_q"] = "company_sector"
    shown_somewhere = 0
    try:
        for page in ("workspace", "clients", "assessment", "compare", "workshop", "spreadsheets", "settings"):
            at = goto(at, page)
            assert not at.exception, (page, [e.value for e in at.exception])
            for field, text in _markdown_fields(at):
                for fragment in RAW_FRAGMENTS:
                    assert fragment not in text, (page, field, text)
                shown_somewhere += "Eve" in text
    finally:
        engine.dispose()
        ws._engine_for.clear()
    assert shown_somewhere >= 8  # the names really were on the pages, escaped


# -- the Markdown export ------------------------------------------------------------------------------------


ADDRESSES_AND_MATH = "see www.evil.example, http://evil.example/x, a@b.example; $$x^2$$ and $y$ :smile:"


def test_the_markdown_export_leaves_no_bare_address_or_math(article_answers):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    from tests.exports import markdown

    company = ADDRESSES_AND_MATH
    text = markdown(assess(article_answers, dt.date(2026, 11, 29)), AnswerSet(article_answers, company, "en"))
    renderer = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify"]).use(dollarmath_plugin)
    html = renderer.render(text)
    assert "<a " not in html and 'class="math' not in html, html[:800]
    plain = MarkdownIt("commonmark").render(text)
    assert "www.evil.example" in plain and "$$x^2$$" in plain  # shown, as text


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_every_export_shows_addresses_and_math_as_typed(article_answers, fmt):
    """Each export, read as its reader shows it, holds the addresses, the math and the shortcode as typed:
    none left out or rewritten (that the Markdown makes no link or math of them is tested above)."""
    a = assess(article_answers, dt.date(2026, 11, 29))
    data = fmt.build(a, AnswerSet(article_answers, ADDRESSES_AND_MATH, "en"))
    assert squash(ADDRESSES_AND_MATH) in squash(seen_text(fmt, data)), fmt.key


# -- the answers download is built on click -----------------------------------------------------------------


def test_the_answers_download_is_deferred_so_no_media_url_holds_the_answers(article_answers):
    from tests.test_app_flow import goto_page

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["answers"] = dict(article_answers)
    at.session_state["company"] = "Private Co"
    at.session_state["law_as_of"] = dt.date(2026, 11, 29)
    at.run()
    pages = [at, goto_page(at, "results")]
    found = 0
    for page in pages:
        for button in page.get("download_button"):
            if button.key in ("download_answers_sidebar", "download_answers"):
                found += 1
                assert not button.proto.url, button.proto.url  # no /media address made at render time
                assert button.proto.deferred_file_id
    assert found >= 3  # the sidebar's on both pages, and the results page's own


def test_a_broken_character_in_a_resumed_file_is_refused_and_every_page_still_works(article_answers):
    from tests.test_app_flow import goto_page

    body = {"bank_version": "x", "lang": "en", "answers": dict(article_answers), "company": "Acme"}
    data = json.dumps(body).replace('"Acme"', '"Acme\\ud800"').encode()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.file_uploader(key="resume_file_0").set_value(("bad.json", data, "application/json")).run()
    assert not at.exception
    assert any("broken character" in e.value.replace("\\", "") for e in at.sidebar.error)
    for page in ("results", "sources", "about", "assess"):
        assert not goto_page(at, page).exception


def test_a_refused_file_is_explained_in_the_pages_language_in_plain_words():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    for content in (b"not json at all", b'{"hello": 1, "bank_version": "x", "lang": "en", "answers": {}}'):
        at.file_uploader(key=f"resume_file_{at.session_state['uploader_round']}").set_value(
            ("bad2.json", content, "application/json")
        ).run()
        message = at.sidebar.error[0].value
        assert "无法使用" in message
        for jargon in ("Expecting value", "not valid JSON", "unknown top-level key", "allowed:", "line 1 column"):
            assert jargon not in message, message
        assert sum("\u4e00" <= ch <= "\u9fff" for ch in message) > 20, message
    # Switching the language says it again, in the new language.
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert "pirisk does not know" in at.sidebar.error[0].value.replace("\\", "")


def test_the_workspace_page_never_shows_a_password_from_the_database_url(tmp_path, monkeypatch):
    from store.access import hash_password
    from tests.test_workspace_app import goto
    from ui.workspace import session as ws

    secret = "not-for-the-screen-4711"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}?password={secret}")
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", hash_password("a long password"))
    ws._engine_for.clear()
    ws.limiters.clear()
    try:
        at = goto(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run(), "workspace")
        at.text_input(key="ws_author_field").input("Ann")
        at.text_input(key="ws_password").input("a long password")
        at.button(key="ws_unlock").click().run()
        shown = " ".join(text for _, text in _markdown_fields(at))
        assert "password" in shown and secret not in shown, shown  # the parameter is named, its value masked
    finally:
        ws._engine_for.clear()
