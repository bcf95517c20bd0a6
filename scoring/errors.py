"""Errors raised for bad input to the engine: answers that do not fit the bank, dates outside coverage."""

from __future__ import annotations

from questions.errors import ConditionError, DataError, PiriskError

__all__ = ["AnswersError", "ConditionError", "DataError", "DateError", "PiriskError"]


class AnswersError(PiriskError):
    """Answers that do not fit the question bank. `problems` lists every one; the message joins them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class DateError(PiriskError):
    """An assessment date that is not a date, or falls before the earliest encoded law."""
