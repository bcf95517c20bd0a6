"""The action plan in Debian's chromium: a consultant takes a measure on as an action, gives it an owner,
marks it done, agrees to the answers it changes, and downloads the Word report that carries it."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import unlock_workspace
from conftest import running_app
from playwright.sync_api import Page, expect
from test_app_browser import TIMEOUT, ScriptRuns, key

from store import repo
from store.access import hash_password
from store.db import make_engine, upgrade

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
PASSWORD = "action plan password"
MEASURE = "stop_buying_personal_data"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_type_launch_args: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """The app with its own database holding one complete assessment; yields (url, database url, its id)."""
    folder = tmp_path_factory.mktemp("actions")
    database = f"sqlite:///{folder / 'w.db'}"
    engine = make_engine(database)
    upgrade(engine)
    client = repo.create_client(engine, "Example Internet Co.")
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    saved = repo.create_assessment(engine, client.id, "Annual review 2026", dt.date(2026, 12, 1), "en", answers=answers)
    engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "PIRISK_WORKSPACE_PASSWORD_HASH": hash_password(PASSWORD),
        "PIRISK_DATA_DIR": str(folder),
    }
    env.pop("PIRISK_WORKSPACE_SESSION_MINUTES", None)
    with running_app(folder, env) as url:
        yield url, database, saved.id


def _until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + TIMEOUT / 1000
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


def test_track_an_action_mark_it_done_change_its_answers_and_download_the_word_report(
    page: Page, server: tuple[str, str, int]
) -> None:
    from docx import Document

    url, database, assessment_id = server
    engine = make_engine(database)
    runs = ScriptRuns(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    unlock_workspace(page, runs, url, PASSWORD, "Ann")
    runs.click(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients", exact=True))
    runs.click(key(page, f"ws_details__{assessment_id}").get_by_role("button"))
    expect(page.get_by_role("heading", name="Annual review 2026")).to_be_visible(timeout=TIMEOUT)

    # The Action plan tab opens first: take the measure on.
    runs.click(key(page, f"ws_action_track__{MEASURE}").get_by_role("button"))
    expect(page.get_by_text("Now tracked as an action")).to_be_visible(timeout=TIMEOUT)
    action = _until(lambda: repo.list_actions(engine, assessment_id), "the action")[0]
    key(page, f"ws_action_owner__{action.id}").locator("input").fill("Li Wei")
    key(page, f"ws_action_evidence__{action.id}").locator("textarea").fill("Supplier contracts ended on 2026-11-30")
    key(page, f"ws_action_status__{action.id}").get_by_role("combobox").click()
    page.get_by_role("option", name="Done", exact=True).click()
    runs.click(key(page, f"ws_action_save__{action.id}").get_by_role("button"))
    expect(page.get_by_text("Answers its measure changes: 1.")).to_be_visible(timeout=TIMEOUT)
    saved = repo.get_action(engine, action.id)
    assert (saved.owner, saved.status, saved.version) == ("Li Wei", "done", 2)
    assert repo.get_assessment(engine, assessment_id).answers["buys_data"] is True  # not silently

    runs.click(key(page, f"ws_action_apply__{action.id}").get_by_role("button"))
    expect(page.get_by_text("the history records each change")).to_be_visible(timeout=TIMEOUT)
    stored = repo.get_assessment(engine, assessment_id)
    assert stored.answers["buys_data"] is False and stored.version == 2
    assert repo.history(engine, assessment_id)[0].author == "Ann"

    with page.expect_download(timeout=TIMEOUT) as got:
        key(page, "ws_download_docx").get_by_role("button").click()
    download = got.value
    assert download.suggested_filename == "Example-Internet-Co-Annual-review-2026-2026-12-01-en.docx"
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "Li Wei" in text and "Done" in text and "Supplier contracts ended on 2026-11-30" in text
    engine.dispose()
    outside = sorted({u for u in requested if not u.startswith((url, "data:", "blob:"))})
    assert outside == [], "the app loaded something from outside this machine"
