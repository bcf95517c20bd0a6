"""Accessibility (WCAG 2.1 AA) checked by axe-core in Debian's chromium, through axe-playwright-python
(pinned; it bundles axe-core): no critical and no serious violation on the welcome, a questionnaire
step in each language, the results, the sources page, a workspace page and a respondent's page (opened
by a personal link, on a desktop screen and on a phone's); and a keyboard focus ring that shows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import (
    EXAMPLE,
    TIMEOUT,
    ScriptRuns,
    key,
    open_app,
)
from playwright.sync_api import Page, expect
from test_workspace_browser import PASSWORD, workspace_server  # noqa: F401 - a fixture

from store import repo
from store.db import make_engine, upgrade

pytestmark = pytest.mark.e2e

# Every rule axe runs by default (WCAG 2.0/2.1 A and AA, and best practices such as heading order).
OPTIONS = {"resultTypes": ["violations"]}
BLOCKING = {"critical", "serious"}


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now, each with its impact, rule and first few elements."""
    found = Axe().run(page, options=OPTIONS).response["violations"]
    return [
        {"impact": v["impact"], "rule": v["id"], "nodes": [n["target"] for n in v["nodes"][:3]], "count": len(v["nodes"])}
        for v in found
    ]


def assert_accessible(page: Page) -> list[dict[str, Any]]:
    page.wait_for_timeout(500)  # let Streamlit finish drawing (skeletons fade in)
    found = violations(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert blocking == [], blocking
    return found


def test_the_welcome(page: Page, runs: ScriptRuns, app_url: str) -> None:
    open_app(page, runs, app_url + "/?lang=en", start=False)
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_questionnaire_step_in_each_language(page: Page, runs: ScriptRuns, app_url: str, lang: str) -> None:
    open_app(page, runs, app_url + f"/?lang={lang}")
    runs.click(key(page, "goto__1").locator("button:visible").first, fragment=True)  # a step with tick boxes, choices and notes
    expect(page.locator("#step-1")).to_be_visible(timeout=TIMEOUT)
    found = assert_accessible(page)
    assert not [v for v in found if v["rule"] == "heading-order"], found
    assert page.evaluate("document.documentElement.lang") == ("zh-CN" if lang == "zh" else "en")


def test_the_results_and_the_sources(page: Page, runs: ScriptRuns, app_url: str) -> None:
    open_app(page, runs, app_url + "/?lang=en", start=False)
    before = runs.finished
    key(page, "resume_file_0").locator("input[type=file]").set_input_files(str(EXAMPLE))
    runs.wait(before)
    runs.click(key(page, "see_results").locator("a"))
    expect(key(page, "radar").locator("svg")).to_be_visible(timeout=TIMEOUT)  # the charts are checked too
    expect(key(page, "grid").locator("svg")).to_be_visible(timeout=TIMEOUT)
    found = assert_accessible(page)
    assert not [v for v in found if v["rule"] in ("heading-order", "svg-img-alt")], found
    expect(page.get_by_role("img", name="Score by axis (0–100)")).to_be_visible()  # named by its <title>
    runs.click(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sources", exact=True))
    expect(page.locator("#page-sources")).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page)


def test_a_workspace_page(page: Page, workspace_server: tuple[str, str]) -> None:  # noqa: F811 - the imported fixture
    url, _ = workspace_server
    runs = ScriptRuns(page)
    before = runs.finished
    page.goto(f"{url}/workspace?lang=en")
    runs.wait(before)
    expect(page.get_by_role("heading", name="Consultant workspace")).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page)  # the door, with its password form
    key(page, "ws_author_field").locator("input").fill("Ann")
    key(page, "ws_password").locator("input").fill(PASSWORD)
    runs.click(key(page, "ws_unlock").locator("button"))
    expect(page.get_by_text("The workspace is unlocked")).to_be_visible(timeout=TIMEOUT)
    runs.click(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients", exact=True))
    expect(page.get_by_role("heading", name="Clients", exact=True).first).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page)  # the unlocked sidebar lists every workspace page


@pytest.fixture()
def respondent_link(workspace_server: tuple[str, str]) -> Iterator[str]:  # noqa: F811 - the imported fixture
    """The address of a new respondent's personal link (asked two sections), in the workspace server's database."""
    url, database = workspace_server
    engine = make_engine(database)
    upgrade(engine)  # the app migrates its database when a page first needs it: perhaps not yet
    client = repo.create_client(engine, f"Client {len(repo.list_clients(engine)) + 1}")
    saved = repo.create_assessment(engine, client.id, "Review", dt.date(2026, 11, 29), "en")
    invited = repo.invite(engine, saved, "Li Wei", "CTO", ["profile", "data"], author="Ann")
    engine.dispose()
    yield f"{url}/respond?invite={invited.token}&lang=en"


@pytest.mark.parametrize("screen", [{"width": 1400, "height": 1000}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_a_respondents_page(page: Page, respondent_link: str, screen: dict[str, int]) -> None:
    """A respondent's questions (radio buttons, tick boxes, "why we ask", the section picker), then the
    review with its unanswered questions in red and the Submit button."""
    page.set_viewport_size(screen)
    runs = ScriptRuns(page)
    before = runs.finished
    page.goto(respondent_link)
    runs.wait(before)
    expect(page.get_by_role("heading", name="Section 1 of 2: Company profile")).to_be_visible(timeout=TIMEOUT)
    question = key(page, "question__consumer_facing")
    runs.click(question.get_by_text("Yes", exact=True), fragment=True)  # an answer given: saved, and its step runs again
    expect(question.get_by_role("radio", name="Yes", exact=True)).to_be_checked(timeout=TIMEOUT)
    assert_accessible(page)
    runs.click(key(page, "rs_next").get_by_role("button"))
    expect(page.get_by_role("heading", name="Section 2 of 2: Personal information you hold")).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page)  # tick boxes
    runs.click(key(page, "rs_next").get_by_role("button"))
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible(timeout=TIMEOUT)
    expect(key(page, "rs_submit")).to_be_visible(timeout=TIMEOUT)
    assert_accessible(page)


def test_the_keyboard_focus_ring_shows(page: Page, runs: ScriptRuns, app_url: str) -> None:
    open_app(page, runs, app_url + "/?lang=en", start=False)
    start = key(page, "welcome_start").locator("button")
    start.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so that :focus-visible applies
    ring = start.evaluate("b => { const s = getComputedStyle(b); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }")
    style, width, color = ring
    assert style == "solid" and float(width.removesuffix("px")) >= 2, ring
    red, green, blue = (int(c) for c in re.findall(r"\d+", color)[:3])
    assert (red, green, blue) == (31, 95, 139), ring  # the theme's primary colour, 7:1 on white
