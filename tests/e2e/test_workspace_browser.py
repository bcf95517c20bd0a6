"""The consultant workspace in Debian's chromium: unlock, client, imported assessment, duplicate, change, compare."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import running_app
from playwright.sync_api import Page, expect
from test_app_browser import BANK, TIMEOUT, ScriptRuns, key  # the same helpers as the self-assessment's browser tests

from store import repo
from store.access import hash_password
from store.db import make_engine
from store.spreadsheet import template_xlsx

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
PASSWORD = "browser test password"
CLIENT = "Acme <b>Ltd</b> [x](javascript:alert(1))"


@pytest.fixture(scope="module")
def workspace_server(
    tmp_path_factory: pytest.TempPathFactory, browser_type_launch_args: dict[str, Any]
) -> Iterator[tuple[str, str]]:
    """`streamlit run app.py` with its own database and password hash; yields (url, database url).

    Depends on browser_type_launch_args, so that a missing chromium skips (or, in CI, fails) before the start."""
    folder = tmp_path_factory.mktemp("workspace")
    database = f"sqlite:///{folder / 'w.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "PIRISK_WORKSPACE_PASSWORD_HASH": hash_password(PASSWORD),
        "PIRISK_DATA_DIR": str(folder),
    }
    env.pop("PIRISK_WORKSPACE_SESSION_MINUTES", None)
    with running_app(folder, env) as url:
        yield url, database


@pytest.fixture()
def runs(page: Page) -> ScriptRuns:
    return ScriptRuns(page)


def _wait_for(check: Any, what: str) -> Any:
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _nav(page: Page, runs: ScriptRuns, title: str) -> None:
    runs.click(page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True))
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=TIMEOUT)


def test_unlock_import_duplicate_change_and_compare(page: Page, runs: ScriptRuns, workspace_server: tuple[str, str]) -> None:
    url, database = workspace_server
    engine = make_engine(database)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    # The door: the workspace page is reachable by address; its other pages are not registered yet.
    before = runs.finished
    page.goto(f"{url}/workspace")
    runs.wait(before)
    expect(page.get_by_role("heading", name="Consultant workspace")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients")).to_have_count(0)
    key(page, "ws_author_field").locator("input").fill("Ann")
    key(page, "ws_password").locator("input").fill(PASSWORD)
    runs.click(key(page, "ws_unlock").locator("button"))
    expect(page.get_by_text("The workspace is unlocked")).to_be_visible(timeout=TIMEOUT)

    # A client, whose name is shown as typed.
    _nav(page, runs, "Clients")
    key(page, "ws_new_client").locator("input").fill(CLIENT)
    runs.click(key(page, "ws_create_client").locator("button"))
    expect(page.get_by_text(f"Client {CLIENT} added.")).to_be_visible(timeout=TIMEOUT)
    assert page.locator("a[href^='javascript']").count() == 0
    client = _wait_for(lambda: repo.list_clients(engine), "the client")[0]
    assert client.name == CLIENT

    # An assessment, seeded from the client's filled spreadsheet.
    _nav(page, runs, "Spreadsheets")
    title = key(page, "ws_import_title").locator("input")
    title.fill("Review 2025")
    before = runs.finished
    title.press("Enter")
    runs.wait(before)
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    before = runs.finished
    key(page, "ws_import_file_0").locator("input[type=file]").set_input_files(
        files=[{"name": "answers.xlsx", "mimeType": "application/octet-stream", "buffer": template_xlsx("en", answers)}]
    )
    runs.wait(before)
    key(page, "ws_import").locator("button").click()
    expect(page.get_by_text(f"Imported Review 2025 (answers: {len(answers)})")).to_be_visible(timeout=TIMEOUT)
    original = repo.list_assessments(engine, client.id)[0]
    assert original.title == "Review 2025" and len(original.answers) == len(answers)

    # Duplicate it as this year's draft.
    _nav(page, runs, "Assessment")
    expect(page.get_by_role("heading", name="Review 2025")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("tab", name="Details, duplicate, delete").click()
    copy_title = key(page, f"ws_dup_title__{original.id}").locator("input")
    copy_title.fill("Review 2026")
    runs.click(key(page, "ws_duplicate").locator("button"))
    expect(page.get_by_text("Duplicated as Review 2026")).to_be_visible(timeout=TIMEOUT)
    duplicate = next(a for a in repo.list_assessments(engine, client.id) if a.title == "Review 2026")
    assert duplicate.answers == original.answers and duplicate.status == "draft"

    # Change one answer in the copy, by clicking in the questionnaire: it is saved as it is given.
    expect(page.get_by_role("heading", name="Review 2026")).to_be_visible(timeout=TIMEOUT)
    runs.click(key(page, "ws_open_here").get_by_role("button"))  # by role: a button with help is also drawn hidden
    expect(page.get_by_text("Workspace assessment:")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Review your answers").first).to_be_visible(timeout=TIMEOUT)
    runs.click(key(page, f"edit__{BANK.section_of['buys_data']}").get_by_role("button"), fragment=True)  # the step reruns alone
    box = key(page, "question__buys_data")
    runs.click(box.get_by_text("No", exact=True), fragment=True)
    expect(box.get_by_role("radio", name="No", exact=True)).to_be_checked(timeout=TIMEOUT)
    stored = _wait_for(lambda: repo.get_assessment(engine, duplicate.id).answers.get("buys_data") is False, "the saved answer")
    assert stored
    assert repo.get_assessment(engine, duplicate.id).version == 2
    assert repo.get_assessment(engine, original.id).answers["buys_data"] is True

    # Compare the two: the changed answer, the scores of both and the chart.
    _nav(page, runs, "Compare")
    expect(page.get_by_text("Answers that differ: 1")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("No longer in B")).to_be_visible(timeout=TIMEOUT)
    chart = page.locator(".st-key-ws_compare_chart svg")
    expect(chart).to_be_visible(timeout=TIMEOUT)
    expect(chart).to_contain_text(f"B · {dt.date.today().isoformat()}")
    expect(chart).to_contain_text("A · ")
    differences = repo.answer_differences(engine, original.id, duplicate.id)
    assert differences == {"buys_data": (True, False)}

    # Lock: the workspace pages leave the navigation.
    runs.click(key(page, "ws_lock").locator("button"))
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients")).to_have_count(0, timeout=TIMEOUT)
    engine.dispose()
    outside = sorted({u for u in requested if not u.startswith((url, "data:", "blob:"))})
    assert outside == [], "the app loaded something from outside this machine"
