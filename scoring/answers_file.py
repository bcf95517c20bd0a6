"""The answers file: the one module that reads and writes pirisk's JSON answers format, as an AnswerSet.

    {"format": "pirisk-answers", "bank_version": "2026.11.1", "company": "Example Ltd",
     "lang": "en", "law_as_of": "2026-11-29", "answers": {"consumer_facing": true, ...}}

`company`, `law_as_of` and `notes` are optional. See docs/answers-format.md.

The reader is strict: at most 1 MB, read through a bounded reader (a pipe or a device cannot make it
read forever), UTF-8, JSON with no repeated key and no number pirisk cannot hold, text that is valid
Unicode, `law_as_of` as YYYY-MM-DD only, `company` as text. Every refusal is an AnswersFileError whose
message says what is wrong in plain words, in the reader's language on a page (`err.text(lang)`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from questions.answers import AnswerSet
from questions.locales import LOCALES
from questions.model import Question
from scoring.errors import UserError
from scoring.loader import Law, default_law

FORMAT = "pirisk-answers"
MAX_BYTES = 1_000_000  # 1 MB: far above any real answers file, small enough to refuse junk early
MAX_DEPTH = 8
REQUIRED_KEYS = ("bank_version", "lang", "answers")
KNOWN_KEYS = frozenset(("format", "bank_version", "company", "lang", "law_as_of", "answers", "notes"))
MAX_COMPANY = 200
MAX_SHOWN = 60  # characters of a value quoted back in a message
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class AnswersFileError(UserError):
    """An answers file that cannot be used. The message names the problem in one line."""


def shown(value: Any) -> str:
    """A value from a file, quoted back in a message: one line, clipped, control characters visible."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.encode("utf-8", "backslashreplace").decode("utf-8"))
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def answer_problem(question: Question, value: Any) -> tuple[str, dict[str, Any]] | None:
    """Why `value` does not answer `question` (`Question.problem`), as a message key and its values for
    errors.yaml, in words a person understands, in any language; None if it does."""
    found = question.problem(value)
    if found is None:
        return None
    about: dict[str, Any] = {"question": question.text, "id": question.id}
    if found.key in ("answer_no_unknown", "answer_choice_twice"):
        return found.key, about
    if found.key == "answer_not_yes_no":
        return found.key, {**about, "value": shown(found.value)}
    return found.key, {**about, "value": shown(found.value), "options": ", ".join(found.options)}


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise AnswersFileError(key="file_repeated_key", name=shown(key))
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise AnswersFileError(key="file_not_json", line=1, column=1, detail=name)


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()] or [level + 1])
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value] or [level + 1])
    return level


def _check_text(value: Any) -> None:
    """Every string (keys too) must be valid Unicode: JSON can spell a lone surrogate, which no file, page or terminal can show."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise AnswersFileError(key="file_bad_character") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def load_json(data: bytes | str, *, limit: int = MAX_BYTES) -> Any:
    """JSON from bytes or text, strictly: UTF-8, no repeated key, no NaN or Infinity, no number too long to
    read, nesting a parser can follow, valid Unicode. Raises AnswersFileError. (The batch reader uses it too.)"""
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > limit:
        raise AnswersFileError(key="file_too_big", size=f"{size:,}", limit=f"{limit:,}")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise AnswersFileError(key="file_not_utf8", position=err.start) from None
    try:
        raw = json.loads(data, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except RecursionError:
        raise AnswersFileError(key="file_too_deep") from None
    except json.JSONDecodeError as err:
        raise AnswersFileError(key="file_not_json", line=err.lineno, column=err.colno, detail=err.msg) from None
    except ValueError:  # a number of thousands of digits (Python's int limit) and the like
        raise AnswersFileError(key="file_number_too_long") from None
    _check_text(raw)
    return raw


def parse_answers(data: bytes | str, *, law: Law | None = None, validate: bool = True) -> AnswerSet:
    """Parse an answers file from bytes or text. Raises AnswersFileError with a one-line reason.

    With `validate`, the answers are checked against the bank (ids, types, choices), but required
    answers may be missing: a file saved half-way through is a valid file to resume from."""
    law = law or default_law()
    raw = load_json(data)
    if not isinstance(raw, dict):
        raise AnswersFileError(key="file_not_an_object")
    if _depth(raw) > MAX_DEPTH:
        raise AnswersFileError(key="file_too_deep")
    if "format" in raw and raw["format"] != FORMAT:
        raise AnswersFileError(key="file_wrong_format", value=shown(raw["format"]))
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise AnswersFileError(key="file_unknown_key", name=shown(unknown[0]))
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise AnswersFileError(key="file_missing_key", name=missing[0])
    answers, version, lang = raw["answers"], raw["bank_version"], raw["lang"]
    if not isinstance(answers, dict):
        raise AnswersFileError(key="file_answers_not_object")
    if not isinstance(version, str):
        raise AnswersFileError(key="file_bank_version_not_text")
    if not isinstance(lang, str) or lang not in LOCALES:
        raise AnswersFileError(key="file_bad_lang", value=shown(lang), allowed=", ".join(LOCALES))
    company = raw.get("company") if raw.get("company") is not None else ""
    if not isinstance(company, str):
        raise AnswersFileError(key="file_company_not_text", value=shown(company))
    company = unicodedata.normalize("NFC", company.strip())
    if len(company) > MAX_COMPANY:
        raise AnswersFileError(key="file_company_too_long", n=len(company), limit=MAX_COMPANY)
    if CONTROL.search(company):
        raise AnswersFileError(key="file_company_control")
    notes = raw.get("notes") if raw.get("notes") is not None else {}
    if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
        raise AnswersFileError(key="file_notes_not_object")
    law_as_of = _date(raw["law_as_of"]) if raw.get("law_as_of") is not None else None
    answers, notes = law.bank.without_retired(answers), law.bank.without_retired(notes)
    if validate:
        _check_answers(answers, notes, law)
    return AnswerSet(dict(answers), company, lang, law_as_of, dict(notes), version)


def _date(value: Any) -> dt.date:
    """`law_as_of`: a YYYY-MM-DD string and nothing else (not 20120904, not 2012W365, not a number)."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise AnswersFileError(key="file_bad_date", value=shown(value))


def _check_answers(answers: dict[str, Any], notes: dict[str, str], law: Law) -> None:
    questions = law.bank.questions
    for qid, value in answers.items():
        if qid not in questions:
            raise AnswersFileError(key="file_unknown_question", id=shown(qid))
        problem = answer_problem(questions[qid], value) if value is not None else None
        if problem is not None:
            raise AnswersFileError(key=problem[0], **problem[1])
    bad_notes = sorted(set(notes) - set(questions))
    if bad_notes:
        raise AnswersFileError(key="file_note_unknown_question", id=shown(bad_notes[0]))


def read_bounded(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """At most `limit` bytes of a file, read through a bounded reader: a file whose size the system cannot
    tell (a pipe, /dev/stdin, a link to /dev/zero) is refused as soon as it passes the limit, never read
    to the end. Raises AnswersFileError for one that is too big; OSError otherwise."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise AnswersFileError(key="file_larger_than", limit=f"{limit:,}")
    return data


def read_answers(path: str | Path, *, law: Law | None = None) -> AnswerSet:
    """Read an answers file from disk, or from a pipe or device, at most 1 MB."""
    path = Path(path)
    try:
        data = read_bounded(path)
    except FileNotFoundError:
        raise AnswersFileError(key="file_missing", path=str(path)) from None
    except IsADirectoryError:
        raise AnswersFileError(key="file_is_directory", path=str(path)) from None
    except OSError as err:
        raise AnswersFileError(key="file_unreadable", path=str(path), reason=err.strerror or str(err)) from None
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
