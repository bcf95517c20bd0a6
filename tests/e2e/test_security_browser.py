"""In a real browser: script tags, HTML and javascript: links typed into the company name are shown as
text and never run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30_000
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> [go](javascript:window.__pwned=3)'


def test_html_in_the_company_name_is_shown_literally_and_never_runs(page: Page, app_url: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    example = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))
    example["company"] = PAYLOAD
    upload = tmp_path / "payload.json"
    upload.write_text(json.dumps(example), encoding="utf-8")

    page.goto(app_url + "/?lang=en")
    expect(page.locator(".st-key-welcome_start button")).to_be_visible(timeout=TIMEOUT)  # the welcome: the app is up
    page.locator(".st-key-resume_file_0 input[type=file]").set_input_files(str(upload))
    expect(page.get_by_text(f"Loaded {len(example['answers'])} answers")).to_be_visible(timeout=TIMEOUT)
    # The review step shows the name as text.
    expect(page.get_by_text("<script>window.__pwned=1</script>", exact=False).first).to_be_visible(timeout=TIMEOUT)

    page.locator(".st-key-see_results button").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("[go](javascript:window.__pwned=3)", exact=False).first).to_be_visible(timeout=TIMEOUT)

    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []
