"""The error types pirisk raises for bad data files and bad input; each carries a one-line message."""

from __future__ import annotations


class PiriskError(Exception):
    """Base of every error pirisk raises on purpose. `str(err)` is a complete one-line reason."""


class DataError(PiriskError):
    """A data file (question bank, source, rule, remedy) is broken. Names the file and the key."""

    def __init__(self, file: str, key: str, message: str) -> None:
        message = " ".join(str(message).split())  # always one line, whatever the parser said
        self.file, self.key, self.message = file, key, message
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {message}")


class ConditionError(PiriskError):
    """A `when` or `show_if` condition is malformed. The loader wraps it in a DataError."""

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}" if path else message)
