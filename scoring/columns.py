"""A table's columns as answers, and rows of flags as text: the batch evaluator's input and output cells.

Each distinct cell of a question's column is read once, by `questions.answers.parse_cell` (the one
reader of cells, which the workspace import uses too), into an evaluation code for the compiled
conditions of `scoring.frame`; a row's problems become one line of text; and a boolean matrix becomes,
per row, the labels of its set columns joined (fired rules, remedies, missing answers).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from questions.answers import parse_cell
from questions.model import UNKNOWN, Question
from scoring.errors import AnswersError
from scoring.plan import Plan, missing_text

if TYPE_CHECKING:  # pandas loads when a table is read, not when a plan is searched (the results page)
    import pandas as pd

SEPARATOR = ";"  # joins rule ids in `fired_rules` and remedy ids in `remedies`
MAX_CHOICES = 62  # a multi answer is held as a bitmask in an int64
_JOIN_ROWS = 20_000  # rows joined into text at a time
_MISSING = object()


class _Cell:
    """An unhashable cell (a list, a dict) wrapped so that pandas can factorize its column."""

    __slots__ = ("key", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.key = repr(value)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Cell) and self.key == other.key


@dataclass(frozen=True)
class Column:
    """One question's cells, validated: evaluation codes, and what each cell was."""

    code: np.ndarray  # yes_no/single: choice index (yes_no: 0 false, 1 true), n = not known; multi: bitmask
    known: np.ndarray  # bool: a real answer (not "unknown", not blank, not bad)
    answered: np.ndarray  # bool: a valid answer, "unknown" included
    factor: np.ndarray  # index into `values`; -1 for a blank cell
    values: tuple[Any, ...]  # the clean answer of each distinct cell, or None (blank or bad)
    problem: np.ndarray | None  # index into `problems`, -1 for none; None if the column has no problem
    problems: tuple[str, ...]

    def equals(self, value: Any) -> np.ndarray:
        """Per row, whether the cell's clean answer is `value`."""
        same = np.array([v is not None and v == value for v in self.values] + [False], dtype=bool)
        return same[self.factor]

    @property
    def answered_or_bad(self) -> np.ndarray:
        """Per row, whether the cell holds something: an answer, or a problem (said once, as a problem)."""
        return self.answered if self.problem is None else self.answered | (self.problem >= 0)


def name(column: Any) -> str:
    """A column's name as a question id would be written."""
    return str(column).strip()


def question_columns(df: pd.DataFrame, index: Sequence[str] | dict[str, int]) -> dict[str, pd.Series]:
    """Each question's column in `df`; AnswersError if a question has two."""
    found: dict[str, pd.Series] = {}
    twice: list[str] = []
    for column, series in df.items():
        qid = name(column)
        if qid in index:
            if qid in found:
                twice.append(f"question '{qid}' has more than one column")
            found[qid] = series
    if twice:
        raise AnswersError(twice)
    return found


def size(q: Question) -> int:
    return 2 if q.type == "yes_no" else len(q.choices)


def code_of(q: Question, value: Any) -> tuple[int, bool]:
    """The evaluation code of a clean answer, and whether it is known (not "unknown")."""
    if value == UNKNOWN:
        return (0 if q.type == "multi" else size(q)), False
    if q.type == "yes_no":
        return int(value), True
    ids = [c.id for c in q.choices]
    if q.type == "single":
        return ids.index(value), True
    return sum(1 << ids.index(v) for v in value), True


def _clean(q: Question, raw: Any) -> tuple[Any, str | None]:
    """One distinct cell as a clean answer (or _MISSING for blank), or the problem with it: see `parse_cell`."""
    if isinstance(raw, _Cell):
        raw = raw.value
    value, problem = parse_cell(q, raw)
    if problem:
        return None, problem
    return (_MISSING if value is None else value), None


def read_column(q: Question, series: pd.Series | None, n: int) -> Column:
    """A question's column (or None: no column, every cell blank) read and validated, each distinct cell once."""
    import pandas as pd

    blank = 0 if q.type == "multi" else size(q)
    dtype = np.int64 if q.type == "multi" else np.int16
    if series is None:
        none = np.zeros(n, dtype=bool)
        return Column(np.full(n, blank, dtype=dtype), none, none, np.full(n, -1, dtype=np.int32), (), None, ())
    try:
        factor, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # lists in the cells (JSON input): wrap what cannot be hashed
        wrapped = [_Cell(x) if isinstance(x, list | dict | set | np.ndarray) else x for x in series.to_numpy(dtype=object)]
        factor, uniques = pd.factorize(pd.Series(wrapped, dtype=object), use_na_sentinel=True)
    distinct = len(uniques)
    # One entry per distinct cell, then one for blank cells, which factor -1 picks.
    code = np.full(distinct + 1, blank, dtype=dtype)
    known = np.zeros(distinct + 1, dtype=bool)
    answered = np.zeros(distinct + 1, dtype=bool)
    problem = np.full(distinct + 1, -1, dtype=np.int32)
    values: list[Any] = []
    problems: list[str] = []
    for i, raw in enumerate(uniques):
        value, why = _clean(q, raw)
        if why is not None:
            problem[i] = len(problems)
            problems.append(f"{q.id}: {why}")
        if why is not None or value is _MISSING:
            values.append(None)
            continue
        code[i], known[i] = code_of(q, value)
        answered[i] = True
        values.append(value)
    return Column(
        code[factor],
        known[factor],
        answered[factor],
        factor.astype(np.int32),
        tuple(values),
        problem[factor] if problems else None,
        tuple(problems),
    )


def row_errors(
    questions: Sequence[Question], required: Sequence[int], cells: Sequence[Column], vis: Sequence[np.ndarray], n: int
) -> list[str | None]:
    """Every row's problems as one line (cell problems in bank order, then the required answers
    `Plan.missing` finds missing), or None."""
    per_row: dict[int, list[str]] = {}
    for cell in cells:
        if cell.problem is None:
            continue
        for row in np.flatnonzero(cell.problem >= 0).tolist():
            per_row.setdefault(row, []).append(cell.problems[cell.problem[row]])
    if len(required) and n:
        visible = np.stack([vis[i] for i in required], axis=1)
        missing = Plan.missing(visible, np.stack([cells[i].answered_or_bad for i in required], axis=1))
        rows = np.flatnonzero(missing.any(axis=1))
        if len(rows):
            names = join_rows(missing[rows], [questions[i].id for i in required], ", ")
            for row, text in zip(rows.tolist(), names, strict=True):
                per_row.setdefault(row, []).append(missing_text([text]))
    errors: list[str | None] = [None] * n
    for row, problems in per_row.items():
        errors[row] = "; ".join(problems)
    return errors


def _unique_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-D array and, for each row, the index of its distinct row."""
    n = len(matrix)
    raw = np.ascontiguousarray(matrix).view(np.uint8).reshape(n, -1)
    width = -(-raw.shape[1] // 8) * 8
    words = np.zeros((n, width), dtype=np.uint8)
    words[:, : raw.shape[1]] = raw
    words = words.view(np.uint64)  # (n, width / 8): a row compares as a few integers
    order = np.lexsort(words.T[::-1])
    ordered = words[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return matrix[order[starts]], inverse


@functools.lru_cache(maxsize=32)
def _join_table(labels: tuple[str, ...], separator: str) -> tuple[list[str], np.ndarray]:
    """For each byte of a packed row (8 labels) and each of its 256 values, the labels' text and its length."""
    k = len(labels)
    table = [
        "".join(labels[8 * b + j] + separator for j in range(8) if value >> (7 - j) & 1 and 8 * b + j < k)
        for b in range(-(-k // 8))
        for value in range(256)
    ]
    return table, np.array([len(t) for t in table], dtype=np.int64)


def join_rows(mask: np.ndarray, labels: Sequence[str], separator: str = SEPARATOR) -> np.ndarray:
    """Per row, the labels whose column is set, joined: an object array of text."""
    n, k = mask.shape
    if n == 0 or k == 0:
        return np.full(n, "", dtype=object)
    distinct, inverse = _unique_rows(np.packbits(mask, axis=1))
    # Each byte of a packed row covers 8 labels: a table gives the text of each of its 256 values
    # (every label followed by the separator). A row's text is its bytes' texts in order, so a
    # block of rows is one join of table entries, then a slice per row.
    width = distinct.shape[1]
    table, lengths = _join_table(tuple(labels), separator)
    entries = distinct.astype(np.int64) + 256 * np.arange(width)
    texts: list[str] = []
    for start in range(0, len(distinct), _JOIN_ROWS):
        block = entries[start : start + _JOIN_ROWS]
        joined = "".join(map(table.__getitem__, block.ravel().tolist()))
        length = lengths[block].sum(axis=1)
        end = np.cumsum(length)
        begin = end - length
        end = np.where(length > 0, end - len(separator), begin)
        texts.extend(joined[b:e] for b, e in zip(begin.tolist(), end.tolist(), strict=True))
    return np.array(texts, dtype=object)[inverse]


def join_ranked(ranked: np.ndarray, labels: Sequence[str], separator: str = SEPARATOR) -> np.ndarray:
    """Per row of indexes into `labels` (-1 for none), the labels in that order, joined: an object array of text."""
    n = len(ranked)
    if n == 0:
        return np.full(0, "", dtype=object)
    distinct, inverse = _unique_rows(ranked)
    texts = np.array([separator.join(labels[j] for j in row if j >= 0) for row in distinct.tolist()], dtype=object)
    return texts[inverse]
