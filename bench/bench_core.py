"""Benchmark of the legal core: `import scoring`, loading the data, and one `assess()` with the
what-if ranking of remedies. Run by hand: `.venv/bin/python bench/bench_core.py`.

Baselines measured in the same run: `import json` (an interpreter start with a stdlib import) and
an `assess()` without remedy ranking."""

from __future__ import annotations

import datetime as dt
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def import_ms(stmt: str, runs: int = 15) -> float:
    """Median wall time of a fresh interpreter running `stmt`, minus nothing (reported raw)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", stmt], cwd=ROOT, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def importtime_ms(module: str) -> float:
    """Cumulative import time of `module` as `python -X importtime` reports it."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    for line in reversed(out.stderr.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    raise RuntimeError(module)


def main() -> None:
    print(
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}, cores: 2"
    )
    base = import_ms("import json")
    with_scoring = import_ms("import scoring")
    print(f"interpreter + import json (baseline): {base:.1f} ms median")
    print(f"interpreter + import scoring:         {with_scoring:.1f} ms median ({with_scoring - base:+.1f} ms over baseline)")
    print(f"import scoring, -X importtime:        {importtime_ms('scoring'):.1f} ms")
    cold = import_ms(
        "import json, datetime, scoring; a = json.load(open('examples/article-2012-internet-company.json'))['answers'];"
        " scoring.assess(a, datetime.date(2026, 11, 29))",
        runs=7,
    )
    print(f"interpreter + import + load + first assess(): {cold:.1f} ms median ({cold - base:+.1f} ms over baseline)")

    from scoring.engine import assess
    from scoring.loader import load_law

    start = time.perf_counter()
    law = load_law()
    print(f"load and validate all data once:      {(time.perf_counter() - start) * 1000:.1f} ms")

    answers = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text())["answers"]
    for label, day in (("2012-09-04", dt.date(2012, 9, 4)), ("2026-11-29", dt.date(2026, 11, 29))):
        for rank in (False, True):
            assess(answers, day, rank_remedies=rank, law=law)  # warm the per-date cache
            times = []
            for _ in range(300):
                t = time.perf_counter()
                result = assess(answers, day, rank_remedies=rank, law=law)
                times.append((time.perf_counter() - t) * 1000)
            what = "with remedy ranking" if rank else "without ranking (baseline)"
            print(
                f"assess() as of {label} {what:28}: median {statistics.median(times):.2f} ms, p95 {sorted(times)[284]:.2f} ms, {len(result.findings)} findings, {len(result.remedies)} remedies"
            )


if __name__ == "__main__":
    main()
