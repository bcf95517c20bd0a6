"""The batch command: read answer sets from CSV, Excel or JSON, score them with `assess_frame`, write CSV or Excel.

    python -m scoring batch IN.csv|IN.xlsx|IN.json -o OUT.csv|OUT.xlsx [--as-of DATE] [--remedies] [--no-progress]

Input, one answer set per row (cell formats: see `scoring.frame`):

* CSV: UTF-8 (a byte-order mark is fine), a header row of question ids; every cell is read as text
  and only an empty cell is blank, so ids such as ``007`` pass through unchanged;
* Excel .xlsx: the first sheet, a header row of question ids; Excel's TRUE/FALSE and 1/0 work for
  yes/no questions;
* JSON: an array of objects, each either ``{question_id: value, ...}`` or an answers file
  (``{"answers": {...}, "company": ...}``, see docs/answers-format.md), whose ``company`` is passed
  through and whose ``law_as_of`` is ignored: ``--as-of`` applies to every row.

Output: the input's non-question columns, then the score columns, ``fired_rules``, ``remedies``
(with ``--remedies``) and ``error``. Rows that do not fit the bank are written with their ``error``
and empty scores; they do not stop the run, and the exit code is still 0. A file that cannot be
read or written is a user mistake: a `BatchError` with a one-line message (the CLI exits 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import same_file, write_atomic
from questions.errors import PiriskError
from scoring.answers_file import AnswersFileError
from scoring.tables import XLSX_MAX_ROWS

if TYPE_CHECKING:  # pandas is imported when a batch runs, not when the CLI starts
    import pandas as pd

INPUT_SUFFIXES = (".csv", ".xlsx", ".json")
OUTPUT_SUFFIXES = (".csv", ".xlsx")
CHUNK_ROWS = 10_000  # rows scored per step of the progress bar
JSON_MAX_BYTES = 200_000_000  # a JSON batch is read whole; larger batches belong in CSV


class BatchError(PiriskError):
    """A batch input or output file that cannot be used. The message names the file and the problem."""


def run_batch(args: argparse.Namespace) -> int:
    """Score every row of `args.input` as of `args.as_of` (default today), write `args.output`, print a summary."""
    import pandas as pd

    from scoring.engine import check_date
    from scoring.frame import assess_frame
    from scoring.loader import default_law

    started = time.perf_counter()
    law = default_law()
    as_of = check_date(getattr(args, "as_of", None) or dt.date.today(), law)
    source, target = Path(args.input), Path(args.output)
    _check_target(target, source)
    table = read_table(source)
    if target.suffix.lower() == ".xlsx" and len(table) >= XLSX_MAX_ROWS:
        raise BatchError(
            f"{len(table):,} rows do not fit in one Excel sheet (at most {XLSX_MAX_ROWS - 1:,}); write a .csv instead"
        )

    remedies = bool(getattr(args, "remedies", False))
    parts = []
    with _progress(len(table), hide=bool(getattr(args, "no_progress", False))) as bar:
        for start in range(0, max(len(table), 1), CHUNK_ROWS):
            chunk = table.iloc[start : start + CHUNK_ROWS]
            parts.append(assess_frame(chunk, as_of, remedies=remedies, law=law))
            bar.update(len(chunk))
    result = pd.concat(parts) if len(parts) > 1 else parts[0]
    write_table(result, target)

    errors = int(result["error"].notna().sum())
    seconds = time.perf_counter() - started
    print(
        f"{len(result):,} rows: {len(result) - errors:,} scored, {errors:,} with errors "
        f"(law as of {as_of.isoformat()}) in {seconds:.2f} s; wrote {target}"
    )
    return 0


def _progress(total: int, *, hide: bool) -> Any:
    """A tqdm bar on stderr, shown only on a terminal and for more than one chunk of rows."""
    from tqdm import tqdm

    show = not hide and total > CHUNK_ROWS and sys.stderr.isatty()
    return tqdm(total=total, unit="rows", unit_scale=True, file=sys.stderr, disable=not show, leave=False)


def _check_target(target: Path, source: Path) -> None:
    """Refuse an output path that cannot work before spending time on scoring."""
    if target.is_dir():
        raise BatchError(f"{target} is a directory; give a file name such as {target / 'scores.csv'}")
    if target.suffix.lower() not in OUTPUT_SUFFIXES:
        raise BatchError(f"cannot write '{target.suffix or target.name}' files; the output must end in .csv or .xlsx")
    parent = target.parent
    if not parent.is_dir():
        raise BatchError(f"cannot write {target}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise BatchError(f"cannot write {target}: the folder {parent} is not writable")
    if same_file(target, source):
        raise BatchError(f"the output {target} would overwrite the input; choose another file name")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read answer sets from a .csv, .xlsx or .json file into a DataFrame, one row per answer set.

    The file must be a regular file (not a pipe or a device: those could be read without end)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise BatchError(f"cannot read '{path.suffix or path.name}' files; the input must end in .csv, .xlsx or .json")
    if not path.exists():
        raise BatchError(f"no such file: {path}")
    if path.is_dir():
        raise BatchError(f"{path} is a directory, not a {suffix} file")
    if not path.is_file():
        raise BatchError(f"{path} is not a regular file (a pipe or a device cannot be read as a table)")
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix == ".xlsx":
            return _read_xlsx(path)
        return _read_json(path)
    except OSError as err:
        raise BatchError(f"cannot read {path}: {err.strerror or err}") from None


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise BatchError(f"{path} is not UTF-8 text (bad byte at position {err.start}); save it as CSV UTF-8") from None
    except pd.errors.EmptyDataError:
        raise BatchError(f"{path} is empty; it needs a header row of question ids") from None
    except pd.errors.ParserError as err:
        raise BatchError(f"{path} is not a readable CSV file: {_one_line(err)}") from None


def _read_xlsx(path: Path) -> pd.DataFrame:
    from scoring.answers_file import read_bounded
    from scoring.tables import BATCH_LIMITS, TableError, read_xlsx

    try:
        return read_xlsx(read_bounded(path, BATCH_LIMITS.max_bytes), BATCH_LIMITS)
    except (TableError, AnswersFileError) as err:
        raise BatchError(f"{path} is not a readable .xlsx workbook: {err}") from None


def _read_json(path: Path) -> pd.DataFrame:
    import pandas as pd

    from scoring.answers_file import load_json, read_bounded

    try:
        raw = load_json(read_bounded(path, JSON_MAX_BYTES), limit=JSON_MAX_BYTES)
    except AnswersFileError as err:  # the strict JSON reader of answers files; said here as about a batch
        raise BatchError(_json_problem(path, err)) from None
    if not isinstance(raw, list):
        raise BatchError(f"{path} must hold a JSON array of answer objects, not a {_json_type(raw)}")
    records = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise BatchError(f"{path}: item {i} is a {_json_type(item)}; each item must be an object of question id to answer")
        if isinstance(item.get("answers"), dict):  # an answers file: its answers, and the company to pass through
            record = {"company": item["company"]} if "company" in item else {}
            record.update(item["answers"])
            records.append(record)
        else:
            records.append(item)
    return pd.DataFrame.from_records(records) if records else pd.DataFrame()


def write_table(df: pd.DataFrame, path: str | Path) -> None:
    """Write the scored table to .csv (UTF-8) or .xlsx through the shared writer (`scoring.tables`: text that
    a spreadsheet would run as a formula is neutralised), atomically: a failure leaves no half file."""
    from scoring.tables import TableError, write_csv, write_xlsx

    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            write_atomic(path, write_xlsx({"scores": df}))
        else:
            write_atomic(path, lambda tmp: write_csv(df, tmp, bom=False))
    except TableError as err:
        raise BatchError(f"cannot write {path}: {err}") from None
    except OSError as err:
        raise BatchError(f"cannot write {path}: {err.strerror or err}") from None


def _json_problem(path: Path, err: AnswersFileError) -> str:
    values = err.values
    if err.key == "file_not_json":
        return f"{path} is not valid JSON ({values['detail']} at line {values['line']}, column {values['column']})"
    if err.key == "file_too_deep":
        return f"{path} is nested too deeply to hold answer sets"
    if err.key == "file_not_utf8":
        return f"{path} is not UTF-8 text (bad byte at position {values['position']})"
    return f"{path}: {err}"


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text[:200] + ("…" if len(text) > 200 else "")


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")
