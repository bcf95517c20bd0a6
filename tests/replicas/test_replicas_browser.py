"""Two replicas behind nginx, in Debian's chromium: browsers on different replicas, a session that keeps
its replica (even when the connection drops), consultants on two replicas editing one assessment, and
the app working under the Content Security Policy.

Every page is watched (harness.PageWatch): no CSP violation, no error, nothing asked of any address
but nginx's."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from store import repo
from store.spreadsheet import template_xlsx
from tests.e2e.test_app_browser import TIMEOUT, key
from tests.replicas.harness import Replicas, Visit, until

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
LAW_DATE = dt.date(2026, 1, 1)


def _sessions(replicas: Replicas) -> tuple[int, int]:
    return replicas.active_sessions(replicas.a), replicas.active_sessions(replicas.b)


def _seed(engine: sa.Engine) -> repo.SavedAssessment:
    client = repo.create_client(engine, "Acme Ltd")
    return repo.create_assessment(engine, client.id, "Review 2026", LAW_DATE, "en", answers=ANSWERS)


def test_two_browsers_through_nginx_run_on_two_replicas(visit: Callable[..., Visit], replicas: Replicas) -> None:
    """Each replica counts its own sessions: a browser pinned to A opens one on A, one pinned to B on B."""
    a0, b0 = until(lambda: _sessions(replicas), "the replicas' session counts")
    first = visit(replicas.a)
    first.open()
    expect(key(first.page, "welcome_start")).to_be_visible(timeout=TIMEOUT)  # a new visit opens on the welcome
    until(lambda: _sessions(replicas) == (a0 + 1, b0), "a session on replica A only")
    second = visit(replicas.b)
    second.open()
    expect(key(second.page, "welcome_start")).to_be_visible(timeout=TIMEOUT)
    until(lambda: _sessions(replicas) == (a0 + 1, b0 + 1), "a session on replica B too")
    assert replicas.replica_of(first.context) == replicas.a
    assert replicas.replica_of(second.context) == replicas.b


def test_a_session_keeps_its_replica_across_pages_uploads_downloads_and_a_dropped_connection(
    visit: Callable[..., Visit], replicas: Replicas, empty_workspace: sa.Engine
) -> None:
    """A session lives in one replica's memory. Its page switches and reruns, its upload (an HTTP PUT
    naming the session), its download (an HTTP GET of the session's file) and its WebSocket's
    reconnection after nginx drops every connection must all reach that replica, or they fail."""
    v = visit()  # wherever nginx sends it
    v.unlock("Ann")
    home = replicas.replica_of(v.context)
    other = replicas.b if home == replicas.a else replicas.a
    other_sessions = replicas.active_sessions(other)

    v.nav("Clients")
    key(v.page, "ws_new_client").locator("input").fill("Acme Ltd")
    v.runs.click(key(v.page, "ws_create_client").locator("button"))
    expect(v.page.get_by_text("Client Acme Ltd added.")).to_be_visible(timeout=TIMEOUT)

    # An upload: the file goes by HTTP to /_stcore/upload_file/<session>/..., which only the session's replica knows.
    v.nav("Spreadsheets")
    title = key(v.page, "ws_import_title").locator("input")
    title.fill("Review 2026")
    before = v.runs.finished
    title.press("Enter")
    v.runs.wait(before)
    before = v.runs.finished
    key(v.page, "ws_import_file_0").locator("input[type=file]").set_input_files(
        files=[{"name": "answers.xlsx", "mimeType": "application/octet-stream", "buffer": template_xlsx("en", ANSWERS)}]
    )
    v.runs.wait(before)
    v.runs.click(key(v.page, "ws_import").locator("button"))
    expect(v.page.get_by_text(f"Imported Review 2026 (answers: {len(ANSWERS)}).")).to_be_visible(timeout=TIMEOUT)

    # A download, built on click and fetched from /media/..., which only the session's replica holds.
    v.nav("Assessment")
    expect(v.page.get_by_role("heading", name="Review 2026")).to_be_visible(timeout=TIMEOUT)
    with v.page.expect_download(timeout=TIMEOUT) as info:
        key(v.page, "ws_download_markdown").locator("button").click()
    assert info.value.suggested_filename.endswith("-en.md")
    assert Path(info.value.path()).read_text(encoding="utf-8").startswith("# ")

    # nginx stops and starts: the WebSocket drops, the page reconnects with its session's id, and finds
    # the session (still unlocked, its assessment still chosen) only because it is routed to the same replica.
    replicas.nginx.restart()
    v.nav("Clients")
    v.nav("Assessment")
    expect(v.page.get_by_role("heading", name="Review 2026")).to_be_visible(timeout=TIMEOUT)

    # nginx logs a WebSocket when it closes: close this one (the one opened again after the restart).
    route = replicas.route(v.context)
    v.context.close()
    until(lambda: any(e["path"] == "/_stcore/stream" for e in replicas.requests_of(route)), "the WebSocket in nginx's log")
    entries = replicas.requests_of(route)
    assert any(e["method"] == "PUT" and e["path"].startswith("/_stcore/upload_file/") and e["status"] < 300 for e in entries)
    assert any(e["method"] == "GET" and e["path"].startswith("/media/") and e["status"] == 200 for e in entries)
    assert {e["upstream"] for e in entries} == {home.address}, "a request of this session went to another replica"
    assert replicas.active_sessions(other) == other_sessions, f"a session was opened on replica {other.name}"


def test_consultants_on_two_replicas_see_each_others_saves_and_a_stale_save_is_refused(
    visit: Callable[..., Visit], replicas: Replicas, empty_workspace: sa.Engine
) -> None:
    saved = _seed(empty_workspace)
    ann, bob = visit(replicas.a), visit(replicas.b)
    ann.unlock("Ann")
    bob.unlock("Bob")
    ann.open_in_questionnaire(saved.id)
    bob.open_in_questionnaire(saved.id)  # both now hold version 1

    # Ann, on replica A, changes an answer: it is in the shared database at once.
    ann.answer("buys_data", "No")
    ann.checked("buys_data", "No").to_be_checked(timeout=TIMEOUT)
    stored = until(lambda: (a := repo.get_assessment(empty_workspace, saved.id)).version == 2 and a, "Ann's save")
    assert stored.answers["buys_data"] is False

    # Bob, on replica B, sees it on his next run: the Assessment page reads the database.
    bob.nav("Assessment")
    expect(bob.page.get_by_text("The questionnaire holds version 1, but the database is at version 2")).to_be_visible(
        timeout=TIMEOUT
    )

    # Bob's questionnaire still holds version 1: his save (on the same section) is refused, and nothing is overwritten.
    bob.nav("Assess", "Assess your exposure")
    bob.answer("scrapes_data", "Yes")
    expect(bob.page.get_by_text("Changed by someone else; reload.")).to_be_visible(timeout=TIMEOUT)
    bob.checked("scrapes_data", "No").to_be_checked(timeout=TIMEOUT)  # his change is undone on screen
    bob.checked("buys_data", "Yes").to_be_checked(timeout=TIMEOUT)  # and his screen is stale
    now = repo.get_assessment(empty_workspace, saved.id)
    assert (now.version, now.answers["buys_data"], now.answers["scrapes_data"]) == (2, False, False)

    # Reload: Bob's screen shows Ann's answer, and his own change goes through on top of it.
    bob.runs.click(key(bob.page, "ws_reload").get_by_role("button"), fragment=None)  # the step, or the page if the law date moved
    expect(bob.page.get_by_text("(version 2,")).to_be_visible(timeout=TIMEOUT)
    bob.checked("buys_data", "No").to_be_checked(timeout=TIMEOUT)
    bob.runs.click(key(bob.page, "question__scrapes_data").get_by_text("Yes", exact=True), fragment=True)
    bob.checked("scrapes_data", "Yes").to_be_checked(timeout=TIMEOUT)
    final = until(lambda: (a := repo.get_assessment(empty_workspace, saved.id)).version == 3 and a, "Bob's save")
    assert (final.answers["buys_data"], final.answers["scrapes_data"]) == (False, True)
    authors = {(c.question_id, c.author) for c in repo.history(empty_workspace, saved.id)}
    assert {("buys_data", "Ann"), ("scrapes_data", "Bob")} <= authors

    # Ann's scores and radar chart, drawn under the Content Security Policy.
    ann.nav("Results")
    expect(ann.page.locator(".st-key-radar svg")).to_be_visible(timeout=TIMEOUT)
    assert replicas.replica_of(ann.context) == replicas.a and replicas.replica_of(bob.context) == replicas.b


def test_no_other_page_can_frame_the_app(browser: Browser, replicas: Replicas) -> None:
    """frame-ancestors 'none' (and X-Frame-Options DENY): a page elsewhere that frames the app gets an error
    page in the frame, so it cannot overlay the app's buttons (clickjacking)."""
    page = browser.new_page()
    try:
        page.set_content(f'<iframe src="{replicas.url}/workspace" width="800" height="600"></iframe>')
        until(lambda: len(page.frames) == 2 and page.frames[1].url.startswith("chrome-error://"), "the refused frame")
        assert page.frames[1].locator("#root").count() == 0
    finally:
        page.close()
