"""Batch scoring: `assess_frame(df, as_of)` scores a table of answer sets with the rules compiled to numpy.

The table has one row per answer set and one column per question id. Cells are read by
`scoring.columns` with `questions.answers.parse_cell`, the one reader of cells that the workspace import uses too (yes/no
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
text when none fires); ``transfer_route``, the route id `Assessment.transfer_route` names (issue 23); with ``remedies=True``, ``remedies``, the ids of `Assessment.remedies` in
their ranked order joined by ";"; and ``error``. Text columns are object columns of str.

A row whose answers do not fit the bank (an unknown choice, a wrong type, "unknown" where it is not
offered, a visible required question left blank) gets all its problems in ``error``, cell by cell
in bank order and then the missing answers, e.g. ``records_tier1: has no choice 'x' (allowed: ...);
required answers missing: consumer_facing``, and empty (NA) score, rule and remedy columns; the
other rows are scored as usual. ``error`` is NA for every row that was scored.

It evaluates the same `when` and `show_if` nodes as `scoring.engine.assess`, compiled once per law
and date into numpy operations over int8 arrays holding FALSE/MAYBE/TRUE (`all` is the elementwise
minimum, `any` the maximum, `not` is 2 - x). Atoms on yes_no and single questions are lookup tables
built with `questions.conditions.holds`, so both evaluators share the meaning of every operator. What
follows from the fired rules (scores, levels, what a remedy addresses and lowers, the ranking, the
required answers) is the plan's (`scoring.plan.Plan`), called with a mask of many rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from questions.conditions import FALSE, MAYBE, TRUE, AllOf, AnyOf, Atom, Node, Not, holds, parse
from questions.model import Question
from scoring.axes import AXIS_KEYS, LEVEL_KEYS
from scoring.columns import (
    MAX_CHOICES,
    SEPARATOR,
    Column,
    code_of,
    join_ranked,
    join_rows,
    name,
    question_columns,
    read_column,
    row_errors,
    size,
)
from scoring.loader import Law, default_law
from scoring.plan import LEVEL, LIKELIHOOD, SCORE, SEVERITY, Plan, check_date, plan
from scoring.transfer import deciding_case, period_on

if TYPE_CHECKING:  # pandas loads when a table is scored, not when a plan is searched (the results page)
    import pandas as pd

__all__ = ["RESULT_COLUMNS", "SEPARATOR", "assess_frame", "result_columns"]

_PARTS = ("likelihood", "severity", "level", "score")
RESULT_COLUMNS: tuple[str, ...] = (
    *(f"{axis}_{part}" for axis in AXIS_KEYS for part in _PARTS),
    "fired_rules",
    "transfer_route",
    "error",
)


def result_columns(*, remedies: bool = False) -> tuple[str, ...]:
    """The columns `assess_frame` adds, in order."""
    if not remedies:
        return RESULT_COLUMNS
    return (*RESULT_COLUMNS[:-1], "remedies", "error")


def assess_frame(df: pd.DataFrame, as_of: dt.date, *, remedies: bool = False, law: Law | None = None) -> pd.DataFrame:
    """Score every row of `df` under the law in force on `as_of`; see the module docstring for formats.

    Raises DateError for a date outside coverage and AnswersError when the table itself is unusable
    (two columns for one question). Problems in single rows never raise: they go in `error`."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"assess_frame takes a pandas DataFrame, got {type(df).__name__}")
    law = law or default_law()
    day = check_date(as_of, law)
    program = _program(law, day)
    p = program.plan
    columns = question_columns(df, program.index)
    n = len(df)
    cells = [read_column(q, columns.get(q.id), n) for q in program.questions]
    inputs = _Inputs(tuple(c.code for c in cells), tuple(c.known for c in cells))

    slots = _run(program, inputs)
    vis = [np.broadcast_to(slots[s], (n,)) for s in program.vis_slots]
    errors = row_errors(program.questions, program.required, cells, vis, n)
    ok = np.array([e is None for e in errors], dtype=bool) if n else np.ones(0, dtype=bool)

    results = _results(program, slots, n)
    fired = results != FALSE
    scores = p.scores(fired)
    out: dict[str, Any] = {}
    for a, axis in enumerate(AXIS_KEYS):
        out[f"{axis}_likelihood"] = pd.arrays.IntegerArray(scores[:, a, LIKELIHOOD], ~ok)
        out[f"{axis}_severity"] = pd.arrays.IntegerArray(scores[:, a, SEVERITY], ~ok)
        level = np.where(ok, scores[:, a, LEVEL], -1)
        out[f"{axis}_level"] = pd.Categorical.from_codes(level, categories=list(LEVEL_KEYS), ordered=True)
        out[f"{axis}_score"] = pd.arrays.IntegerArray(scores[:, a, SCORE], ~ok)
    # Listed as the engine lists its findings: on a tie, those on known answers first (`Plan.listed`).
    order = [k for k, _ in p.listed]
    listed = fired[:, order] & ((results[:, order] == MAYBE) == np.array([u for _, u in p.listed]))
    fired_text = join_rows(listed, [p.rules[k].id for k in order])
    fired_text[~ok] = None
    # Text columns stay object arrays of str: converting 100,000 long texts to pandas' "str"
    # dtype costs more than all of the scoring.
    out["fired_rules"] = pd.Series(fired_text, dtype=object)
    route = _routes(program, slots, n)
    route[~ok] = None
    out["transfer_route"] = pd.Series(route, dtype=object)
    if remedies:
        ranked = join_ranked(_rank_remedies(program, cells, inputs, fired, scores, ok), p.remedy_ids)
        ranked[~ok] = None
        out["remedies"] = pd.Series(ranked, dtype=object)
    out["error"] = pd.Series(errors, dtype=object)

    result = pd.DataFrame(out, columns=list(result_columns(remedies=remedies)))
    passthrough = [i for i, c in enumerate(df.columns) if name(c) not in program.index and c not in result.columns]
    if passthrough:
        result = pd.concat([df.iloc[:, passthrough].reset_index(drop=True), result], axis=1)
    result.index = df.index
    return result


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
    """The law in force on one day, compiled: evaluation steps over slots, beside the plan they serve."""

    plan: Plan
    questions: tuple[Question, ...]
    index: dict[str, int]
    steps: tuple[Step, ...]
    n_slots: int
    constants: dict[int, Any]
    vis_slots: tuple[int, ...]  # per question, the slot holding its visibility
    required: tuple[int, ...]  # indexes of the plan's required questions
    rule_slots: tuple[int, ...]  # per rule of the plan (law order), the slot holding its condition
    remedy_sets: tuple[tuple[tuple[int, Any], ...], ...]  # per remedy of the plan, (question index, value)
    remedy_future_sets: tuple[tuple[tuple[int, Any], ...], ...]  # the same without answers about past events
    # The cross-border route decision of the day (scoring/transfer.yaml): the routes from the least
    # to the most demanding, the slot of "personal information leaves China", and per case of the
    # period, in order, its route's place in that list and the slot of its test (None: always holds).
    routes: tuple[str, ...] = ()
    transfers_slot: int | None = None
    route_cases: tuple[tuple[int, int | None], ...] = ()


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
        if q.type == "multi" and len(q.choices) > MAX_CHOICES:
            raise ValueError(
                f"batch scoring supports at most {MAX_CHOICES} choices per multi question; '{q.id}' has {len(q.choices)}"
            )
    compiler = _Compiler(questions)
    # Visibility in bank order, as the engine's state is built: a show_if sees earlier questions only.
    for i, q in enumerate(questions):
        node = law.show_if.get(q.id)
        compiler.vis_slots.append(1 if node is None else compiler.node(node, limit=i))
    scoring_plan = plan(law, day)
    index = compiler.index
    routes: tuple[str, ...] = ()
    transfers_slot: int | None = None
    route_cases: tuple[tuple[int, int | None], ...] = ()
    if law.transfer is not None:
        routes = tuple(law.transfer.routes)
        transfers_slot = compiler.node(parse({law.transfer.transfers: True}, law.bank.questions))
        period = period_on(law, day)
        if period is not None:
            route_cases = tuple(
                (
                    routes.index(c.route),
                    None if c.when is None else compiler.node(parse(c.when, law.bank.questions, "", law.definitions)),
                )
                for c in period.cases
            )
    return _Program(
        routes=routes,
        transfers_slot=transfers_slot,
        route_cases=route_cases,
        plan=scoring_plan,
        questions=questions,
        index=index,
        rule_slots=tuple(compiler.node(r.condition) for r in scoring_plan.rules),
        steps=tuple(compiler.steps),
        n_slots=compiler.n_slots,
        constants=dict(compiler.constants),
        vis_slots=tuple(compiler.vis_slots),
        required=tuple(index[qid] for qid in scoring_plan.required),
        remedy_sets=tuple(
            tuple((index[qid], value) for qid, value in law.remedies[rid].sets.items()) for rid in scoring_plan.remedy_ids
        ),
        remedy_future_sets=tuple(
            tuple((index[qid], value) for qid, value in scoring_plan.remedies[rid].future_sets.items())
            for rid in scoring_plan.remedy_ids
        ),
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


def _results(program: _Program, slots: list[Any], n: int) -> np.ndarray:
    """(rows, rules of the plan) int8: each rule's condition, FALSE, MAYBE or TRUE."""
    out = np.empty((n, len(program.rule_slots)), dtype=np.int8)
    for j, s in enumerate(program.rule_slots):
        out[:, j] = slots[s]  # a constant or a column: assigning broadcasts it
    return out


def _routes(program: _Program, slots: list[Any], n: int) -> np.ndarray:
    """Per row, the transfer route id `scoring.transfer.decide` names, chosen by the same
    `deciding_case`; `no_transfer` where nothing leaves China. Object array of str (None where the law
    has no route decision)."""
    out = np.full(n, None, dtype=object)
    if program.transfers_slot is None:
        return out
    leaves = np.broadcast_to(slots[program.transfers_slot], (n,))
    if not program.route_cases:
        out[:] = np.where(leaves != FALSE, "not_required", "no_transfer")
        return out
    results = np.stack(
        [
            np.full(n, TRUE, dtype=np.int8) if slot is None else np.broadcast_to(slots[slot], (n,))
            for _, slot in program.route_cases
        ],
        axis=1,
    )
    demand = np.array([d for d, _ in program.route_cases], dtype=np.int64)
    index, _ = deciding_case(leaves, results, demand)
    routes = np.array([program.routes[d] for d, _ in program.route_cases] + ["no_transfer"], dtype=object)
    out[:] = routes[index]  # -1: the last entry, no_transfer
    return out


def _fired(program: _Program, slots: list[Any], n: int) -> np.ndarray:
    """(rows, rules of the plan) bool: the rule's condition is not FALSE."""
    return _results(program, slots, n) != FALSE


def _rank_remedies(
    program: _Program, cells: list[Column], inputs: _Inputs, fired: np.ndarray, before: np.ndarray, ok: np.ndarray
) -> np.ndarray:
    """Per row, the remedies ranked by the plan (`Plan.rank`), as indexes into `remedy_ids` (-1 for none).

    This evaluator only tells which remedies are already in place, row by row, and evaluates the
    answers each remedy would change for the rows it addresses; the plan decides the rest."""
    p = program.plan
    n, m = len(fired), len(p.remedy_ids)
    done = np.ones((n, m), dtype=bool)
    for r, sets in enumerate(program.remedy_sets):
        for qi, value in sets:
            done[:, r] &= cells[qi].equals(value)
    done[~ok] = True  # a row with errors is not scored
    addressed = p.addressed(fired, done)
    reduction = np.zeros((n, m), dtype=np.int64)
    levels = np.zeros((n, m), dtype=np.int64)
    for r, future in enumerate(program.remedy_future_sets):
        rows = np.flatnonzero(addressed[:, r])
        if not len(rows):
            continue
        sub = inputs.take(rows)
        code, known = list(sub.code), list(sub.known)
        for qi, value in future:  # what it changes from now on: answers about past events stay
            c, k = code_of(program.questions[qi], value)
            code[qi] = np.full(len(rows), c, dtype=sub.code[qi].dtype)
            known[qi] = np.full(len(rows), k, dtype=bool)
        after = _fired(program, _run(program, _Inputs(tuple(code), tuple(known))), len(rows))
        reduction[rows, r], levels[rows, r] = p.effects(before[rows], p.scores(p.keep_past(fired[rows], after)))
    return p.rank(reduction, levels, addressed)


class Counterfactuals:
    """One answer set (clean, as `assess` takes it) under the law in force on one day, and many sets of
    changes to it evaluated as one batch: the counterfactual answer sets a search for an action plan
    scores many of at once. The answers and each change are encoded once (`encode`), not per batch."""

    def __init__(self, law: Law, day: dt.date, answers: Mapping[str, Any]) -> None:
        self.program = _program(law, day)
        codes, known = [], []
        for q in self.program.questions:
            value = answers.get(q.id)
            c, k = code_of(q, value) if value is not None else (0 if q.type == "multi" else size(q), False)
            codes.append(c)
            known.append(k)
        # Multiple-choice codes are bit sets (int64), the others small (int16): one matrix of each.
        self._multi = np.array([q.type == "multi" for q in self.program.questions], dtype=bool)
        self._codes, self._known = np.array(codes, dtype=np.int64), np.array(known, dtype=bool)

    def encode(self, change: Mapping[str, Any]) -> tuple[tuple[int, int, bool], ...]:
        """A change as (question's index, code, known) triples, for `fired`."""
        index, questions = self.program.index, self.program.questions
        return tuple((index[qid], *code_of(questions[index[qid]], value)) for qid, value in change.items())

    def fired(self, rows: Sequence[Sequence[tuple[int, int, bool]]]) -> np.ndarray:
        """(len(rows), rules of the plan) bool: which rules fire with each row's encoded changes applied
        in order (a later change to the same question wins)."""
        n = len(rows)
        wide = np.repeat(self._codes[:, None], n, axis=1)
        known = np.repeat(self._known[:, None], n, axis=1)
        for row, change in enumerate(rows):
            for qi, c, k in change:
                wide[qi, row], known[qi, row] = c, k
        narrow = wide.astype(np.int16)
        code = tuple(wide[i] if multi else narrow[i] for i, multi in enumerate(self._multi))
        return _fired(self.program, _run(self.program, _Inputs(code, tuple(known))), n)


def counterfactual_fired(law: Law, day: dt.date, answers: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """(len(changes), rules of the plan) bool: which rules fire for `answers` (clean, as `assess` takes
    them) with each row's changes applied, evaluated as one batch (`Counterfactuals`)."""
    counterfactuals = Counterfactuals(law, day, answers)
    return counterfactuals.fired([counterfactuals.encode(change) for change in changes])
