"""Typed models of the question bank: text in every locale, choices, questions, sections and the bank."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_validator, model_validator
from pydantic_core import core_schema

from questions.locales import DEFAULT_LOCALE, LOCALES

# The answer a person gives when they honestly do not know. One sentinel for every type.
UNKNOWN = "unknown"

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    """Base for every data model: unknown keys are errors, and models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Text(Mapping[str, str]):
    """A string in every registered locale (questions.locales.LOCALES), keyed by locale code.

    Data files write it as a mapping, `{en: ..., zh: ...}`; a text lacking a registered locale, or
    holding one that is not registered, is refused. Immutable and hashable."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str] | None = None, /, **by_locale: str) -> None:
        data = {**(values or {}), **by_locale}
        for code in LOCALES:
            if code not in data:
                raise ValueError(f"missing key '{code}'")
        for code, text in data.items():
            if code not in LOCALES:
                raise ValueError(f"unknown key '{code}' (languages: {', '.join(LOCALES)})")
            if not isinstance(text, str):
                raise ValueError(f"'{code}' must be text, got {type(text).__name__}")
            if not text:
                raise ValueError(f"'{code}' is empty")
        self._values: dict[str, str] = {code: data[code] for code in LOCALES}

    def __getitem__(self, code: str) -> str:
        return self._values[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and self._values == other._values

    def __repr__(self) -> str:
        return f"Text({self._values!r})"

    def get(self, lang: str, default: Any = None) -> str:
        """The text in `lang`, or in the default locale when `lang` is not registered."""
        return self._values.get(lang) or self._values[DEFAULT_LOCALE]

    def map(self, fn: Callable[[str, str], str]) -> Text:
        """A new Text with `fn(code, text)` applied in every locale."""
        return Text({code: fn(code, text) for code, text in self._values.items()})

    def format(self, **values: Any) -> Text:
        """Fill `{name}` placeholders in every locale; a Text value is taken in the same locale."""
        return self.map(
            lambda code, text: text.format(**{k: v.get(code) if isinstance(v, Text) else v for k, v in values.items()})
        )

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._coerce, serialization=core_schema.plain_serializer_function_ser_schema(dict)
        )

    @classmethod
    def _coerce(cls, value: Any) -> Text:
        if isinstance(value, Text):
            return value
        if not isinstance(value, Mapping):
            raise ValueError(f"expects a text per language ({', '.join(LOCALES)}), got {type(value).__name__}")
        return cls(value)


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
    required: bool  # stated by every question: whether an assessment needs its answer
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

    def is_answered(self, value: Any) -> bool:
        """Whether `value` is an answer to this question: anything given, "I don't know" and an empty
        tick-list ("none of these") included. The one definition every screen, file and report uses."""
        return value is not None

    def expects(self) -> str:
        """What an answer to this question looks like, as the start of a problem message."""
        if self.type == "yes_no":
            return "expects true or false"
        if self.type == "single":
            return f"expects one of {sorted(self.choice_ids)}"
        return "expects a list of choices"

    def problem(self, value: Any) -> Problem | None:
        """Why `value` is not a valid answer to this question, as a message key and its values; None if
        it is. The one decision; `check_value` and `scoring.answers_file.answer_problem` put it in words."""
        options = sorted(self.choice_ids)
        if value == UNKNOWN:
            return None if self.unknown else Problem("answer_no_unknown")
        if self.type == "yes_no":
            return None if isinstance(value, bool) else Problem("answer_not_yes_no", value)
        if self.type == "single":
            if not isinstance(value, str):
                return Problem("answer_not_one_choice", value, options)
            return None if value in self.choice_ids else Problem("answer_no_such_choice", value, options)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return Problem("answer_not_a_list", value, options)
        bad = [v for v in value if v not in self.choice_ids]
        if bad:
            return Problem("answer_no_such_choice", bad[0], options)
        if len(set(value)) != len(value):
            return Problem("answer_choice_twice")
        return None

    def check_value(self, value: Any) -> str | None:
        """Return why `value` is not a valid answer to this question (`problem`) in the English of the
        command line and the batch's error column, or None if it is."""
        found = self.problem(value)
        if found is None:
            return None
        if found.key in ("answer_not_yes_no", "answer_not_one_choice", "answer_not_a_list"):
            return f"{self.expects()}, got {found.value!r}"
        if found.key == "answer_no_such_choice":
            return f"has no choice {found.value!r} (allowed: {', '.join(found.options)})"
        return _PROBLEM_WORDS[found.key]


class Problem(NamedTuple):
    """Why a value does not answer a question: a message key of assets/locale/errors.yaml, the value at
    fault (raw, as given) and the choices allowed."""

    key: str
    value: Any = None
    options: tuple[str, ...] | list[str] = ()


_PROBLEM_WORDS = {"answer_no_unknown": "does not offer 'I don't know'", "answer_choice_twice": "lists a choice twice"}


class SectionEntry(Strict):
    """A section as index.yaml lists it: its id, file, title and description."""

    id: str = Field(pattern=_ID_PATTERN)
    file: str
    title: Text
    description: Text


class RetiredQuestion(Strict):
    """A question the bank no longer asks: answers to it in older files, workbooks and saved
    assessments are set aside on reading, never refused (`Bank.without_retired`)."""

    since: str  # the bank version that retired it
    note: Text  # what replaced it


class BankIndex(Strict):
    version: str
    sections: tuple[SectionEntry, ...]
    retired: dict[str, RetiredQuestion] = {}


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
    retired: Mapping[str, RetiredQuestion] = field(default_factory=dict)

    def without_retired(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """`answers` without the retired questions' answers: the one place older answers meet a
        bank that has dropped a question."""
        return {qid: v for qid, v in answers.items() if qid not in self.retired}

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    @cached_property
    def required(self) -> tuple[str, ...]:
        """The required questions' ids, in bank order."""
        return tuple(q.id for q in self.questions.values() if q.required)

    @cached_property
    def section_of(self) -> dict[str, str]:
        return {q.id: s.id for s in self.sections for q in s.questions}

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)
