"""Server CPU of the founder's questionnaire (the Assess page, ui/assess.py): per answer and per "Next" click.

Run by hand: `.venv/bin/python bench/bench_questionnaire.py [--sessions 3] [--app-root DIR]`. Like
bench/bench_workshop.py (whose client it uses), a real `streamlit run app.py` server on loopback and a
client speaking Streamlit's protocol, as a browser would: open the app, "Start", then on every step a
seeded random answer to each question shown (a radio option, or one tick) and "Next", up to the review.
One session at a time, so that the server process's CPU seconds around a click (/proc/<pid>/stat) are
that click's alone: the figure does not depend on what else the machine runs, the wall time does.
`--app-root` runs another checkout's app (a `git worktree` of a baseline commit) with the same client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

import websockets  # noqa: E402

from bench.bench_workshop import RUN_TIMEOUT, Browser, Page, app_servers, choose, click, proc_cpu  # noqa: E402
from scoring.loader import default_law  # noqa: E402

# Seconds to wait after a run before reading the server's CPU: the server finishes its work for a run
# (cleanup, and Streamlit's garbage collection where it is on) after it has told the browser the run is
# over. The kernel counts CPU in 10 ms ticks, so one click's figure is coarse: the mean over many is not.
SETTLE = 0.2


async def one_session(address: str, pid: int, seed: int) -> dict[str, list[float]]:
    """Answer the whole questionnaire once; CPU and wall seconds of each answer and each Next click."""
    law = default_law()
    rng = random.Random(seed)
    out: dict[str, list[float]] = {"answer_cpu": [], "answer_wall": [], "next_cpu": [], "next_wall": []}

    async def timed(browser: Browser, states: Any, kind: str) -> Page:
        cpu, wall = proc_cpu(pid), time.perf_counter()
        page = await browser.run(states)
        out[f"{kind}_wall"].append(time.perf_counter() - wall)
        await asyncio.sleep(SETTLE)
        out[f"{kind}_cpu"].append(proc_cpu(pid) - cpu)
        if page.exceptions:
            raise RuntimeError(f"the page raised: {page.exceptions}")
        return page

    async with websockets.connect(address, max_size=None, open_timeout=RUN_TIMEOUT) as ws:
        browser = Browser(ws, "lang=en")
        page = await browser.run()
        page = await browser.run(click(page, "welcome_start"))
        given: set[str] = set()
        while "see_results" not in page.ids:
            keys = [k.split("__")[0] for k in page.order]
            todo = [law.bank.questions[k] for k in keys if k in law.bank.questions and k not in given]
            if todo:
                q = todo[0]
                given.add(q.id)
                page = await timed(browser, choose(q, rng, page)[1], "answer")
            elif "nav_next" in page.ids:
                page = await timed(browser, click(page, "nav_next"), "next")
            else:
                raise RuntimeError(f"nothing left to do on the page: {page.order} {page.alerts}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3, help="questionnaires answered, one after another (default 3)")
    parser.add_argument("--app-root", type=Path, default=ROOT, help="run the app of this checkout (default: this one)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="pirisk-questionnaire-") as tmp:
        with app_servers(f"sqlite:///{tmp}/pirisk.db", args.app_root) as servers:
            pid = servers.pids[0]
            asyncio.run(one_session(servers.address, pid, args.seed - 1))  # warm-up: one-time imports
            for i in range(args.sessions):
                for kind, values in asyncio.run(one_session(servers.address, pid, args.seed + i)).items():
                    figures.setdefault(kind, []).extend(values)

    def ms(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "count": len(ordered),
            "mean_ms": round(1000 * statistics.fmean(ordered), 1),
            "median_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        }

    print(
        json.dumps(
            {
                "machine": f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {os.cpu_count()} cores",
                "load_average": os.getloadavg(),
                "app": str(args.app_root),
                **{kind: ms(values) for kind, values in figures.items()},
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
