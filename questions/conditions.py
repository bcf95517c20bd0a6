"""The one condition language, shared by rule `when` and question `show_if`, and its evaluator.

A condition is plain data:

    {all: [c, ...]}   {any: [c, ...]}   {not: c}
    {question_id: value}                    equals (yes_no: true/false; single: a choice id;
                                            multi: the choice is among those selected)
    {question_id: {in: [a, b]}}             single: the answer is one of these
    {question_id: {any_of: [a, b]}}         multi: at least one of these is selected
    {question_id: {all_of: [a, b]}}         multi: all of these are selected
    {question_id: {gte: N}} / {lt: N}       single, banded: the band lies at or above / below N
    {use: name}                             a named condition from scoring/definitions.yaml

Evaluation is three-valued (Kleene): FALSE, UNKNOWN, TRUE. An "I don't know" answer makes its atoms
UNKNOWN; `all` takes the minimum, `any` the maximum, `not` flips. A rule fires when its condition is
not FALSE, which is the cautious case: it fires whenever some honest answer could make it fire.
Kleene logic is sound, so replacing a known answer by "I don't know" can only add findings.

A question hidden by its `show_if` is not applicable: its atoms are FALSE. Visibility itself can be
UNKNOWN (its `show_if` depends on an unknown answer); then an atom is `min(visibility, value)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from questions.errors import ConditionError
from questions.model import UNKNOWN, Question

FALSE, MAYBE, TRUE = 0, 1, 2


class Visibility(IntEnum):
    """Whether a question is shown, given the answers so far: the value of its `show_if`. Screens show
    every question that is not HIDDEN; a MAYBE question is shown because its `show_if` rests on an
    "I don't know", and is not required."""

    HIDDEN = FALSE
    MAYBE = MAYBE
    SHOWN = TRUE


OPERATORS: dict[str, tuple[str, ...]] = {
    # operator -> the question types it applies to
    "equals": ("yes_no", "single", "multi"),
    "in": ("single",),
    "any_of": ("multi",),
    "all_of": ("multi",),
    "gte": ("single",),
    "lt": ("single",),
}
COMBINATORS = ("all", "any", "not", "use")


@dataclass(frozen=True)
class Atom:
    """A test of one answer. `operand` is a bool, a frozenset of choice ids, or a number."""

    question: str
    op: str
    operand: Any

    def questions(self) -> frozenset[str]:
        return frozenset((self.question,))


@dataclass(frozen=True)
class AllOf:
    items: tuple[Node, ...]

    def questions(self) -> frozenset[str]:
        return frozenset().union(*(i.questions() for i in self.items))


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Node, ...]

    def questions(self) -> frozenset[str]:
        return frozenset().union(*(i.questions() for i in self.items))


@dataclass(frozen=True)
class Not:
    item: Node

    def questions(self) -> frozenset[str]:
        return self.item.questions()


Node = Atom | AllOf | AnyOf | Not


def parse(
    raw: Any,
    questions: Mapping[str, Question],
    path: str = "",
    definitions: Mapping[str, Any] | None = None,
    _using: tuple[str, ...] = (),
) -> Node:
    """Turn raw condition data into a validated Node; raise ConditionError naming the path.

    `{use: name}` is expanded in place from `definitions`, so both evaluators see plain nodes."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ConditionError(path, f"a condition is a mapping with exactly one key, got {raw!r}")
    ((key, value),) = raw.items()
    here = f"{path}.{key}" if path else str(key)
    if key == "use":
        if not isinstance(value, str) or definitions is None or value not in definitions:
            known = ", ".join(sorted(definitions or ())) or "none"
            raise ConditionError(here, f"unknown named condition {value!r} (known: {known})")
        if value in _using:
            raise ConditionError(here, f"named condition '{value}' refers to itself")
        return parse(definitions[value], questions, f"{here}({value})", definitions, (*_using, value))
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(here, f"'{key}' takes a non-empty list of conditions")
        items = tuple(parse(v, questions, f"{here}[{i}]", definitions, _using) for i, v in enumerate(value))
        return AllOf(items) if key == "all" else AnyOf(items)
    if key == "not":
        return Not(parse(value, questions, here, definitions, _using))
    if key not in questions:
        raise ConditionError(here, f"unknown question id '{key}'")
    question = questions[key]
    if isinstance(value, dict):
        if len(value) != 1:
            raise ConditionError(here, f"an operator mapping has exactly one key, got {sorted(value)}")
        ((op, operand),) = value.items()
    else:
        op, operand = "equals", value
    return _atom(question, op, operand, f"{here}.{op}" if isinstance(value, dict) else here)


def _atom(question: Question, op: str, operand: Any, path: str) -> Atom:
    if op not in OPERATORS:
        raise ConditionError(path, f"unknown operator '{op}' (known: {', '.join(OPERATORS)})")
    if question.type not in OPERATORS[op]:
        raise ConditionError(path, f"operator '{op}' does not apply to {question.type} question '{question.id}'")
    if operand == UNKNOWN:
        raise ConditionError(path, "conditions may not test for 'I don't know'; unknown answers are handled by the engine")
    if op == "equals":
        if question.type == "yes_no":
            if not isinstance(operand, bool):
                raise ConditionError(path, f"yes_no question '{question.id}' compares with true or false, got {operand!r}")
            return Atom(question.id, "equals", operand)
        _check_choices(question, [operand], path)
        return Atom(question.id, "equals" if question.type == "single" else "any_of", frozenset([operand]))
    if op in ("in", "any_of", "all_of"):
        if not isinstance(operand, list) or not operand:
            raise ConditionError(path, f"'{op}' takes a non-empty list of choice ids")
        _check_choices(question, operand, path)
        return Atom(question.id, op, frozenset(operand))
    # gte / lt: numeric thresholds on banded choices, which must fall on a band edge.
    if isinstance(operand, bool) or not isinstance(operand, (int, float)):
        raise ConditionError(path, f"'{op}' takes a number, got {operand!r}")
    if any(c.min is None for c in question.choices):
        raise ConditionError(path, f"'{op}' needs every choice of '{question.id}' to have a `min`")
    edges = {c.min for c in question.choices if c.min is not None} | {c.max for c in question.choices if c.max is not None}
    if operand not in edges:
        raise ConditionError(
            path,
            f"threshold {operand} is not a band edge of '{question.id}' (edges: {', '.join(_num(e) for e in sorted(edges))})",
        )
    return Atom(question.id, op, float(operand))


def _check_choices(question: Question, values: Iterable[Any], path: str) -> None:
    for v in values:
        if v not in question.choice_ids:
            raise ConditionError(path, f"'{question.id}' has no choice {v!r} (allowed: {', '.join(sorted(question.choice_ids))})")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def holds(atom: Atom, question: Question, value: Any) -> bool:
    """Whether a concrete (known) answer satisfies an atom."""
    op, operand = atom.op, atom.operand
    if op == "equals":
        return value == operand if question.type == "yes_no" else value in operand
    if op == "in":
        return value in operand
    if op == "any_of":
        return not operand.isdisjoint(value)
    if op == "all_of":
        return operand.issubset(value)
    choice = question.choice(value)
    if op == "gte":
        return choice.min >= operand
    return choice.max is not None and choice.max <= operand  # lt


# An evaluation state maps each question id to (visibility, value): visibility is FALSE, MAYBE or
# TRUE, and value is the known answer, or UNKNOWN ("I don't know", or visible but unanswered).
State = Mapping[str, tuple[int, Any]]
Compiled = Callable[[State], int]


def compile_node(node: Node, questions: Mapping[str, Question]) -> Compiled:
    """Compile a Node into a fast closure over an evaluation state, returning FALSE/MAYBE/TRUE."""
    if isinstance(node, Atom):
        question = questions[node.question]
        qid = node.question

        def atom(state: State) -> int:
            visible, value = state.get(qid, (FALSE, None))
            if visible == FALSE:
                return FALSE
            if value == UNKNOWN:
                return MAYBE
            return min(visible, TRUE if holds(node, question, value) else FALSE)

        return atom
    if isinstance(node, Not):
        inner = compile_node(node.item, questions)
        return lambda state: TRUE - inner(state)
    parts = tuple(compile_node(i, questions) for i in node.items)
    if isinstance(node, AllOf):

        def all_(state: State) -> int:
            result = TRUE
            for part in parts:
                v = part(state)
                if v == FALSE:
                    return FALSE
                result = min(result, v)
            return result

        return all_

    def any_(state: State) -> int:
        result = FALSE
        for part in parts:
            v = part(state)
            if v == TRUE:
                return TRUE
            result = max(result, v)
        return result

    return any_


def evaluate(node: Node, questions: Mapping[str, Question], state: State) -> int:
    """Evaluate a Node once (slow path; the engine uses compiled closures)."""
    return compile_node(node, questions)(state)
