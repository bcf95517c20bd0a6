"""What an answer is: the answer set every part of pirisk passes around, how an answer reads as words,
and how a spreadsheet or CSV cell becomes an answer.

`Question.is_answered` says whether a value is an answer; everything here builds on it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from questions.locales import DEFAULT_LOCALE
from questions.model import UNKNOWN, Question
from questions.strings import tr


class AnswerStatus(StrEnum):
    """How an answer stands, for screens and reports that mark each state differently. HIDDEN is an
    answer to a question its `show_if` hides (`questions.conditions.Visibility.HIDDEN`)."""

    ANSWERED = "answered"
    UNKNOWN = "unknown"
    UNANSWERED = "unanswered"
    HIDDEN = "hidden"


# The names the reports use.
ANSWERED, UNKNOWN_ANSWER = AnswerStatus.ANSWERED, AnswerStatus.UNKNOWN
UNANSWERED, HIDDEN = AnswerStatus.UNANSWERED, AnswerStatus.HIDDEN

TRUE_WORDS = frozenset(("true", "yes", "1", "是"))
FALSE_WORDS = frozenset(("false", "no", "0", "否"))
LIST_SEPARATORS = (",", "，", ";", "；", "\n")
MAX_PROBLEM = 300  # characters of one cell's problem: a pasted essay should not make a report unreadable


@dataclass(frozen=True)
class AnswerSet:
    """One set of answers with what belongs to it: the company, the language, the law date, the notes
    on questions and the bank version they were given against. The session, the answers file, the
    workspace, the command lines and the reports all pass this one type.

    `answers` maps question ids to values and never holds None (a question not answered is absent)."""

    answers: Mapping[str, Any] = field(default_factory=dict)
    company: str = ""
    lang: str = DEFAULT_LOCALE
    law_as_of: dt.date | None = None
    notes: Mapping[str, str] = field(default_factory=dict)
    bank_version: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", {k: v for k, v in dict(self.answers).items() if v is not None})
        object.__setattr__(self, "notes", {k: v for k, v in dict(self.notes).items() if v})

    def replace(self, **changes: Any) -> AnswerSet:
        return replace(self, **changes)


def answer_key(value: Any) -> Hashable:
    """An answer as a comparable key: a tick-list is the same answer in any order."""
    return frozenset(value) if isinstance(value, list) else value


def disagree(values: Iterable[Any]) -> bool:
    """Whether these answers (one per respondent) differ; "I don't know" counts as an answer of its own."""
    return len({answer_key(v) for v in values}) > 1


def answer_state(question: Question, value: Any) -> AnswerStatus:
    """ANSWERED, UNKNOWN_ANSWER or UNANSWERED (HIDDEN is decided by visibility, not by the value)."""
    if not question.is_answered(value):
        return UNANSWERED
    return UNKNOWN_ANSWER if value == UNKNOWN else ANSWERED


def answer_words(question: Question, value: Any, lang: str) -> str:
    """An answer as words in `lang`: Yes or No, a choice's label, several labels, "I don't know",
    "None selected" or "Not answered". A value the bank does not know is shown as it is."""
    if not question.is_answered(value):
        return tr("common", "answer_unanswered", lang)
    if value == UNKNOWN:
        return tr("common", "answer_unknown", lang)
    if isinstance(value, bool):
        return tr("common", "answer_yes" if value else "answer_no", lang)
    if isinstance(value, list | tuple):
        if not value:
            return tr("common", "answer_none_selected", lang)
        return tr("common", "list_sep", lang).join(_choice_words(question, v, lang) for v in value)
    return _choice_words(question, value, lang)


def _choice_words(question: Question, choice_id: Any, lang: str) -> str:
    if isinstance(choice_id, str) and choice_id in question.choice_ids:
        return question.choice(choice_id).label.get(lang)
    return str(choice_id)


def cell_text(question: Question, value: Any) -> str | None:
    """An answer as it is written in a spreadsheet or CSV cell; `parse_cell` reads it back."""
    if not question.is_answered(value):
        return None
    if value == UNKNOWN:
        return UNKNOWN
    if question.type == "yes_no":
        return "true" if value else "false"
    if question.type == "multi":
        return ", ".join(value) if value else "[]"
    return str(value)


def parse_cell(question: Question, raw: Any) -> tuple[Any, str | None]:
    """A spreadsheet or CSV cell as an answer: (value, None), (None, None) for a blank cell, or (None, problem).

    The one reader of cells, for the batch command and the workspace import alike:
    * any type: "unknown" (any case) is "I don't know"; a blank cell is not answered; text is stripped;
    * yes/no: true or false, also yes/no, 1/0 and 是/否 (any case), Excel's TRUE/FALSE and the numbers 1/0;
    * single choice: a choice id (any case);
    * tick-list: choice ids separated by commas or semicolons (also full-width), or a JSON list such
      as ``["identity_contact", "transactions"]``; ``[]`` means none of them.
    """
    raw = _plain(raw)
    if raw is None:
        return None, None
    value: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None, None
        word = text.lower()
        if word == UNKNOWN:
            value = UNKNOWN
        elif question.type == "yes_no":
            value = True if word in TRUE_WORDS else False if word in FALSE_WORDS else text
        elif question.type == "single":
            value = word if word in question.choice_ids else text
        elif text.startswith("["):
            try:
                value = json.loads(text)
            except (ValueError, RecursionError):
                return None, _clip(f'expects a JSON list of choices such as ["{question.choices[0].id}"], got {raw!r}')
            if isinstance(value, list):
                value = [v.strip().lower() if isinstance(v, str) else v for v in value]
        else:
            for sep in LIST_SEPARATORS[1:]:
                text = text.replace(sep, LIST_SEPARATORS[0])
            value = [part.strip().lower() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]
    elif question.type == "yes_no" and isinstance(raw, int | float) and not isinstance(raw, bool) and raw in (0, 1):
        value = bool(raw)
    elif isinstance(raw, tuple):
        value = list(raw)
    elif isinstance(raw, dt.date | dt.time | dt.timedelta):
        return None, f"{question.expects()}, got a date or time"
    problem = question.check_value(value)
    return (None, _clip(problem)) if problem else (value, None)


def _plain(raw: Any) -> Any:
    """A cell as a plain Python value: numpy and pandas scalars unwrapped, blanks (NaN, NA, NaT) as None."""
    if raw is None:
        return None
    tolist = getattr(raw, "tolist", None)  # numpy arrays and scalars
    if tolist is not None and not isinstance(raw, str | bytes):
        raw = tolist()
    if isinstance(raw, float) and math.isnan(raw):
        return None
    if type(raw).__name__ in ("NAType", "NaTType"):  # pandas' missing values, without importing pandas
        return None
    return raw


def _clip(problem: str) -> str:
    return problem if len(problem) <= MAX_PROBLEM else problem[: MAX_PROBLEM - 1] + "…"


def answers_in_bank_order(answers: Mapping[str, Any], questions: Mapping[str, Question]) -> dict[str, Any]:
    """`answers` re-ordered as the bank asks them (ids the bank does not know last, by id)."""
    order = {qid: i for i, qid in enumerate(questions)}
    return {k: answers[k] for k in sorted(answers, key=lambda q: (order.get(q, len(order)), q))}
