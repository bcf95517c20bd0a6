"""Benchmark of the app as a person sees it, in Debian's chromium, against a one-line hello-world
Streamlit page served and measured in the same run, in the same browser.

Run by hand: `.venv/bin/python bench/bench_browser.py [--repeats N] [--only first,next,results]
[--app-root DIR]` (another checkout's app, e.g. the main branch's, as the "before" side of a change).
Targets (issue 21): the first view at most 1.3x the hello-world's; Next at most 2x a hello-world
rerun; Results to the four scores under 500 ms and to both charts under 1 s, at the median.

Measured, each from a fresh browser context (no cache, a new session):

- first view: from navigation until the first screen is interactive: the welcome's start button
  drawn and enabled and the script run finished (hello-world: its text drawn and its run finished);
- first question: from navigation, through the welcome's start button, until question 1 can be
  answered (reported, not a target: it includes a click and a rerun);
- Next: from clicking Next until the next step's heading is drawn and focused, its first question
  enabled and the run finished (a whole questionnaire's worth of clicks, with the article's answers
  loaded); against a hello-world rerun: from clicking a button that reruns the hello-world script and
  changes its text until the new text is drawn and the run finished (as many clicks, alternating
  session by session with pirisk's);
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
from browsing import ScriptRuns, running_app, running_server  # noqa: E402 - the browser tests' own server and run counter

# The one-line hello-world; with ?rerun=1 in the address, a button that reruns it and changes its text
# (the baseline for Next). The first view never draws the button.
HELLO = """import streamlit as st
if not st.query_params.get("rerun"):
    st.write("Hello, world")
else:
    st.session_state.setdefault("step", 0)
    def _next():
        st.session_state.step += 1
    st.button("Next", key="next", on_click=_next)
    st.write(f"Hello, step {st.session_state.step}")
"""
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1280, "height": 900}
AXES = ("civil", "criminal", "administrative", "reputational")
PAUSE_S = 3  # seconds on the review before clicking Results


class Runs(ScriptRuns):
    """Streamlit's finished script runs, counted from its websocket messages (tests/e2e/browsing.py)."""

    @property
    def done(self) -> int:
        """Runs finished so far, the page's and its fragments' (a step of the questionnaire reruns alone)."""
        return self.finished + self.fragments

    def until(self, after: int, ready: Callable[[], bool]) -> None:
        """Wait until a run (the page's or a fragment's) has finished since `after` and `ready()` holds."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while self.done <= after or not ready():
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
SEE_RESULTS = ".st-key-see_results a, .st-key-see_results button"  # a link; a button before 2026-12-05
FIRST_QUESTION = ".st-key-question__company_sector input[type=radio]"


def first_view_app(browser: Browser, url: str) -> tuple[float, float]:
    """(navigation to the welcome interactive, navigation to question 1 interactive)."""
    page, runs = _fresh(browser)
    start = time.perf_counter()
    page.goto(url + "/?lang=en")
    runs.until(0, _enabled(page, START))
    welcome = time.perf_counter() - start
    before = runs.done
    page.locator(START).click()
    runs.until(before, _enabled(page, FIRST_QUESTION))
    question = time.perf_counter() - start
    _close(page)
    return welcome, question


def _load_example(page: Page, runs: Runs, url: str) -> None:
    page.goto(url + "/?lang=en")
    runs.until(0, _enabled(page, START))
    before = runs.done
    page.locator(".st-key-resume_file_0 input[type=file]").set_input_files(str(EXAMPLE))
    runs.until(before, _enabled(page, SEE_RESULTS))


def hello_reruns(browser: Browser, url: str, clicks: int) -> list[float]:
    """`clicks` reruns of the hello-world, each from the click until its new text is drawn and the run finished."""
    page, runs = _fresh(browser)
    page.goto(url + "/?rerun=1")
    runs.until(0, lambda: page.get_by_text("Hello, step 0").is_visible())
    times = []
    for step in range(1, clicks + 1):
        before = runs.done
        start = time.perf_counter()
        page.locator(".st-key-next button").click()
        runs.until(before, lambda step=step: page.get_by_text(f"Hello, step {step}", exact=True).is_visible())
        times.append(time.perf_counter() - start)
    _close(page)
    return times


def next_clicks(browser: Browser, url: str) -> list[float]:
    """Every Next of a questionnaire whose answers are all given (the article's), from step 1 to the review."""
    page, runs = _fresh(browser)
    _load_example(page, runs, url)
    before = runs.done
    page.locator(".st-key-goto__0 button:visible").first.click()
    runs.until(before, _enabled(page, ".st-key-nav_next button"))
    times = []
    step = 0
    while page.locator(".st-key-nav_next button").count():
        before = runs.done
        start = time.perf_counter()
        page.locator(".st-key-nav_next button").click()
        # The next step that asks something (Next passes over a section the answers leave empty): its
        # heading focused, and its first question (or See results) enabled.
        runs.until(
            before,
            lambda step=step: bool(
                page.evaluate(
                    """s => { const h = document.activeElement; const m = h && /^step-(\\d+)$/.exec(h.id || "");
                        if (!m || Number(m[1]) <= s) return false;
                        const q = document.querySelector("[class*='st-key-question__'] input, .st-key-see_results a, .st-key-see_results button");
                        return !!q && !q.disabled; }""",
                    step,
                )
            ),
        )
        times.append(time.perf_counter() - start)
        step = int(page.evaluate("() => document.activeElement.id.split('-')[1]"))
    _close(page)
    return times


CARDS = """axes => axes.every(a => (document.querySelector('.st-key-axis__' + a) || {}).innerText?.includes('/100'))"""
# The charts as SVG (this checkout), or as Plotly's (an --app-root from before 2026-12-05).
CHARTS = """() => (!!document.querySelector('.st-key-radar svg') && !!document.querySelector('.st-key-grid svg'))
    || document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2"""


def results_click(browser: Browser, url: str, pause_s: float) -> tuple[float, float]:
    """(click to the four scores on their cards, click to both charts drawn too), after the review has
    been open `pause_s` seconds: a person reaches Results after answering, never straight away."""
    page, runs = _fresh(browser)
    _load_example(page, runs, url)
    page.wait_for_timeout(pause_s * 1000)
    before = runs.done
    start = time.perf_counter()
    page.locator(SEE_RESULTS).click()
    scores = None
    while True:
        if scores is None and runs.done > before and page.evaluate(CARDS, list(AXES)):
            scores = time.perf_counter() - start
        if scores is not None and page.evaluate(CHARTS):
            charts = time.perf_counter() - start
            break
        if time.perf_counter() - start > TIMEOUT_MS / 1000:
            raise SystemExit("the results did not draw in time")
        page.wait_for_timeout(5)
    _close(page)
    return scores, charts


PARTS = ("first", "next", "results")


def _measure(args: argparse.Namespace, parts: set[str], app_root: Path) -> dict[str, list[Any]]:
    """Every figure's samples, hello-world and pirisk sessions alternating."""
    n = args.repeats
    got: dict[str, list[Any]] = {}
    with tempfile.TemporaryDirectory(prefix="pirisk-bench-") as tmp:
        folder = Path(tmp)
        hello_script = folder / "hello.py"
        hello_script.write_text(HELLO, encoding="utf-8")
        env = {**os.environ, "PIRISK_DATA_DIR": str(folder)}
        with (
            running_server(folder, env, root=app_root) as (app_url, _),
            running_app(folder, env, str(hello_script)) as hello_url,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first_view_hello(browser, hello_url)  # warm both servers and the browser: neither side pays for it
            first_view_app(browser, app_url)
            if "first" in parts:
                for _ in range(n):  # interleaved, so that both see the same machine
                    got.setdefault("hello", []).append(first_view_hello(browser, hello_url))
                    w, q = first_view_app(browser, app_url)
                    got.setdefault("welcome", []).append(w)
                    got.setdefault("question", []).append(q)
            if "next" in parts:
                for _ in range(max(2, n // 2)):  # about ten clicks a session: two sessions at least
                    nexts = next_clicks(browser, app_url)
                    got.setdefault("nexts", []).extend(nexts)
                    got.setdefault("reruns", []).extend(hello_reruns(browser, hello_url, len(nexts)))
            if "results" in parts:
                got["results"] = [results_click(browser, app_url, PAUSE_S) for _ in range(n)]
                got["straight"] = [results_click(browser, app_url, 0) for _ in range(n)]
            browser.close()
    return got


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="fresh sessions per figure (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"which figures, comma-separated, of {','.join(PARTS)} (default all)"
    )
    parser.add_argument("--app-root", type=Path, default=ROOT, help="the checkout whose app.py is timed (default this one)")
    args = parser.parse_args()
    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    if not parts or parts - set(PARTS):
        parser.error(f"--only takes some of {','.join(PARTS)}")
    got = _measure(args, parts, args.app_root.resolve())

    med = statistics.median
    figures: dict[str, Any] = {
        "machine": f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "app_root": str(args.app_root.resolve()),
        "repeats": args.repeats,
    }
    met = []
    if "first" in parts:
        figures |= {
            "hello_first_view_s": med(got["hello"]),
            "first_view_s": med(got["welcome"]),
            "first_view_ratio": med(got["welcome"]) / med(got["hello"]),
            "first_question_s": med(got["question"]),
        }
        met.append(figures["first_view_ratio"] <= 1.3)
    if "next" in parts:
        nexts, reruns = got["nexts"], got["reruns"]
        figures |= {
            "hello_rerun_s": med(reruns),
            "hello_rerun_p90_s": _p90(reruns),
            "next_s": med(nexts),
            "next_p90_s": _p90(nexts),
            "next_n": len(nexts),
            "next_ratio": med(nexts) / med(reruns),
        }
        met.append(figures["next_ratio"] <= 2)
    if "results" in parts:
        results, straight = got["results"], got["straight"]
        figures |= {
            "results_s": med([r[0] for r in results]),
            "results_max_s": max(r[0] for r in results),
            "results_charts_s": med([r[1] for r in results]),
            "results_straight_s": med([r[0] for r in straight]),
            "results_straight_charts_s": med([r[1] for r in straight]),
        }
        met.append(figures["results_s"] < 0.5 and figures["results_charts_s"] < 1)
    figures["targets_met"] = all(met)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    _print(figures)
    return 0


def _print(figures: dict[str, Any]) -> None:
    s = lambda seconds: f"{seconds * 1000:7.0f} ms"  # noqa: E731
    n = figures["repeats"]
    print(f"machine: {figures['machine']}; load average {figures['load_average']:.2f}; app {figures['app_root']}")
    if "first_view_s" in figures:
        print(f"first view (target: at most 1.3x hello-world), median of {n} fresh sessions")
        print(f"  hello-world, text drawn                {s(figures['hello_first_view_s'])}")
        print(f"  pirisk, welcome interactive            {s(figures['first_view_s'])}   ratio {figures['first_view_ratio']:.2f}x")
        print(f"  pirisk, question 1 interactive         {s(figures['first_question_s'])}   (through the start button)")
    if "next_s" in figures:
        print(f"clicks (target: Next at most 2x a hello-world rerun), median of {figures['next_n']}")
        print(f"  hello-world rerun -> new text drawn    {s(figures['hello_rerun_s'])}   p90 {s(figures['hello_rerun_p90_s'])}")
        print(
            f"  Next -> next step interactive, focused {s(figures['next_s'])}   p90 {s(figures['next_p90_s'])}"
            f"   ratio {figures['next_ratio']:.2f}x"
        )
    if "results_s" in figures:
        print(f"Results (targets: scores under 500 ms, charts under 1 s), median of {n}")
        print(f"  Results -> the four scores drawn       {s(figures['results_s'])}   max {s(figures['results_max_s'])}")
        print(f"  Results -> and both charts drawn       {s(figures['results_charts_s'])}")
        print("  the same, clicked the moment the answers were loaded (the chart code not loaded yet):")
        print(f"    four scores {s(figures['results_straight_s'])}, charts {s(figures['results_straight_charts_s'])}")
    print(f"targets: {'met' if figures['targets_met'] else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
