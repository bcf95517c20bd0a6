"""The scoring plan: every decision about how a result is ranked and summarised, made once per law and day.

`plan(law, day)` decides which rules are in force, their impacts and levels, the order of findings and
its tie-breaks, each axis's order (so that its reason is its first finding), the score cap, the
required answers, the remedy candidates and the key they are ranked by. The two evaluators,
`scoring.engine.assess` (closures, one answer set) and `scoring.frame.assess_frame` (numpy, many rows),
consume the plan and keep only how they evaluate conditions; no presenter orders, levels or filters
findings itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from questions.conditions import Node
from questions.model import Text
from scoring.assessment import AxisImpact, Citation
from scoring.axes import AXIS_KEYS
from scoring.loader import Law
from scoring.model import ExposureStatement, Remedy, Rule

# How remedies are ranked: by these effects, each larger first, then by remedy id.
RANK_BY: tuple[str, ...] = ("reduction", "levels", "addressed")


@dataclass(frozen=True)
class PlannedRule:
    """A rule in force on the plan's day, with everything about it that does not depend on the answers."""

    rule: Rule
    condition: Node
    questions: tuple[str, ...]  # the questions its condition asks, in bank order
    citations: tuple[Citation, ...]  # resolved to the versions in force on the day
    impacts: Mapping[str, AxisImpact]  # per axis: likelihood, severity, base score and level
    anchored: bool  # it rests on past events (`Rule.past`, or it asks only about them): no measure removes it

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def weight(self) -> int:
        """The highest base score it places on any axis: what orders the list of findings."""
        return max(i.base for i in self.impacts.values())


@dataclass(frozen=True)
class PlannedExposure:
    statement: ExposureStatement
    condition: Node | None
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class PlannedRemedy:
    remedy: Remedy
    citations: tuple[Citation, ...]
    future_sets: Mapping[str, object]  # the answers it changes from now on: never an answer about a past event


@dataclass(frozen=True, eq=False)
class Plan:
    """The law in force on one day, arranged for scoring. Built by `plan(law, day)`; cached."""

    law: Law
    day: dt.date
    rules: tuple[PlannedRule, ...]  # in force, in the law's order
    finding_order: tuple[int, ...]  # indexes into `rules`: the order of Assessment.findings
    axis_order: Mapping[str, tuple[int, ...]]  # per axis, the rules touching it, most serious first
    exposure: Mapping[str, tuple[PlannedExposure, ...]]  # per axis, the statements whose sources are in force
    remedies: Mapping[str, PlannedRemedy]  # the remedies in force, by id, in id order (the rules' candidates among them)
    required: tuple[str, ...]  # the required questions, in bank order; missing = shown for certain and not answered
    ceilings: Mapping[str, int]  # the cap of each level's band
    per_extra: int  # points each further finding on an axis adds, up to its level's cap
    no_finding: tuple[int, int, str, int]  # likelihood, severity, level and score of an axis with no finding
    notes: tuple[Text, ...]  # said on every assessment of this day
    caveats: Mapping[str, Text]  # per axis, what its score is where a reader could take it for something else

    def axis_score(self, top: AxisImpact | None, count: int) -> tuple[int, int, str, int]:
        """(likelihood, severity, level, score) of an axis whose most serious finding is `top`, of `count`.

        The score is the top finding's base plus `per_extra` for each further finding, capped at the
        top of its level's band: more findings mean more ways to be caught, never a higher level."""
        if top is None or count == 0:
            return self.no_finding
        return top.likelihood, top.severity, top.level, min(self.ceilings[top.level], top.base + self.per_extra * (count - 1))

    def candidates(self) -> tuple[str, ...]:
        """The remedy ids that rules in force name: what ranking considers."""
        return tuple(sorted({r.rule.remedy for r in self.rules if r.rule.remedy}))

    @staticmethod
    def rank_key(remedy_id: str, reduction: int, levels: int, addressed: int) -> tuple[int, int, int, str]:
        """The sort key of a remedy: the larger each effect in RANK_BY the earlier, then by id."""
        return (-reduction, -levels, -addressed, remedy_id)


def citation(law: Law, cite: str, day: dt.date) -> Citation:
    """Resolve a cited id to the provision version in force (or published) on `day`."""
    p = law.resolve(cite, day)
    if p is None:  # the loader guarantees rules never get here; remedies and exposure filter first
        raise LookupError(f"'{cite}' is not in force on {day}")
    inst = law.instruments[law.instrument_of[p.id]]
    return Citation(
        id=p.id,
        cited_as=cite,
        instrument=inst.id,
        instrument_title=inst.title,
        kind=inst.kind,
        article=p.article,
        in_force_from=p.in_force.from_ if p.in_force else None,
        in_force_to=p.in_force.to if p.in_force else None,
        published=p.published,
        confidence=p.confidence,
        summary=p.summary,
        not_modelled=p.not_modelled,
        penalty=p.penalty,
    )


def resolvable(law: Law, cites: Iterable[str], day: dt.date) -> tuple[Citation, ...]:
    """The citations among `cites` that resolve on `day`, resolved."""
    return tuple(citation(law, c, day) for c in cites if law.resolve(c, day) is not None)


def _impact(law: Law, likelihood: int, severity: int) -> AxisImpact:
    method = law.method
    return AxisImpact(likelihood, severity, method.base(likelihood, severity), method.level(likelihood, severity))


@lru_cache(maxsize=128)
def plan(law: Law, day: dt.date) -> Plan:
    """The scoring plan of `law` on `day` (a date the caller has checked with `engine.check_date`)."""
    order = {qid: i for i, qid in enumerate(law.bank.questions)}
    rules: list[PlannedRule] = []
    for rule in law.rules:
        if rule.in_force is not None and not rule.in_force.covers(day):
            continue
        condition = law.conditions[rule.id]
        rules.append(
            PlannedRule(
                rule=rule,
                condition=condition,
                questions=tuple(sorted(condition.questions(), key=order.__getitem__)),
                citations=resolvable(law, rule.cites, day),  # a rule's laws always resolve (checked on load)
                impacts={axis: _impact(law, imp.likelihood, imp.severity) for axis, imp in rule.impacts.items()},
                anchored=rule.past or all(law.bank.questions[q].past for q in condition.questions()),
            )
        )

    # Findings: the heaviest first; ties by rule id.
    finding_order = tuple(sorted(range(len(rules)), key=lambda k: (-rules[k].weight, rules[k].id)))

    # Each axis: by base score, then severity, then likelihood, each highest first; ties by rule id, as
    # in the list of findings. The first fired rule is the axis's top finding and its reason.
    def seriousness(k: int, axis: str) -> tuple[int, int, int, str]:
        impact = rules[k].impacts[axis]
        return (-impact.base, -impact.severity, -impact.likelihood, rules[k].id)

    def order_of(axis: str) -> tuple[int, ...]:
        return tuple(sorted((k for k, r in enumerate(rules) if axis in r.impacts), key=lambda k: seriousness(k, axis)))

    axis_order = {axis: order_of(axis) for axis in AXIS_KEYS}

    exposure = {
        axis: tuple(
            PlannedExposure(s, law.exposure_conditions.get(s.id), resolvable(law, s.cites, day))
            for s in law.exposure
            if s.axis == axis and all(law.resolve(c, day) is not None for c in s.cites)
        )
        for axis in AXIS_KEYS
    }
    # A measure changes what the company does from now on: the answers it sets about past events
    # (a leak, an order refused, data already provided) stay as they are, and so do the findings that
    # rest on them (`PlannedRule.anchored`): "this lowers future exposure; the past event remains".
    remedies = {
        rid: PlannedRemedy(
            remedy,
            resolvable(law, remedy.cites, day),
            {q: v for q, v in remedy.sets.items() if not law.bank.questions[q].past},
        )
        for rid, remedy in sorted(law.remedies.items())
        if remedy.in_force is None or remedy.in_force.covers(day)
    }

    method = law.method
    notes = []
    if day > method.reviewed:
        notes.append(law.texts["after_review"].format(reviewed=method.reviewed.isoformat()))
    none = _impact(law, 1, 1)
    return Plan(
        law=law,
        day=day,
        rules=tuple(rules),
        finding_order=finding_order,
        axis_order=axis_order,
        exposure=exposure,
        remedies=remedies,
        required=law.bank.required,
        ceilings=dict(method.level_ceiling),
        per_extra=method.per_extra_finding,
        no_finding=(none.likelihood, none.severity, none.level, 0),
        notes=tuple(notes),
        caveats={axis: law.texts[key] for axis, key in method.axis_caveats.items()},
    )
