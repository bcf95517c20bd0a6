"""Every finding title states only what its condition checked (issue 21, item 3).

A rule's `title_about` names the answers its title speaks of (docs/adding-rules.md). For every dated
rule, each alternative of its `when` (a term of the condition in disjunctive normal form: "no contract"
and "no supervision" are two) is made the only one that holds, on top of a well-run company's answers;
the rule must then fire, and each entry of `title_about` must name a question whose answer made the
condition true in that scenario. A title that says "no confidentiality agreements" while only the
staff-rules alternative fired fails here.

`python tests/test_titles.py FILE` writes every (rule, alternative, title) for a human read.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from questions.conditions import AnyOf, Atom, Node, Not, holds  # noqa: E402
from questions.model import Question  # noqa: E402
from scoring.engine import assess, visibility  # noqa: E402
from scoring.loader import Law, default_law  # noqa: E402
from scoring.model import Rule  # noqa: E402

BASELINE = ROOT / "examples" / "well-run-ecommerce-2026.json"
Literal = tuple[Atom, bool]  # an atom, and whether the alternative needs it true (False: under a `not`)
Term = frozenset[Literal]


def alternatives(node: Node, positive: bool = True) -> list[Term]:
    """The condition in disjunctive normal form: each term is one alternative that makes it hold."""
    if isinstance(node, Atom):
        return [frozenset({(node, positive)})]
    if isinstance(node, Not):
        return alternatives(node.item, not positive)
    parts = [alternatives(item, positive) for item in node.items]
    if isinstance(node, AnyOf) == positive:  # an `any`, or a `not` over an `all`
        terms = [t for part in parts for t in part]
    else:
        terms = [frozenset().union(*combo) for combo in itertools.product(*parts)]
    terms = [t for t in terms if not any((atom, not pos) in t for atom, pos in t)]
    unique = list(dict.fromkeys(terms))
    return [t for t in unique if not any(other < t for other in unique)]  # "a, or a and b" is "a"


def _questions(term: Term) -> frozenset[str]:
    return frozenset(atom.question for atom, _ in term)


def _value_for(question: Question, current: Any, literals: list[Literal]) -> Any:
    """An answer to `question` meeting every literal, the current one if it does; None if none can."""
    if question.type == "yes_no":
        candidates: list[Any] = [current, True, False]
    elif question.type == "single":
        candidates = [current, *(c.id for c in question.choices)]
    else:
        ids = [c.id for c in question.choices]
        selected = set(current or ())
        candidates = [
            sorted(selected | set(extra)) for size in range(len(ids) + 1) for extra in itertools.combinations(ids, size)
        ]
        # then the fewest removals: a question shown by another choice stays shown
        candidates += [
            sorted(keep) for size in range(len(selected), -1, -1) for keep in itertools.combinations(sorted(selected), size)
        ]
    for value in candidates:
        if value is not None and all(holds(atom, question, value) == pos for atom, pos in literals):
            return value
    return None


@dataclass
class Scenario:
    rule: Rule
    alternative: Term
    answers: dict[str, Any]
    holding: list[Term]  # the alternatives that hold in the scenario (the aim: only `alternative`)

    @property
    def fired_questions(self) -> frozenset[str]:
        """The questions whose answers made the condition true."""
        return frozenset().union(*(_questions(t) for t in self.holding))


class Builder:
    """Answer sets in which one alternative of a rule holds, on top of a well-run company's answers."""

    def __init__(self, law: Law) -> None:
        self.law = law
        self.questions = law.bank.questions
        self.baseline: dict[str, Any] = json.loads(BASELINE.read_text(encoding="utf-8"))["answers"]
        # An answer for each question the baseline leaves out (hidden there): from any example.
        self.defaults: dict[str, Any] = {}
        for path in sorted((ROOT / "examples").glob("*.json")):
            for qid, value in json.loads(path.read_text(encoding="utf-8"))["answers"].items():
                if value != "unknown":
                    self.defaults.setdefault(qid, value)
        self.defaults.update(self.baseline)

    def holds(self, term: Term, answers: Mapping[str, Any]) -> bool:
        shown = visibility(answers, self.law)
        return all(
            (shown[atom.question] == 2 and holds(atom, self.questions[atom.question], answers[atom.question])) == pos
            for atom, pos in term
        )

    def _fill(self, answers: dict[str, Any]) -> None:
        """Answer every shown question that has no answer yet; drop answers to hidden ones."""
        for _ in range(len(self.questions)):
            shown = visibility(answers, self.law)
            missing = [qid for qid, v in shown.items() if v and qid not in answers]
            for qid in (qid for qid, v in shown.items() if not v):
                answers.pop(qid, None)
            if not missing:
                return
            for qid in missing:
                question = self.questions[qid]
                answers[qid] = self.defaults.get(qid, False if question.type == "yes_no" else question.choices[0].id)

    def _apply(self, answers: dict[str, Any], term: Term, depth: int = 0) -> bool:
        """Set the answers `term` needs, and those that show its questions; False if it cannot hold."""
        for qid in sorted(_questions(term)):
            if qid in self.law.show_if and depth < 5:  # show the question first: its show_if's first fitting term
                for shown_by in alternatives(self.law.show_if[qid]):
                    trial = dict(answers)
                    if self._apply(trial, shown_by, depth + 1) and self._fits(trial, term):
                        answers.clear()
                        answers.update(trial)
                        break
        for qid in sorted(_questions(term)):
            value = _value_for(self.questions[qid], answers.get(qid), [lit for lit in term if lit[0].question == qid])
            if value is None:
                return False
            answers[qid] = value
        self._fill(answers)
        return True

    def _fits(self, answers: Mapping[str, Any], term: Term) -> bool:
        return all(
            _value_for(self.questions[qid], answers.get(qid), [lit for lit in term if lit[0].question == qid]) is not None
            for qid in _questions(term)
        )

    def _breaking(self, answers: Mapping[str, Any], term: Term, other: Term) -> Iterator[dict[str, Any]]:
        """Answer sets that may break `other` while keeping `term`: one of its literals made false,
        by a new answer or by hiding the question (a band that is always reached can only be hidden)."""
        for atom, pos in sorted(other - term, key=repr):
            needed = [lit for lit in term if lit[0].question == atom.question] + [(atom, not pos)]
            value = _value_for(self.questions[atom.question], answers.get(atom.question), needed)
            if value is not None:
                trial = {**answers, atom.question: value}
                self._fill(trial)
                yield trial
            if pos and atom.question in self.law.show_if:
                for hiding in alternatives(self.law.show_if[atom.question], positive=False):
                    trial = dict(answers)
                    if self._fits(trial, hiding | term) and self._apply(trial, hiding):
                        yield trial

    def scenario(self, rule: Rule, term: Term) -> Scenario | None:
        """Answers where `term` holds and, as far as the answers allow, no other alternative of the rule."""
        terms = alternatives(self.law.conditions[rule.id])
        answers = dict(self.baseline)
        if not self._apply(answers, term) or not self.holds(term, answers):
            return None
        for other in terms:
            if other == term or not self.holds(other, answers):
                continue
            for trial in self._breaking(answers, term, other):
                if self.holds(term, trial) and not self.holds(other, trial):
                    answers = trial
                    break
        return Scenario(rule, term, answers, [t for t in terms if self.holds(t, answers)])


def _day(law: Law, rule: Rule) -> dt.date:
    return rule.in_force.from_ if rule.in_force else law.method.coverage_from


def describe(law: Law, term: Term) -> str:
    """An alternative in words a reviewer reads: `not processor_contracts = True`."""
    parts = []
    for atom, pos in sorted(term, key=lambda lit: lit[0].question):
        operand = sorted(atom.operand) if isinstance(atom.operand, frozenset) else atom.operand
        parts.append(f"{'' if pos else 'not '}{atom.question} {atom.op} {operand}")
    return " and ".join(parts)


def cases(law: Law) -> Iterator[tuple[Rule, Term]]:
    for rule in law.rules:
        for term in alternatives(law.conditions[rule.id]):
            yield rule, term


LAW = default_law()
BUILDER = Builder(LAW)
CASES = list(cases(LAW))


@pytest.mark.parametrize(("rule", "term"), CASES, ids=[f"{r.id}:{i}" for i, (r, _) in enumerate(CASES)])
def test_title_speaks_only_of_what_fired(rule: Rule, term: Term) -> None:
    scenario = BUILDER.scenario(rule, term)
    assert scenario is not None, f"{rule.id}: no answers make this alternative hold: {describe(LAW, term)}"
    assert scenario.holding == [term], f"{rule.id}: other alternatives hold beside {describe(LAW, term)}: " + "; ".join(
        describe(LAW, t) for t in scenario.holding if t != term
    )
    fired = assess(scenario.answers, _day(LAW, rule), rank_remedies=False).fired_rules
    assert rule.id in fired, f"{rule.id} does not fire when only this holds: {describe(LAW, term)}"
    assert not unfired(rule, scenario), (
        f"{rule.id}: the title {rule.title.get('en')!r} speaks of {unfired(rule, scenario)}, "
        f"but only this fired: {describe(LAW, term)}"
    )


def unfired(rule: Rule, scenario: Scenario) -> list[str | tuple[str, ...]]:
    """The entries of `title_about` that name no question whose answer made the condition true."""

    def spoken(about: str | tuple[str, ...]) -> frozenset[str]:
        return frozenset().union(*(LAW.spoken_of(i) for i in ((about,) if isinstance(about, str) else about)))

    return [about for about in rule.title_about if not spoken(about) & scenario.fired_questions]


@pytest.mark.parametrize(
    ("rule_id", "title_about"),
    [
        # the titles of issue 21: "Staff are not bound to keep user data confidential" and
        # "Processors are used without a contract or supervision", which spoke of every alternative
        ("security.no_internal_management", ("confidentiality_agreements",)),
        ("sharing.entrusted_processing@2021", ("uses_processors", "processor_contracts", "processor_supervision")),
    ],
)
def test_a_title_speaking_of_an_alternative_that_did_not_fire_fails(rule_id: str, title_about: tuple[str, ...]) -> None:
    rule = next(r for r in LAW.rules if r.id == rule_id).model_copy(update={"title_about": title_about})
    scenarios = [BUILDER.scenario(rule, term) for term in alternatives(LAW.conditions[rule_id])]
    assert any(s is not None and unfired(rule, s) for s in scenarios)


def test_every_rule_has_alternatives() -> None:
    """The parametrised test covers every dated rule (a condition with no alternative could never fire)."""
    assert {r.id for r, _ in CASES} == {r.id for r in LAW.rules}


def main(out: Path) -> None:
    """Write every (rule, alternative, title) in both languages, with what the title speaks of."""
    lines = []
    for rule, term in CASES:
        scenario = BUILDER.scenario(rule, term)
        holding = "" if scenario is None or scenario.holding == [term] else "  (other alternatives hold too)"
        lines += [
            f"{rule.id}  [{rule.in_force.label() if rule.in_force else 'every date'}]",
            f"  alternative: {describe(LAW, term)}{holding}",
            f"  title_about: {list(rule.title_about)}",
            f"  en: {rule.title.get('en')}",
            f"  zh: {rule.title.get('zh')}",
            "",
        ]
    out.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
