"""The engine: `assess(answers, as_of) -> Assessment`. Pure: no clock, no I/O beyond loading data once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from questions.answers import AnswerSet
from questions.conditions import FALSE, MAYBE, TRUE, Compiled, Visibility, compile_node
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question, Text
from questions.strings import tr
from scoring.assessment import (
    Assessment,
    AxisResult,
    AxisScore,
    ExposureLine,
    Finding,
    FiredAnswer,
    RemedyEffect,
)
from scoring.axes import AXIS_KEYS
from scoring.errors import AnswersError, DateError
from scoring.exposure import render_statement
from scoring.loader import Law, default_law
from scoring.plan import LEVEL, SCORE, Plan, PlannedRule, check_date, missing_text, plan
from scoring.transfer import decide as decide_transfer


@dataclass(frozen=True)
class _Compiled:
    """The law's conditions compiled to closures (this evaluator's own form), in bank order."""

    law: Law
    order: tuple[Question, ...]
    show_if: dict[str, Compiled]
    rule_tests: dict[str, Compiled]
    exposure_tests: dict[str, Compiled]


@lru_cache(maxsize=4)
def _compiled(law: Law) -> _Compiled:
    questions = law.bank.questions
    return _Compiled(
        law,
        tuple(questions.values()),
        {qid: compile_node(node, questions) for qid, node in law.show_if.items()},
        {rid: compile_node(node, questions) for rid, node in law.conditions.items()},
        {sid: compile_node(node, questions) for sid, node in law.exposure_conditions.items()},
    )


def check_answers(answers: Any, law: Law | None = None, *, require: bool = True) -> dict[str, Any]:
    """Validate answers against the bank; raise one AnswersError naming every problem.

    With `require`, visible required questions must be answered; without it (a half-finished
    answers file), only ids, types and choices are checked."""
    law = law or default_law()
    if not isinstance(answers, Mapping):
        raise AnswersError([f"answers must be a mapping of question id to value, got {type(answers).__name__}"])
    questions = law.bank.questions
    problems: list[str] = []
    clean: dict[str, Any] = {}
    for qid, value in law.bank.without_retired(answers).items():
        if qid not in questions:
            problems.append(f"unknown question id '{qid}'")
            continue
        if value is None:
            continue
        problem = questions[qid].check_value(value)
        if problem:
            problems.append(f"'{qid}' {problem}")
        else:
            clean[qid] = value
    if require and not problems:
        state = _state(_compiled(law), clean)
        missing = _missing(state, clean, law.bank.required)
        if missing:
            problems.append(missing_text(missing))
    if problems:
        raise AnswersError(problems)
    return clean


def _state(compiled: _Compiled, answers: Mapping[str, Any]) -> dict[str, tuple[int, Any]]:
    """Visibility and value of every question, in bank order (show_if only looks backwards)."""
    state: dict[str, tuple[int, Any]] = {}
    show_if = compiled.show_if
    for q in compiled.order:
        test = show_if.get(q.id)
        visible = test(state) if test is not None else TRUE
        if visible == FALSE:
            state[q.id] = (FALSE, None)
        else:
            value = answers.get(q.id)
            state[q.id] = (visible, UNKNOWN if value is None else value)
    return state


def visibility(answers: Mapping[str, Any], law: Law | None = None) -> dict[str, Visibility]:
    """Each question's `Visibility` given the answers so far: HIDDEN by its show_if, MAYBE (its show_if
    rests on an "I don't know") or SHOWN. Screens show every question that is not HIDDEN."""
    law = law or default_law()
    return {qid: Visibility(vis) for qid, (vis, _) in _state(_compiled(law), answers).items()}


def _missing(state: Mapping[str, tuple[int, Any]], answers: Mapping[str, Any], required: tuple[str, ...]) -> list[str]:
    """The required questions `Plan.missing` finds missing in this answer set (an answer that is absent
    or None is not given: `Question.is_answered`)."""
    return [qid for qid in required if Plan.missing(state[qid][0], qid in answers)]


@dataclass(frozen=True)
class Incomplete:
    """An answer set that cannot be scored yet: the required questions it shows and has not answered,
    by section id, in bank order."""

    missing: Mapping[str, tuple[str, ...]]

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.missing.values())

    def __bool__(self) -> bool:
        return bool(self.missing)


def scored_answers(answers: Mapping[str, Any], law: Law | None = None) -> dict[str, Any]:
    """The answers that are scored: those to questions shown given the others. Answers to hidden
    questions (and ids the bank does not know) stay in the answer set but are not part of the assessment."""
    law = law or default_law()
    state = _state(_compiled(law), answers)
    questions = law.bank.questions
    return {qid: v for qid, v in answers.items() if qid in questions and state[qid][0] != FALSE and questions[qid].is_answered(v)}


def incomplete(answers: Mapping[str, Any], law: Law | None = None) -> Incomplete:
    """The required questions still to answer, by section: what stops an answer set from being scored."""
    law = law or default_law()
    scored = scored_answers(answers, law)
    missing = _missing(_state(_compiled(law), scored), scored, law.bank.required)
    by_section: dict[str, list[str]] = {}
    for qid in missing:
        by_section.setdefault(law.bank.section_of[qid], []).append(qid)
    return Incomplete({s.id: tuple(by_section[s.id]) for s in law.bank.sections if s.id in by_section})


def assess_answers(
    answer_set: AnswerSet,
    as_of: dt.date | None = None,
    *,
    apply_remedies: Iterable[str] = (),
    rank_remedies: bool = True,
    law: Law | None = None,
) -> Assessment | Incomplete:
    """Score an answer set as of `as_of` (default: its own law date), or say what it still lacks.

    The one call every presenter uses to turn an answer set into a result. Raises DateError (no date,
    or one outside coverage) and AnswersError (a value that does not fit the bank)."""
    law = law or default_law()
    day = as_of or answer_set.law_as_of
    if day is None:
        raise DateError("the answer set has no law date; give one (YYYY-MM-DD)")
    check_date(day, law)
    lacking = incomplete(answer_set.answers, law)
    if lacking:
        return lacking
    return assess(
        scored_answers(answer_set.answers, law), day, apply_remedies=apply_remedies, rank_remedies=rank_remedies, law=law
    )


@lru_cache(maxsize=64)
def _rule_tests(p: Plan) -> tuple[Compiled, ...]:
    """The compiled condition of each rule of `p`, in `p.rules` order."""
    tests = _compiled(p.law).rule_tests
    return tuple(tests[r.id] for r in p.rules)


def _fire(p: Plan, state: Mapping[str, tuple[int, Any]]) -> list[int]:
    """Each rule's condition, in `p.rules` order: FALSE, MAYBE or TRUE; a rule fires when not FALSE."""
    return [test(state) for test in _rule_tests(p)]


def _mask(results: Iterable[int]) -> np.ndarray:
    """A fired mask of one row, as `Plan.scores` takes it."""
    return np.array([[result != FALSE for result in results]], dtype=bool).reshape(1, -1)


def _with_sets(answers: Mapping[str, Any], remedy_ids: Iterable[str], p: Plan) -> dict[str, Any]:
    """The answers as they would be from now on with these measures in place (past events unchanged)."""
    out = dict(answers)
    for rid in remedy_ids:
        out.update(p.remedies[rid].future_sets)
    return out


def assess(
    answers: Mapping[str, Any],
    as_of: dt.date,
    *,
    apply_remedies: Iterable[str] = (),
    rank_remedies: bool = True,
    law: Law | None = None,
) -> Assessment:
    """Score `answers` under the law in force on `as_of`.

    `apply_remedies` re-scores as if those remedies were in place (the what-if view). Raises
    DateError, AnswersError, or ValueError for an unknown remedy id.
    """
    law = law or default_law()
    day = check_date(as_of, law)
    clean = check_answers(answers, law)
    applied = tuple(apply_remedies)
    scoring_plan = plan(law, day)
    for rid in applied:
        if rid not in law.remedies:
            raise AnswersError([f"unknown remedy id '{rid}'"])
        if rid not in scoring_plan.remedies:
            raise AnswersError([f"remedy '{rid}' is not in force on {day.isoformat()}"])
    effective = _with_sets(clean, applied, scoring_plan)

    compiled = _compiled(law)
    state = _state(compiled, effective)
    results = _fire(scoring_plan, state)
    fired = _mask(results)
    fired_in = [state] * len(results)
    if applied:  # what-if: the findings that rest on past events stay, as they were
        before = _state(compiled, clean)
        before_results = _fire(scoring_plan, before)
        kept = scoring_plan.keep_past(_mask(before_results), fired)
        for k in np.flatnonzero(kept[0] & ~fired[0]).tolist():
            results[k], fired_in[k] = before_results[k], before
        fired = kept
    scores = scoring_plan.scores(fired)
    maybe = fired & np.array([[result == MAYBE for result in results]], dtype=bool).reshape(1, -1)
    known = scoring_plan.scores(fired & ~maybe)  # what the known answers alone give

    built = {
        k: _finding(scoring_plan.rules[k], fired_in[k], uncertain=results[k] == MAYBE) for k in np.flatnonzero(fired[0]).tolist()
    }
    findings = _listed(scoring_plan.listed, built)

    axes = {}
    for a, axis in enumerate(AXIS_KEYS):
        lik, sev, lv, score = scores[0, a].tolist()
        exposure = tuple(
            ExposureLine(e.statement.id, render_statement(law, e.statement, effective), e.citations)
            for e in scoring_plan.exposure[axis]
            if e.statement.id not in compiled.exposure_tests or compiled.exposure_tests[e.statement.id](state) != FALSE
        )
        axes[axis] = AxisResult(
            axis,
            lik,
            sev,
            scoring_plan.level_key(lv),
            score,
            _listed(scoring_plan.axis_listed[axis], built),
            law.texts["no_finding"],
            exposure,
            scoring_plan.caveats.get(axis),
            scoring_plan.level_key(int(known[0, a, LEVEL])),
        )

    unknowns = _unknown_findings(law, compiled, state, findings)
    find_out = _find_out(scoring_plan, unknowns, built, fired, scores)
    remedies = _rank_remedies(scoring_plan, compiled, effective, fired, scores) if rank_remedies else ()

    notes: list[Text] = list(scoring_plan.notes)
    if any(c.confidence != "V" for f in findings for c in f.citations):
        notes.append(law.texts["unconfirmed_cited"])

    assessment = Assessment(
        law_as_of=day,
        bank_version=law.bank.version,
        rules_version=law.method.rules_version,
        axes=axes,
        findings=findings,
        unknowns=unknowns,
        remedies=remedies,
        answers=dict(clean),
        applied_remedies=applied,
        notes=tuple(notes),
        find_out=find_out,
        transfer_route=decide_transfer(law, day, state, (f.rule for f in findings)),
    )
    if not rank_remedies:
        return assessment
    # The steps to take first: the ranked measures arranged by the batch evaluator (scoring.actionplan).
    from scoring.actionplan import action_plan

    return replace(assessment, plan=action_plan(assessment, law))


def _find_out(
    p: Plan, unknowns: tuple[Finding, ...], built: Mapping[int, Finding], fired: np.ndarray, scores: np.ndarray
) -> dict[str, dict[str, AxisScore]]:
    """Per question answered "I don't know" (most at stake first): each axis whose score would fall if
    the findings that hold only because of that answer fell away, and how far (`Plan.scores`)."""
    questions = [u.answers[0].question for u in unknowns]
    if not questions:
        return {}
    rows = np.repeat(fired, len(questions), axis=0)
    for row, q in enumerate(questions):
        for k, f in built.items():
            if f.uncertain and any(a.question == q and a.assumed for a in f.answers):
                rows[row, k] = False
    after = p.scores(rows)
    reduction, _ = p.effects(scores, after)
    out: dict[str, dict[str, AxisScore]] = {}
    for row in sorted(range(len(questions)), key=lambda r: -int(reduction[r])):
        moved = {
            axis: AxisScore(p.level_key(int(after[row, a, LEVEL])), int(after[row, a, SCORE]))
            for a, axis in enumerate(AXIS_KEYS)
            if after[row, a, SCORE] < scores[0, a, SCORE]
        }
        if moved:
            out[questions[row]] = moved
    return out


def _listed(order: Iterable[tuple[int, bool]], built: Mapping[int, Finding]) -> tuple[Finding, ...]:
    """The built findings in the plan's listing order (which puts, on a tie, known answers first)."""
    return tuple(built[k] for k, uncertain in order if k in built and built[k].uncertain == uncertain)


def _finding(r: PlannedRule, state: Mapping[str, tuple[int, Any]], *, uncertain: bool) -> Finding:
    return Finding(
        rule=r.id,
        kind="rule",
        title=r.rule.title,
        explain=r.rule.explain,
        impacts=r.impacts,
        answers=tuple(FiredAnswer(q, state[q][1], state[q][1] == UNKNOWN) for q in r.questions if state[q][0] != FALSE),
        citations=r.citations,
        remedy=r.rule.remedy,
        uncertain=uncertain,
    )


def _unknown_findings(
    law: Law, compiled: _Compiled, state: Mapping[str, tuple[int, Any]], findings: tuple[Finding, ...]
) -> tuple[Finding, ...]:
    out = []
    for q in compiled.order:
        visible, value = state[q.id]
        if visible == FALSE or value != UNKNOWN or q.informational:
            continue
        resting = [f for f in findings if any(a.question == q.id and a.assumed for a in f.answers)]
        rules = Text(
            {
                code: tr("common", "list_sep", code).join(f.title[code] for f in resting) or law.texts["none"][code]
                for code in LOCALES
            }
        )
        title = law.texts["unknown_title"].format(question=q.text)
        explain = law.texts["unknown_explain"].format(rules=rules)
        out.append(
            Finding(
                rule=f"unknown.{q.id}",
                kind="unknown",
                title=title,
                explain=explain,
                impacts={},
                answers=(FiredAnswer(q.id, UNKNOWN, True),),
                citations=(),
                uncertain=True,
            )
        )
    return tuple(out)


def _rank_remedies(
    scoring_plan: Plan, compiled: _Compiled, answers: Mapping[str, Any], fired: np.ndarray, before: np.ndarray
) -> tuple[RemedyEffect, ...]:
    """The remedies of the fired rules, each re-scored with it applied, in the plan's order
    (`Plan.addressed`, `Plan.keep_past`, `Plan.effects`, `Plan.rank`): this evaluator only tells which
    remedies are already in place and evaluates the answers each would change."""
    law = scoring_plan.law
    ids = scoring_plan.remedy_ids
    done = np.array([[all(answers.get(q) == v for q, v in law.remedies[rid].sets.items()) for rid in ids]], dtype=bool).reshape(
        1, len(ids)
    )
    addressed = scoring_plan.addressed(fired, done)
    todo = np.flatnonzero(addressed[0]).tolist()
    if not todo:
        return ()
    after_fired = np.concatenate(
        [_mask(_fire(scoring_plan, _state(compiled, _with_sets(answers, (ids[r],), scoring_plan)))) for r in todo]
    )
    after = scoring_plan.scores(scoring_plan.keep_past(fired, after_fired))
    reduction = np.zeros_like(addressed)
    levels = np.zeros_like(addressed)
    reduction[0, todo], levels[0, todo] = scoring_plan.effects(before, after)
    effects = {}
    for row, r in enumerate(todo):
        planned = scoring_plan.remedies[ids[r]]
        rules = [scoring_plan.rules[k] for k in scoring_plan.addresses(fired[0], r)]
        effects[r] = RemedyEffect(
            remedy=ids[r],
            title=planned.remedy.title,
            description=planned.remedy.description,
            citations=planned.citations,
            addresses=tuple(rule.id for rule in rules),
            sets=dict(planned.remedy.sets),
            after={
                axis: AxisScore(scoring_plan.level_key(int(after[row, a, LEVEL])), int(after[row, a, SCORE]))
                for a, axis in enumerate(AXIS_KEYS)
            },
            reduction=int(reduction[0, r]),
            levels=int(levels[0, r]),
            past_remains=tuple(rule.id for rule in rules if rule.anchored),
        )
    return tuple(effects[r] for r in scoring_plan.rank(reduction, levels, addressed)[0].tolist() if r >= 0)
