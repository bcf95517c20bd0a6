"""The scoring plan: every decision about how a result is ranked and summarised, made once per law and day.

`plan(law, day)` decides which rules are in force, their impacts and levels, the order of findings and
its tie-breaks, each axis's order (so that its reason is its first finding), the score cap, the
required answers, the remedy candidates and the key they are ranked by.

The method itself is a set of functions of the plan over *fired masks* (a boolean matrix, one row per
answer set and one column per rule in force): `Plan.scores` (each axis's level and score),
`Plan.keep_past` (findings that rest on past events stay whatever is done now), `Plan.addressed` (what
each remedy addresses), `Plan.effects` (how far a remedy lowers the scores), `Plan.rank` (the order of
remedies) and `Plan.missing` (the required-answer rule). The two evaluators, `scoring.engine.assess`
(closures, one answer set: a mask of one row) and `scoring.frame.assess_frame` (numpy, many rows),
call them and keep only how they evaluate conditions and what they build from the result; no
presenter orders, levels or filters findings itself. A later caller scoring many counterfactual answer
sets (an action plan search) uses the same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from questions.conditions import TRUE, Node
from questions.model import Text
from scoring.assessment import AxisImpact, Citation
from scoring.axes import AXIS_KEYS, LEVEL_KEYS, LEVEL_RANK
from scoring.errors import DateError
from scoring.loader import Law, default_law
from scoring.model import ExposureStatement, Remedy, Rule

# The four numbers `Plan.scores` gives per row and axis, in this order; the level is an index into
# `scoring.axes.LEVEL_KEYS`.
LIKELIHOOD, SEVERITY, LEVEL, SCORE = range(4)


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
    finding_order: tuple[int, ...]  # indexes into `rules`, heaviest first, ties by rule id
    axis_order: Mapping[str, tuple[int, ...]]  # per axis, the rules touching it, most serious first
    # The order findings are listed in (Assessment.findings, and under each axis, whose first is its
    # reason), as (index into `rules`, resting on "I don't know"): as above, but on a tie a finding that
    # rests on known answers comes before one that holds only because of an "I don't know".
    listed: tuple[tuple[int, bool], ...]
    axis_listed: Mapping[str, tuple[tuple[int, bool], ...]]
    exposure: Mapping[str, tuple[PlannedExposure, ...]]  # per axis, the statements whose sources are in force
    remedies: Mapping[str, PlannedRemedy]  # the remedies in force, by id, in id order (the rules' candidates among them)
    required: tuple[str, ...]  # the required questions, in bank order; missing = shown for certain and not answered
    ceilings: Mapping[str, int]  # the cap of each level's band
    per_extra: int  # points each further finding on an axis adds, up to its level's cap
    no_finding: tuple[int, int, str, int]  # likelihood, severity, level and score of an axis with no finding
    notes: tuple[Text, ...]  # said on every assessment of this day
    caveats: Mapping[str, Text]  # per axis, what its score is where a reader could take it for something else
    remedy_ids: tuple[str, ...]  # the remedy ids that rules in force name, in id order: what ranking considers
    # The same decisions as arrays, for `scores`, `addressed` and `rank` over many rows at once.
    rule_remedy: np.ndarray  # per rule, the index in `remedy_ids` of the remedy it names, or -1
    anchored_mask: np.ndarray  # per rule, `PlannedRule.anchored`
    axis_index: np.ndarray  # (axes, most rules on an axis): `axis_order`, padded with len(rules) (never fires)
    axis_table: np.ndarray  # (axes, same, 4): likelihood, severity, level index and base of each, padded alike
    ceiling: np.ndarray  # per level index, the cap of its band
    level_rank: np.ndarray  # per level index, its rank
    _axes: np.ndarray  # (axes,): each axis's index, for picking from axis_table
    _no_finding: np.ndarray  # (4,): `no_finding` with its level as an index

    def candidates(self) -> tuple[str, ...]:
        """The remedy ids that rules in force name: what ranking considers."""
        return self.remedy_ids

    def level_key(self, index: int) -> str:
        return LEVEL_KEYS[index]

    def scores(self, fired: np.ndarray) -> np.ndarray:
        """(rows, axes, 4) int64: each row's LIKELIHOOD, SEVERITY, LEVEL and SCORE on every axis, given which
        rules fired (`fired`: rows x `rules`, bool).

        An axis's top finding is its first fired rule in `axis_order`, and gives the likelihood,
        severity and level. The score is the top finding's base plus `per_extra` for each further finding
        on the axis, capped at the top of its level's band: more findings mean more ways to be caught,
        never a higher level. An axis with no finding scores `no_finding`."""
        # All axes at once: each axis's rules in its order, padded with a column that never fires.
        hits = np.concatenate([fired, np.zeros((len(fired), 1), dtype=bool)], axis=1)[:, self.axis_index]
        count = hits.sum(axis=2)
        top = self.axis_table[self._axes, hits.argmax(axis=2)]  # (rows, axes, 4): the top finding's impact
        score = np.minimum(self.ceiling[top[..., LEVEL]], top[..., 3] + self.per_extra * (count - 1))
        out = np.where((count > 0)[..., None], top, self._no_finding)
        out[..., SCORE] = np.where(count > 0, score, self._no_finding[SCORE])
        return out

    def keep_past(self, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """`after` with every finding of `before` that rests on a past event put back: a measure taken now
        cannot undo a leak, a sale, a refused order or data already provided."""
        return after | (before & self.anchored_mask)

    def addressed(self, fired: np.ndarray, done: np.ndarray) -> np.ndarray:
        """(rows, remedies) int64: how many fired rules each remedy of `remedy_ids` addresses. A remedy
        addresses the fired rules that name it, unless every answer it sets is already so (`done`,
        rows x remedies, bool)."""
        names = self.rule_remedy[:, None] == np.arange(len(self.remedy_ids))
        count = fired.astype(np.int64) @ names.astype(np.int64)
        count[done] = 0
        return count

    def addresses(self, fired: np.ndarray, remedy: int) -> tuple[int, ...]:
        """The indexes (in `rules`, in law order) of the fired rules (one row) that name remedy `remedy`."""
        return tuple(np.flatnonzero(fired & (self.rule_remedy == remedy)).tolist())

    def effects(self, before: np.ndarray, after: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How far re-scoring lowered each row (`scores` before and after, same shape or broadcastable): the
        score points it lowers, summed over the axes, and the levels it lowers, summed likewise."""
        reduction = (before[..., SCORE] - after[..., SCORE]).sum(axis=-1)
        levels = (self.level_rank[before[..., LEVEL]] - self.level_rank[after[..., LEVEL]]).sum(axis=-1)
        return reduction, levels

    def rank(self, reduction: np.ndarray, levels: np.ndarray, addressed: np.ndarray) -> np.ndarray:
        """(rows, remedies) int64: per row, the indexes in `remedy_ids` of the remedies that address
        something, in ranked order, then -1 for the rest. The ranking key: the larger the reduction the
        earlier, then the more levels lowered, then the more findings addressed, then by remedy id."""
        n, m = addressed.shape
        tie = np.broadcast_to(np.arange(m), (n, m))
        order = np.lexsort((tie, -addressed, -levels, -reduction, addressed == 0), axis=-1)
        return np.where(np.arange(m) < (addressed > 0).sum(axis=1, keepdims=True), order, -1)

    @staticmethod
    def missing(visible: np.ndarray, answered: np.ndarray) -> np.ndarray:
        """The required-answer rule over the required questions (`required`): a required question is
        missing when it is shown for certain (TRUE, not only because of an "I don't know") and not
        answered (`Question.is_answered`)."""
        return (visible == TRUE) & ~answered


def missing_text(ids: Iterable[str]) -> str:
    """The one sentence for required answers left out, as the CLI, the answers file and the batch say it."""
    return f"required answers missing: {', '.join(ids)}"


def check_date(as_of: Any, law: Law | None = None) -> dt.date:
    """Return `as_of` as a date, or raise DateError if it is not one or falls before the encoded law."""
    law = law or default_law()
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise DateError(f"the assessment date must be a date (YYYY-MM-DD), got {as_of!r}")
    if as_of < law.method.coverage_from:
        raise DateError(
            f"{as_of.isoformat()} is before the earliest law pirisk encodes ({law.method.coverage_from.isoformat()}); choose a later date"
        )
    return as_of


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
    """The scoring plan of `law` on `day` (a date the caller has checked with `check_date`)."""
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
    both = [(k, uncertain) for k in range(len(rules)) for uncertain in (False, True)]
    listed = tuple(sorted(both, key=lambda ku: (-rules[ku[0]].weight, ku[1], rules[ku[0]].id)))

    def listed_on(axis: str) -> tuple[tuple[int, bool], ...]:
        touching = [(k, u) for k, u in both if axis in rules[k].impacts]
        return tuple(sorted(touching, key=lambda ku: (*seriousness(ku[0], axis)[:3], ku[1], rules[ku[0]].id)))

    axis_listed = {axis: listed_on(axis) for axis in AXIS_KEYS}

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

    remedy_ids = tuple(sorted({r.rule.remedy for r in rules if r.rule.remedy}))
    level_index = {lv: i for i, lv in enumerate(LEVEL_KEYS)}
    width = max([len(axis_order[axis]) for axis in AXIS_KEYS] + [1])
    axis_index = np.full((len(AXIS_KEYS), width), len(rules), dtype=np.int64)
    axis_table = np.zeros((len(AXIS_KEYS), width, 4), dtype=np.int64)
    for a, axis in enumerate(AXIS_KEYS):
        for j, k in enumerate(axis_order[axis]):
            impact = rules[k].impacts[axis]
            axis_index[a, j] = k
            axis_table[a, j] = (impact.likelihood, impact.severity, level_index[impact.level], impact.base)

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
        listed=listed,
        axis_listed=axis_listed,
        exposure=exposure,
        remedies=remedies,
        required=law.bank.required,
        ceilings=dict(method.level_ceiling),
        per_extra=method.per_extra_finding,
        no_finding=(none.likelihood, none.severity, none.level, 0),
        notes=tuple(notes),
        caveats={axis: law.texts[key] for axis, key in method.axis_caveats.items()},
        remedy_ids=remedy_ids,
        rule_remedy=np.array([remedy_ids.index(r.rule.remedy) if r.rule.remedy else -1 for r in rules], dtype=np.int64),
        anchored_mask=np.array([r.anchored for r in rules], dtype=bool),
        axis_index=axis_index,
        axis_table=axis_table,
        ceiling=np.array([method.level_ceiling[k] for k in LEVEL_KEYS], dtype=np.int64),
        level_rank=np.array([LEVEL_RANK[k] for k in LEVEL_KEYS], dtype=np.int64),
        _axes=np.arange(len(AXIS_KEYS)),
        _no_finding=np.array([none.likelihood, none.severity, level_index[none.level], 0], dtype=np.int64),
    )
