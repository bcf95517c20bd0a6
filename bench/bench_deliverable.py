"""Benchmark: the consultant's full branded report with every appendix, in each format, against the plain
report measured in the same run.

The full report is the article example as of a date (default 2026-12-01) with a logo and a name on the
cover, three workshop respondents (each answering 15 questions, disagreeing on three), 20 notes, one
tracked action per ranked measure, and the comparison (with an earlier assessment whose answers differ),
projection and trace appendices. Targets: the PDF under 1.5 s, the Word file under 1 s (medians).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_pdf import timed  # noqa: E402 - the same timing as the PDF benchmark
from PIL import Image  # noqa: E402

from deliverable.actions import ActionInput  # noqa: E402
from deliverable.branding import Branding  # noqa: E402
from deliverable.extras import ReportExtras, RespondentInput, WorkshopInput, assessment_comparison  # noqa: E402
from questions.answers import AnswerSet  # noqa: E402
from report.formats import FORMATS  # noqa: E402
from scoring.engine import assess  # noqa: E402

EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
TARGETS = {"pdf": 1.5, "docx": 1.0}


def full_case(lang: str, day: dt.date) -> tuple:
    """(assessment, answer set, branding, extras) of the full deliverable."""
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    a = assess(answers, day)
    questions = list(answers)[:20]
    notes = {
        q: f"Confirmed in the workshop of 2026-11-20 with the CTO and legal; see the minutes, item {i}."
        for i, q in enumerate(questions)
    }
    disputed = questions[3:6]
    respondents = tuple(
        RespondentInput(name, role, {q: ("unknown" if n == 2 and q in disputed else answers[q]) for q in questions[:15]})
        for n, (name, role) in enumerate((("Li Wei", "CTO"), ("Zhang Min", "Legal"), ("Wang Fang", "HR")))
    )
    actions = tuple(
        ActionInput(
            r.remedy,
            owner="Li Wei",
            due=day + dt.timedelta(days=90),
            status=("planned", "in_progress", "done")[i % 3],
            evidence="Policy v2",
        )
        for i, r in enumerate(a.remedies)
    )
    before = dict(answers, buys_data=False)
    before.pop("purchased_data_kind", None)
    comparison = assessment_comparison("Review 2025", dt.date(2025, 6, 1), assess(before, dt.date(2025, 6, 1)), before, lang)
    extras = ReportExtras(
        client="Example Internet Co.",
        title="Annual review 2026",
        workshop=WorkshopInput(respondents, tuple(disputed)),
        actions=actions,
        comparison=comparison,
        projected=True,
        trace=True,
    )
    logo = io.BytesIO()
    Image.new("RGB", (400, 160), (31, 58, 96)).save(logo, "PNG")
    return a, AnswerSet(answers, "", lang, day, notes), Branding("Acme Advisory", logo.getvalue()), extras


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 12, 1))
    args = parser.parse_args()
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}")
    print(f"{'case':42} {'median s':>9} {'first s':>8} {'cpu s':>7} {'KiB':>7}  target")
    ok = True
    writers = [(f.key, f.build) for f in FORMATS]
    for lang in ("en", "zh"):
        a, full_set, branding, extras = full_case(lang, args.as_of)
        plain_set = AnswerSet(full_set.answers, "Example Internet Co.", lang, args.as_of)
        for key, build in writers:
            plain = lambda build=build, a=a, s=plain_set: build(a, s)  # noqa: E731
            full = lambda build=build, a=a, s=full_set, b=branding, e=extras: build(a, s, b, extras=e)  # noqa: E731
            for label, call in (("plain", plain), ("full", full)):
                median, first, cpu, size = timed(call, args.runs)
                target = TARGETS.get(key) if label == "full" else None
                passed = target is None or median < target
                ok &= passed
                verdict = "" if target is None else f"<{target} s {'ok' if passed else 'MISSED'}"
                print(f"{f'{key}, {lang}, {label}':42} {median:9.3f} {first:8.3f} {cpu:7.3f} {size / 1024:7.1f}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
