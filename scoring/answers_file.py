"""The answers file: the one module that reads and writes pirisk's JSON answers format, as an AnswerSet.

    {"format": "pirisk-answers", "bank_version": "2026.11.1", "company": "Example Ltd",
     "lang": "en", "law_as_of": "2026-11-29", "answers": {"consumer_facing": true, ...}}

`company` and `law_as_of` are optional. See docs/answers-format.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from questions.answers import AnswerSet
from questions.errors import PiriskError
from questions.locales import LOCALES
from scoring.engine import check_answers
from scoring.loader import Law, default_law

FORMAT = "pirisk-answers"
MAX_BYTES = 1_000_000  # 1 MB: far above any real answers file, small enough to refuse junk early
MAX_DEPTH = 8
REQUIRED_KEYS = ("bank_version", "lang", "answers")
KNOWN_KEYS = frozenset(("format", "bank_version", "company", "lang", "law_as_of", "answers", "notes"))
MAX_COMPANY = 200


class AnswersFileError(PiriskError):
    """An answers file that cannot be used. The message names the problem in one line."""


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()] or [level + 1])
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value] or [level + 1])
    return level


def parse_answers(data: bytes | str, *, law: Law | None = None, validate: bool = True) -> AnswerSet:
    """Parse an answers file from bytes or text. Raises AnswersFileError with a one-line reason.

    With `validate`, the answers are checked against the bank (ids, types, choices), but required
    answers may be missing: a file saved half-way through is a valid file to resume from."""
    law = law or default_law()
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_BYTES:
        raise AnswersFileError(f"the file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (1 MB)")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise AnswersFileError(f"the file is not UTF-8 text (bad byte at position {err.start})") from None
    try:
        raw = json.loads(data)
    except RecursionError:
        raise AnswersFileError("the file is nested too deeply to be an answers file") from None
    except json.JSONDecodeError as err:
        raise AnswersFileError(f"the file is not valid JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
    if not isinstance(raw, dict):
        raise AnswersFileError(f"the file must hold a JSON object with an 'answers' key, not a {type(raw).__name__}")
    if _depth(raw) > MAX_DEPTH:
        raise AnswersFileError("the file is nested too deeply to be an answers file")
    if raw.get("format", FORMAT) != FORMAT:
        raise AnswersFileError(f"'format' is {raw.get('format')!r}; expected {FORMAT!r}")
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise AnswersFileError(f"unknown top-level key {unknown[0]!r} (allowed: {', '.join(sorted(KNOWN_KEYS))})")
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise AnswersFileError(f"missing top-level key {missing[0]!r}")
    answers, version, lang = raw["answers"], raw["bank_version"], raw["lang"]
    if not isinstance(answers, dict):
        raise AnswersFileError(f"'answers' must be an object of question id to value, not a {type(answers).__name__}")
    if not isinstance(version, str):
        raise AnswersFileError("'bank_version' must be a string")
    if lang not in LOCALES:
        raise AnswersFileError(f"'lang' is {lang!r}; expected one of {', '.join(LOCALES)}")
    company = raw.get("company", "") or ""
    if not isinstance(company, str) or len(company) > MAX_COMPANY:
        raise AnswersFileError(f"'company' must be a string of at most {MAX_COMPANY} characters")
    notes = raw.get("notes", {}) or {}
    if not isinstance(notes, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in notes.items()):
        raise AnswersFileError("'notes' must be an object of question id to text")
    law_as_of = None
    if raw.get("law_as_of") is not None:
        try:
            law_as_of = dt.date.fromisoformat(str(raw["law_as_of"]))
        except ValueError:
            raise AnswersFileError(f"'law_as_of' is {raw['law_as_of']!r}; expected a date like 2026-11-29") from None
    if validate:
        from scoring.errors import AnswersError

        try:
            check_answers(answers, law, require=False)
        except AnswersError as err:
            raise AnswersFileError(f"the answers do not fit the question bank: {err}") from None
        bad_notes = sorted(set(notes) - set(law.bank.questions))
        if bad_notes:
            raise AnswersFileError(f"a note refers to unknown question id {bad_notes[0]!r}")
    return AnswerSet(dict(answers), company, lang, law_as_of, dict(notes), version)


def read_answers(path: str | Path, *, law: Law | None = None) -> AnswerSet:
    """Read an answers file from disk (size-checked before reading)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise AnswersFileError(f"{path.name} is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (1 MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise AnswersFileError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise AnswersFileError(f"{path} is a directory, not an answers file") from None
    except OSError as err:
        raise AnswersFileError(f"cannot read {path}: {err.strerror}") from None
    return parse_answers(data, law=law)


def dump_answers(file: AnswerSet) -> str:
    """Serialise to the documented JSON format (UTF-8, keys in a stable order)."""
    body: dict[str, Any] = {"format": FORMAT, "bank_version": file.bank_version, "lang": file.lang}
    if file.company:
        body["company"] = file.company
    if file.law_as_of is not None:
        body["law_as_of"] = file.law_as_of.isoformat()
    body["answers"] = dict(file.answers)
    if file.notes:
        body["notes"] = dict(file.notes)
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
