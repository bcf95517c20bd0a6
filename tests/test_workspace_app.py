"""The consultant workspace through AppTest: the password door and every workspace screen on a temp SQLite database."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from questions.locales import LOCALES
from scoring.engine import assess
from scoring.loader import default_law
from store import repo
from store.access import hash_password
from store.db import make_engine, upgrade
from store.spreadsheet import template_xlsx
from tests import svg_charts as sv
from tests.ui_text import as_read
from ui import nav
from ui.present import md
from ui.workspace import link as wl
from ui.workspace import session as ws

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
LAW = default_law()
PASSWORD = "correct horse battery"
LOCKED_PATHS = {"", "results", "sources", "about", "workspace"}
DOOR_KEYS = {"ws_author_field", "ws_password", "ws_unlock"}  # the sign-in form's widgets
WORKSPACE_ONLY = set(nav.WORKSPACE_PAGES) - {"workspace"}
NASTY = "<script>alert(1)</script> **bold** [link](javascript:alert(1)) <img src=x onerror=alert(2)> $x^2$ :red[x]"


class Clock:
    """A clock the test moves by hand (the session expiry and the rate limiter read it)."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(ws, "clock", c)
    return c


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password_hash: str, clock: Clock) -> Iterator[Any]:
    """A fresh SQLite workspace for the app (env DATABASE_URL) and the test, and the password hash in env."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", password_hash)
    monkeypatch.delenv("PIRISK_WORKSPACE_SESSION_MINUTES", raising=False)
    ws.limiters.clear()  # the process-wide limiters would carry failures over from other tests
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    ws.limiters.clear()


def article_answers() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]


def normalised(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers with tick-lists in a fixed order (the store keeps them in the bank's order)."""
    return {qid: sorted(v) if isinstance(v, list) else v for qid, v in answers.items()}


def start(**state: Any) -> AppTest:
    """The app past the founder's welcome, with `state` set."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["started"] = True
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def paths(at: AppTest) -> set[str]:
    """The addresses of the pages registered as themselves. While locked, each workspace page's address
    opens the door instead, registered under the door's title: those are left out."""
    return {
        info.get("url_pathname")
        for info in at._registered_pages.values()
        if info.get("page_name") != "Workspace" or info.get("url_pathname") == "workspace"
    }


def goto(at: AppTest, url_path: str) -> AppTest:
    """Open a registered page, as a click in the sidebar does; later runs stay where the app is."""
    wanted = "" if url_path == "assess" else url_path
    hashes = [h for h, info in at._registered_pages.items() if info.get("url_pathname") == wanted]
    assert hashes, f"no page {url_path!r} registered"
    at._page_hash = hashes[0]
    at.run()
    at._page_hash = ""
    return at


def unlock(at: AppTest, password: str = PASSWORD, author: str = "Ann") -> AppTest:
    goto(at, "workspace")
    at.text_input(key="ws_author_field").input(author)
    at.text_input(key="ws_password").input(password)
    return at.button(key="ws_unlock").click().run()


def unlocked(**state: Any) -> AppTest:
    at = unlock(start(**state))
    assert "clients" in paths(at), [e.value for e in at.error]
    return at


def texts(at: AppTest) -> str:
    """Everything written on the page (markdown unescaped, plain text, captions, alerts) as one string."""
    parts = [as_read(m.value) for m in [*at.markdown, *at.caption]]
    parts += [x.value for x in at.get("text")]
    parts += [as_read(x.value) for x in [*at.error, *at.warning, *at.info, *at.success]]
    return "\n".join(parts)


def workspace_keys(at: AppTest) -> set[str]:
    return {k for k in at.session_state.keys() if k.startswith("ws_")}


def seeded(
    db: Any, answers: dict[str, Any] | None = None, *, client: str = "Acme", day: dt.date | None = None
) -> repo.SavedAssessment:
    c = next((x for x in repo.list_clients(db) if x.name == client), None) or repo.create_client(db, client)
    return repo.create_assessment(db, c.id, "Review 2025", day or dt.date(2025, 6, 1), "en", answers=answers or {})


def open_on(at: AppTest, assessment_id: int, page: str) -> AppTest:
    """Show an assessment on the Assessment or Workshop page (as its Details / Workshop buttons do)."""
    at.session_state[ws.SELECTED] = assessment_id
    return goto(at, page)


# -- the door ---------------------------------------------------------------------------------------------


def test_without_a_password_hash_the_workspace_explains_how_to_turn_it_on_and_stays_closed(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIRISK_WORKSPACE_PASSWORD_HASH")
    at = start()
    assert not at.exception
    assert paths(at) == LOCKED_PATHS
    goto(at, "workspace")
    assert not at.exception
    assert any("hash-password" in c.value for c in at.code)
    assert any("PIRISK_WORKSPACE_PASSWORD_HASH" in c.value for c in at.code)
    assert any("workspace_password_hash" in c.value for c in at.code)
    assert "switched off" in texts(at)
    assert not [w for w in at.text_input if w.key == "ws_password"]
    assert paths(at) == LOCKED_PATHS


def test_a_password_pasted_where_the_hash_goes_keeps_it_closed_with_a_clear_message(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIRISK_WORKSPACE_PASSWORD_HASH")
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["workspace_password_hash"] = "hunter22"
    at.run()
    goto(at, "workspace")
    assert not at.exception
    assert "not an argon2 hash" in texts(at)
    assert not [w for w in at.text_input if w.key == "ws_password"]


def test_the_hash_can_come_from_streamlit_secrets(db: Any, monkeypatch: pytest.MonkeyPatch, password_hash: str) -> None:
    monkeypatch.delenv("PIRISK_WORKSPACE_PASSWORD_HASH")
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["workspace_password_hash"] = password_hash
    at.run()
    unlock(at)
    assert not at.exception
    assert WORKSPACE_ONLY <= paths(at)


def test_a_wrong_password_keeps_it_locked_and_the_password_is_not_kept(db: Any) -> None:
    at = unlock(start(), password="not the password")
    assert not at.exception
    assert "That password is not right" in texts(at)
    assert paths(at) == LOCKED_PATHS
    assert ws.UNLOCKED not in at.session_state
    assert at.session_state["ws_password"] == ""
    at = unlock(at)  # the right one still works
    assert WORKSPACE_ONLY <= paths(at)
    assert at.session_state["ws_password"] == ""
    assert "The workspace is unlocked" in texts(at)


def test_failed_attempts_are_rate_limited_per_session_and_over_the_whole_process(db: Any, clock: Clock) -> None:
    at = start()
    for _ in range(ws.PER_CLIENT_FAILURES):
        unlock(at, password="wrong password")
    assert "Too many failed attempts. Try again in 5 minutes" in texts(at)
    at = unlock(at)  # the right password, but refused without being checked
    assert paths(at) == LOCKED_PATHS
    assert "Too many failed attempts" in texts(at)
    clock.advance(5.1)
    at = unlock(at)
    assert WORKSPACE_ONLY <= paths(at)

    # Over the whole process: enough failures from any sessions close the door for everyone for a while.
    ws.limiters.clear()
    overall = ws.limiters().overall
    for _ in range(ws.GLOBAL_FAILURES):
        overall.record_failure("all")
    fresh = unlock(start())
    assert paths(fresh) == LOCKED_PATHS
    assert "Too many failed attempts" in texts(fresh)


def test_the_session_locks_itself_after_inactivity(db: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    at = unlocked()
    clock.advance(29)
    goto(at, "clients")
    assert at.title[0].value == "Clients"  # activity renews the session
    clock.advance(29)
    at.run()
    assert "clients" in paths(at)
    clock.advance(31)
    at.run()
    assert not at.exception
    assert paths(at) == LOCKED_PATHS
    assert at.title[0].value == "Consultant workspace"  # the page it was on asks to sign in again, and says why
    assert "locked itself after 30 minutes" in " ".join(w.value for w in at.sidebar.warning)
    assert "locked itself after 30 minutes" in " ".join(w.value for w in at.main.warning)
    assert "Acme" not in texts(at)
    assert workspace_keys(at) <= DOOR_KEYS and not at.session_state["ws_password"]  # only the empty sign-in form

    monkeypatch.setenv("PIRISK_WORKSPACE_SESSION_MINUTES", "5")
    at = unlocked()
    clock.advance(6)
    at.run()
    assert paths(at) == LOCKED_PATHS


def test_workspace_addresses_open_the_door_while_locked_and_show_nothing_behind_it(db: Any) -> None:
    seeded(db, client="Secret Client Ltd")
    at = start()
    for path in sorted(WORKSPACE_ONLY):
        at._page_hash = calc_hash(path)  # as if the address /clients (etc.) were typed in
        at.run()
        at._page_hash = ""
        assert not at.exception
        assert at.title[0].value == "Consultant workspace", path  # the sign-in form, not "Page not found"
        assert at.text_input(key="ws_password") is not None
        assert "Secret Client" not in texts(at)
        assert not [b for b in at.button if b.key and b.key.startswith("ws_") and b.key != "ws_unlock"]


def test_a_reload_signs_in_and_comes_back_to_the_same_page_client_and_assessment(db: Any) -> None:
    """Issue 22, item 3: F5 starts a new, locked session; the address holds the page and the ids."""
    seeded(db, client="Other Ltd")
    saved = seeded(db, client="Acme")
    at = open_on(unlocked(), saved.id, "assessment")
    assert (at.query_params["assessment"], at.query_params["client"]) == (str(saved.id), str(saved.client_id))

    again = AppTest.from_file(APP, default_timeout=30)  # F5: the same address, a new session
    again.session_state["started"] = True
    again.query_params.update({"assessment": str(saved.id), "client": str(saved.client_id), "lang": "en"})
    again._page_hash = calc_hash("assessment")
    again.run()
    assert not again.exception
    assert again.title[0].value == "Consultant workspace" and "Review 2025" not in texts(again)
    again.text_input(key="ws_author_field").input("Ann")
    again.text_input(key="ws_password").input(PASSWORD)
    again.button(key="ws_unlock").click().run()
    assert not again.exception
    assert again.title[0].value == "Assessment"
    assert again.subheader[0].value == "Review 2025" and "Acme" in texts(again)
    assert again.session_state[ws.CLIENT] == saved.client_id


def test_every_workspace_page_guards_itself_even_if_navigation_let_it_through(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded(db, client="Secret Client Ltd")
    everything = (*nav.PAGES, *nav.WORKSPACE_PAGES)
    monkeypatch.setattr(
        nav, "pages", lambda unlocked=False, workspace=True, door=True: [nav.page(n) for n in everything]
    )  # a navigation bug, simulated
    at = start()
    for path in sorted(WORKSPACE_ONLY):
        goto(at, path)
        assert not at.exception
        assert "part of the consultant workspace, which is locked" in texts(at), path
        assert "Secret Client" not in texts(at)
        assert not [b for b in at.button if b.key and b.key.startswith("ws_")]


def test_unlocking_does_not_touch_the_self_assessment_and_locking_clears_workspace_data(db: Any) -> None:
    mine = {"buys_data": True, "company_sector": "finance"}
    saved = seeded(db, article_answers())
    repo.set_note(db, saved, "buys_data", "client said yes", expected_version=saved.version, author="Ann")
    at = unlocked(answers=copy.deepcopy(mine), company="Self Ltd")
    assert at.session_state["answers"] == mine  # unlocking alone changes nothing
    goto(at, "clients")
    at.button(key=f"ws_open__{saved.id}").click().run()
    assert not at.exception
    assert at.title[0].value == "Assess your exposure"
    assert normalised(at.session_state["answers"]) == normalised(article_answers())
    assert at.session_state["company"] == "Acme"  # a new assessment takes the client's name
    assert at.session_state["ws_open"]["id"] == saved.id
    assert "Workspace assessment: Acme — Review 2025" in texts(at)

    at.sidebar.button(key="ws_lock").click().run()
    assert not at.exception
    assert at.session_state["answers"] == mine
    assert at.session_state["company"] == "Self Ltd"
    assert not workspace_keys(at)
    assert paths(at) == LOCKED_PATHS
    assert "client said yes" not in texts(at)
    assert "Its data has been cleared" in " ".join(i.value for i in at.sidebar.info)


def test_closing_a_workspace_assessment_brings_the_self_assessment_back(db: Any) -> None:
    mine = {"buys_data": False}
    saved = seeded(db, {"company_sector": "finance"})
    at = unlocked(answers=dict(mine), law_as_of=dt.date(2020, 1, 1))
    goto(at, "clients")
    at.button(key=f"ws_open__{saved.id}").click().run()
    assert at.session_state["law_as_of"] == saved.law_as_of
    assert not [u for u in at.sidebar.get("file_uploader")]  # no resuming from a file over a stored assessment
    at.sidebar.button(key="ws_close").click().run()
    assert at.session_state["answers"] == mine
    assert at.session_state["law_as_of"] == dt.date(2020, 1, 1)
    assert "ws_open" not in at.session_state
    assert "clients" in paths(at)  # still unlocked


def test_an_unusable_database_is_a_clear_message_not_a_traceback(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    at = unlocked()
    monkeypatch.setenv("DATABASE_URL", "mysql://someone@db/pirisk")
    goto(at, "workspace")
    assert not at.exception
    assert "SQLite or PostgreSQL" in texts(at)
    goto(at, "clients")
    assert not at.exception
    assert "SQLite or PostgreSQL" in texts(at)


# -- clients and assessments --------------------------------------------------------------------------------


def test_create_a_client_and_an_assessment_open_it_and_each_answer_is_saved_with_a_new_version(db: Any) -> None:
    at = goto(unlocked(), "clients")
    assert "No clients yet" in texts(at)
    at.text_input(key="ws_new_client").input("Acme Ltd")
    at.button(key="ws_create_client").click().run()
    assert not at.exception
    client = repo.list_clients(db)[0]
    assert client.name == "Acme Ltd"
    at.text_input(key="ws_new_title").input("Annual review")
    at.date_input(key="ws_new_date").set_value(dt.date(2024, 3, 1))
    at.button(key="ws_create_assessment").click().run()
    assert not at.exception
    assert "Assessments: 1" in texts(at)
    saved = repo.list_assessments(db, client.id)[0]
    assert (saved.title, saved.law_as_of, saved.status, saved.version) == ("Annual review", dt.date(2024, 3, 1), "draft", 1)

    at.button(key=f"ws_open__{saved.id}").click().run()
    assert at.title[0].value == "Assess your exposure"
    assert at.session_state["law_as_of"] == dt.date(2024, 3, 1)
    at.radio(key="company_sector").set_value("finance").run()
    assert not at.exception
    stored = repo.get_assessment(db, saved.id)
    assert stored.answers == {"company_sector": "finance"} and stored.version == 2
    assert at.session_state["ws_open"]["version"] == 2
    at.radio(key="consumer_facing").set_value(True).run()
    stored = repo.get_assessment(db, saved.id)
    assert stored.answers == {"company_sector": "finance", "consumer_facing": True} and stored.version == 3
    change = repo.history(db, saved.id)[0]
    assert (change.question_id, change.old_value, change.new_value, change.author) == ("consumer_facing", None, True, "Ann")
    at.text_input(key="company_input").input("Acme Operating Co").run()
    assert repo.get_assessment(db, saved.id).company == "Acme Operating Co"
    at.sidebar.button(key="law_article").click().run()  # the law date picked in the sidebar is the assessment's
    assert repo.get_assessment(db, saved.id).law_as_of == LAW.method.article_date


def test_rename_and_delete_a_client_with_confirmation(db: Any) -> None:
    saved = seeded(db, {"company_sector": "finance"}, client="Old Name")
    repo.set_note(db, saved, "company_sector", "a note", expected_version=saved.version, author="Ann")
    at = goto(unlocked(), "clients")
    at.text_input(key="ws_rename_client").input("New Name")
    at.button(key="ws_rename").click().run()
    assert [c.name for c in repo.list_clients(db)] == ["New Name"]
    assert at.button(key="ws_delete_client").disabled  # until the name is typed
    at.text_input(key="ws_delete_client_confirm").input("New Nam").run()
    assert at.button(key="ws_delete_client").disabled
    at.text_input(key="ws_delete_client_confirm").input("New Name").run()
    assert not at.button(key="ws_delete_client").disabled
    at.button(key="ws_delete_client").click().run()
    assert not at.exception
    assert repo.list_clients(db) == []
    assert repo.list_assessments(db, include_archived=True) == []
    assert "deleted, with all its assessments (1)" in texts(at)


def test_status_archive_and_delete_an_assessment(db: Any) -> None:
    saved = seeded(db, {"company_sector": "finance"})
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception
    at.button(key="ws_mark_final").click().run()
    assert repo.get_assessment(db, saved.id).status == "final"
    at.button(key="ws_reopen").click().run()
    assert repo.get_assessment(db, saved.id).status == "draft"
    at.button(key="ws_archive").click().run()
    assert repo.get_assessment(db, saved.id).status == "archived"
    assert repo.list_assessments(db) == []
    at.button(key="ws_unarchive").click().run()
    assert repo.get_assessment(db, saved.id).status == "final"
    at.text_input(key=f"ws_delete_confirm__{saved.id}").input("Review 2025").run()
    at.button(key="ws_delete_assessment").click().run()
    assert not at.exception
    assert repo.list_assessments(db, include_archived=True) == []
    assert "Assessment Review 2025 deleted" in texts(at)


def test_a_final_assessment_refuses_answers_in_the_questionnaire_and_puts_the_old_one_back(db: Any) -> None:
    saved = seeded(db, {"company_sector": "finance"})
    repo.set_status(db, saved, "final", expected_version=saved.version, author="Ann")
    at = goto(unlocked(), "clients")
    at.button(key=f"ws_open__{saved.id}").click().run()
    assert "not a draft" in texts(at)
    at.radio(key="company_sector").set_value("healthcare").run()
    assert not at.exception
    assert at.session_state["answers"]["company_sector"] == "finance"
    assert repo.get_assessment(db, saved.id).answers == {"company_sector": "finance"}
    assert "That answer was not saved" in texts(at)


def test_a_change_made_by_someone_else_is_a_conflict_and_nothing_is_overwritten(db: Any) -> None:
    saved = seeded(db, {"company_sector": "finance"})
    at = goto(unlocked(), "clients")
    at.button(key=f"ws_open__{saved.id}").click().run()
    assert at.session_state["ws_open"]["version"] == 1
    # Someone else, in another session or replica, saves first.
    repo.set_answer(db, saved, "company_sector", "healthcare", expected_version=1, author="Bob")
    at.radio(key="company_sector").set_value("education").run()
    assert not at.exception
    assert "Changed by someone else; reload" in texts(at)
    stored = repo.get_assessment(db, saved.id)
    assert stored.answers == {"company_sector": "healthcare"} and stored.version == 2  # Bob's answer stands
    assert at.session_state["answers"]["company_sector"] == "finance"  # what this session last knew, not "education"
    assert at.radio(key="company_sector").value == "finance"
    at.button(key="ws_reload").click().run()
    assert not at.exception
    assert "Changed by someone else; reload" not in texts(at)
    assert "Agreed answer: Finance → Healthcare (Bob, " in texts(at)  # what changed, and who changed it
    assert at.session_state["answers"] == {"company_sector": "healthcare"}
    assert at.session_state["ws_open"]["version"] == 2
    at.radio(key="company_sector").set_value("education").run()
    assert repo.get_assessment(db, saved.id).answers == {"company_sector": "education"}
    assert repo.get_assessment(db, saved.id).version == 3


# -- duplicate, compare, history, notes -----------------------------------------------------------------


def test_duplicate_last_years_assessment_change_it_and_compare_the_two(db: Any) -> None:
    old = seeded(db, article_answers(), day=dt.date(2020, 9, 4))
    at = open_on(unlocked(), old.id, "assessment")
    assert not at.exception
    assert {m.label for m in at.metric} == {"Civil", "Criminal", "Administrative", "Reputational"}
    at.text_input(key=f"ws_dup_title__{old.id}").input("Review 2026")
    at.date_input(key=f"ws_dup_date__{old.id}").set_value(dt.date(2026, 1, 15))
    at.button(key="ws_duplicate").click().run()
    assert not at.exception
    copy_ = next(a for a in repo.list_assessments(db) if a.title == "Review 2026")
    assert copy_.answers == old.answers and copy_.law_as_of == dt.date(2026, 1, 15) and copy_.status == "draft"
    assert at.session_state[ws.SELECTED] == copy_.id

    # Change one answer in the copy through the questionnaire.
    at.button(key="ws_open_here").click().run()
    assert at.session_state["ws_open"]["id"] == copy_.id
    at.session_state["step"] = 2  # sourcing
    at.run()
    at.radio(key="buys_data").set_value(False).run()
    assert repo.get_assessment(db, copy_.id).answers["buys_data"] is False

    goto(at, "compare")
    assert not at.exception
    assert (at.selectbox(key=ws.COMPARE_A).value, at.selectbox(key=ws.COMPARE_B).value) == (old.id, copy_.id)
    answers_table = next(m.value for m in at.markdown if m.value.startswith("| Question |"))
    question = md(LAW.bank.questions["buys_data"].text["en"])
    assert f"| {question} | Yes | No |" in answers_table.splitlines()  # the question in full, not cut off
    a_scores = assess(old.answers, old.law_as_of)
    new_answers = repo.get_assessment(db, copy_.id).answers
    b_scores = assess(new_answers, copy_.law_as_of)
    score_table = next(m.value for m in at.markdown if m.value.startswith("| Axis |"))
    for line, axis in zip(score_table.splitlines()[2:], ("civil", "criminal", "administrative", "reputational"), strict=True):
        assert f" {a_scores.axes[axis].score} |" in line and f" {b_scores.axes[axis].score} |" in line
    bars = sv.bar_scores(sv.shown(at, "ws_compare_chart"))
    keys = ("civil", "criminal", "administrative", "reputational")
    assert bars[0] == pytest.approx({k: a_scores.axes[k].score for k in keys}, abs=0.2)
    assert bars[1] == pytest.approx({k: b_scores.axes[k].score for k in keys}, abs=0.2)
    _, gone = b_scores.changes_since(a_scores)
    assert gone, "not buying data resolves a finding"
    assert "No longer in B" in texts(at) and "New in B" in texts(at)
    listed = "\n".join(m.value for m in at.markdown)
    assert all(f"- {md(f.title['en'])}" in listed for f in gone)
    assert "@20" not in listed and not any(f.rule.split("@")[0] in listed for f in a_scores.findings)  # no internal ids


def test_history_shows_each_change_and_restores_an_earlier_value(db: Any) -> None:
    saved = seeded(db, {"company_sector": "finance"})
    v2 = repo.set_answer(db, saved, "company_sector", "healthcare", expected_version=1, author="Bob")
    repo.set_answer(db, saved, "consumer_facing", True, expected_version=v2, author="Carol")
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception
    changes = repo.history(db, saved.id)
    page = texts(at)
    assert "Finance → **Healthcare**" in page and "Not answered → **Yes**" in page
    assert "Version 2 · Bob" in page and "Version 3 · Carol" in page
    first = next(c for c in changes if c.question_id == "company_sector")
    at.button(key=f"ws_restore__{first.id}").click().run()
    assert not at.exception
    stored = repo.get_assessment(db, saved.id)
    assert stored.answers == {"company_sector": "finance", "consumer_facing": True} and stored.version == 4
    latest = repo.history(db, saved.id)[0]
    assert (latest.question_id, latest.new_value, latest.author) == ("company_sector", "finance", "Ann")
    assert "Answer restored" in texts(at)

    # A restore based on a version someone else has moved on from is refused.
    repo.set_answer(db, saved, "consumer_facing", False, expected_version=4, author="Bob")
    at.button(key=f"ws_restore__{first.id}").click().run()  # the button still carries version 4
    assert "Changed by someone else; reload" in texts(at)
    assert repo.get_assessment(db, saved.id).version == 5


def test_notes_are_written_in_the_questionnaire_and_listed_on_the_assessment_page(db: Any) -> None:
    saved = seeded(db, {"company_sector": "finance"})
    at = goto(unlocked(), "clients")
    at.button(key=f"ws_open__{saved.id}").click().run()
    at.text_area(key="ws_note__consumer_facing").input(NASTY).run()
    assert not at.exception
    assert repo.get_notes(db, saved.id)["consumer_facing"].text == NASTY
    assert at.text_area(key="ws_note__consumer_facing").value == NASTY
    open_on(at, saved.id, "assessment")
    assert NASTY in [x.value for x in at.get("text")]  # plain text, shown literally
    assert LAW.bank.questions["consumer_facing"].text["en"] in texts(at)
    # Emptying the note deletes it.
    goto(at, "assess")
    at.text_area(key="ws_note__consumer_facing").input("").run()
    assert repo.get_notes(db, saved.id) == {}


# -- workshop -------------------------------------------------------------------------------------------------


def test_the_workshop_highlights_disagreement_and_saves_the_agreed_answer(db: Any) -> None:
    saved = seeded(db)
    at = open_on(unlocked(), saved.id, "workshop")
    assert not at.exception
    first = LAW.bank.sections[0].questions[0]
    assert as_read(at.title[1].value) == first.text["en"]  # the question, in large type
    assert first.help["en"].split(".")[0].replace("\\", "") in texts(at)
    for name in ("CTO", "Legal"):
        at.text_input(key="ws_respondent_name").input(name)
        at.button(key="ws_add_respondent").click().run()
    cto, legal = repo.list_respondents(db, saved.id)
    assert "disagree" not in texts(at)
    at.radio(key=f"ws_resp__{cto.id}__company_sector").set_value("finance").run()
    at.radio(key=f"ws_resp__{legal.id}__company_sector").set_value("healthcare").run()
    assert not at.exception
    assert repo.disagreements(db, saved.id) == ["company_sector"]
    assert "The respondents disagree on this question" in texts(at)
    assert "CTO: Finance" in texts(at) and "Legal: Healthcare" in texts(at)
    assert "Questions with disagreement: 1" in texts(at)

    at.radio(key="ws_agreed__company_sector").set_value("finance").run()
    assert not at.exception
    stored = repo.get_assessment(db, saved.id)
    assert stored.answers == {"company_sector": "finance"} and stored.version == 2
    assert repo.history(db, saved.id)[0].author == "Ann"
    assert at.get("progress")[0].proto.text.startswith("1 of ")  # live results: partial status

    at.button(key="ws_next").click().run()
    assert as_read(at.title[1].value) == LAW.bank.sections[0].questions[1].text["en"]
    at.button(key="ws_prev").click().run()
    assert as_read(at.title[1].value) == first.text["en"]

    # Someone else saves first: the agreed answer is refused, nothing is overwritten.
    repo.set_answer(db, saved, "company_sector", "education", expected_version=2, author="Bob")
    at.radio(key="ws_agreed__company_sector").set_value("telecom").run()
    assert "Changed by someone else; reload" in texts(at)
    assert repo.get_assessment(db, saved.id).answers["company_sector"] == "education"
    at.button(key="ws_reload").click().run()
    assert at.radio(key="ws_agreed__company_sector").value == "education"


def test_the_workshops_live_results_follow_the_agreed_answers(db: Any) -> None:
    answers = article_answers()
    saved = seeded(db, answers, day=dt.date(2012, 9, 4))
    at = open_on(unlocked(), saved.id, "workshop")
    assert not at.exception
    expected = assess(answers, dt.date(2012, 9, 4))
    assert {m.label: m.value for m in at.metric} == {
        a: f"{expected.axes[a.lower()].score}/100" for a in ("Civil", "Criminal", "Administrative", "Reputational")
    }
    radar = sv.shown(at, "ws_live_radar")
    assert sv.radar_scores(radar) == {k: [r.score] for k, r in expected.axes.items()}
    # Clearing a required agreed answer turns the panel back to a partial status.
    repo.set_answer(db, saved, "company_sector", None, expected_version=1, author="Ann")
    at.run()
    assert not at.metric
    assert "Scores appear once every required question has an agreed answer (1 to go)" in texts(at)


# -- branding and spreadsheets ------------------------------------------------------------------------------


def _png(width: int = 40, height: int = 20) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (31, 95, 139)).save(out, format="PNG")
    return out.getvalue()


def test_branding_is_saved_checked_and_printed_on_the_pdf_cover(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    at = goto(unlocked(), "settings")
    assert not at.exception
    at.text_input(key="ws_brand_name").input("Acme Advisory")
    at.file_uploader(key="ws_brand_logo").set_value(("logo.png", _png(), "image/png"))
    at.button(key="ws_save_branding").click().run()
    assert not at.exception
    saved = repo.get_branding(db)
    assert saved.name == "Acme Advisory" and saved.logo == _png()
    assert "Branding saved: Acme Advisory" in texts(at)
    assert at.get("imgs") or at.get("image")

    at.text_input(key="ws_brand_name").input("Renamed")
    at.file_uploader(key="ws_brand_logo").set_value(("logo.png", b"<svg onload=alert(1)>", "image/png"))
    at.button(key="ws_save_branding").click().run()
    assert "must be a PNG or JPEG image" in texts(at)
    assert repo.get_branding(db).name == "Acme Advisory"  # nothing saved

    from ui.workspace.assessments import report_pdf

    complete = seeded(db, article_answers(), day=dt.date(2012, 9, 4))
    pdf = report_pdf(complete, repo.get_branding(db))
    assert pdf.startswith(b"%PDF-")
    assert b"Acme Advisory" in pdf  # the author metadata; the cover prints it too

    # The Results page's PDF carries it too while a workspace assessment is open.
    given: list[Any] = []
    branding = wl.branding
    monkeypatch.setattr(wl, "branding", lambda: given.append(branding()) or given[-1])
    goto(at, "clients")
    at.button(key=f"ws_open__{complete.id}").click().run()
    goto(at, "results")
    assert not at.exception
    assert "Workspace assessment: Acme — Review 2025" in texts(at)
    assert given[-1].name == "Acme Advisory" and given[-1].logo == _png()
    assert "download_pdf" in {d.key for d in at.get("download_button")}


def test_a_spreadsheet_template_imports_as_a_new_assessment_and_a_bad_one_saves_nothing(db: Any) -> None:
    client = repo.create_client(db, "Acme")
    at = goto(unlocked(), "spreadsheets")
    assert not at.exception
    assert "ws_template_download" in {d.key for d in at.get("download_button")}

    good = template_xlsx("en", answers=article_answers())
    at.text_input(key="ws_import_title").input("From the client's sheet")
    at.file_uploader(key="ws_import_file_0").set_value(("answers.xlsx", good, "application/octet-stream"))
    at.run()
    at.button(key="ws_import").click().run()
    assert not at.exception
    imported = repo.list_assessments(db, client.id)
    assert [a.title for a in imported] == ["From the client's sheet"]
    assert normalised(imported[0].answers) == normalised(article_answers())
    assert f"(answers: {len(article_answers())})" in texts(at)

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(good))
    sheet = book["answers"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(row=rows["buys_data"], column=6).value = "perhaps"
    sheet.cell(row=rows["user_count"], column=6).value = "<b>lots</b>"
    out = io.BytesIO()
    book.save(out)
    at.text_input(key="ws_import_title").input("Bad sheet")
    at.file_uploader(key="ws_import_file_1").set_value(("bad.xlsx", out.getvalue(), "application/octet-stream"))
    at.run()
    at.button(key="ws_import").click().run()
    assert not at.exception
    assert "Nothing was saved. Cells to fix: 2." in texts(at)
    problems = at.dataframe[0].value
    assert set(problems["Question id"]) == {"buys_data", "user_count"}
    assert set(problems["Row"]) == {rows["buys_data"], rows["user_count"]}
    assert len(repo.list_assessments(db, client.id)) == 1

    at.file_uploader(key="ws_import_file_1").set_value(("notes.xlsx", b"not a workbook", "application/octet-stream"))
    at.run()
    at.button(key="ws_import").click().run()
    assert "Could not import the file: The file is not an Excel .xlsx workbook" in texts(at)


def test_export_a_clients_assessments_or_the_whole_portfolio_with_scores(db: Any) -> None:
    from ui.workspace.sheets import export_table

    done = seeded(db, article_answers(), client="Acme", day=dt.date(2012, 9, 4))
    seeded(db, {"company_sector": "finance"}, client="Beta")
    at = goto(unlocked(), "spreadsheets")
    table = at.dataframe[0].value
    assert list(table["client"]) == ["Acme", "Beta"]
    expected = assess(article_answers(), dt.date(2012, 9, 4))
    assert int(table.loc[0, "criminal_score"]) == expected.axes["criminal"].score
    assert "required answers missing" in str(table.loc[1, "error"])
    assert {"ws_export_xlsx", "ws_export_csv"} <= {d.key for d in at.get("download_button")}
    at.selectbox(key="ws_export_scope").set_value(done.client_id).run()
    assert list(at.dataframe[0].value["client"]) == ["Acme"]
    assert list(export_table(db, done.client_id)["title"]) == ["Review 2025"]


# -- user text, every language, every page -------------------------------------------------------------------


def _inert(markdown_text: str) -> None:
    """Rendered by a CommonMark reader that lets raw HTML through, user text yields no tag and no link."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).render(markdown_text)
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<strong>bold" not in html, html[:300]


def test_client_names_titles_notes_and_respondents_show_literally(db: Any) -> None:
    client = repo.create_client(db, NASTY)
    saved = repo.create_assessment(db, client.id, NASTY, dt.date(2025, 1, 1), "en", answers=article_answers(), company=NASTY)
    repo.duplicate_assessment(db, saved, NASTY[:-1])
    repo.add_respondent(db, saved, NASTY, NASTY)
    repo.set_note(db, saved, "buys_data", NASTY, expected_version=saved.version, author=NASTY)
    repo.set_branding(db, NASTY, None)
    at = unlock(start(), author=NASTY)
    at.session_state[ws.SELECTED] = saved.id
    at.session_state[ws.CLIENT] = client.id
    goto(at, "workshop")
    at.radio(key="ws_agreed__company_sector").set_value("education").run()  # a change in the history, by NASTY
    seen = 0
    for page in ("clients", "assessment", "workshop", "compare", "settings", "spreadsheets"):
        at.session_state[ws.SELECTED] = saved.id
        goto(at, page)
        assert not at.exception, page
        for element in [*at.markdown, *at.caption, *at.title, *at.subheader, *at.header]:
            if "alert" in element.value:
                seen += 1
                _inert(element.value)
        assert all("alert" not in h.proto.body for h in at.get("html"))
        assert any(NASTY in x.value for x in at.get("text")) or page in ("compare", "spreadsheets"), page
    assert seen >= 5
    goto(at, "assessment")
    assert [x.value for x in at.get("text")].count(NASTY) >= 2  # client (the company, the same, once) and the note, as typed


@pytest.mark.parametrize("lang", LOCALES)
def test_every_workspace_page_runs_in_every_language(db: Any, lang: str) -> None:
    saved = seeded(db, article_answers(), day=dt.date(2012, 9, 4))
    repo.duplicate_assessment(db, saved, "Copy")
    repo.add_respondent(db, saved, "CTO")
    at = unlock(start(lang=lang))
    for page in nav.WORKSPACE_PAGES:
        at.session_state[ws.SELECTED] = saved.id
        goto(at, page)
        assert not at.exception, page
        assert at.title, page
    if lang == "zh":
        assert paths(at) >= WORKSPACE_ONLY
        assert at.title[0].value == "品牌设置"


# -- the deliverable: action plan, report options, readable history, snapshots (issue 13) -----------------------

DELIVERED = dt.date(2026, 12, 1)
STOP_BUYING = "stop_buying_personal_data"  # sets buys_data: false; the article's company buys data


def test_the_action_plan_tracks_a_measure_with_history_and_offers_the_answers_it_changes(db: Any) -> None:
    saved = seeded(db, article_answers(), day=DELIVERED)
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception
    assert {t.label for t in at.tabs} >= {"Action plan", "History", "Notes"}
    measures = [b.key.split("__")[1] for b in at.button if b.key and b.key.startswith("ws_action_track__")]
    assert measures == [r.remedy for r in assess(saved.answers, DELIVERED).remedies]  # every ranked measure, in order
    at.button(key=f"ws_action_track__{STOP_BUYING}").click().run()
    assert not at.exception
    (action,) = repo.list_actions(db, saved.id)
    assert (action.remedy_id, action.status, action.version) == (STOP_BUYING, "planned", 1)
    assert "Now tracked as an action" in texts(at)
    assert "If the planned actions are done" in texts(at)  # the progress, per axis, on the score cards

    at.text_input(key=f"ws_action_owner__{action.id}").input("Li Wei")
    at.date_input(key=f"ws_action_due__{action.id}").set_value(dt.date(2027, 3, 31))
    at.selectbox(key=f"ws_action_status__{action.id}").set_value("done")
    at.text_area(key=f"ws_action_evidence__{action.id}").input(NASTY)
    at.button(key=f"ws_action_save__{action.id}").click().run()
    assert not at.exception
    done = repo.get_action(db, action.id)
    assert (done.owner, done.due, done.status, done.evidence, done.version) == ("Li Wei", dt.date(2027, 3, 31), "done", NASTY, 2)
    assert {c.author for c in repo.action_history(db, action.id) if c.version == 2} == {"Ann"}
    # Done changes no answer by itself: it offers to, naming each answer.
    assert repo.get_assessment(db, saved.id).answers["buys_data"] is True
    assert "Answers its measure changes: 1." in texts(at)
    assert LAW.bank.questions["buys_data"].text["en"] in texts(at)
    at.button(key=f"ws_action_apply__{action.id}").click().run()
    assert not at.exception
    stored = repo.get_assessment(db, saved.id)
    assert stored.answers["buys_data"] is False and stored.version == 2
    assert (repo.history(db, saved.id)[0].question_id, repo.history(db, saved.id)[0].author) == ("buys_data", "Ann")
    assert "the history records each change" in texts(at)
    assert not [b for b in at.button if b.key == f"ws_action_apply__{action.id}"]  # nothing left to offer

    # "Not doing" needs a reason: without one nothing is saved.
    at.selectbox(key=f"ws_action_status__{action.id}").set_value("not_doing")
    at.button(key=f"ws_action_save__{action.id}").click().run()
    assert "Say why the action is not being done." in texts(at)
    assert repo.get_action(db, action.id).version == 2
    # Someone else saved first: refused, and said so.
    repo.update_action(db, action.id, {"owner": "Zhang Min"}, expected_version=2, author="Bob")
    at.text_input(key=f"ws_action_reason__{action.id}").input("Budget frozen")
    at.button(key=f"ws_action_save__{action.id}").click().run()
    assert "Changed by someone else; reload" in texts(at)
    assert repo.get_action(db, action.id).owner == "Zhang Min"


def test_the_report_is_offered_in_every_format_with_the_appendices_chosen(db: Any) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from report.formats import FORMATS, export_format
    from ui.workspace.assessments import report_file

    saved = seeded(db, article_answers(), day=DELIVERED)
    repo.add_respondent(db, saved, "Li Wei", "CTO")
    repo.create_action(db, saved, STOP_BUYING, owner="Li Wei", author="Ann")
    at = open_on(unlocked(), saved.id, "assessment")
    keys = {d.key for d in at.get("download_button")}
    assert {f.workspace_label for f in FORMATS} | {"ws_download_workbook"} <= keys
    at.selectbox(key=f"ws_report_compare__{saved.id}").set_value(repo.ARTICLE)
    at.checkbox(key=f"ws_report_projected__{saved.id}").check()
    at.checkbox(key=f"ws_report_trace__{saved.id}").check().run()
    assert not at.exception

    options = {"compare_with": repo.ARTICLE, "projected": True, "trace": True}
    doc = Document(io.BytesIO(report_file(saved, None, export_format("docx"), **options)))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [h for h in h1 if h.startswith("Appendix")][2:] == [
        "Appendix C: Workshop",
        "Appendix D: Comparison",
        "Appendix E: Scores if the planned actions are done",
        "Appendix F: Trace",
    ]
    assert "Acme" in "\n".join(p.text for p in doc.paragraphs[:12])  # the client on the cover
    book = load_workbook(io.BytesIO(report_file(saved, None, export_format("xlsx"), **options)))
    assert {"Workshop", "Comparison", "If the actions are done"} <= set(book.sheetnames)
    assert "Li Wei" in [c.value for c in book["Action plan"]["E"]]


def test_history_groups_a_sitting_into_one_entry_in_local_time(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIRISK_TIMEZONE", "Asia/Shanghai")
    saved = seeded(db, {})
    version = 1
    for q, v in (("company_sector", "finance"), ("consumer_facing", True), ("buys_data", False)):
        version = repo.set_answer(db, saved, q, v, expected_version=version, author="Ann")
    repo.set_answer(db, saved, "biometrics", True, expected_version=version, author="Bob")
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception
    labels = [e.label.replace("\\", "").replace("&#58;", ":") for e in at.expander]  # as read: md() escapes the label
    assert [label.split(" · ", 1)[1] for label in labels] == [
        "Bob · answers changed: 1 (versions 5–5)",
        "Ann · answers changed: 3 (versions 2–4)",
    ]
    changed = repo.history(db, saved.id)[0].changed_at
    local = changed.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert labels[0].startswith(f"{local:%Y-%m-%d %H:%M} UTC+08:00")
    assert "Times are local (UTC+08:00)" in texts(at)
    assert len([b for b in at.button if b.key and b.key.startswith("ws_restore__")]) == 4  # each change, inside its sitting


def test_the_time_zone_setting_is_documented_for_the_team() -> None:
    from ui.local_time import TIMEZONE_ENV

    guide = (ROOT / "docs" / "team.md").read_text(encoding="utf-8")
    assert f"`{TIMEZONE_ENV}`" in guide and "Asia/Shanghai" in guide


def test_snapshots_are_taken_and_compared_on_the_history_tab(db: Any) -> None:
    saved = seeded(db, article_answers(), day=DELIVERED)
    at = open_on(unlocked(), saved.id, "assessment")
    at.text_input(key=f"ws_snapshot_name__{saved.id}").input("after workshop 1")
    at.button(key="ws_snapshot_take").click().run()
    assert not at.exception
    (snap,) = repo.list_snapshots(db, saved.id)
    assert (snap.name, snap.version, snap.author) == ("after workshop 1", 1, "Ann")
    repo.set_answer(db, saved, "buys_data", False, expected_version=1, author="Bob")
    at.run()
    table = next(m.value for m in at.markdown if m.value.startswith("| Question |"))
    assert f"| {md(LAW.bank.questions['buys_data'].text['en'])} | Yes | No |" in table.splitlines()
    assert "Answers that differ: 1" in texts(at)
    at.button(key=f"ws_snapshot_delete__{snap.id}").click().run()
    assert repo.list_snapshots(db, saved.id) == []


def test_a_new_assessment_takes_its_clients_name_as_the_company(db: Any) -> None:
    client = repo.create_client(db, "Example Internet Co.")
    at = goto(unlocked(), "clients")
    at.text_input(key="ws_new_title").input("Annual review 2026")
    at.button(key="ws_create_assessment").click().run()
    assert not at.exception
    (created,) = repo.list_assessments(db, client.id)
    assert created.company == "Example Internet Co."


def test_the_self_assessments_sidebar_stays_off_the_workspaces_pages(db: Any) -> None:
    """Issue 22, item 8: the law date and the answers file belong to the questionnaire, not the workspace."""
    saved = seeded(db)
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception
    keys = {getattr(w, "key", None) for w in at.sidebar}
    assert "lang_switch" in keys and "ws_lock" in keys
    assert not {"law_date", "law_today", "download_answers_sidebar"} & keys
    goto(at, "assess")
    assert "law_date" in {getattr(w, "key", None) for w in at.sidebar}


def test_the_client_name_shows_once_when_the_company_is_the_client(db: Any) -> None:
    saved = seeded(db)
    assert saved.company == "Acme"
    at = open_on(unlocked(), saved.id, "assessment")
    assert [x.value for x in at.get("text")].count("Acme") == 1
    repo.update_assessment(db, saved.ref, expected_version=1, author="Ann", company="Acme Shanghai Ltd")
    at.run()
    assert {"Acme", "Acme Shanghai Ltd"} <= {x.value for x in at.get("text")}


# -- issue 22: a report to send as it is; the law changing under saved work ---------------------------------


def test_white_label_summary_and_scope_are_set_in_the_workspace_and_reach_the_report(db: Any) -> None:
    from report.formats import export_format
    from report.markdown import md_escape
    from ui.workspace.assessments import report_file

    at = goto(unlocked(), "settings")
    at.text_input(key="ws_brand_name").input("Acme Advisory")
    at.checkbox(key="ws_brand_white_label").check()
    at.button(key="ws_save_branding").click().run()
    assert not at.exception
    assert repo.get_branding(db).white_label is True
    assert "Reports are white-label" in texts(at)

    saved = seeded(db, article_answers(), day=DELIVERED)
    at = open_on(at, saved.id, "assessment")
    assert not at.exception
    at.text_area(key=f"ws_edit_summary__{saved.id}").input("Sharing comes first. <b>pirisk</b> was not used")
    at.text_area(key=f"ws_edit_scope__{saved.id}").input("The consumer app")
    at.button(key="ws_save_details").click().run()
    assert not at.exception
    stored = repo.get_assessment(db, saved.id)
    assert (stored.summary, stored.scope) == ("Sharing comes first. <b>pirisk</b> was not used", "The consumer app")
    md = report_file(stored, repo.get_branding(db), export_format("md")).decode("utf-8")
    assert md_escape("Sharing comes first. <b>pirisk</b> was not used") in md  # the consultant's words, escaped
    assert "The consumer app" in md and "Not modelled" not in md
    assert "pirisk" not in md.replace("&lt;b&gt;pirisk&lt;/b&gt;", "").lower()


def test_the_assessment_page_says_what_moved_since_the_rules_it_was_saved_under(db: Any) -> None:
    import dataclasses

    from scoring.axes import AXES
    from scoring.engine import assess_answers

    saved = seeded(db, article_answers(), day=DELIVERED)
    result = assess_answers(saved.answer_set(), law=default_law())
    # What an older version of the rules made of the same answers: another version, criminal one level lower.
    older = dataclasses.replace(
        result,
        rules_version="2026.1.1",
        axes={**result.axes, "criminal": dataclasses.replace(result.axes["criminal"], level="medium", score=40)},
    )
    repo.record_scored(db, saved.ref, saved.version, older)
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception
    shown = texts(at)
    current = default_law().method.rules_version
    assert f"Scored under rules 2026.1.1; under the current rules ({current}):" in shown
    criminal = next(a.label["en"] for a in AXES if a.key == "criminal")
    assert f"{criminal}: Medium (40) →" in shown
    at.button(key="ws_rules_accept").click().run()
    assert not at.exception
    assert "Scored under rules" not in texts(at)
    kept = repo.saved_result(db, saved.id, saved.version)
    assert kept is not None and kept.rules_version == current


def test_a_cross_border_assessment_shows_its_route_and_an_old_retired_answer_is_set_aside(db: Any) -> None:
    """Issue 23: the workspace shows the transfer route as the Results page does; an assessment saved
    before the route questions, holding an answer to the retired `cross_border_mechanism`, still opens."""
    from sqlalchemy import update

    from scoring.answers_file import read_answers
    from store.db import writing
    from store.models import AssessmentRow

    answers = read_answers(ROOT / "examples" / "saas-parent-abroad-2026.json").answers
    saved = seeded(db, answers, day=dt.date(2026, 12, 4))
    with writing(db) as s:  # as a version saved before bank 2026.12.4 holds it
        s.execute(
            update(AssessmentRow).where(AssessmentRow.id == saved.id).values(answers={**answers, "cross_border_mechanism": True})
        )
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception, at.exception
    shown = texts(at) + " ".join(s.value for s in at.subheader)
    assert "Your transfer route as of 2026-12-04" in shown.replace("&#58;", ":").replace("\\", "")
    assert "Not in place" in shown
