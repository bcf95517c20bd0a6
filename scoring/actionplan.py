"""The action plan: which measures to take first, in steps, each the smallest set that lowers the exposure.

A step is the smallest set of measures that, done after the steps before it, lowers some axis by a
risk level; when no set lowers a level any more, the smallest set that still lowers a score. Every
candidate set is scored as a counterfactual answer set, many at once, by the batch evaluator
(`scoring.frame.Counterfactuals`) and the plan's method (`Plan.keep_past`, `Plan.scores`,
`Plan.effects`): the findings that rest on past events stay whatever is done. Measures that lower no
score even together with the others stay "still called for", with the reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np

from scoring.assessment import ActionPlan, Assessment, AxisScore, PlanStep
from scoring.axes import AXIS_KEYS
from scoring.frame import Counterfactuals
from scoring.loader import Law, default_law
from scoring.plan import LEVEL, SCORE, Plan, plan

EXHAUSTIVE = 3  # every set of up to this many measures is tried; larger sets are found by shrinking all of them


class _Search:
    """Scores sets of measures on top of an assessment's answers, many sets at a time."""

    def __init__(self, p: Plan, law: Law, assessment: Assessment) -> None:
        self.p = p
        self.counterfactuals = Counterfactuals(law, assessment.law_as_of, assessment.answers)
        # What each measure changes from now on, encoded once; the measures already applied come first.
        self.changes = {m: self.counterfactuals.encode(r.future_sets) for m, r in p.remedies.items()}
        self.base = tuple(c for m in assessment.applied_remedies for c in self.changes[m])
        self.original = self.counterfactuals.fired([()])

    def scores(self, sets: Sequence[Iterable[str]]) -> np.ndarray:
        """(len(sets), axes, 4): the scores with each set of measures done (and those already applied)."""
        rows = [self.base + tuple(c for m in s for c in self.changes[m]) for s in sets]
        fired = self.counterfactuals.fired(rows)
        return self.p.scores(self.p.keep_past(self.original, fired))


def _lowers(p: Plan, current: np.ndarray, after: np.ndarray, by_level: bool) -> np.ndarray:
    """Per row of `after`, whether it lowers some axis's level (or, without `by_level`, some score)."""
    if by_level:
        return np.asarray((p.level_rank[after[..., LEVEL]] < p.level_rank[current[..., LEVEL]]).any(axis=-1))
    return np.asarray((after[..., SCORE] < current[..., SCORE]).any(axis=-1))


def _best(p: Plan, current: np.ndarray, after: np.ndarray, ok: np.ndarray) -> int:
    """The row among `ok` that lowers most: levels, then points; the first (highest ranked) on a tie."""
    reduction, levels = p.effects(current, after)
    key = np.where(ok, levels * 1_000_000 + reduction, np.iinfo(np.int64).min)
    return int(np.argmax(key))


def _next(
    search: _Search, done: list[str], remaining: list[str], current: np.ndarray, by_level: bool
) -> tuple[tuple[str, ...], np.ndarray] | None:
    """The smallest set of `remaining` that lowers the exposure (see the module docstring), with the
    scores after it; None if none does."""
    p = search.p
    for k in range(1, min(EXHAUSTIVE, len(remaining)) + 1):
        combos = list(itertools.combinations(remaining, k))
        after = search.scores([(*done, *c) for c in combos])
        ok = _lowers(p, current, after, by_level)
        if ok.any():
            best = _best(p, current, after, ok)
            return combos[best], after[best]
    if len(remaining) <= EXHAUSTIVE:
        return None
    # Larger sets: all of the rest, if it lowers, then shrunk one measure at a time, the lowest ranked
    # first, while what is left still lowers.
    chosen = list(remaining)
    after = search.scores([(*done, *chosen)])
    if not _lowers(p, current, after, by_level)[0]:
        return None
    while len(chosen) > 1:
        trials = [[m for m in chosen if m != drop] for drop in reversed(chosen)]
        after_trials = search.scores([(*done, *t) for t in trials])
        ok = _lowers(p, current, after_trials, by_level)
        if not ok.any():
            break
        first = int(np.argmax(ok))
        chosen, after = trials[first], after_trials[first : first + 1]
    return tuple(chosen), after[0]


def action_plan(assessment: Assessment, law: Law | None = None) -> ActionPlan:
    """The action plan of `assessment`: its measures (`Assessment.remedies`) arranged in steps."""
    law = law or default_law()
    p = plan(law, assessment.law_as_of)
    search = _Search(p, law, assessment)
    remaining = [r.remedy for r in assessment.remedies]
    current = search.scores([()])[0]
    done: list[str] = []
    steps: list[PlanStep] = []
    for by_level in (True, False):
        while remaining:
            found = _next(search, done, remaining, current, by_level)
            if found is None:
                break
            measures, after = found
            lowered = tuple(
                axis for a, axis in enumerate(AXIS_KEYS) if p.level_rank[after[a, LEVEL]] < p.level_rank[current[a, LEVEL]]
            )
            after_scores = {
                axis: AxisScore(p.level_key(int(after[a, LEVEL])), int(after[a, SCORE])) for a, axis in enumerate(AXIS_KEYS)
            }
            steps.append(PlanStep(tuple(measures), after_scores, lowered))
            done += measures
            remaining = [m for m in remaining if m not in measures]
            current = after
    return ActionPlan(tuple(steps), tuple(remaining))
