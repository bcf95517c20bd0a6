"""Benchmark of the action plan ("what do I do first?"): `action_plan()` for every example, against `assess()`.

Run by hand: `.venv/bin/python bench/bench_plan.py`. Target (issue 21): under 300 ms for the plan of
any example. Baseline measured in the same run: `assess()` without ranking, the cheapest scoring of
the same answers. Both as medians of 20 runs after a warm-up, CPU time of this process and wall time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring.actionplan import action_plan  # noqa: E402
from scoring.engine import assess  # noqa: E402
from scoring.loader import default_law  # noqa: E402

TARGET_MS = 300.0
DATES = (dt.date(2012, 9, 4), dt.date(2026, 11, 29))


def median_ms(run, times: int = 20) -> tuple[float, float]:
    run()
    cpu, wall = [], []
    for _ in range(times):
        c, w = time.process_time(), time.perf_counter()
        run()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def main() -> int:
    print(
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}, cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}"
    )
    law = default_law()
    worst = 0.0
    print("| example | as of | measures | steps | assess(), unranked (baseline) cpu / wall ms | action_plan() cpu / wall ms |")
    print("|---|---|---|---|---|---|")
    for path in sorted((ROOT / "examples").glob("*.json")):
        answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
        for day in DATES:
            ranked = assess(answers, day, law=law)
            base = median_ms(lambda a=answers, d=day: assess(a, d, rank_remedies=False, law=law))
            planned = median_ms(lambda r=ranked: action_plan(r, law))
            worst = max(worst, planned[1])
            steps = len(ranked.plan.steps) if ranked.plan else 0
            print(
                f"| {path.stem} | {day} | {len(ranked.remedies)} | {steps} | {base[0]:.1f} / {base[1]:.1f} | {planned[0]:.1f} / {planned[1]:.1f} |"
            )
    verdict = "PASS" if worst < TARGET_MS else "FAIL"
    print(f"{verdict}  the slowest plan took {worst:.1f} ms (wall), target under {TARGET_MS:.0f} ms")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
