"""A founder's first visit, through AppTest and the pure helpers: the welcome and who skips it, the
language from the browser, moves that land on a heading, answers kept in the browser (the session's
side), and the small things that looked broken (raw Markdown, a wrong note, two cards alike, two
words for severity). The browser's side is in tests/e2e/test_founder_browser.py."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from questions.locales import LOCALE_NAMES, LOCALES
from questions.strings import tr
from scoring.engine import assess, visibility
from scoring.loader import default_law
from tests.test_app_flow import goto_page
from ui import state
from ui.welcome import minutes

STEPS = len(default_law().bank.sections)  # the questionnaire's steps; the review comes after them

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXAMPLES = ROOT / "examples"
LAW = default_law()
BANK = LAW.bank


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def fresh(locale: str | None = None, lang: str | None = None, **session: Any) -> AppTest:
    """A first visit: no state but what is given, the browser's locale and ?lang= as given."""
    at = AppTest.from_file(APP, default_timeout=30)
    if locale is not None:
        at.context["locale"] = locale
    if lang is not None:
        at.query_params["lang"] = lang
    for key, value in session.items():
        at.session_state[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """What the page says: Markdown and captions with ui.present.md's escapes undone (backslashes, and
    the colon it writes as &#58; so that Streamlit cannot read `:name:` as an emoji or icon)."""
    return html.unescape(" ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)]).replace("\\", ""))


# -- the welcome -------------------------------------------------------------------------------------


def test_a_first_visit_opens_on_the_welcome_with_everything_it_promises() -> None:
    at = fresh()
    assert not at.exception
    assert at.title[0].value == "How exposed is your company under China's personal-information law?"
    assert not at.get("progress"), "the welcome comes before question 1"
    said = texts(at)
    assert "civil, criminal, administrative and reputational" in said and "cited" in said and "PDF" in said
    bank = default_law().bank
    n, steps = len(bank.questions), len(bank.sections)
    low, high = minutes(n)
    assert f"about {low}–{high} minutes: {n} questions in {steps} steps" in said
    assert "law as of" in said and "2012-09-04" in said
    assert "sends nothing anywhere" in said
    # A language switch on the first screen itself, not only in the sidebar a phone hides.
    assert at.radio(key="lang_switch_welcome").options == [LOCALE_NAMES[lang] for lang in LOCALES]  # English, 中文
    assert [o for o in at.radio(key="welcome_law").options] == [
        f"Today ({dt.date.today().isoformat()}): the current law",
        "2012-09-04: the law as in the 2012 article",
    ]
    assert at.checkbox(key="keep_welcome").label == "Keep my answers in this browser"
    assert at.button(key="welcome_start").label == "Start the questionnaire"


def test_the_welcome_presets_set_the_law_date_and_start_opens_step_one_on_its_heading() -> None:
    at = fresh()
    at.radio(key="welcome_law").set_value("article").run()
    assert at.session_state["law_as_of"] == LAW.method.article_date
    at.radio(key="welcome_law").set_value("today").run()
    assert at.session_state["law_as_of"] == dt.date.today()
    at.checkbox(key="keep_welcome").check().run()
    assert at.session_state["keep"] is True
    moves = at.session_state["move"]
    at.button(key="welcome_start").click().run()
    assert not at.exception
    assert at.title[0].value == "Assess your exposure"
    assert at.header[0].value.startswith(f"Step 1 of {STEPS}")
    assert at.session_state["move"] == moves + 1 and at.session_state["focus"] == "#step-0"


def test_the_welcome_sidebar_offers_only_the_language_and_a_file_to_resume_from() -> None:
    """Each choice once on the first screen: the welcome has its own law dates and keep box, and there is
    nothing yet to download. Once started, the sidebar has them all again."""
    at = fresh()
    kinds = {type(e).__name__ for e in at.sidebar}
    assert [r.key for r in at.sidebar.radio] == ["lang_switch"]
    assert [u.proto.label for u in at.sidebar.get("file_uploader")] == ["Resume from file"]
    assert not at.sidebar.button and not at.sidebar.checkbox and not at.sidebar.get("download_button"), kinds
    at.button(key="welcome_start").click().run()
    assert {b.key for b in at.sidebar.button} == {"law_today", "law_article"}
    assert [c.key for c in at.sidebar.checkbox] == ["keep_sidebar"]
    assert [d.proto.label for d in at.sidebar.get("download_button")] == ["Download answers"]
    assert at.sidebar.get("date_input") and at.sidebar.get("file_uploader")


def test_a_session_with_answers_goes_straight_to_the_questionnaire() -> None:
    at = fresh(answers={"company_sector": "finance"}, step=2)
    assert at.title[0].value == "Assess your exposure"
    assert at.header[0].value.startswith(f"Step 3 of {STEPS}")


def test_the_welcome_in_chinese_switches_language_in_place() -> None:
    at = fresh(lang="zh")
    assert at.title[0].value == "贵公司在中国个人信息保护法律下面临多大风险？"
    at.radio(key="lang_switch_welcome").set_value("en").run()
    assert at.title[0].value.startswith("How exposed")
    assert at.query_params["lang"] == "en"


# -- the language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "browser", "expected"),
    [
        (None, "zh-CN", "zh"),
        (None, "zh-TW", "zh"),  # Traditional Chinese gets Simplified while assets/locales.yaml lists these under zh
        (None, "zh-HK", "zh"),
        (None, "zh-Hans-CN", "zh"),
        (None, "zh", "zh"),
        (None, "en-GB", "en"),
        (None, "fr-FR", "en"),
        (None, None, "en"),
        ("en", "zh-CN", "en"),  # ?lang= overrides the browser
        ("zh", "en-US", "zh"),
        ("tlh", "zh-CN", "zh"),  # a language pirisk does not speak is ignored
    ],
)
def test_the_first_language_comes_from_the_address_else_the_browser(
    asked: str | None, browser: str | None, expected: str
) -> None:
    assert state.choose_lang(asked, browser) == expected


def test_a_chinese_browser_opens_in_chinese_and_the_address_can_override_it() -> None:
    at = fresh(locale="zh-CN")
    assert at.session_state["lang"] == "zh"
    assert at.title[0].value.startswith("贵公司")
    assert at.query_params["lang"] == "zh"  # kept in the address: a reload stays in Chinese
    at = fresh(locale="zh-CN", lang="en")
    assert at.session_state["lang"] == "en"
    assert at.title[0].value.startswith("How exposed")


# -- moves land on a heading -------------------------------------------------------------------------


def test_next_back_jumps_and_changes_each_record_a_move_to_the_new_steps_heading() -> None:
    profile = example("article-2012-internet-company")["answers"]
    first = {q.id: profile[q.id] for q in BANK.sections[0].questions}
    at = fresh(answers=first, started=True)
    assert at.header[0].proto.anchor == "step-0"
    seen = at.session_state["move"]

    def moved_to(step: int) -> None:
        nonlocal seen
        assert at.session_state["step"] == step
        assert at.session_state["move"] == seen + 1, "each move is counted once"
        assert at.session_state["focus"] == f"#step-{step}"
        assert at.header[0].proto.anchor == f"step-{step}"
        seen = at.session_state["move"]

    at.button(key="nav_next").click().run()
    moved_to(1)
    at.button(key="nav_back").click().run()
    moved_to(0)
    at.button(key="goto__6").click().run()
    moved_to(6)
    at.button(key=f"goto__{STEPS}").click().run()
    moved_to(STEPS)
    at.button(key=f"edit__{BANK.section_of['buys_data']}").click().run()
    moved_to(2)


def test_a_blocked_next_lands_on_the_list_of_what_is_missing() -> None:
    at = fresh(started=True)
    at.button(key="nav_next").click().run()
    assert at.session_state["step"] == 0
    assert at.session_state["focus"] == ".st-key-blocked_notice"
    assert at.error and "Please answer these questions" in at.error[0].value


def test_a_page_change_lands_on_the_new_pages_title() -> None:
    at = fresh(answers=example("article-2012-internet-company")["answers"])
    seen = at.session_state["move"]
    at = goto_page(at, "results")
    assert at.session_state["move"] == seen + 1 and at.session_state["focus"] == "#page-results"
    assert at.title[0].proto.anchor == "page-results"
    at = goto_page(at, "sources")
    assert at.session_state["focus"] == "#page-sources"
    at.session_state["step"] = 4
    at = goto_page(at, "assess")
    assert at.session_state["focus"] == "#step-4"  # back on the questionnaire: the step, not the page title


# -- answers kept in the browser: the session's side -------------------------------------------------


def _session(**values: Any) -> dict[str, Any]:
    return {
        "answers": {},
        "company": "",
        "lang": "en",
        "law_as_of": dt.date(2026, 1, 5),
        "step": 0,
        "what_if": [],
        "blocked": [],
        **values,
    }


def test_kept_answers_come_back_with_company_law_date_and_step(monkeypatch: pytest.MonkeyPatch) -> None:
    file = example("article-2012-internet-company")
    kept = _session(answers=file["answers"], company="Kept <b>Ltd</b>", law_as_of=dt.date(2012, 9, 4), step=7)
    monkeypatch.setattr(state.link, "current", lambda: state.link.DETACHED)
    text = state.kept_text(kept, LAW)
    assert json.loads(text)["format"] == "pirisk-kept"
    back = _session()
    assert state.restore_kept(back, text, LAW) is True
    assert back["answers"] == file["answers"]
    assert back["company"] == "Kept <b>Ltd</b>"
    assert back["law_as_of"] == dt.date(2012, 9, 4)
    assert back["step"] == 7
    assert back["keep"] is True and back["started"] is True
    assert back["kept_loaded"] == len(file["answers"])


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "not json",
        "[]",
        json.dumps({"format": "other", "step": 1, "file": {}}),
        json.dumps({"format": "pirisk-kept", "step": 1, "file": "x"}),
        json.dumps({"format": "pirisk-kept", "step": 1, "file": {"bank_version": "x", "lang": "en", "answers": {"no_such": 1}}}),
        json.dumps({"format": "pirisk-kept", "step": 1, "file": {"answers": {}}}),
        "x" * 3_000_000,
    ],
)
def test_anything_else_the_browser_kept_is_refused_and_changes_nothing(text: Any) -> None:
    session = _session()
    before = dict(session)
    assert state.restore_kept(session, text, LAW) is False
    assert session == before


def test_kept_answers_never_replace_answers_already_given() -> None:
    kept = state.kept_text(_session(answers={"buys_data": True}), LAW)
    session = _session(answers={"buys_data": False})
    assert state.restore_kept(session, kept, LAW) is False
    assert session["answers"] == {"buys_data": False}


def test_a_step_out_of_range_in_what_was_kept_is_brought_into_range() -> None:
    kept = json.loads(state.kept_text(_session(answers={"buys_data": True}), LAW))
    for step, expected in ((99, len(BANK.sections)), (-3, 0), ("2", 0), (True, 0)):
        session = _session()
        assert state.restore_kept(session, json.dumps({**kept, "step": step}), LAW)
        assert session["step"] == expected


def test_keeping_is_opt_in_and_unticking_tells_the_browser_to_forget() -> None:
    at = fresh(started=True)
    assert at.session_state["keep"] is False and at.session_state["forget"] is False
    at.checkbox(key="keep_sidebar").check().run()
    assert at.session_state["keep"] is True and at.session_state["forget"] is False
    at.checkbox(key="keep_sidebar").uncheck().run()
    assert at.session_state["keep"] is False and at.session_state["forget"] is True
    note = " ".join(c.value for c in at.sidebar.caption).replace("\\", "")
    assert "localStorage" in note and "never sent to a server" in note and "If not ticked, nothing is kept" in note


def test_the_fingerprint_follows_what_a_downloaded_file_saves_and_not_the_language() -> None:
    one = _session(answers={"buys_data": True})
    assert state.fingerprint(one) == state.fingerprint({**one, "lang": "zh", "step": 5})
    assert state.fingerprint(one) != state.fingerprint({**one, "answers": {"buys_data": False}})
    assert state.fingerprint(one) != state.fingerprint({**one, "company": "X"})
    assert state.fingerprint(one) != state.fingerprint({**one, "law_as_of": dt.date(2012, 9, 4)})


# -- small things that looked broken -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
def test_the_review_renders_its_markdown_with_no_stray_asterisks(lang: str) -> None:
    file = example("article-2012-internet-company")
    at = fresh(answers=file["answers"], company=file["company"], step=len(BANK.sections), lang=lang)
    assert not at.exception
    renderer = MarkdownIt("commonmark")
    shown = [re.sub(r"<[^>]+>", "", renderer.render(m.value)) for m in at.markdown]
    stray = [text for text in shown if "**" in text]
    assert stray == []
    assert any(
        f"<strong>{tr('ui', 'company_short', lang)}</strong>" in renderer.render(m.value)  # "Company or project"
        for m in at.markdown
    )


def test_an_optional_note_blames_i_dont_know_only_when_something_was_marked() -> None:
    at = fresh(started=True, step=1)
    maybe = [qid for qid, v in visibility({}, LAW).items() if v == 1 and qid in {q.id for q in BANK.sections[1].questions}]
    assert maybe, "section 2 has questions shown while what they depend on is unanswered"
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "marked" not in captions
    assert "depends on an earlier question that is not answered yet" in captions
    at.checkbox(key="data_categories__unknown").check().run()
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "it depends on an answer you marked" in captions


def test_no_two_axis_cards_read_the_same() -> None:
    file = example("healthtech-startup-2026")
    day = dt.date.fromisoformat(file["law_as_of"])
    expected = assess(file["answers"], day)
    tops = [r.top_rule for r in expected.axes.values() if r.top_rule]
    assert len(tops) > len(set(tops)), "this example has one finding at the top of two axes"
    at = goto_page(fresh(answers=file["answers"], law_as_of=day), "results")
    assert not at.exception
    cards = {
        axis: " ".join(m.value for m in keyed(at._tree.main, f"axis__{axis}").get("markdown"))
        .replace("\\", "")
        .replace("&#58;", ":")
        for axis in expected.axes
    }
    assert len(set(cards.values())) == 4, cards
    assert "Same main finding as the Administrative card" in cards["reputational"]
    assert expected.axes["administrative"].reason["en"] in cards["administrative"]


def keyed(node: Any, key: str) -> Any:
    """The container (AppTest block) with this key."""
    if getattr(node, "key", None) == key:
        return node
    for child in getattr(node, "children", {}).values():
        found = keyed(child, key)
        if found is not None:
            return found
    return None


def test_severity_has_one_chinese_word_on_every_surface() -> None:
    """GB/T 39335's 影响程度: the cards, the grid, the About page and the PDF say the same."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "assets" / "locale").glob("*.yaml")):
        for key, text in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            # "impact assessment" is PIPL Art 55's 影响评估 (the PIPIA), another term than the axis's impact
            if isinstance(text, dict) and re.search(r"\b(severity|impact)\b(?!\s+assessment)", text.get("en", ""), flags=re.I):
                found[f"{path.name}:{key}"] = text["zh"]
                # one English word too: the lawyer's review chose "impact", as GB/T 39335's 影响程度 says
                words = re.sub(r"\{[^}]*\}", "", text["en"])  # placeholders are names, not words
                assert not re.search(r"\bseverity\b", words, flags=re.I), f"{path.name}:{key}"
    assert len(found) >= 8
    wrong = {where: zh for where, zh in found.items() if "影响程度" not in zh or "严重程度" in zh}
    assert wrong == {}


# -- installed without the workspace extra -------------------------------------------------------------

BLOCK_WORKSPACE_STACK = """
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'sqlalchemy', 'alembic', 'psycopg', 'argon2'}:
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, Missing())
import importlib.util
_find = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name.split('.')[0] in {'sqlalchemy', 'alembic', 'psycopg', 'argon2'} else _find(name, *a)
"""

FOUNDER_PAGES = """
import json, sys
from streamlit.testing.v1 import AppTest
answers = json.load(open('examples/article-2012-internet-company.json'))['answers']
seen = {}
at = AppTest.from_file('app.py', default_timeout=60).run()
seen['welcome'] = [t.value for t in at.title]
at.session_state['answers'] = answers
at.run()
for name, info in list(at._registered_pages.items()):
    at._page_hash = name
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    seen[info.get('url_pathname') or 'assess'] = [t.value for t in at.title]
loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'alembic', 'psycopg', 'argon2', 'store'})
print(json.dumps({'pages': seen, 'loaded': loaded}))
"""


def test_a_founder_needs_no_database_stack() -> None:
    """`pip install pirisk` without the workspace extra: every founder's page runs, and the workspace
    is not offered (nor its modules imported)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_WORKSPACE_STACK + FOUNDER_PAGES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result["pages"]) == {"welcome", "assess", "results", "sources", "about"}
    assert result["pages"]["results"] == ["Results"]
    assert result["loaded"] == []
