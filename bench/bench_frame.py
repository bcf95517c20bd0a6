"""Benchmark of batch scoring: `assess_frame` on 100,000 generated answer sets against a loop over `assess()`.

Run by hand: `.venv/bin/python bench/bench_frame.py [--rows N] [--sample N] [--seed N]`.

How the rows are generated (`generate`, seeded numpy generator over the shipped bank):

* every question gets a cell: yes_no true/false with even odds, single a uniform choice, multi each
  choice independently with probability 0.3, written as JSON text (as a CSV would hold it);
* 8% of cells are "unknown" where the question offers it;
* 40% of the cells of questions with a `show_if` are left blank (omitted answers to branches that
  are often hidden); a row whose blanks leave a visible required question unanswered gets those
  cells back (one `assess_frame` pass finds them), so such rows stay valid;
* then 1% of rows get one bad cell (a choice that does not exist, or "maybe" for a yes/no);
* an `id` column is passed through.

The loop baseline scores a sample of the same rows (default 2,000) with `assess(..., rank_remedies=False)`,
turning each row into an answers dict first (JSON text to lists, blanks dropped) and producing the
same outputs (four numbers per axis, fired rules joined, or the error); its per-row time is
extrapolated to all rows. Both are timed in the same run, after the law is loaded and compiled once.
Its outputs are checked equal to `assess_frame`'s on the sample.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring.axes import AXIS_KEYS  # noqa: E402
from scoring.engine import assess  # noqa: E402
from scoring.errors import AnswersError  # noqa: E402
from scoring.frame import assess_frame  # noqa: E402
from scoring.loader import Law, default_law  # noqa: E402

AS_OF = dt.date(2026, 11, 29)
TARGET_SECONDS = 5.0
TARGET_SPEEDUP = 20.0
TARGET_PEAK_MB = 1024.0
UNKNOWN_SHARE = 0.08
BLANK_HIDDEN_SHARE = 0.4
BAD_ROW_SHARE = 0.01


def generate(law: Law, n: int, seed: int) -> pd.DataFrame:
    """n answer sets over the bank, as documented in the module docstring."""
    rng = np.random.default_rng(seed)
    full: dict[str, np.ndarray] = {}
    for q in law.bank.questions.values():
        if q.type == "yes_no":
            col = (rng.random(n) < 0.5).astype(object)
        elif q.type == "single":
            col = np.array([c.id for c in q.choices], dtype=object)[rng.integers(0, len(q.choices), n)]
        else:
            ids = [c.id for c in q.choices]
            keys = (rng.random((n, len(ids))) < 0.3) @ (1 << np.arange(len(ids)))
            texts = {k: json.dumps([ids[j] for j in range(len(ids)) if k >> j & 1]) for k in np.unique(keys).tolist()}
            col = np.array([texts[k] for k in keys.tolist()], dtype=object)
        if q.unknown:
            col[rng.random(n) < UNKNOWN_SHARE] = "unknown"
        full[q.id] = col
    branches = [q.id for q in law.bank.questions.values() if q.show_if is not None]
    cells = {qid: full[qid].copy() if qid in branches else full[qid] for qid in full}
    for qid in branches:
        cells[qid][rng.random(n) < BLANK_HIDDEN_SHARE] = None
    df = pd.DataFrame({"id": np.arange(n), **cells})
    # Give a visible required question left blank its answer back; that can show further questions,
    # so repeat until no row misses an answer (show_if only looks back, so this ends).
    while True:
        errors = assess_frame(df, AS_OF, law=law)["error"]
        missing = errors.str.extract(r"required answers missing: (.*)$")[0].dropna()
        if missing.empty:
            break
        for qid in branches:
            rows = missing.index[missing.str.contains(rf"\b{qid}\b")].to_numpy()
            df.loc[rows, qid] = full[qid][rows]
    del full, cells
    bad = np.flatnonzero(rng.random(n) < BAD_ROW_SHARE)
    qids = list(law.bank.questions)
    for row, k in zip(bad.tolist(), rng.integers(0, len(qids), len(bad)).tolist(), strict=True):
        q = law.bank.questions[qids[k]]
        df.iat[row, df.columns.get_loc(q.id)] = (
            "maybe" if q.type == "yes_no" else ('["no_such_choice"]' if q.type == "multi" else "no_such_choice")
        )
    return df


def row_answers(record: dict[str, Any], law: Law) -> dict[str, Any]:
    """One table row as the answers dict `assess()` takes."""
    answers = {}
    for qid, q in law.bank.questions.items():
        value = record.get(qid)
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if q.type == "multi" and isinstance(value, str) and value.startswith("["):
            value = json.loads(value)
        answers[qid] = value
    return answers


def loop_outputs(records: list[dict[str, Any]], law: Law) -> list[tuple[Any, ...]]:
    """The loop baseline: assess() per row, giving the same outputs as assess_frame."""
    out = []
    for record in records:
        try:
            a = assess(row_answers(record, law), AS_OF, rank_remedies=False, law=law)
        except AnswersError:
            out.append(("error",))
            continue
        scores = tuple(x for k in AXIS_KEYS for x in (a.axes[k].likelihood, a.axes[k].severity, a.axes[k].level, a.axes[k].score))
        out.append((*scores, ";".join(a.fired_rules)))
    return out


def frame_outputs(result: pd.DataFrame) -> list[tuple[Any, ...]]:
    out = []
    columns = [f"{k}_{p}" for k in AXIS_KEYS for p in ("likelihood", "severity", "level", "score")]
    for row in result[[*columns, "fired_rules", "error"]].itertuples(index=False):
        if isinstance(row[-1], str):
            out.append(("error",))
        else:
            out.append((*(int(x) if not isinstance(x, str) else x for x in row[:-2]), row[-2]))
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: a child's ru_maxrss starts at its
    parent's peak (Linux keeps it across fork and exec), which would measure the parent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def score_file(path: str) -> int:
    """Child process: load the law, read a CSV table as the CLI does, score it once, print max RSS before and after."""
    from scoring.batch import read_table

    law = default_law()
    df = read_table(path)
    before = peak_rss_mb()
    start = time.perf_counter()
    assess_frame(df, AS_OF, law=law)
    seconds = time.perf_counter() - start
    after = peak_rss_mb()
    print(json.dumps({"rss_before_mb": before, "rss_after_mb": after, "seconds": seconds}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--score-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.score_file:
        return score_file(args.score_file)

    print(f"machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}")
    law = default_law()
    start = time.perf_counter()
    df = generate(law, args.rows, args.seed)
    print(f"generated {len(df):,} rows x {df.shape[1]} columns in {time.perf_counter() - start:.1f} s (seed {args.seed})")
    unknown_share = (df.drop(columns="id") == "unknown").to_numpy().mean()
    print(f"  cells 'unknown': {unknown_share:.1%}; blank: {df.drop(columns='id').isna().to_numpy().mean():.1%}")

    timings = []
    for _ in range(3):
        start = time.perf_counter()
        result = assess_frame(df, AS_OF, law=law)
        timings.append(time.perf_counter() - start)
    frame_s = min(timings)
    errors = int(result["error"].notna().sum())
    print(
        f"assess_frame: {frame_s:.2f} s for {len(df):,} rows (best of 3; runs {', '.join(f'{t:.2f}' for t in timings)} s), "
        f"{frame_s / len(df) * 1e6:.1f} µs/row; {errors:,} rows with errors"
    )

    tracemalloc.start()
    assess_frame(df, AS_OF, law=law)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_mb = peak / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "rows.csv"
        df.to_csv(table, index=False)
        child = subprocess.run([sys.executable, __file__, "--score-file", str(table)], capture_output=True, text=True, check=True)
        memory = json.loads(child.stdout)
        start = time.perf_counter()
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "scoring",
                "batch",
                str(table),
                "-o",
                str(Path(tmp) / "out.csv"),
                "--as-of",
                AS_OF.isoformat(),
                "--no-progress",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        cli_s = time.perf_counter() - start
    rss_mb = memory["rss_after_mb"]
    print(
        f"peak memory: tracemalloc {traced_mb:.0f} MB allocated during one call; a fresh process that reads the table "
        f"from CSV (as the CLI does) and scores it: max RSS {rss_mb:.0f} MB ({memory['rss_before_mb']:.0f} MB before "
        f"scoring: interpreter, pandas, the law, the table; assess_frame took {memory['seconds']:.2f} s there)"
    )
    print(f"CLI end to end (start, read CSV, score, write CSV): {cli_s:.2f} s; it printed: {cli.stdout.strip()}")

    sample = np.random.default_rng(args.seed + 1).choice(len(df), size=min(args.sample, len(df)), replace=False)
    records = df.iloc[sample].to_dict("records")
    start = time.perf_counter()
    expected = loop_outputs(records, law)
    loop_s = time.perf_counter() - start
    per_row = loop_s / len(records)
    print(
        f"loop over assess(): {loop_s:.2f} s for {len(records):,} sampled rows, {per_row * 1e6:.0f} µs/row, "
        f"extrapolated {per_row * len(df):.1f} s for {len(df):,} rows"
    )
    speedup = per_row / (frame_s / len(df))
    got = frame_outputs(result.iloc[sample])
    same = sum(a == b for a, b in zip(got, expected, strict=True))
    print(f"speed-up per row: {speedup:.0f}x; outputs equal on {same:,}/{len(records):,} sampled rows")

    start = time.perf_counter()
    ranked = assess_frame(df.iloc[:10_000], AS_OF, remedies=True, law=law)
    print(
        f"with remedies=True: {time.perf_counter() - start:.2f} s for 10,000 rows ({ranked['remedies'].notna().sum():,} ranked)"
    )

    checks = [
        (f"{len(df):,} rows under {TARGET_SECONDS:.0f} s", frame_s < TARGET_SECONDS or len(df) < 100_000),
        (f"at least {TARGET_SPEEDUP:.0f}x faster per row", speedup >= TARGET_SPEEDUP),
        (f"peak memory under {TARGET_PEAK_MB:.0f} MB", max(traced_mb, rss_mb) < TARGET_PEAK_MB),
        ("same outputs as the loop", same == len(records)),
    ]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
