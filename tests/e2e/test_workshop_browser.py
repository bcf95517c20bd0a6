"""The Workshop page stays current in Debian's chromium (issue 22, item 2): an answer a respondent gives on
their phone appears on the "Question by question" tab a few seconds later, with no reload."""

from __future__ import annotations

from typing import Any

import pytest
from browsing import TIMEOUT, ScriptRuns, key, unlock_workspace
from playwright.sync_api import Page, expect
from test_action_plan_browser import PASSWORD, server  # noqa: F401 - the app with one assessment

from scoring.loader import default_law
from store import repo
from store.db import make_engine

pytestmark = pytest.mark.e2e


def test_the_question_by_question_tab_shows_a_new_answer_without_a_reload(
    page: Page,
    server: tuple[str, str, int],  # noqa: F811
) -> None:
    url, database, assessment_id = server
    engine = make_engine(database)
    saved = repo.get_assessment(engine, assessment_id)
    invited = repo.invite(engine, saved.ref, "Li Wei", author="Ann")
    qid = default_law().bank.sections[0].questions[0].id
    runs = ScriptRuns(page)
    unlock_workspace(page, runs, url, PASSWORD, "Ann")
    runs.click(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients", exact=True))
    runs.click(key(page, f"ws_to_workshop__{assessment_id}").get_by_role("button"))
    runs.click(page.get_by_role("tab", name="Question by question"))
    answer = key(page, f"ws_resp__{invited.respondent.id}__{qid}")
    expect(answer).to_be_visible(timeout=TIMEOUT)
    expect(answer.locator("input:checked")).to_have_count(0)

    value: Any = saved.answers[qid]  # the respondent gives the agreed answer, on their phone
    repo.answer_by_link(engine, invited.token, invited.respondent, qid, value, expected_version=1)
    expect(answer.locator("input:checked")).to_have_count(1, timeout=TIMEOUT)  # no reload: the tab reads it again
    engine.dispose()
