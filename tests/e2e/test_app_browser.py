"""The app in a real browser (Debian's chromium via Playwright): a whole questionnaire clicked through
by hand, results with the radar chart, Chinese, downloading and resuming the answers file."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import DecodeError
from playwright.sync_api import Download, Locator, Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from scoring.engine import assess
from scoring.loader import default_law

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
BANK = default_law().bank
TIMEOUT = 20_000


class ScriptRuns:
    """Counts the app's finished script runs, read from Streamlit's own websocket messages, so a test
    can wait for exactly the rerun a click causes (however fast it is)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.finished = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except DecodeError:
            return
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.finished += 1

    def wait(self, after: int) -> None:
        """Wait until a run has finished since the count was `after`."""
        deadline = time.monotonic() + TIMEOUT / 1000
        while self.finished <= after:
            if time.monotonic() > deadline:
                raise AssertionError("the app did not finish a run in time")
            self.page.wait_for_timeout(20)  # lets Playwright deliver websocket events

    def click(self, locator: Locator) -> None:
        """Click, then wait for the rerun the click causes."""
        before = self.finished
        locator.click()
        self.wait(before)


@pytest.fixture()
def runs(page: Page) -> ScriptRuns:
    return ScriptRuns(page)  # attached before the page opens the app


@pytest.fixture(autouse=True)
def nothing_leaves_the_machine(page: Page, app_url: str) -> Iterator[None]:
    """Every test also checks that the page loads nothing from outside (no CDN, fonts or telemetry)."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    yield
    outside = sorted({url for url in requested if not url.startswith((app_url, "data:", "blob:"))})
    assert outside == [], "the app loaded something from outside this machine"


def open_app(page: Page, runs: ScriptRuns, url: str) -> None:
    before = runs.finished
    page.goto(url)
    runs.wait(before)
    expect(page.locator(".stProgress")).to_be_visible(timeout=TIMEOUT)


def key(page: Page, name: str) -> Locator:
    """The element a widget key names (Streamlit marks it with the class st-key-<key>)."""
    return page.locator(f".st-key-{name}")


def downloaded_json(download: Download) -> dict[str, Any]:
    return json.loads(Path(download.path()).read_text(encoding="utf-8"))


def choose(page: Page, runs: ScriptRuns, qid: str) -> str:
    """Answer one question on screen by clicking, as a person would. Returns the label clicked."""
    q = BANK.questions[qid]
    box = key(page, f"question__{qid}")
    if q.type == "multi":
        label = q.choices[-1].label["en"]
        runs.click(box.locator("[data-testid=stCheckbox]").filter(has_text=label).locator("label"))
        expect(box.get_by_role("checkbox", name=label, exact=True)).to_be_checked(timeout=TIMEOUT)
    else:
        label = "No" if q.type == "yes_no" else q.choices[0].label["en"]
        runs.click(box.get_by_text(label, exact=True))
        expect(box.get_by_role("radio", name=label, exact=True)).to_be_checked(timeout=TIMEOUT)
    return label


def open_questions(page: Page) -> list[str]:
    """Question ids on screen whose widget has nothing chosen yet (read in one go, so never half-updated)."""
    found = page.evaluate(
        """() => Array.from(document.querySelectorAll("[class*='st-key-question__']"))
             .filter(box => !box.querySelector("input:checked"))
             .map(box => box.className)"""
    )
    return [re.search(r"st-key-question__([a-z0-9_]+)", names).group(1) for names in found]


def test_a_whole_questionnaire_clicked_through_to_results_in_english_and_chinese(
    page: Page, runs: ScriptRuns, app_url: str
) -> None:
    open_app(page, runs, app_url)
    key(page, "company_input").locator("input").fill("Browser Test Ltd")
    before = runs.finished
    key(page, "company_input").locator("input").press("Enter")
    runs.wait(before)
    clicked: dict[str, str] = {}
    for step in range(1, len(BANK.sections) + 1):
        expect(page.get_by_text(f"Step {step} of {len(BANK.sections)}:")).to_be_visible(timeout=TIMEOUT)
        for _ in range(10):  # answering can reveal more questions (show_if)
            todo = open_questions(page)
            if not todo:
                break
            clicked[todo[0]] = choose(page, runs, todo[0])
        runs.click(key(page, "nav_next").locator("button"))
    expect(page.get_by_text("Review your answers").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("100% —")).to_be_visible()

    key(page, "see_results").locator("button").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=TIMEOUT)
    assert page.locator(".js-plotly-plot").count() == 2  # the radar and the risk grid
    expect(page.get_by_text("not legal advice").first).to_be_visible()
    for axis in ("Civil", "Criminal", "Administrative", "Reputational"):
        expect(key(page, f"axis__{axis.lower()}")).to_contain_text("/100")

    with page.expect_download() as info:
        key(page, "download_answers_sidebar").locator("button").click()
    saved = downloaded_json(info.value)
    assert saved["format"] == "pirisk-answers"
    assert saved["company"] == "Browser Test Ltd"
    assert saved["law_as_of"] == dt.date.today().isoformat()
    assert set(saved["answers"]) == set(clicked)
    profile = BANK.sections[0].questions
    for q in profile:
        value = saved["answers"][q.id]
        assert value is False if q.type == "yes_no" else value == q.choices[0].id

    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_role("heading", name="评估结果")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("不构成法律意见").first).to_be_visible()
    expect(key(page, "axis__civil")).to_contain_text("民事")
    expect(page.locator(".js-plotly-plot").first).to_contain_text("刑事", timeout=TIMEOUT)
    with page.expect_download() as info:
        key(page, "download_answers_sidebar").locator("button").click()
    in_chinese = downloaded_json(info.value)
    assert in_chinese["lang"] == "zh"
    assert in_chinese["answers"] == saved["answers"]  # switching language kept every answer


def test_resume_from_the_example_file_then_results_and_a_bad_file(page: Page, runs: ScriptRuns, app_url: str) -> None:
    open_app(page, runs, app_url + "/?lang=zh")
    expect(page.get_by_role("heading", name="评估法律风险")).to_be_visible(timeout=TIMEOUT)
    runs.click(page.get_by_text("English", exact=True))
    expect(page.get_by_role("heading", name="Assess your exposure")).to_be_visible(timeout=TIMEOUT)

    # Each upload gets a fresh uploader (keyed by a counter), so the same file can be loaded again.
    before = runs.finished
    key(page, "resume_file_0").locator("input[type=file]").set_input_files(str(EXAMPLE))
    runs.wait(before)
    count = len(json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"])
    expect(page.get_by_text(f"Loaded {count} answers")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Review your answers").first).to_be_visible()
    expect(page.get_by_text("100% —")).to_be_visible()

    before = runs.finished
    key(page, "resume_file_1").locator("input[type=file]").set_input_files(
        files=[{"name": "notes.json", "mimeType": "application/json", "buffer": b'{"answers": {"shoe_size": 42}}'}]
    )
    runs.wait(before)
    expect(page.get_by_text("Could not use notes.json")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Your current answers are unchanged")).to_be_visible()
    expect(page.get_by_text("100% —")).to_be_visible()  # the answers on screen are still all there

    key(page, "see_results").locator("button").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=TIMEOUT)
    expected = assess(json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"], dt.date(2012, 9, 4))
    for axis, result in expected.axes.items():
        expect(key(page, f"axis__{axis}")).to_contain_text(f"{result.score}/100")

    with page.expect_download() as info:
        key(page, "download_pdf").locator("button").click()  # built on click by report.build_pdf
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")

    with page.expect_download() as info:
        key(page, "download_answers").locator("button").click()
    saved = downloaded_json(info.value)
    original = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert saved["answers"] == original["answers"]
    assert saved["company"] == original["company"]
    assert saved["law_as_of"] == "2012-09-04"
    assert saved["lang"] == "en"
