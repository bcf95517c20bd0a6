"""The errors the store raises on purpose; each one's `str()` is a complete one-line reason in English, and
`err.text(lang)` the same in the page's language (the keys are in assets/locale/errors.yaml)."""

from __future__ import annotations

from scoring.errors import UserError


class StoreError(UserError):
    """A storage operation that cannot be done: bad input, a bad file, an unreachable database."""


class NotFound(StoreError):
    """A client, assessment, change, note or respondent that does not exist (or was deleted), or an
    assessment that no longer belongs to the client the caller read it under."""


class ConflictError(StoreError):
    """A write based on an old version of an assessment: someone else saved first. Reload and redo it."""

    def __init__(self, assessment_id: int, expected: int, current: int | None) -> None:
        self.assessment_id, self.expected, self.current = assessment_id, expected, current
        if current is None:
            super().__init__(key="store_conflict_gone", id=assessment_id, expected=expected)
        else:
            super().__init__(key="store_conflict", id=assessment_id, expected=expected, current=current)
