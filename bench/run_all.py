"""Run every benchmark in bench/, one after the other, each in its own process: `make bench`.

Benchmarks are run by hand and their figures written into docs/performance.md; this only runs them
in turn and says which failed. Pass names to run some: `bench/run_all.py bench_core bench_browser`.
The load test (bench/load.py) runs 20 browsers and the remote workshop's load (bench/bench_workshop.py)
keeps both cores busy for minutes with 30 respondents on two databases: both are left out unless named.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = ("bench_core", "bench_frame", "bench_pdf", "bench_app", "bench_questionnaire", "bench_browser")
ALL = (*DEFAULT, "load", "bench_workshop")


def main(argv: list[str]) -> int:
    names = argv or list(DEFAULT)
    unknown = [n for n in names if n not in ALL]
    if unknown:
        print(f"error: unknown benchmark {unknown[0]!r} (benchmarks: {', '.join(ALL)})", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False)
        print(
            f"== {name}: {'ok' if done.returncode == 0 else f'exit {done.returncode}'} in {time.perf_counter() - start:.0f} s\n",
            flush=True,
        )
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
