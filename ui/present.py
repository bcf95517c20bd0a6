"""Pure presentation helpers (no Streamlit): answer labels, section progress, markdown escaping, colours."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questions.model import UNKNOWN, Bank, Question
from questions.strings import tr

# Visibility values returned by scoring.engine.visibility.
HIDDEN, MAYBE, SHOWN = 0, 1, 2

# Screen colours of the four risk levels (GB/T 39335 style: green, yellow, orange, red).
LEVEL_COLORS: dict[str, str] = {"low": "#2e7d32", "medium": "#f2b705", "high": "#ef6c00", "severe": "#c62828"}
LEVEL_TINTS: dict[str, str] = {"low": "#c8e6c9", "medium": "#fff3b0", "high": "#ffd3a6", "severe": "#f8b4b4"}
LEVEL_BADGES: dict[str, str] = {"low": "green", "medium": "yellow", "high": "orange", "severe": "red"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~])")


def md(text: str) -> str:
    """Escape text for st.markdown, so that data and user text render literally (no markup, no LaTeX)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def colon(lang: str) -> str:
    """The colon after a label: full-width in Chinese."""
    return "：" if lang == "zh" else ": "


def answer_label(question: Question, value: Any, lang: str) -> str:
    """How an answer reads on screen: Yes/No, a choice's label, several labels, or "I don't know"."""
    if value is None:
        return tr("ui", "not_answered", lang)
    if value == UNKNOWN:
        return tr("ui", "unknown", lang)
    if isinstance(value, bool):
        return tr("ui", "yes" if value else "no", lang)
    if isinstance(value, list):
        if not value:
            return tr("ui", "none_ticked", lang)
        sep = "；" if lang == "zh" else "; "
        return sep.join(_choice_label(question, v, lang) for v in value)
    return _choice_label(question, value, lang)


def _choice_label(question: Question, choice_id: str, lang: str) -> str:
    try:
        return question.choice(choice_id).label.get(lang)
    except KeyError:
        return str(choice_id)


def is_answered(value: Any) -> bool:
    """An answer counts once given; an empty tick-list counts as not answered."""
    return value is not None and value != []


@dataclass(frozen=True)
class SectionStatus:
    """One section's progress: the questions on screen, those answered, and required ones missing."""

    id: str
    shown: tuple[str, ...]
    answered: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def done(self) -> bool:
        return not self.missing and len(self.answered) == len(self.shown)

    @property
    def started(self) -> bool:
        return bool(self.answered)


def section_status(bank: Bank, answers: Mapping[str, Any], visible: Mapping[str, int]) -> list[SectionStatus]:
    """Progress of every section given the answers and `visibility(answers)`.

    Required means: the question is required and shown for certain (a question shown only because
    its condition rests on an "I don't know" is not required, as in the engine)."""
    out = []
    for section in bank.sections:
        shown = tuple(q.id for q in section.questions if visible.get(q.id, SHOWN) != HIDDEN)
        answered = tuple(qid for qid in shown if is_answered(answers.get(qid)))
        missing = tuple(
            q.id
            for q in section.questions
            if q.required and visible.get(q.id, SHOWN) == SHOWN and not is_answered(answers.get(q.id))
        )
        out.append(SectionStatus(section.id, shown, answered, missing))
    return out


def progress(statuses: list[SectionStatus]) -> tuple[int, int]:
    """(answered, shown) over the whole questionnaire."""
    return sum(len(s.answered) for s in statuses), sum(len(s.shown) for s in statuses)


def visible_answers(answers: Mapping[str, Any], visible: Mapping[str, int]) -> dict[str, Any]:
    """The answers to questions on screen: what is scored and reported. Hidden answers stay in the
    session (they come back with their branch) but are not part of the assessment."""
    return {qid: v for qid, v in answers.items() if visible.get(qid, HIDDEN) != HIDDEN and is_answered(v)}


def resume_step(bank: Bank, answers: Mapping[str, Any], visible: Mapping[str, int]) -> int:
    """The step to open after loading answers: the first section with a question left, else the review."""
    for i, status in enumerate(section_status(bank, answers, visible)):
        if not status.done:
            return i
    return len(bank.sections)
