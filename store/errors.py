"""The errors the store raises on purpose; each one's `str()` is a complete one-line reason."""

from __future__ import annotations

from questions.errors import PiriskError


class StoreError(PiriskError):
    """A storage operation that cannot be done: bad input, a bad file, an unreachable database."""


class NotFound(StoreError):
    """A client, assessment, change, note or respondent that does not exist (or was deleted)."""


class ConflictError(StoreError):
    """An edit based on an old version of an assessment: someone else saved first. Reload and redo it."""

    def __init__(self, assessment_id: int, expected: int, current: int | None) -> None:
        self.assessment_id, self.expected, self.current = assessment_id, expected, current
        now = f"it is now at version {current}, you had {expected}" if current is not None else f"you had version {expected}"
        super().__init__(f"assessment {assessment_id} was changed by someone else ({now}); reload")
