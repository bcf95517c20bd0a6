"""Errors raised for bad input: answers that do not fit the bank, dates outside coverage, and `UserError`,
the base of every error a person caused and can fix, said in their own language."""

from __future__ import annotations

from typing import Any

from questions.errors import ConditionError, DataError, PiriskError
from questions.model import Text

__all__ = ["AnswersError", "ConditionError", "DataError", "DateError", "PiriskError", "Term", "UserError", "error_text"]

ERRORS = "errors"  # the surface: assets/locale/errors.yaml


class AnswersError(PiriskError):
    """Answers that do not fit the question bank. `problems` lists every one; the message joins them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class DateError(PiriskError):
    """An assessment date that is not a date, or falls before the earliest encoded law."""


class Term(str):
    """A value of a UserError that is itself an entry of assets/locale/errors.yaml (say, "the client
    name"): it is said in the message's language, like the message."""

    __slots__ = ()


class UserError(PiriskError):
    """An error a person caused and can fix, as a message key and its values.

    `key` names an entry of assets/locale/errors.yaml; `values` fill its `{placeholders}`. A value is
    shown as it is, except a `Term` (another entry, translated) and a `Text` (a text of the bank or the
    law, in the message's language). `str(err)` is the English line the command lines print;
    `err.text(lang)` says the same in `lang`. A subclass may still be raised with a plain English
    sentence and no key (operators' messages that no page shows): then every language gets that."""

    def __init__(self, message: str = "", /, *, key: str | None = None, **values: Any) -> None:
        self.key = key
        self.values: dict[str, Any] = values
        self._plain = message
        super().__init__(self.text("en") if key else message)

    def text(self, lang: str) -> str:
        """The message in `lang`, one line."""
        if not self.key:
            return self._plain
        from questions.strings import tr

        shown = {name: _shown(value, lang) for name, value in self.values.items()}
        return " ".join(tr(ERRORS, self.key, lang, **shown).split())


def _shown(value: Any, lang: str) -> Any:
    from questions.strings import tr

    if isinstance(value, Term):
        return tr(ERRORS, str(value), lang)
    if isinstance(value, Text):
        return value.get(lang)
    return value


def error_text(err: BaseException, lang: str) -> str:
    """What to show a person for `err`: a UserError in `lang`, anything else as its own one line."""
    if isinstance(err, UserError):
        return err.text(lang)
    return " ".join(str(err).split())
