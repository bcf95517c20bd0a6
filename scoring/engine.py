"""The engine: `assess(answers, as_of) -> Assessment`. Pure: no clock, no I/O beyond loading data once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from questions.answers import AnswerSet
from questions.conditions import FALSE, MAYBE, TRUE, Compiled, compile_node
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
from scoring.axes import AXIS_KEYS, LEVEL_RANK
from scoring.errors import AnswersError, DateError
from scoring.exposure import render_statement
from scoring.loader import Law, default_law
from scoring.plan import Plan, PlannedRule, plan


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
    for qid, value in answers.items():
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
            problems.append(f"required answers missing: {', '.join(missing)}")
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


def visibility(answers: Mapping[str, Any], law: Law | None = None) -> dict[str, int]:
    """Each question's visibility given the answers so far: FALSE (hidden by its show_if), MAYBE
    (its show_if rests on an "I don't know") or TRUE. Screens show every question that is not FALSE."""
    law = law or default_law()
    return {qid: vis for qid, (vis, _) in _state(_compiled(law), answers).items()}


def _missing(state: Mapping[str, tuple[int, Any]], answers: Mapping[str, Any], required: Iterable[str]) -> list[str]:
    """The required-answer rule: a required question is missing when it is shown for certain (not only
    because of an "I don't know") and not answered (`Question.is_answered`: absent or None)."""
    return [qid for qid in required if state[qid][0] == TRUE and qid not in answers]


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


def _fire(p: Plan, tests: Mapping[str, Compiled], state: Mapping[str, tuple[int, Any]]) -> dict[int, int]:
    """{index of each fired rule in p.rules: FALSE/MAYBE/TRUE result}; a rule fires when not FALSE."""
    fired = {}
    for k, r in enumerate(p.rules):
        result = tests[r.id](state)
        if result != FALSE:
            fired[k] = result
    return fired


def _axes(p: Plan, fired: Mapping[int, int]) -> dict[str, tuple[tuple[int, ...], tuple[int, int, str, int]]]:
    """Per axis: the fired rules touching it in the plan's order, and (likelihood, severity, level, score)."""
    out = {}
    for axis in AXIS_KEYS:
        touching = tuple(k for k in p.axis_order[axis] if k in fired)
        top = p.rules[touching[0]].impacts[axis] if touching else None
        out[axis] = (touching, p.axis_score(top, len(touching)))
    return out


def _with_sets(answers: Mapping[str, Any], remedy_ids: Iterable[str], p: Plan) -> dict[str, Any]:
    """The answers as they would be from now on with these measures in place (past events unchanged)."""
    out = dict(answers)
    for rid in remedy_ids:
        out.update(p.remedies[rid].future_sets)
    return out


def _keep_past(p: Plan, before: Mapping[int, int], after: dict[int, int]) -> dict[int, int]:
    """`after`, with every finding of `before` that rests on a past event put back: a measure taken
    now cannot undo a leak, a sale, a refused order or data already provided."""
    for k, result in before.items():
        if p.rules[k].anchored and k not in after:
            after[k] = result
    return after


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
    fired = _fire(scoring_plan, compiled.rule_tests, state)
    fired_in = dict.fromkeys(fired, state)
    if applied:  # what-if: the findings that rest on past events stay, as they were
        before = _state(compiled, clean)
        kept = _keep_past(scoring_plan, _fire(scoring_plan, compiled.rule_tests, before), {})
        for k, result in kept.items():
            if k not in fired:
                fired[k], fired_in[k] = result, before
    axes_fired = _axes(scoring_plan, fired)

    built = {k: _finding(scoring_plan.rules[k], fired_in[k], uncertain=result == MAYBE) for k, result in fired.items()}
    findings = tuple(built[k] for k in scoring_plan.finding_order if k in built)

    axes = {}
    for axis in AXIS_KEYS:
        touching, (lik, sev, lv, score) = axes_fired[axis]
        exposure = tuple(
            ExposureLine(e.statement.id, render_statement(law, e.statement, effective), e.citations)
            for e in scoring_plan.exposure[axis]
            if e.statement.id not in compiled.exposure_tests or compiled.exposure_tests[e.statement.id](state) != FALSE
        )
        axes[axis] = AxisResult(
            axis,
            lik,
            sev,
            lv,
            score,
            tuple(built[k] for k in touching),
            law.texts["no_finding"],
            exposure,
            scoring_plan.caveats.get(axis),
        )

    unknowns = _unknown_findings(law, compiled, state, findings)
    remedies = _rank_remedies(scoring_plan, compiled, effective, axes_fired, fired) if rank_remedies else ()

    notes: list[Text] = list(scoring_plan.notes)
    if any(c.confidence != "V" for f in findings for c in f.citations):
        notes.append(law.texts["unconfirmed_cited"])

    return Assessment(
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
    )


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
    scoring_plan: Plan,
    compiled: _Compiled,
    answers: Mapping[str, Any],
    before: Mapping[str, tuple[tuple[int, ...], tuple[int, int, str, int]]],
    fired: Mapping[int, int],
) -> tuple[RemedyEffect, ...]:
    """Rank the remedies of the fired rules by the plan's key: how much re-assessing with each applied
    lowers the scores (summed over the axes), then levels lowered, then findings addressed. A remedy
    addresses its fired rules unless every answer it sets is already so; the findings that rest on past
    events stay whatever it does (`_keep_past`)."""
    law = scoring_plan.law
    addresses: dict[str, list[str]] = {}
    for k in sorted(fired):
        rule = scoring_plan.rules[k].rule
        if rule.remedy and any(answers.get(q) != v for q, v in law.remedies[rule.remedy].sets.items()):
            addresses.setdefault(rule.remedy, []).append(rule.id)
    anchored = {r.id for r in scoring_plan.rules if r.anchored}
    effects = []
    for rid, rule_ids in addresses.items():
        planned = scoring_plan.remedies[rid]
        state = _state(compiled, _with_sets(answers, (rid,), scoring_plan))
        after = _axes(scoring_plan, _keep_past(scoring_plan, fired, _fire(scoring_plan, compiled.rule_tests, state)))
        reduction = sum(before[k][1][3] - after[k][1][3] for k in AXIS_KEYS)
        levels = sum(LEVEL_RANK[before[k][1][2]] - LEVEL_RANK[after[k][1][2]] for k in AXIS_KEYS)
        effect = RemedyEffect(
            remedy=rid,
            title=planned.remedy.title,
            description=planned.remedy.description,
            citations=planned.citations,
            addresses=tuple(rule_ids),
            sets=dict(planned.remedy.sets),
            after={k: AxisScore(after[k][1][2], after[k][1][3]) for k in AXIS_KEYS},
            reduction=reduction,
            levels=levels,
            past_remains=tuple(r for r in rule_ids if r in anchored),
        )
        effects.append((Plan.rank_key(rid, reduction, levels, len(rule_ids)), effect))
    return tuple(e for _, e in sorted(effects, key=lambda e: e[0]))
