"""Spreadsheets: the answers template (blank or filled), importing a filled one, and exporting scored assessments.

The template's "answers" sheet has one row per question: its id, section, text, the allowed answers,
whether it is required, and an "answer" cell. Import reads the id and answer columns (found by their
headings, in any language) and reports every bad cell by row number and question id, so a client can
fix them all in one go. Cells are written by `questions.answers.cell_text` and read by
`questions.answers.parse_cell`, the reader the batch command uses too. The sheet's texts are in
assets/locale/sheets.yaml.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from questions.answers import cell_text, parse_cell
from questions.errors import PiriskError
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from questions.strings import tr
from scoring import tables
from scoring.axes import AXIS_KEYS, LEVELS
from store.errors import StoreError

TEMPLATE_FORMAT = "pirisk-answers-template"
ANSWERS_SHEET = "answers"
CHOICES_SHEET = "choices"
ABOUT_SHEET = "about"

# Refuse before opening (scoring.tables.IMPORT_LIMITS): an answers workbook is a few tens of KB.
MAX_BYTES = tables.IMPORT_LIMITS.max_bytes
MAX_ROWS = 2_000
MAX_COLUMNS = 30

HEADING_KEYS: tuple[str, ...] = ("question_id", "section", "question", "allowed", "required", "answer")


def _t(key: str, lang: str, **values: object) -> str:
    """A spreadsheet text (assets/locale/sheets.yaml) in `lang`."""
    return tr("sheets", key, lang, **values)


def _heading(key: str, lang: str) -> str:
    return _t(f"heading_{key}", lang)


@dataclass(frozen=True)
class SheetProblem:
    """One bad cell of an imported sheet: its row number (as Excel shows it), question id and what is wrong.

    `message` is the English the batch command also gives; `text(lang)` says it in the page's language."""

    row: int
    question_id: str
    message: str
    key: str = ""
    values: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" ({self.question_id})" if self.question_id else "")
        return f"{where}: {self.message}"

    def text(self, lang: str) -> str:
        """What is wrong, in `lang`."""
        if not self.key:
            return self.message
        return StoreError(key=self.key, **dict(self.values)).text(lang)


# ----------------------------------------------------------------------------------------------
# The template


def _bank() -> Any:
    from questions.loader import default_bank

    return default_bank()


def _allowed(q: Question, lang: str) -> str:
    if q.type == "yes_no":
        lines = [_t("true", lang), _t("false", lang)]
    else:
        lines = [f"{c.id} = {c.label.get(lang)}" for c in q.choices]
        if q.type == "multi":
            lines.insert(0, _t("several", lang))
    if q.unknown:
        lines.append(_t("unknown", lang))
    return "\n".join(lines)


def template_xlsx(lang: str = "en", answers: Mapping[str, Any] | None = None) -> bytes:
    """The answers template as .xlsx bytes, question texts in `lang`; blank, or filled with `answers`.

    Sheets: "answers" (question id, section, question, allowed answers, required, answer), "choices"
    (every choice id with its label) and "about" (what the file is and how to fill it in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    if lang not in LOCALES:
        raise StoreError(key="store_bad_lang", value=str(lang)[:20], allowed=", ".join(LOCALES))
    bank = _bank()
    answers = dict(answers or {})
    wb = Workbook()
    ws = wb.active
    ws.title = ANSWERS_SHEET
    ws.append([_heading(k, lang) for k in HEADING_KEYS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for section in bank.sections:
        for q in section.questions:
            yes, no = tr("common", "answer_yes", lang), tr("common", "answer_no", lang)
            ws.append(
                [
                    q.id,
                    section.title.get(lang),
                    q.text.get(lang),
                    _allowed(q, lang),
                    yes if q.required else no,
                    cell_text(q, answers.get(q.id)),
                ]
            )
            row = ws.max_row
            for col in (3, 4):
                ws.cell(row=row, column=col).alignment = wrap
            _add_validation(ws, DataValidation, q, row)
    for letter, width in zip("ABCDEF", (28, 22, 60, 48, 10, 28), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"

    choices = wb.create_sheet(CHOICES_SHEET)
    choices.append([_heading("question_id", lang), _t("choice_id", lang), _t("label", lang)])
    for cell in choices[1]:
        cell.font = Font(bold=True)
    for q in bank.questions.values():
        for c in q.choices:
            choices.append([q.id, c.id, c.label.get(lang)])
        if q.type == "yes_no":
            choices.append([q.id, "true", tr("common", "answer_yes", lang)])
            choices.append([q.id, "false", tr("common", "answer_no", lang)])
        if q.unknown:
            choices.append([q.id, UNKNOWN, tr("common", "answer_unknown", lang)])
    for letter, width in zip("ABC", (28, 26, 60), strict=True):
        choices.column_dimensions[letter].width = width

    about = wb.create_sheet(ABOUT_SHEET)
    for row in (("format", TEMPLATE_FORMAT), ("bank_version", bank.version), ("lang", lang), ("", _t("help", lang))):
        about.append(list(row))
    about.column_dimensions["B"].width = 100
    about["B4"].alignment = wrap
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _add_validation(ws: Any, validation: Any, q: Question, row: int) -> None:
    """A drop-down on the answer cell of yes/no and single-choice questions (Excel's list limit is 255 characters)."""
    if q.type == "multi":
        return
    options = ["true", "false"] if q.type == "yes_no" else [c.id for c in q.choices]
    if q.unknown:
        options.append(UNKNOWN)
    formula = '"' + ",".join(options) + '"'
    if len(formula) > 255:
        return
    dv = validation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add(f"F{row}")


# ----------------------------------------------------------------------------------------------
# Import


def check_xlsx(data: bytes) -> None:
    """Refuse, with a one-line StoreError, anything that is not a plausible, small .xlsx workbook (the shared
    guard `scoring.tables.check_xlsx` with the limits of an answers template: size, parts, unpacked size,
    compression ratio and cell count, all checked before openpyxl sees the file)."""
    try:
        tables.check_xlsx(data, tables.IMPORT_LIMITS)
    except tables.TableError as err:
        raise StoreError(key=err.key, **err.values) from None


def _heading_key(value: Any) -> str | None:
    """Which column a heading names, in any language."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).lower().replace("_", " ")
    for key in HEADING_KEYS:
        if any(text == _heading(key, lang).lower() for lang in LOCALES):
            return key
    return None


def import_xlsx(data: bytes) -> tuple[dict[str, Any], list[SheetProblem]]:
    """Read a filled template: the answers it holds, and every bad cell (by row and question id).

    Blank answers are left out (not answered). Raises StoreError when the file is not a usable
    workbook (not .xlsx, damaged, too large, a zip bomb, no "answers" sheet or no headings)."""
    check_xlsx(data)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(bytes(data)), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged part; the user needs one sentence
        raise StoreError(key="table_unreadable") from None
    try:
        if ANSWERS_SHEET not in wb.sheetnames:
            raise StoreError(key="sheet_no_answers_sheet", sheet=ANSWERS_SHEET)
        try:
            rows = list(wb[ANSWERS_SHEET].iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True))
        except Exception:
            raise StoreError(key="table_unreadable") from None
    finally:
        wb.close()
    return _read_rows(rows)


def _read_rows(rows: list[tuple[Any, ...]]) -> tuple[dict[str, Any], list[SheetProblem]]:
    header_at, columns = None, {}
    for i, row in enumerate(rows[:10]):
        found = {key: j for j, cell in enumerate(row) if (key := _heading_key(cell))}
        if "question_id" in found and "answer" in found:
            header_at, columns = i, found
            break
    if header_at is None:
        raise StoreError(key="sheet_no_headings", sheet=ANSWERS_SHEET)
    if len(rows) > MAX_ROWS + header_at + 1:
        raise StoreError(key="sheet_too_many_rows", sheet=ANSWERS_SHEET, limit=f"{MAX_ROWS:,}")
    questions = _bank().questions
    answers: dict[str, Any] = {}
    seen: dict[str, int] = {}
    problems: list[SheetProblem] = []
    qcol, acol = columns["question_id"], columns["answer"]
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        raw_id = row[qcol] if qcol < len(row) else None
        raw = row[acol] if acol < len(row) else None
        qid = raw_id.strip() if isinstance(raw_id, str) else raw_id
        blank_answer = raw is None or (isinstance(raw, str) and not raw.strip())
        if qid in (None, ""):
            if not blank_answer:
                problems.append(SheetProblem(i, "", "an answer with no question id", "sheet_no_question_id"))
            continue
        if isinstance(qid, str) and qid in _bank().retired:
            continue  # a workbook from before the question was retired: its answer is set aside
        if not isinstance(qid, str) or qid not in questions:
            problems.append(SheetProblem(i, str(qid)[:64], "unknown question id", "sheet_unknown_question"))
            continue
        if qid in seen:
            first = seen[qid]
            problems.append(
                SheetProblem(
                    i, qid, f"the question is listed twice (first on row {first})", "sheet_listed_twice", (("first", first),)
                )
            )
            continue
        seen[qid] = i
        value, problem = parse_cell(questions[qid], raw)
        if problem:
            about = (("question", questions[qid].text), ("value", _cell_shown(raw)))
            problems.append(SheetProblem(i, qid, problem, "sheet_bad_answer", about))
        elif value is not None:
            answers[qid] = value
    return answers, problems


def _cell_shown(raw: Any) -> str:
    from scoring.answers_file import shown

    if isinstance(raw, dt.date | dt.time | dt.timedelta):
        return str(raw)
    return shown(raw)


# ----------------------------------------------------------------------------------------------
# Export of scored assessments


EXPORT_COLUMNS: tuple[str, ...] = (
    "client",
    "title",
    "company",
    "law_as_of",
    "status",
    "updated_at",
    *(f"{axis}_{part}" for axis in AXIS_KEYS for part in ("level", "score")),
    "error",
)


def export_assessments(rows: Iterable[Any], lang: str | None = None) -> pd.DataFrame:
    """A table of assessments (say `repo.list_assessments(engine, client_id)`, or of the whole portfolio)
    with their scores: client, title, company, law_as_of, status, updated_at, then `<axis>_level` and
    `<axis>_score` per axis, and `error` for one that cannot be scored yet (a draft missing answers).

    The company is the client's name where the assessment names none. Levels are level ids ("severe"),
    or with `lang` the level's word in that language.

    Scored with `scoring.frame.assess_frame`, one call per law date; falls back to `scoring.engine.assess`
    per row when the batch scorer is not installed."""
    records = list(rows)
    scores = _scores(records)
    table = pd.DataFrame(
        {
            "client": [r.client_name for r in records],
            "title": [r.title for r in records],
            "company": [r.company or r.client_name for r in records],
            "law_as_of": [r.law_as_of for r in records],
            "status": [r.status for r in records],
            "updated_at": pd.to_datetime([r.updated_at for r in records], utc=True),
        }
    )
    words = {lv.key: lv.label.get(lang) for lv in LEVELS} if lang else {}
    for axis in AXIS_KEYS:
        levels = [s.get(f"{axis}_level") for s in scores]
        table[f"{axis}_level"] = pd.array([words.get(lv, lv) if lv else lv for lv in levels], dtype="string")
        table[f"{axis}_score"] = pd.array([s.get(f"{axis}_score") for s in scores], dtype="Int64")
    table["error"] = pd.array([s.get("error") for s in scores], dtype="string")
    return table[list(EXPORT_COLUMNS)]


def _answer_sets(records: list[Any]) -> list[dict[str, Any]]:
    # Answers to questions since removed from the bank cannot fire any rule: leave them out.
    questions = _bank().questions
    return [{q: v for q, v in (r.answers or {}).items() if q in questions} for r in records]


def _scores(records: list[Any]) -> list[dict[str, Any]]:
    try:
        from scoring.frame import assess_frame
    except ImportError:
        return scores_with_engine(records)
    return scores_with_frame(records, assess_frame)


def scores_with_frame(records: list[Any], assess_frame: Any) -> list[dict[str, Any]]:
    """Each record's axis levels and scores (or error), by the batch scorer, one call per law date."""
    out: list[dict[str, Any]] = [{} for _ in records]
    answer_sets = _answer_sets(records)
    by_day: dict[dt.date, list[int]] = {}
    for i, r in enumerate(records):
        by_day.setdefault(r.law_as_of, []).append(i)
    for day, positions in by_day.items():
        frame = pd.DataFrame.from_records([answer_sets[i] for i in positions], index=positions)
        try:
            result = assess_frame(frame, day)
        except PiriskError as err:
            for i in positions:
                out[i] = {"error": str(err)}
            continue
        for i in positions:
            row = result.loc[i]
            error = row["error"]
            if isinstance(error, str) and error:
                out[i] = {"error": error}
                continue
            out[i] = {f"{axis}_{part}": _plain(row[f"{axis}_{part}"]) for axis in AXIS_KEYS for part in ("level", "score")}
    return out


def scores_with_engine(records: list[Any]) -> list[dict[str, Any]]:
    """Each record's axis levels and scores (or error), by `scoring.engine.assess`, row by row."""
    from scoring.engine import assess

    out = []
    for r, answers in zip(records, _answer_sets(records), strict=True):
        try:
            result = assess(answers, r.law_as_of, rank_remedies=False)
        except PiriskError as err:
            out.append({"error": str(err)})
            continue
        out.append({f"{axis}_{part}": getattr(result.axes[axis], part) for axis in AXIS_KEYS for part in ("level", "score")})
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def to_xlsx(df: pd.DataFrame, sheet: str = "assessments") -> bytes:
    """A table as .xlsx bytes, by the one table writer (`scoring.tables.write_xlsx`): bold, frozen headings,
    times in UTC, and no text (a client named "=HYPERLINK(...)") ever taken as a formula."""
    try:
        return tables.write_xlsx({sheet[: tables.SHEET_NAME_MAX]: df})
    except tables.TableError as err:
        raise StoreError(key=err.key, **err.values) from None


def to_csv(df: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV with a byte-order mark, by the one table writer (formula-like text neutralised)."""
    data = tables.write_csv(df)
    assert data is not None
    return data
