"""Batch scoring: `assess_frame(df, as_of)` scores a table of answer sets with the rules compiled to numpy.

The table has one row per answer set and one column per question id. Cells are read by
`questions.answers.parse_cell`, the one reader of cells that the workspace import uses too (yes/no
words in English and Chinese, choice ids in any case, tick-lists as comma-separated ids or a JSON
list, "unknown" for "I don't know", and a blank cell for not answered). A cell may also hold a Python
value (a bool, a list), as a DataFrame built in code does.

Columns that are not question ids (``company``, ``id``, ...) are passed through to the result
unchanged, in front of the result columns; a pass-through column that has the name of a result column
is replaced by it. Question columns are not repeated in the result: join it back on the index.

The result has the input's index and, for each axis in `scoring.axes.AXIS_KEYS`, the columns
``<axis>_likelihood``, ``<axis>_severity``, ``<axis>_level`` and ``<axis>_score`` (the numbers as
nullable Int64, the level as an ordered categorical of `scoring.axes.LEVEL_KEYS`); then
``fired_rules``, the ids of the fired rules in `Assessment.fired_rules` order joined by ";" (empty
text when none fires); with ``remedies=True``, ``remedies``, the ids of `Assessment.remedies` in
their ranked order joined by ";"; and ``error``. Text columns are object columns of str.

A row whose answers do not fit the bank (an unknown choice, a wrong type, "unknown" where it is not
offered, a visible required question left blank) gets all its problems in ``error``, cell by cell
in bank order and then the missing answers, e.g. ``records_tier1: has no choice 'x' (allowed: ...);
required answers missing: consumer_facing``, and empty (NA) score, rule and remedy columns; the
other rows are scored as usual. ``error`` is NA for every row that was scored.

It evaluates the same `when` and `show_if` nodes as `scoring.engine.assess`, compiled once per law
and date into numpy operations over int8 arrays holding FALSE/MAYBE/TRUE (`all` is the elementwise
minimum, `any` the maximum, `not` is 2 - x). Atoms on yes_no and single questions are lookup tables
built with `questions.conditions.holds`, so both evaluators share the meaning of every operator.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from questions.answers import parse_cell
from questions.conditions import FALSE, MAYBE, TRUE, AllOf, AnyOf, Atom, Node, Not, holds
from questions.model import UNKNOWN, Question
from scoring.axes import AXIS_KEYS, LEVEL_KEYS, LEVEL_RANK
from scoring.engine import check_date
from scoring.errors import AnswersError
from scoring.loader import Law, default_law
from scoring.plan import plan

__all__ = ["RESULT_COLUMNS", "SEPARATOR", "assess_frame", "result_columns"]

SEPARATOR = ";"  # joins rule ids in `fired_rules` and remedy ids in `remedies`
_PARTS = ("likelihood", "severity", "level", "score")
RESULT_COLUMNS: tuple[str, ...] = (*(f"{axis}_{part}" for axis in AXIS_KEYS for part in _PARTS), "fired_rules", "error")
_MAX_CHOICES = 62  # a multi answer is held as a bitmask in an int64
_JOIN_ROWS = 20_000  # rows joined into text at a time


def result_columns(*, remedies: bool = False) -> tuple[str, ...]:
    """The columns `assess_frame` adds, in order."""
    if not remedies:
        return RESULT_COLUMNS
    return (*RESULT_COLUMNS[:-1], "remedies", "error")


def assess_frame(df: pd.DataFrame, as_of: dt.date, *, remedies: bool = False, law: Law | None = None) -> pd.DataFrame:
    """Score every row of `df` under the law in force on `as_of`; see the module docstring for formats.

    Raises DateError for a date outside coverage and AnswersError when the table itself is unusable
    (two columns for one question). Problems in single rows never raise: they go in `error`."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"assess_frame takes a pandas DataFrame, got {type(df).__name__}")
    law = law or default_law()
    day = check_date(as_of, law)
    program = _program(law, day)
    columns = _question_columns(df, program)
    n = len(df)
    cells = [_read_column(q, columns.get(q.id), n) for q in program.questions]
    inputs = _Inputs(tuple(c.code for c in cells), tuple(c.known for c in cells))

    slots = _run(program, inputs)
    vis = [np.broadcast_to(slots[s], (n,)) for s in program.vis_slots]
    errors = _row_errors(program, cells, vis, n)
    ok = np.array([e is None for e in errors], dtype=bool) if n else np.ones(0, dtype=bool)

    fired = _fired(program, slots, n)
    scores = _scores(program, fired)
    out: dict[str, Any] = {}
    for a, axis in enumerate(AXIS_KEYS):
        lik, sev, lvl, score = scores[:, a].T
        out[f"{axis}_likelihood"] = pd.arrays.IntegerArray(lik.astype(np.int64), ~ok)
        out[f"{axis}_severity"] = pd.arrays.IntegerArray(sev.astype(np.int64), ~ok)
        out[f"{axis}_level"] = pd.Categorical.from_codes(np.where(ok, lvl, -1), categories=list(LEVEL_KEYS), ordered=True)
        out[f"{axis}_score"] = pd.arrays.IntegerArray(score.astype(np.int64), ~ok)
    fired_text = _join_rows(fired[:, program.finding_order], [program.rule_ids[k] for k in program.finding_order])
    fired_text[~ok] = None
    # Text columns stay object arrays of str: converting 100,000 long texts to pandas' "str"
    # dtype costs more than all of the scoring.
    out["fired_rules"] = pd.Series(fired_text, dtype=object)
    if remedies:
        ranked = _rank_remedies(program, cells, inputs, fired, scores, ok)
        ranked[~ok] = None
        out["remedies"] = pd.Series(ranked, dtype=object)
    out["error"] = pd.Series(errors, dtype=object)

    result = pd.DataFrame(out, columns=list(result_columns(remedies=remedies)))
    passthrough = [i for i, c in enumerate(df.columns) if _name(c) not in program.index and c not in result.columns]
    if passthrough:
        result = pd.concat([df.iloc[:, passthrough].reset_index(drop=True), result], axis=1)
    result.index = df.index
    return result


# ----------------------------------------------------------------------------------------------
# Reading cells


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


_MISSING = object()


@dataclass(frozen=True)
class _Column:
    """One question's cells, validated: evaluation codes, and what each cell was."""

    code: np.ndarray  # yes_no/single: choice index (yes_no: 0 false, 1 true), n = not known; multi: bitmask
    known: np.ndarray  # bool: a real answer (not "unknown", not blank, not bad)
    answered: np.ndarray  # bool: a valid answer, "unknown" included
    factor: np.ndarray  # index into `values`; -1 for a blank cell
    values: tuple[Any, ...]  # the clean answer of each distinct cell, or None (blank or bad)
    problem: np.ndarray | None  # index into `problems`, -1 for none; None if the column has no problem
    problems: tuple[str, ...]


def _name(column: Any) -> str:
    return str(column).strip()


def _question_columns(df: pd.DataFrame, program: _Program) -> dict[str, pd.Series]:
    """Each question's column in `df`."""
    found: dict[str, pd.Series] = {}
    twice: list[str] = []
    for column, series in df.items():
        qid = _name(column)
        if qid in program.index:
            if qid in found:
                twice.append(f"question '{qid}' has more than one column")
            found[qid] = series
    if twice:
        raise AnswersError(twice)
    return found


def _code_of(q: Question, value: Any) -> tuple[int, bool]:
    """The evaluation code of a clean answer, and whether it is known (not "unknown")."""
    if value == UNKNOWN:
        return (0 if q.type == "multi" else _size(q)), False
    if q.type == "yes_no":
        return int(value), True
    ids = [c.id for c in q.choices]
    if q.type == "single":
        return ids.index(value), True
    return sum(1 << ids.index(v) for v in value), True


def _size(q: Question) -> int:
    return 2 if q.type == "yes_no" else len(q.choices)


def _clean(q: Question, raw: Any) -> tuple[Any, str | None]:
    """One distinct cell as a clean answer (or _MISSING for blank), or the problem with it: see `parse_cell`."""
    if isinstance(raw, _Cell):
        raw = raw.value
    value, problem = parse_cell(q, raw)
    if problem:
        return None, problem
    return (_MISSING if value is None else value), None


def _read_column(q: Question, series: pd.Series | None, n: int) -> _Column:
    if series is None:
        return _Column(
            np.full(n, 0 if q.type == "multi" else _size(q), dtype=np.int64 if q.type == "multi" else np.int16),
            np.zeros(n, dtype=bool),
            np.zeros(n, dtype=bool),
            np.full(n, -1, dtype=np.int32),
            (),
            None,
            (),
        )
    try:
        factor, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # lists in the cells (JSON input): wrap what cannot be hashed
        wrapped = [_Cell(x) if isinstance(x, list | dict | set | np.ndarray) else x for x in series.to_numpy(dtype=object)]
        factor, uniques = pd.factorize(pd.Series(wrapped, dtype=object), use_na_sentinel=True)
    size = len(uniques)
    # One entry per distinct cell, then one for blank cells, which factor -1 picks.
    code = np.empty(size + 1, dtype=np.int64 if q.type == "multi" else np.int16)
    known = np.zeros(size + 1, dtype=bool)
    answered = np.zeros(size + 1, dtype=bool)
    problem = np.full(size + 1, -1, dtype=np.int32)
    values: list[Any] = []
    problems: list[str] = []
    blank = 0 if q.type == "multi" else _size(q)
    for i, raw in enumerate(uniques):
        value, why = _clean(q, raw)
        if why is not None:
            problem[i] = len(problems)
            problems.append(f"{q.id}: {why}")
        if why is not None or value is _MISSING:
            code[i] = blank
            values.append(None)
            continue
        code[i], known[i] = _code_of(q, value)
        answered[i] = True
        values.append(value)
    code[size] = blank
    return _Column(
        code[factor],
        known[factor],
        answered[factor],
        factor.astype(np.int32),
        tuple(values),
        problem[factor] if problems else None,
        tuple(problems),
    )


def _row_errors(program: _Program, cells: Sequence[_Column], vis: Sequence[np.ndarray], n: int) -> list[str | None]:
    """Every row's problems as one line (cell problems in bank order, then missing answers), or None."""
    per_row: dict[int, list[str]] = {}
    for cell in cells:
        if cell.problem is None:
            continue
        for row in np.flatnonzero(cell.problem >= 0).tolist():
            per_row.setdefault(row, []).append(cell.problems[cell.problem[row]])
    required = program.required.tolist()
    if required and n:
        missing = np.stack(
            [
                (vis[i] == TRUE) & ~cells[i].answered & (cells[i].problem < 0 if cells[i].problem is not None else True)
                for i in required
            ],
            axis=1,
        )
        rows = np.flatnonzero(missing.any(axis=1))
        if len(rows):
            names = _join_rows(missing[rows], [program.questions[i].id for i in required], ", ")
            for row, text in zip(rows.tolist(), names, strict=True):
                per_row.setdefault(row, []).append(f"required answers missing: {text}")
    errors: list[str | None] = [None] * n
    for row, problems in per_row.items():
        errors[row] = "; ".join(problems)
    return errors


# ----------------------------------------------------------------------------------------------
# Compiling the law


@dataclass(frozen=True)
class _Inputs:
    """Evaluation inputs, one array per question in bank order."""

    code: tuple[np.ndarray, ...]
    known: tuple[np.ndarray, ...]

    def take(self, rows: np.ndarray) -> _Inputs:
        return _Inputs(tuple(c[rows] for c in self.code), tuple(k[rows] for k in self.known))


Step = Callable[[list[Any], _Inputs], None]


@dataclass(frozen=True)
class _Program:
    """The law in force on one day, compiled: evaluation steps over slots, and the scoring tables."""

    questions: tuple[Question, ...]
    index: dict[str, int]
    steps: tuple[Step, ...]
    n_slots: int
    constants: dict[int, Any]
    vis_slots: tuple[int, ...]  # per question, the slot holding its visibility
    required: np.ndarray  # indexes of the plan's required questions
    rule_slots: tuple[int, ...]  # per active rule (law order), the slot holding its condition
    rule_ids: tuple[str, ...]
    rule_remedy: np.ndarray  # per active rule, index into remedy_ids or -1
    finding_order: np.ndarray  # Assessment.findings order, as indexes of active rules
    axis_order: tuple[np.ndarray, ...]  # per axis, touching rules, most serious first
    axis_tables: tuple[np.ndarray, ...]  # per axis, (4, k): likelihood, severity, level index, base
    ceiling: np.ndarray  # per level index
    no_finding: tuple[int, int, int, int]  # likelihood, severity, level index, score
    per_extra: int
    level_rank: np.ndarray
    remedy_ids: tuple[str, ...]
    remedy_sets: tuple[tuple[tuple[int, Any], ...], ...]  # per remedy, (question index, value)
    remedy_future_sets: tuple[tuple[tuple[int, Any], ...], ...]  # the same without answers about past events
    anchored: np.ndarray  # per active rule: it rests on a past event, so no remedy removes it


class _Compiler:
    """Turns condition nodes into steps over numbered slots; equal subtrees share a slot."""

    def __init__(self, questions: tuple[Question, ...]) -> None:
        self.questions = questions
        self.index = {q.id: i for i, q in enumerate(questions)}
        self.steps: list[Step] = []
        self.constants: dict[int, Any] = {0: np.int8(FALSE), 1: np.int8(TRUE)}
        self.n_slots = 2
        self.vis_slots: list[int] = []
        self.memo: dict[tuple[Node, int | None], int] = {}

    def slot(self) -> int:
        self.n_slots += 1
        return self.n_slots - 1

    def node(self, node: Node, limit: int | None = None) -> int:
        """Compile `node`; with `limit`, atoms on questions at or after it are FALSE (not yet in the state)."""
        forward = limit is not None and any(self.index[q] >= limit for q in node.questions())
        key = (node, limit if forward else None)
        if key in self.memo:
            return self.memo[key]
        if isinstance(node, Atom):
            slot = 0 if forward else self.atom(node)
        elif isinstance(node, Not):
            inner = self.node(node.item, limit)
            slot = self.slot()
            self.steps.append(_not_step(slot, inner))
        elif isinstance(node, AllOf | AnyOf):
            parts = tuple(self.node(i, limit) for i in node.items)
            slot = self.slot()
            self.steps.append(_reduce_step(slot, parts, np.minimum if isinstance(node, AllOf) else np.maximum))
        else:
            raise TypeError(f"cannot compile condition node {node!r}")
        self.memo[key] = slot
        return slot

    def atom(self, atom: Atom) -> int:
        qi = self.index[atom.question]
        q = self.questions[qi]
        slot = self.slot()
        vis = self.vis_slots[qi]
        if q.type in ("yes_no", "single"):
            answers = [False, True] if q.type == "yes_no" else [c.id for c in q.choices]
            lut = np.array([TRUE if holds(atom, q, a) else FALSE for a in answers] + [MAYBE], dtype=np.int8)
            self.steps.append(_lut_step(slot, qi, vis, lut))
        elif atom.op in ("any_of", "all_of"):
            ids = [c.id for c in q.choices]
            bits = sum(1 << ids.index(c) for c in atom.operand)
            self.steps.append(_bits_step(slot, qi, vis, bits, atom.op == "all_of"))
        else:
            raise TypeError(f"cannot compile operator '{atom.op}' on {q.type} question '{q.id}'")
        return slot


def _lut_step(slot: int, qi: int, vis: int, lut: np.ndarray) -> Step:
    def run(slots: list[Any], inputs: _Inputs) -> None:
        slots[slot] = np.minimum(slots[vis], lut[inputs.code[qi]])

    return run


def _bits_step(slot: int, qi: int, vis: int, bits: int, every: bool) -> Step:
    def run(slots: list[Any], inputs: _Inputs) -> None:
        hit = inputs.code[qi] & bits
        value = (hit == bits) if every else (hit != 0)
        # known: TRUE or FALSE by the selection; "unknown" or blank: MAYBE.
        slots[slot] = np.minimum(slots[vis], np.where(inputs.known[qi], value.view(np.int8) * np.int8(TRUE), np.int8(MAYBE)))

    return run


def _not_step(slot: int, inner: int) -> Step:
    def run(slots: list[Any], inputs: _Inputs) -> None:
        slots[slot] = np.int8(TRUE) - slots[inner]

    return run


def _reduce_step(slot: int, parts: tuple[int, ...], op: Callable[..., Any]) -> Step:
    def run(slots: list[Any], inputs: _Inputs) -> None:
        slots[slot] = functools.reduce(op, (slots[p] for p in parts))

    return run


@functools.lru_cache(maxsize=64)
def _program(law: Law, day: dt.date) -> _Program:
    questions = tuple(law.bank.questions.values())
    for q in questions:
        if q.type == "multi" and len(q.choices) > _MAX_CHOICES:
            raise ValueError(
                f"batch scoring supports at most {_MAX_CHOICES} choices per multi question; '{q.id}' has {len(q.choices)}"
            )
    compiler = _Compiler(questions)
    # Visibility in bank order, as the engine's state is built: a show_if sees earlier questions only.
    for i, q in enumerate(questions):
        node = law.show_if.get(q.id)
        compiler.vis_slots.append(1 if node is None else compiler.node(node, limit=i))
    scoring_plan = plan(law, day)
    active = scoring_plan.rules
    rule_slots = tuple(compiler.node(r.condition) for r in active)

    level_index = {lv: i for i, lv in enumerate(LEVEL_KEYS)}
    axis_order, axis_tables = [], []
    for axis in AXIS_KEYS:
        touching = scoring_plan.axis_order[axis]  # most serious first: the first fired is the axis's top finding
        axis_order.append(np.array(touching, dtype=np.int64))
        impacts = [active[k].impacts[axis] for k in touching]
        table = [(i.likelihood, i.severity, level_index[i.level], i.base) for i in impacts]
        axis_tables.append(np.array(table, dtype=np.int64).reshape(-1, 4).T)

    lik, sev, lv, score = scoring_plan.no_finding
    remedy_ids = scoring_plan.candidates()
    index = compiler.index
    return _Program(
        questions=questions,
        index=index,
        steps=tuple(compiler.steps),
        n_slots=compiler.n_slots,
        constants=dict(compiler.constants),
        vis_slots=tuple(compiler.vis_slots),
        required=np.array([index[qid] for qid in scoring_plan.required], dtype=np.int64),
        rule_slots=rule_slots,
        rule_ids=tuple(r.id for r in active),
        rule_remedy=np.array([remedy_ids.index(r.rule.remedy) if r.rule.remedy else -1 for r in active], dtype=np.int64),
        finding_order=np.array(scoring_plan.finding_order, dtype=np.int64),
        axis_order=tuple(axis_order),
        axis_tables=tuple(axis_tables),
        ceiling=np.array([scoring_plan.ceilings[k] for k in LEVEL_KEYS], dtype=np.int64),
        no_finding=(lik, sev, level_index[lv], score),
        per_extra=scoring_plan.per_extra,
        level_rank=np.array([LEVEL_RANK[k] for k in LEVEL_KEYS], dtype=np.int64),
        remedy_ids=remedy_ids,
        remedy_sets=tuple(tuple((index[qid], value) for qid, value in law.remedies[rid].sets.items()) for rid in remedy_ids),
        remedy_future_sets=tuple(
            tuple((index[qid], value) for qid, value in scoring_plan.remedies[rid].future_sets.items()) for rid in remedy_ids
        ),
        anchored=np.array([r.anchored for r in active], dtype=bool),
    )


# ----------------------------------------------------------------------------------------------
# Evaluating and scoring


def _run(program: _Program, inputs: _Inputs) -> list[Any]:
    slots: list[Any] = [None] * program.n_slots
    for slot, value in program.constants.items():
        slots[slot] = value
    for step in program.steps:
        step(slots, inputs)
    return slots


def _fired(program: _Program, slots: list[Any], n: int) -> np.ndarray:
    """(rows, active rules) bool: the rule's condition is not FALSE."""
    if not program.rule_slots:
        return np.zeros((n, 0), dtype=bool)
    return np.stack([np.broadcast_to(slots[s], (n,)) != FALSE for s in program.rule_slots], axis=1)


def _scores(program: _Program, fired: np.ndarray) -> np.ndarray:
    """(rows, axes, 4) int64: likelihood, severity, level index, score: `Plan.axis_score` over arrays."""
    n = len(fired)
    out = np.empty((n, len(AXIS_KEYS), 4), dtype=np.int64)
    for a, (order, table) in enumerate(zip(program.axis_order, program.axis_tables, strict=True)):
        out[:, a] = program.no_finding
        if not len(order):
            continue
        hits = fired[:, order]
        count = hits.sum(axis=1)
        has = count > 0
        top = hits.argmax(axis=1)[has]
        lik, sev, lvl, base = table[:, top]
        out[has, a, 0] = lik
        out[has, a, 1] = sev
        out[has, a, 2] = lvl
        out[has, a, 3] = np.minimum(program.ceiling[lvl], base + program.per_extra * (count[has] - 1))
    return out


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


def _join_rows(mask: np.ndarray, labels: Sequence[str], separator: str = SEPARATOR) -> np.ndarray:
    """Per row, the labels whose column is set, joined: an object array of text."""
    n, k = mask.shape
    if n == 0 or k == 0:
        return np.full(n, "", dtype=object)
    distinct, inverse = _unique_rows(np.packbits(mask, axis=1))
    # Each byte of a packed row covers 8 labels: a table gives the text of each of its 256 values
    # (every label followed by the separator). A row's text is its bytes' texts in order, so a
    # block of rows is one join of table entries, then a slice per row.
    width = distinct.shape[1]
    table, size = _join_table(tuple(labels), separator)
    entries = distinct.astype(np.int64) + 256 * np.arange(width)
    texts: list[str] = []
    for start in range(0, len(distinct), _JOIN_ROWS):
        block = entries[start : start + _JOIN_ROWS]
        joined = "".join(map(table.__getitem__, block.ravel().tolist()))
        length = size[block].sum(axis=1)
        end = np.cumsum(length)
        begin = end - length
        end = np.where(length > 0, end - len(separator), begin)
        texts.extend(joined[b:e] for b, e in zip(begin.tolist(), end.tolist(), strict=True))
    return np.array(texts, dtype=object)[inverse]


def _rank_remedies(
    program: _Program, cells: Sequence[_Column], inputs: _Inputs, fired: np.ndarray, before: np.ndarray, ok: np.ndarray
) -> np.ndarray:
    """Per row, the remedy ids ranked as the engine's _rank_remedies does, joined by SEPARATOR."""
    n, m = len(fired), len(program.remedy_ids)
    if n == 0 or m == 0:
        return np.full(n, "", dtype=object)
    reduction = np.zeros((n, m), dtype=np.int64)
    levels = np.zeros((n, m), dtype=np.int64)
    addressed = np.zeros((n, m), dtype=np.int64)
    for r, (sets, future) in enumerate(zip(program.remedy_sets, program.remedy_future_sets, strict=True)):
        count = fired[:, program.rule_remedy == r].sum(axis=1)
        # A remedy addresses its fired rules unless every answer it sets is already so.
        done = np.ones(n, dtype=bool)
        for qi, value in sets:
            cell = cells[qi]
            same = np.array([v is not None and v == value for v in cell.values] + [False], dtype=bool)
            done &= same[cell.factor]
        count[done | ~ok] = 0
        rows = np.flatnonzero(count)
        if not len(rows):
            continue
        addressed[rows, r] = count[rows]
        sub = inputs.take(rows)
        code, known = list(sub.code), list(sub.known)
        for qi, value in future:  # what it changes from now on: answers about past events stay
            c, k = _code_of(program.questions[qi], value)
            code[qi] = np.full(len(rows), c, dtype=sub.code[qi].dtype)
            known[qi] = np.full(len(rows), k, dtype=bool)
        fired_after = _fired(program, _run(program, _Inputs(tuple(code), tuple(known))), len(rows))
        fired_after |= fired[rows] & program.anchored  # the findings that rest on past events stay
        after = _scores(program, fired_after)
        reduction[rows, r] = (before[rows, :, 3] - after[:, :, 3]).sum(axis=1)
        rank = program.level_rank
        levels[rows, r] = (rank[before[rows, :, 2]] - rank[after[:, :, 2]]).sum(axis=1)
    # `Plan.rank_key`: each effect of plan.RANK_BY larger first, then the id (remedy ids are in id order).
    tie = np.broadcast_to(np.arange(m), (n, m))
    order = np.lexsort((tie, -addressed, -levels, -reduction, addressed == 0), axis=-1)
    ranked = np.where(np.arange(m) < (addressed > 0).sum(axis=1, keepdims=True), order, m).astype(np.int16)
    distinct, inverse = _unique_rows(ranked)
    labels = [*program.remedy_ids, ""]
    texts = np.array([SEPARATOR.join(labels[j] for j in row if j < m) for row in distinct.tolist()], dtype=object)
    return texts[inverse]
