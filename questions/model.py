"""Typed models of the question bank: bilingual text, choices, questions, sections and the bank."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The locales every user-facing string must have. Declared once; everything iterates it.
LOCALES: tuple[str, ...] = ("en", "zh")
LOCALE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}

# The answer a person gives when they honestly do not know. One sentinel for every type.
UNKNOWN = "unknown"

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    """Base for every data model: unknown keys are errors, and models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Text(Strict):
    """A string in every locale. Both must be present and non-empty."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return getattr(self, lang) if lang in LOCALES else self.en


class Choice(Strict):
    """One allowed answer of a `single` or `multi` question.

    `min` and `max` give the numeric range a band covers (inclusive lower bound, exclusive upper
    bound; no `max` means unbounded). Conditions compare against them with `gte` and `lt`.
    """

    id: str = Field(pattern=_ID_PATTERN)
    label: Text
    min: float | None = None
    max: float | None = None

    @field_validator("id")
    @classmethod
    def _not_unknown(cls, value: str) -> str:
        if value == UNKNOWN:
            raise ValueError(f"'{UNKNOWN}' is reserved for 'I don't know'; use the question's `unknown: true`")
        return value


QuestionType = Literal["yes_no", "single", "multi"]


class Question(Strict):
    """One question. Its id is the answer key, the name conditions use, and the widget key."""

    id: str = Field(pattern=_ID_PATTERN)
    type: QuestionType
    text: Text
    help: Text
    choices: tuple[Choice, ...] = ()
    unknown: bool = False
    required: bool = True
    show_if: Any = None
    article: tuple[str, ...] = ()
    informational: bool = False
    # The question describes something that has already happened (a leak, a sale, a refused order,
    # data already provided). A remedy can lower exposure from now on but cannot undo such an event.
    past: bool = False

    @field_validator("article", mode="before")
    @classmethod
    def _article_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _choices_fit_type(self) -> Question:
        if self.type == "yes_no" and self.choices:
            raise ValueError("a yes_no question takes no `choices`")
        if self.type in ("single", "multi") and len(self.choices) < 2:
            raise ValueError(f"a {self.type} question needs at least two `choices`")
        ids = [c.id for c in self.choices]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate choice ids: {', '.join(dupes)}")
        return self

    @cached_property
    def choice_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices)

    def choice(self, choice_id: str) -> Choice:
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)

    def check_value(self, value: Any) -> str | None:
        """Return why `value` is not a valid answer to this question, or None if it is."""
        if value == UNKNOWN:
            return None if self.unknown else "does not offer 'I don't know'"
        if self.type == "yes_no":
            return None if isinstance(value, bool) else f"expects true or false, got {value!r}"
        if self.type == "single":
            if not isinstance(value, str):
                return f"expects one of {sorted(self.choice_ids)}, got {value!r}"
            return None if value in self.choice_ids else f"has no choice {value!r} (allowed: {', '.join(sorted(self.choice_ids))})"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"expects a list of choices, got {value!r}"
        bad = [v for v in value if v not in self.choice_ids]
        if bad:
            return f"has no choice {bad[0]!r} (allowed: {', '.join(sorted(self.choice_ids))})"
        if len(set(value)) != len(value):
            return "lists a choice twice"
        return None


class SectionEntry(Strict):
    """A section as index.yaml lists it: its id, file, title and description."""

    id: str = Field(pattern=_ID_PATTERN)
    file: str
    title: Text
    description: Text


class BankIndex(Strict):
    version: str
    sections: tuple[SectionEntry, ...]


class SectionFile(Strict):
    section: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    description: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Bank:
    """The whole question bank, in order. Built by `questions.loader.load_bank`."""

    version: str
    sections: tuple[Section, ...]

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    @cached_property
    def section_of(self) -> dict[str, str]:
        return {q.id: s.id for s in self.sections for q in s.questions}

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)
