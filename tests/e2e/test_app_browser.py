"""The app in a real browser (Debian's chromium via Playwright): a whole questionnaire clicked through
by hand, results with the radar chart, Chinese, downloading and resuming the answers file."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from browsing import (
    BANK,
    EXAMPLE,
    TIMEOUT,
    ScriptRuns,
    choose,
    downloaded_json,
    key,
    open_app,
    open_questions,
)
from playwright.sync_api import Page, expect

from scoring.engine import assess

pytestmark = pytest.mark.e2e


def test_a_whole_questionnaire_clicked_through_to_results_in_english_and_chinese(
    page: Page, runs: ScriptRuns, app_url: str
) -> None:
    open_app(page, runs, app_url)
    key(page, "company_input").locator("input").fill("Browser Test Ltd")
    before = runs.fragments  # the step reruns alone
    key(page, "company_input").locator("input").press("Enter")
    runs.wait(before, fragment=True)
    clicked: dict[str, str] = {}
    n, step = len(BANK.sections), 1
    while step <= n:
        expect(page.get_by_text(f"Step {step} of {n}:")).to_be_visible(timeout=TIMEOUT)
        for _ in range(10):  # answering can reveal more questions (show_if)
            todo = open_questions(page)
            if not todo:
                break
            clicked[todo[0]] = choose(page, runs, todo[0])
        runs.click(key(page, "nav_next").locator("button"), fragment=True)
        # Next passes over a section the answers leave without a question (nothing leaves China here).
        heading = page.get_by_role("heading", name=re.compile(rf"^(Step \d+ of {n}:|Review your answers)")).first
        expect(heading).to_be_visible(timeout=TIMEOUT)
        found = re.match(r"Step (\d+)", heading.inner_text())
        following = int(found.group(1)) if found else n + 1
        assert following > step
        step = following
    expect(page.get_by_text("Review your answers").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("100% —")).to_be_visible()

    key(page, "see_results").locator("a").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=TIMEOUT)
    # The radar and the risk grid, inline SVG that keeps its role and title through Streamlit's Markdown.
    expect(page.get_by_role("img", name="Score by axis (0–100)")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("img", name="Likelihood × impact (GB/T 39335)")).to_be_visible()
    for axis in ("Civil", "Criminal", "Administrative", "Reputational"):
        expect(key(page, "radar").locator("svg")).to_contain_text(axis)
        expect(key(page, "grid").locator("svg")).to_contain_text(axis)
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
    expect(key(page, "radar").locator("svg")).to_contain_text("刑事", timeout=TIMEOUT)
    expect(page.get_by_role("img", name="各维度得分（0–100）")).to_be_visible()
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

    key(page, "see_results").locator("a").click()
    expect(key(page, "radar").locator("svg")).to_be_visible(timeout=TIMEOUT)
    expected = assess(json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"], dt.date(2012, 9, 4))
    for axis, result in expected.axes.items():
        expect(key(page, f"axis__{axis}")).to_contain_text(f"{result.score}/100")
        expect(key(page, "radar").locator(f"g[data-axis={axis}]")).to_contain_text(str(result.score))

    with page.expect_download() as info:
        key(page, "download_pdf").locator("button").click()  # built on click by the export registry
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
