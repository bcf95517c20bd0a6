"""In a real browser: user text typed anywhere is shown as text and never runs, never fetches anything and
never links anywhere; and the reverse-proxy headers documented in docs/team.md leave the app working.

* The self-assessment: script tags, HTML and javascript: links in the company name.
* The workspace: Markdown images from another host, bare and autolinked addresses, LaTeX, colour
  directives, emoji shortcodes and Material icons in client names, titles, notes, respondents' names (a
  radio label) and the consultancy's name. Every request the browser makes while they are on screen is
  logged, and none may leave 127.0.0.1 (before issue 11, a respondent named `Alice ![](http://host/p)`
  made the browser fetch the image).
* the recommended nginx configuration's Content-Security-Policy (deploy/nginx/pirisk.conf), applied to the app's pages: nothing is blocked; every script and
  style comes with its true type (so X-Content-Type-Options: nosniff breaks nothing); the documented
  inline-script hash is the installed Streamlit's; the metrics endpoint the proxy blocks exists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

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
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> [go](javascript:window.__pwned=3)'
PASSWORD = "security browser password"
PIXEL_HOST = "198.51.100.23"  # TEST-NET-2: nothing answers there; a request to it is the failure
HOSTILE = (
    f"Alice ![](http://{PIXEL_HOST}/pixel.png) www.evil-example.com http://evil-example.com/x "
    "bob@evil-example.com $$x^2$$ :red[red] :smile: :material/home:"
)


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

    page.locator(".st-key-see_results a").click()
    expect(page.locator(".st-key-radar svg")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("[go](javascript:window.__pwned=3)", exact=False).first).to_be_visible(timeout=TIMEOUT)

    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []


# -- the workspace, with hostile text in every field ---------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory: pytest.TempPathFactory, browser_type_launch_args: dict[str, Any]) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    database = f"sqlite:///{folder / 'w.db'}"
    engine = make_engine(database)
    upgrade(engine)
    answers = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
    client = repo.create_client(engine, HOSTILE)
    saved = repo.create_assessment(engine, client.id, HOSTILE, dt.date(2026, 11, 29), "en", answers=answers, company=HOSTILE)
    v = repo.set_note(engine, saved, "company_sector", HOSTILE, expected_version=1, author=HOSTILE)
    repo.update_assessment(engine, saved, expected_version=v, author=HOSTILE, title=HOSTILE + " v2")
    for i, name in enumerate((HOSTILE, HOSTILE + " 2")):
        respondent = repo.add_respondent(engine, saved, name, HOSTILE)
        repo.set_respondent_answer(
            engine, respondent, "company_sector", ("finance", "healthcare")[i], expected_version=respondent.version
        )
    repo.duplicate_assessment(engine, saved, HOSTILE + " copy", law_as_of=dt.date(2025, 1, 1))  # Compare needs two
    repo.set_branding(engine, HOSTILE, None)
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": database, "PIRISK_WORKSPACE_PASSWORD_HASH": hash_password(PASSWORD)}
    env["PIRISK_DATA_DIR"] = str(folder)
    with running_app(folder, env) as url:
        yield url


def _external(requests: list[str], app_url: str) -> list[str]:
    app = urlparse(app_url)
    out = []
    for url in requests:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about"):
            continue
        if parsed.hostname != "127.0.0.1" or parsed.port != app.port:
            out.append(url)
    return out


def test_hostile_text_on_every_workspace_page_fetches_nothing_and_links_nowhere(page: Page, hostile_workspace: str) -> None:
    url = hostile_workspace
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    runs = ScriptRuns(page)

    unlock_workspace(page, runs, url, PASSWORD, HOSTILE, "?lang=en")

    seen_pages = 0
    for title in ("Clients", "Assessment", "Workshop", "Compare", "Branding"):
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
        runs.click(link)
        expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=TIMEOUT)
        if title == "Clients":
            runs.click(page.locator("button", has_text="Details").first)  # the hostile assessment on the Assessment page
            expect(page.get_by_text("Alice", exact=False).first).to_be_visible(timeout=TIMEOUT)
            runs.click(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients", exact=True))
        page.wait_for_timeout(500)  # images and fonts a page asks for are requested by now
        if title == "Workshop":  # each respondent's answer is a widget labelled with their name
            widgets = page.locator(".st-key-ws_respondents").locator("[data-testid=stRadio], [data-testid=stMultiSelect]")
            assert widgets.count() == 2, widgets.count()
        main = page.locator("section.stMain, [data-testid='stMain']").first
        if title != "Compare":  # there the names are in select boxes and a table (plain text, drawn on a canvas)
            assert main.get_by_text("Alice", exact=False).count() > 0, title  # the hostile text is on screen
        links = [h for h in page.locator("a[href]").evaluate_all("els => els.map(e => e.href)") if not h.startswith(url)]
        assert links == [], (title, links)  # no autolink, mailto or Markdown link came out of user text
        images = page.locator("img").evaluate_all("els => els.map(e => e.src)")
        assert not [s for s in images if PIXEL_HOST in s or "evil-example" in s], (title, images)
        assert page.locator(".katex, math").count() == 0, title  # no LaTeX rendered
        text = main.inner_text()
        assert "😄" not in text, title  # no emoji shortcode replaced
        if title != "Compare":
            assert "$$x^2$$" in text.replace("\u2060", ""), title  # math shown as typed
        seen_pages += 1
    workshop_label = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Workshop", exact=True)
    runs.click(workshop_label)
    expect(page.get_by_text("Alice", exact=False).first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    assert seen_pages == 5
    assert _external(requests, url) == [], _external(requests, url)


# -- the reverse proxy's headers ------------------------------------------------------------------------------


def _documented_headers() -> dict[str, str]:
    """The headers of the recommended nginx configuration (deploy/nginx/pirisk.conf, which docs/team.md
    shows verbatim and tests/replicas/ runs for real)."""
    config = (ROOT / "deploy" / "nginx" / "pirisk.conf").read_text(encoding="utf-8")
    headers = dict(re.findall(r'add_header ([\w-]+) "([^"]*)" always;', config))
    assert re.search(r"location ~\* /_stcore/\(metrics\|agent\) \{\s*return 404;\s*\}", config)
    return headers


def test_the_documented_headers_are_the_ones_the_issue_asks_for() -> None:
    headers = _documented_headers()
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]  # scripts by hash only, never inline
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_the_metrics_endpoint_the_proxy_blocks_exists(app_url: str) -> None:
    with urllib.request.urlopen(f"{app_url}/_stcore/metrics", timeout=10) as response:
        assert response.status == 200 and b"session" in response.read()  # so it must not be reachable from outside


@pytest.fixture()
def header_page(playwright: Any, browser_type_launch_args: dict[str, Any]) -> Iterator[Page]:
    """A page in a browser of its own: responses fulfilled by the test (with the documented headers) count as
    public pages to Chromium's local-network checks, which would stop the page's own websocket to 127.0.0.1;
    this browser has them off (the session's shared browser keeps them)."""
    args = [*browser_type_launch_args.get("args", []), "--disable-features=LocalNetworkAccessChecks"]
    browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
    try:
        yield browser.new_page(viewport={"width": 1400, "height": 1000})
    finally:
        browser.close()


def test_the_app_works_under_the_documented_headers(header_page: Page, app_url: str) -> None:
    page = header_page
    headers = {k.lower(): v for k, v in _documented_headers().items()}
    types: list[tuple[str, str, str]] = []

    def with_headers(route: Any) -> None:
        if route.request.resource_type != "document" or route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, **headers})

    page.route("**/*", with_headers)
    page.on("response", lambda r: types.append((r.request.resource_type, r.url, r.headers.get("content-type", ""))))
    page.add_init_script(
        "window.__blocked = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    runs = ScriptRuns(page)
    before = runs.finished
    page.goto(app_url + "/?lang=en")
    runs.wait(before)
    expect(key(page, "welcome_start")).to_be_visible(timeout=TIMEOUT)  # the browser code ran (under the CSP) by now
    page.locator(".st-key-resume_file_0 input[type=file]").set_input_files(
        str(ROOT / "examples" / "article-2012-internet-company.json")
    )
    expect(page.get_by_text(re.compile(r"Loaded \d+ answers"))).to_be_visible(timeout=TIMEOUT)
    page.locator(".st-key-see_results a").click()
    expect(page.locator(".st-key-radar svg")).to_be_visible(timeout=TIMEOUT)  # inline SVG, with its style attribute
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__blocked") == []
    # nosniff refuses a script or style whose type is wrong: every one comes with its true type.
    wrong = [
        (kind, u, ctype)
        for kind, u, ctype in types
        if (kind == "script" and "javascript" not in ctype) or (kind == "stylesheet" and "text/css" not in ctype)
    ]
    assert types and wrong == [], wrong
