"""Load test: many concurrent browser sessions each complete an assessment; latency, errors and leakage.

Run by hand (not part of the default test run):

    .venv/bin/python bench/load.py                 # 20 sessions against a fresh server on loopback
    .venv/bin/python bench/load.py --sessions 5    # fewer
    .venv/bin/python bench/load.py --url http://127.0.0.1:8501   # an app you started yourself

Each session is its own Playwright browser context in Debian's chromium (never a downloaded browser).
It opens the app, resumes from its own generated answers file, opens the results and reads the four
axis scores off the page. Every session's answers differ. The scores each session shows must equal
`assess()` run offline on that session's own answers: anything else is cross-session leakage.
Everything is bounded: each step has a timeout, and the whole run is cancelled after --deadline
seconds. Only loopback is ever contacted. A 3-session version runs in CI (tests/e2e/test_load_small.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from questions.answers import AnswerSet  # noqa: E402
from questions.model import UNKNOWN  # noqa: E402
from scoring.answers_file import dump_answers  # noqa: E402
from scoring.axes import AXIS_KEYS  # noqa: E402
from scoring.engine import assess, check_answers, visibility  # noqa: E402
from scoring.loader import default_law  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
STEPS = ("open", "resume", "results")
STEP_TIMEOUT_MS = 240_000  # per step: 20 chromium tabs and the server share two cores
LAW_AS_OF = dt.date(2026, 11, 29)


def generate_answers(seed: int) -> dict[str, Any]:
    """A valid, complete answer set that differs by seed: the article's company with random changes."""
    law = default_law()
    rng = random.Random(seed)
    base = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
    answers = dict(base)
    for q in law.bank.questions.values():
        if rng.random() < 0.35:
            if q.type == "yes_no":
                answers[q.id] = rng.choice([True, False] + ([UNKNOWN] if q.unknown else []))
            elif q.type == "single":
                answers[q.id] = rng.choice([c.id for c in q.choices])
            else:
                answers[q.id] = sorted(rng.sample([c.id for c in q.choices], rng.randint(1, 3)))
    # Fill every visible required question the changes opened up, then check it is a complete set.
    for _ in range(3):
        shown = visibility(answers, law)
        for q in law.bank.questions.values():
            if shown[q.id] and q.id not in answers:
                answers[q.id] = False if q.type == "yes_no" else (q.choices[0].id if q.type == "single" else [q.choices[0].id])
    check_answers(answers, law)
    return answers


@dataclass
class SessionResult:
    index: int
    timings: dict[str, float] = field(default_factory=dict)
    shown: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def leaked(self) -> bool:
        return not self.error and self.shown != self.expected


async def one_session(browser: Any, url: str, index: int, seed: int, folder: Path, ramp: float = 0.0) -> SessionResult:
    from playwright.async_api import expect

    await asyncio.sleep(index * ramp)  # people arrive one after another, not in the same millisecond
    result = SessionResult(index)
    answers = generate_answers(seed + index)
    result.expected = {axis: r.score for axis, r in assess(answers, LAW_AS_OF).axes.items()}
    path = folder / f"session-{index}.json"
    path.write_text(
        dump_answers(AnswerSet(answers, f"Load {index}", "en", LAW_AS_OF, bank_version=default_law().bank.version)),
        encoding="utf-8",
    )
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        start = time.perf_counter()
        await page.goto(url + "/?lang=en")
        await expect(page.locator(".st-key-welcome_start button")).to_be_visible(timeout=STEP_TIMEOUT_MS)
        result.timings["open"] = time.perf_counter() - start

        start = time.perf_counter()
        await page.locator(".st-key-resume_file_0 input[type=file]").set_input_files(str(path))
        await expect(page.get_by_text(re.compile(r"Loaded \d+ answers"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
        result.timings["resume"] = time.perf_counter() - start

        start = time.perf_counter()
        await page.locator(".st-key-see_results a").click()
        for axis in AXIS_KEYS:
            await expect(page.locator(f".st-key-axis__{axis}")).to_contain_text("/100", timeout=STEP_TIMEOUT_MS)
        await expect(page.locator(".st-key-radar svg")).to_be_visible(timeout=STEP_TIMEOUT_MS)
        result.timings["results"] = time.perf_counter() - start

        for axis in AXIS_KEYS:
            text = await page.locator(f".st-key-axis__{axis}").inner_text()
            match = re.search(r"(\d+)/100", text)
            result.shown[axis] = int(match.group(1)) if match else -1
    except Exception as err:  # any failure of a session is counted and reported
        result.error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    finally:
        await context.close()
    return result


async def run_load(url: str, sessions: int, seed: int = 1, deadline: float = 600.0, ramp: float = 1.0) -> list[SessionResult]:
    """Run `sessions` concurrent sessions against `url`; cancelled after `deadline` seconds."""
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("load tests only ever target loopback")
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                tasks = [one_session(browser, url, i, seed, Path(tmp), ramp) for i in range(sessions)]
                return await asyncio.wait_for(asyncio.gather(*tasks), timeout=deadline)
            finally:
                await browser.close()


def summarise(results: list[SessionResult]) -> dict[str, Any]:
    summary: dict[str, Any] = {"sessions": len(results), "errors": sum(bool(r.error) for r in results),
                               "leaks": sum(r.leaked for r in results), "steps": {}}  # fmt: skip
    for step in STEPS:
        times = sorted(r.timings[step] for r in results if step in r.timings)
        if times:
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            summary["steps"][step] = {"p50_s": round(statistics.median(times), 3), "p95_s": round(p95, 3), "n": len(times)}
    summary["error_messages"] = sorted({r.error for r in results if r.error})
    return summary


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    limit = time.monotonic() + 60
    while time.monotonic() < limit:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("the app did not start within 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--deadline", type=float, default=600.0, help="cancel the whole run after this many seconds")
    parser.add_argument("--ramp", type=float, default=1.0, help="seconds between session starts (default 1)")
    parser.add_argument("--url", help="an app already running on loopback (default: start one)")
    args = parser.parse_args()
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server()
    try:
        # Baseline, in the same run: one session alone (after a warm-up session, so the server is warm).
        asyncio.run(run_load(url, 1, args.seed + 1000, args.deadline, 0))
        baseline = summarise(asyncio.run(run_load(url, 1, args.seed + 2000, args.deadline, 0)))
        start = time.perf_counter()
        results = asyncio.run(run_load(url, args.sessions, args.seed, args.deadline, args.ramp))
        summary = summarise(results)
        summary["wall_s"] = round(time.perf_counter() - start, 2)
        summary["baseline_one_session"] = baseline["steps"]
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    print(json.dumps(summary, indent=2))
    return 1 if summary["errors"] or summary["leaks"] or baseline["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
