"""The plan on the results page, as a founder sees it (issue 21): right under the score cards, the first
three steps within the first two screens on a desktop and three on a phone, in English and Chinese,
with axe finding no serious or critical violation."""

from __future__ import annotations

import pytest
from browsing import ROOT, TIMEOUT, ScriptRuns, key, open_app
from playwright.sync_api import Page, expect
from test_accessibility import assert_accessible

from questions.loader import load_bank
from questions.strings import tr

pytestmark = pytest.mark.e2e

EXAMPLE = ROOT / "examples" / "healthtech-startup-2026.json"  # several steps: no single measure lowers a level
BANK = load_bank()
SCREENS = {"desktop": ({"width": 1280, "height": 900}, 2), "phone": ({"width": 390, "height": 844}, 3)}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", sorted(SCREENS))
def test_the_first_three_steps_of_the_plan_are_on_the_first_screens(page: Page, app_url: str, lang: str, size: str) -> None:
    viewport, screens = SCREENS[size]
    page.set_viewport_size(viewport)
    runs = ScriptRuns(page)
    open_app(page, runs, app_url + f"/?lang={lang}", start=False)
    before = runs.finished
    key(page, "resume_file_0").locator("input[type=file]").set_input_files(str(EXAMPLE))
    runs.wait(before)
    review = len(BANK.sections)  # the example leaves optional questions open: the file opens on a section
    runs.click(key(page, f"goto__{review}").locator("button:visible").first, fragment=True)
    runs.click(key(page, "see_results").locator("a"))
    expect(page.get_by_role("heading", name=tr("ui", "plan_title", lang))).to_be_visible(timeout=TIMEOUT)
    for n in (1, 2, 3):
        expect(key(page, f"plan_step__{n}")).to_be_visible(timeout=TIMEOUT)
    # Where the third step ends, measured from the top of the page (the main area scrolls).
    bottom = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid=stMain]');
            const step = document.querySelector('.st-key-plan_step__3');
            return step.getBoundingClientRect().bottom + main.scrollTop - main.getBoundingClientRect().top;
        }"""
    )
    assert bottom <= screens * viewport["height"], f"the third step ends at {bottom:.0f} px, past {screens} screens"
    cards = page.evaluate("() => document.querySelector('.st-key-axis__civil').getBoundingClientRect().top")
    step = page.evaluate("() => document.querySelector('.st-key-plan_step__1').getBoundingClientRect().top")
    assert cards < step  # the cards, then the plan
    assert_accessible(page)
