"""Benchmark: median time and size of the full PDF report for the article's example, against a one-page fpdf2 "hello"."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402

from questions.answers import AnswerSet  # noqa: E402
from report.fonts import FONT_PATH  # noqa: E402
from report.formats import export_format  # noqa: E402
from scoring.engine import assess  # noqa: E402

EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
TARGET_SECONDS = 1.5
TARGET_BYTES = 1_000_000


def hello(cjk: bool) -> bytes:
    """The smallest useful fpdf2 document: one page, one line (in a core font, or in the report's font)."""
    pdf = FPDF()
    pdf.add_page()
    if cjk:
        pdf.add_font("noto", "", str(FONT_PATH))
        pdf.set_font("noto", size=12)
        pdf.cell(0, 10, "Hello 你好")
    else:
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, "Hello")
    return bytes(pdf.output())


def timed(fn, runs: int) -> tuple[float, float, float, int]:
    """(median wall seconds, first-run wall seconds, median CPU seconds, size of the output in bytes).

    CPU time is shown beside wall time because a shared machine's other work inflates the wall clock."""
    walls, cpus, size = [], [], 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(fn())
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), walls[0], statistics.median(cpus), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    file = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    answers, company = file["answers"], file["company"]
    today = dt.date.today()
    rows = [
        ("hello, core font (1 page)", *timed(lambda: hello(False), args.runs), None),
        ("hello, CJK font (1 page)", *timed(lambda: hello(True), args.runs), None),
    ]
    ok = True
    for lang in ("en", "zh"):
        for label, day in (("today", today), ("2012", dt.date(2012, 9, 4))):
            a = assess(answers, day)
            median, first, cpu, size = timed(
                lambda a=a, lang=lang: export_format("pdf").build(a, AnswerSet(answers, company, lang)), args.runs
            )
            passed = median < TARGET_SECONDS and size < TARGET_BYTES
            ok &= passed
            rows.append((f"full report, {lang}, as of {label} ({day.isoformat()})", median, first, cpu, size, passed))

    print(f"{'case':48} {'median s':>9} {'first s':>8} {'cpu s':>7} {'KiB':>7}  target (<{TARGET_SECONDS} s, <1 MB)")
    for name, median, first, cpu, size, passed in rows:
        verdict = "" if passed is None else ("ok" if passed else "MISSED")
        print(f"{name:48} {median:9.3f} {first:8.3f} {cpu:7.3f} {size / 1024:7.1f}  {verdict}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.runs} runs each; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; load average {load}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
