"""Benchmark of the core before and after a change: `assess()` and `assess_frame` from two checkouts, in one run.

Run by hand: `.venv/bin/python bench/bench_before_after.py BEFORE_DIR AFTER_DIR [--rounds N] [--rows N]`
(for example a `git worktree` of the commit before the change, and this checkout).

Each measurement runs in a fresh interpreter started in the checkout it measures, and the two sides
alternate (before, after, before, after, ...), so that a change in the machine's load falls on both.
Times are CPU time of the measuring process (`time.process_time`), which other processes on a busy
machine disturb far less than wall time; the wall time is printed beside it. Reported per side: the
median over rounds of each round's best (assess_frame) or median (assess()) figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

# The measurement, run inside each checkout. It prints one JSON line.
PROBE = r"""
import datetime as dt, json, statistics, sys, time
sys.path.insert(0, ".")
sys.path.insert(0, "bench")
from bench_frame import generate
from scoring.engine import assess
from scoring.frame import assess_frame
from scoring.loader import default_law

law = default_law()
rows = int(sys.argv[1])
answers = json.load(open("examples/article-2012-internet-company.json"))["answers"]
out = {}
for label, day in (("2012-09-04", dt.date(2012, 9, 4)), ("2026-11-29", dt.date(2026, 11, 29))):
    for rank in (False, True):
        assess(answers, day, rank_remedies=rank, law=law)
        cpu = []
        for _ in range(200):
            t = time.process_time()
            assess(answers, day, rank_remedies=rank, law=law)
            cpu.append(time.process_time() - t)
        out[f"assess {label} {'ranked' if rank else 'unranked'} (ms)"] = statistics.median(cpu) * 1000
df = generate(law, rows, 20261129)
day = dt.date(2026, 11, 29)
assess_frame(df.iloc[:100], day)
for name, frame, kwargs in (("assess_frame, %d rows (s)" % rows, df, {}), ("assess_frame with remedies, %d rows (s)" % (rows // 10), df.iloc[: rows // 10], {"remedies": True})):
    best_cpu, best_wall = 1e9, 1e9
    for _ in range(3):
        t, w = time.process_time(), time.perf_counter()
        assess_frame(frame, day, law=law, **kwargs)
        best_cpu, best_wall = min(best_cpu, time.process_time() - t), min(best_wall, time.perf_counter() - w)
    out[name] = best_cpu
    out[name.replace("(s)", "wall (s)")] = best_wall
print(json.dumps(out))
"""


def measure(checkout: Path, rows: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(rows)], cwd=checkout, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}, cores: {os.cpu_count()}"
    )
    results: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for round_ in range(1, args.rounds + 1):
        for side in ("before", "after"):
            load = os.getloadavg()[0]
            results[side].append(measure(getattr(args, side), args.rows))
            print(f"round {round_} {side}: done (load average {load:.1f})", flush=True)
    print("\n| what | before | after |\n|---|---|---|")
    for key in results["before"][0]:
        before = statistics.median(r[key] for r in results["before"])
        after = statistics.median(r[key] for r in results["after"])
        print(f"| {key} | {before:.3g} | {after:.3g} |")


if __name__ == "__main__":
    main()
