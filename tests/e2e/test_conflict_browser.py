"""Two browsers on one action (issue 22, item 1), in Debian's chromium: the owner edits it while a colleague
sets it to "In progress" with evidence; the owner's save is refused; Reload shows the colleague's values and
who set them, keeps the owner's edit aside, and the owner's next save loses nothing the colleague saved."""

from __future__ import annotations

from typing import Any

import pytest
from browsing import TIMEOUT, ScriptRuns, key, unlock_workspace
from playwright.sync_api import Browser, Page, expect
from test_action_plan_browser import MEASURE, PASSWORD, server  # noqa: F401 - the app with one assessment

from store import repo
from store.db import make_engine

pytestmark = pytest.mark.e2e


def _signed_in(browser: Browser, args: dict[str, Any], url: str, author: str, assessment_id: int) -> tuple[Page, ScriptRuns]:
    """A browser of its own (a separate context: its own cookies and session), signed in on the assessment."""
    page = browser.new_context(**args).new_page()
    runs = ScriptRuns(page)
    unlock_workspace(page, runs, url, PASSWORD, author)
    runs.click(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients", exact=True))
    runs.click(key(page, f"ws_details__{assessment_id}").get_by_role("button"))
    expect(page.get_by_role("heading", name="Annual review 2026")).to_be_visible(timeout=TIMEOUT)
    return page, runs


def test_a_refused_save_reloads_the_colleagues_work_and_keeps_the_owners_edit_aside(
    browser: Browser,
    browser_context_args: dict[str, Any],
    server: tuple[str, str, int],  # noqa: F811
) -> None:
    url, database, assessment_id = server
    engine = make_engine(database)
    saved = repo.get_assessment(engine, assessment_id)
    action_id = repo.create_action(engine, saved.ref, MEASURE, author="Ann").id
    owner, owner_runs = _signed_in(browser, browser_context_args, url, "Ann", assessment_id)
    colleague, colleague_runs = _signed_in(browser, browser_context_args, url, "Bob", assessment_id)

    key(owner, f"ws_action_owner__{action_id}").locator("input").fill("Li Wei")  # typed, not saved yet

    colleague.bring_to_front()  # two windows: keys go to the one in front
    key(colleague, f"ws_action_status__{action_id}").get_by_role("combobox").click()
    colleague.keyboard.type("In progress")
    colleague.keyboard.press("Enter")
    key(colleague, f"ws_action_evidence__{action_id}").locator("textarea").fill("DPA signed with the broker")
    colleague_runs.click(key(colleague, f"ws_action_save__{action_id}").get_by_role("button"))
    expect(colleague.get_by_text("Saved: ")).to_be_visible(timeout=TIMEOUT)
    assert repo.get_action(engine, action_id).status == "in_progress"

    owner.bring_to_front()
    owner_runs.click(key(owner, f"ws_action_save__{action_id}").get_by_role("button"))
    expect(owner.get_by_text("Changed by someone else; reload")).to_be_visible(timeout=TIMEOUT)
    owner_runs.click(key(owner, "ws_reload").get_by_role("button"))
    expect(owner.get_by_text("Status: Planned → In progress (Bob,")).to_be_visible(timeout=TIMEOUT)
    expect(key(owner, f"ws_action_evidence__{action_id}").locator("textarea")).to_have_value("DPA signed with the broker")
    expect(key(owner, f"ws_action_owner__{action_id}").locator("input")).to_have_value("")

    owner_runs.click(key(owner, f"ws_use_mine__action__{action_id}__owner").get_by_role("button"))
    expect(key(owner, f"ws_action_owner__{action_id}").locator("input")).to_have_value("Li Wei")
    owner_runs.click(key(owner, f"ws_action_save__{action_id}").get_by_role("button"))
    expect(owner.get_by_text("Saved: ")).to_be_visible(timeout=TIMEOUT)
    stored = repo.get_action(engine, action_id)
    assert (stored.owner, stored.status, stored.evidence, stored.version) == (
        "Li Wei",
        "in_progress",
        "DPA signed with the broker",
        3,
    )
    engine.dispose()
