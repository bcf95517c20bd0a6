"""Benchmark of the app as a person sees it, in Debian's chromium, against a one-line hello-world
Streamlit page served and measured in the same run, in the same browser.

Run by hand: `.venv/bin/python bench/bench_browser.py [--repeats N]`. Targets: the first view within
1.5x the hello-world's; Next, and Results, under 1 s at the median.

Measured, each from a fresh browser context (no cache, a new session):

- first view: from navigation until the first screen is interactive: the welcome's start button
  drawn and enabled and the script run finished (hello-world: its text drawn and its run finished);
- first question: from navigation, through the welcome's start button, until question 1 can be
  answered (reported, not a target: it includes a click and a rerun);
- Next: from clicking Next until the next step's heading is drawn, its first question enabled and the
  run finished (a whole questionnaire's worth of clicks, with the article's answers loaded);
- Results: from clicking "See results" until the four scores are on their cards (the target), and
  until both charts are drawn too; after the review has been open 3 s, as it always is for a person
  who answered (the app loads the chart code while the questionnaire is idle), and again clicked the
  moment the answers were loaded.

Each "interactive" waits for Streamlit's own script_finished message on the websocket, so a time
never stops on a half-drawn page.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]
from browsing import ScriptRuns, running_app  # noqa: E402 - the browser tests' own server and run counter

HELLO = 'import streamlit as st; st.write("Hello, world")\n'
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1280, "height": 900}
AXES = ("civil", "criminal", "administrative", "reputational")
PAUSE_S = 3  # seconds on the review before clicking Results


class Runs(ScriptRuns):
    """Streamlit's finished script runs, counted from its websocket messages (tests/e2e/browsing.py)."""

    def until(self, after: int, ready: Callable[[], bool]) -> None:
        """Wait until a run has finished since `after` and `ready()` holds."""
        self.wait(after)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not ready():
            if time.monotonic() > deadline:
                raise SystemExit("the page did not become interactive in time")
            self.page.wait_for_timeout(5)


def _enabled(page: Page, selector: str) -> Callable[[], bool]:
    return lambda: bool(
        page.evaluate(
            "s => { const e = document.querySelector(s); return !!e && !e.disabled && e.offsetParent !== null; }", selector
        )
    )


def _fresh(browser: Browser) -> tuple[Page, Runs]:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page, Runs(page)


def _close(page: Page) -> None:
    page.context.close()


def first_view_hello(browser: Browser, url: str) -> float:
    page, runs = _fresh(browser)
    start = time.perf_counter()
    page.goto(url)
    runs.until(0, lambda: page.get_by_text("Hello, world").is_visible())
    elapsed = time.perf_counter() - start
    _close(page)
    return elapsed


START = ".st-key-welcome_start button"
FIRST_QUESTION = ".st-key-question__company_sector input[type=radio]"


def first_view_app(browser: Browser, url: str) -> tuple[float, float]:
    """(navigation to the welcome interactive, navigation to question 1 interactive)."""
    page, runs = _fresh(browser)
    start = time.perf_counter()
    page.goto(url + "/?lang=en")
    runs.until(0, _enabled(page, START))
    welcome = time.perf_counter() - start
    before = runs.finished
    page.locator(START).click()
    runs.until(before, _enabled(page, FIRST_QUESTION))
    question = time.perf_counter() - start
    _close(page)
    return welcome, question


def _load_example(page: Page, runs: Runs, url: str) -> None:
    page.goto(url + "/?lang=en")
    runs.until(0, _enabled(page, START))
    before = runs.finished
    page.locator(".st-key-resume_file_0 input[type=file]").set_input_files(str(EXAMPLE))
    runs.until(before, _enabled(page, ".st-key-see_results button"))


def next_clicks(browser: Browser, url: str) -> list[float]:
    """Every Next of a questionnaire whose answers are all given (the article's), from step 1 to the review."""
    page, runs = _fresh(browser)
    _load_example(page, runs, url)
    before = runs.finished
    page.locator(".st-key-goto__0 button:visible").first.click()
    runs.until(before, _enabled(page, ".st-key-nav_next button"))
    times = []
    step = 0
    while page.locator(".st-key-nav_next button").count():
        step += 1
        target = f"#step-{step}"
        before = runs.finished
        start = time.perf_counter()
        page.locator(".st-key-nav_next button").click()
        runs.until(
            before,
            lambda target=target: bool(
                page.evaluate(
                    """t => { const h = document.querySelector(t); if (!h) return false;
                        const q = document.querySelector("[class*='st-key-question__'] input, .st-key-see_results button");
                        return !!q && !q.disabled; }""",
                    target,
                )
            ),
        )
        times.append(time.perf_counter() - start)
    _close(page)
    return times


CARDS = """axes => axes.every(a => (document.querySelector('.st-key-axis__' + a) || {}).innerText?.includes('/100'))"""
CHARTS = "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2"


def results_click(browser: Browser, url: str, pause_s: float) -> tuple[float, float]:
    """(click to the four scores on their cards, click to both charts drawn too), after the review has
    been open `pause_s` seconds: a person reaches Results after answering, never straight away."""
    page, runs = _fresh(browser)
    _load_example(page, runs, url)
    page.wait_for_timeout(pause_s * 1000)
    before = runs.finished
    start = time.perf_counter()
    page.locator(".st-key-see_results button").click()
    scores = None
    while True:
        if scores is None and runs.finished > before and page.evaluate(CARDS, list(AXES)):
            scores = time.perf_counter() - start
        if scores is not None and page.evaluate(CHARTS):
            charts = time.perf_counter() - start
            break
        if time.perf_counter() - start > TIMEOUT_MS / 1000:
            raise SystemExit("the results did not draw in time")
        page.wait_for_timeout(5)
    _close(page)
    return scores, charts


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="fresh sessions per figure (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    n = args.repeats
    with tempfile.TemporaryDirectory(prefix="pirisk-bench-") as tmp:
        folder = Path(tmp)
        hello_script = folder / "hello.py"
        hello_script.write_text(HELLO, encoding="utf-8")
        env = {**os.environ, "PIRISK_DATA_DIR": str(folder)}
        with (
            running_app(folder, env) as app_url,
            running_app(folder, env, str(hello_script)) as hello_url,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first_view_hello(browser, hello_url)  # warm both servers and the browser: neither side pays for it
            first_view_app(browser, app_url)
            hello, welcome, question = [], [], []
            for _ in range(n):  # interleaved, so that both see the same machine
                hello.append(first_view_hello(browser, hello_url))
                w, q = first_view_app(browser, app_url)
                welcome.append(w)
                question.append(q)
            nexts = [t for _ in range(max(1, n // 3)) for t in next_clicks(browser, app_url)]
            results = [results_click(browser, app_url, PAUSE_S) for _ in range(n)]
            straight = [results_click(browser, app_url, 0) for _ in range(n)]
            browser.close()

    med = statistics.median
    figures: dict[str, Any] = {
        "machine": f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "hello_first_view_s": med(hello),
        "first_view_s": med(welcome),
        "first_view_ratio": med(welcome) / med(hello),
        "first_question_s": med(question),
        "next_s": med(nexts),
        "next_p90_s": statistics.quantiles(nexts, n=10)[-1] if len(nexts) >= 2 else nexts[0],
        "next_n": len(nexts),
        "results_s": med([r[0] for r in results]),
        "results_max_s": max(r[0] for r in results),
        "results_charts_s": med([r[1] for r in results]),
        "results_straight_s": med([r[0] for r in straight]),
        "results_straight_charts_s": med([r[1] for r in straight]),
        "repeats": n,
    }
    figures["targets_met"] = figures["first_view_ratio"] <= 1.5 and figures["next_s"] < 1 and figures["results_s"] < 1
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    s = lambda seconds: f"{seconds * 1000:7.0f} ms"  # noqa: E731
    print(f"machine: {figures['machine']}; load average {figures['load_average']:.2f}")
    print(f"first view (target: within 1.5x hello-world), median of {n} fresh sessions")
    print(f"  hello-world, text drawn                {s(figures['hello_first_view_s'])}")
    print(f"  pirisk, welcome interactive            {s(figures['first_view_s'])}   ratio {figures['first_view_ratio']:.2f}x")
    print(f"  pirisk, question 1 interactive         {s(figures['first_question_s'])}   (through the start button)")
    print("clicks (target: under 1 s at the median)")
    print(
        f"  Next -> next step interactive          {s(figures['next_s'])}   median of {len(nexts)}, p90 {s(figures['next_p90_s'])}"
    )
    print(
        f"  Results -> the four scores drawn       {s(figures['results_s'])}   median of {n}, max {s(figures['results_max_s'])}"
    )
    print(f"  Results -> and both charts drawn       {s(figures['results_charts_s'])}")
    print("  the same, clicked the moment the answers were loaded (the chart code not loaded yet):")
    print(f"    four scores {s(figures['results_straight_s'])}, charts {s(figures['results_straight_charts_s'])}")
    print(f"targets: {'met' if figures['targets_met'] else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
