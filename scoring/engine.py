"""The engine: `assess(answers, as_of) -> Assessment`. Pure: no clock, no I/O beyond loading data once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from questions.model import UNKNOWN, Question, Text
from scoring.assessment import (
    Assessment,
    AxisImpact,
    AxisResult,
    AxisScore,
    Citation,
    ExposureLine,
    Finding,
    FiredAnswer,
    RemedyEffect,
)
from scoring.axes import AXIS_KEYS, LEVEL_RANK
from scoring.conditions import FALSE, MAYBE, TRUE, Compiled, compile_node
from scoring.errors import AnswersError, DateError
from scoring.exposure import render_statement
from scoring.loader import Law, default_law
from scoring.model import Rule


@dataclass(frozen=True)
class _ActiveRule:
    rule: Rule
    test: Compiled
    questions: tuple[str, ...]
    citations: tuple[Citation, ...]
    impacts: dict[str, AxisImpact]


@dataclass(frozen=True)
class _Compiled:
    """The law compiled for speed: closures for every condition, in bank order."""

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
    )


def _resolvable(law: Law, cites: Iterable[str], day: dt.date) -> tuple[Citation, ...]:
    return tuple(citation(law, c, day) for c in cites if law.resolve(c, day) is not None)


@lru_cache(maxsize=128)
def _active_rules(law: Law, day: dt.date) -> tuple[_ActiveRule, ...]:
    """The rules in force on `day`, with their citations resolved to the versions then in force."""
    compiled = _compiled(law)
    order = {q.id: i for i, q in enumerate(compiled.order)}
    active = []
    for rule in law.rules:
        if rule.in_force is not None and not rule.in_force.covers(day):
            continue
        impacts = {
            axis: AxisImpact(imp.likelihood, imp.severity, law.method.base(imp.likelihood, imp.severity))
            for axis, imp in rule.impacts.items()
        }
        asked = sorted(law.conditions[rule.id].questions(), key=order.__getitem__)
        cites = _resolvable(law, rule.cites, day)  # laws always resolve (checked on load); cases from their date
        active.append(_ActiveRule(rule, compiled.rule_tests[rule.id], tuple(asked), cites, impacts))
    return tuple(active)


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
        missing = [q.id for q in questions.values() if q.required and q.id not in clean and state[q.id][0] == TRUE]
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


def _axis_scores(law: Law, fired: list[tuple[_ActiveRule, int]]) -> dict[str, tuple[int, int, str, int, _ActiveRule | None]]:
    method = law.method
    out = {}
    for axis in AXIS_KEYS:
        touching = [a for a, _ in fired if axis in a.impacts]
        if not touching:
            out[axis] = (1, 1, method.level(1, 1), 0, None)
            continue
        top = max(touching, key=lambda a: (a.impacts[axis].base, a.impacts[axis].severity, a.impacts[axis].likelihood, a.rule.id))
        imp = top.impacts[axis]
        lv = method.level(imp.likelihood, imp.severity)
        score = min(method.level_ceiling[lv], imp.base + method.per_extra_finding * (len(touching) - 1))
        out[axis] = (imp.likelihood, imp.severity, lv, score, top)
    return out


def _fire(active: tuple[_ActiveRule, ...], state: Mapping[str, tuple[int, Any]]) -> list[tuple[_ActiveRule, int]]:
    fired = []
    for a in active:
        result = a.test(state)
        if result != FALSE:
            fired.append((a, result))
    return fired


def _with_sets(answers: Mapping[str, Any], remedy_ids: Iterable[str], law: Law) -> dict[str, Any]:
    out = dict(answers)
    for rid in remedy_ids:
        out.update(law.remedies[rid].sets)
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
    for rid in applied:
        if rid not in law.remedies:
            raise AnswersError([f"unknown remedy id '{rid}'"])
    effective = _with_sets(clean, applied, law)

    compiled = _compiled(law)
    active = _active_rules(law, day)
    state = _state(compiled, effective)
    fired = _fire(active, state)
    scores = _axis_scores(law, fired)

    findings = tuple(
        Finding(
            rule=a.rule.id,
            kind="rule",
            title=a.rule.title,
            explain=a.rule.explain,
            impacts=a.impacts,
            answers=tuple(
                FiredAnswer(q, state[q][1], state[q][1] == UNKNOWN) for q in a.questions if state[q][0] != FALSE
            ),
            citations=a.citations,
            remedy=a.rule.remedy,
            uncertain=result == MAYBE,
        )
        for a, result in sorted(fired, key=lambda item: (-max(i.base for i in item[0].impacts.values()), item[0].rule.id))
    )

    axes = {}
    for axis in AXIS_KEYS:
        lik, sev, lv, score, top = scores[axis]
        reason = top.rule.title if top else law.texts["no_finding"]
        exposure = tuple(
            ExposureLine(s.id, render_statement(law, s, effective), _resolvable(law, s.cites, day))
            for s in law.exposure
            if s.axis == axis
            and all(law.resolve(c, day) is not None for c in s.cites)
            and (s.id not in compiled.exposure_tests or compiled.exposure_tests[s.id](state) != FALSE)
        )
        axes[axis] = AxisResult(axis, lik, sev, lv, score, top.rule.id if top else None, reason, exposure)

    unknowns = _unknown_findings(law, compiled, state, findings)
    remedies = _rank_remedies(law, active, effective, scores, fired, day) if rank_remedies else ()

    notes: list[Text] = []
    if day > law.method.reviewed:
        notes.append(_fill(law.texts["after_review"], reviewed=law.method.reviewed.isoformat()))
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


def _fill(template: Text, **values: str) -> Text:
    return Text(en=template.en.format(**values), zh=template.zh.format(**values))


def _unknown_findings(law: Law, compiled: _Compiled, state: Mapping[str, tuple[int, Any]], findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    out = []
    for q in compiled.order:
        visible, value = state[q.id]
        if visible == FALSE or value != UNKNOWN or q.informational:
            continue
        resting = [f for f in findings if any(a.question == q.id and a.assumed for a in f.answers)]
        rules = Text(
            en="; ".join(f.title.en for f in resting) or law.texts["none"].en,
            zh="；".join(f.title.zh for f in resting) or law.texts["none"].zh,
        )
        title = Text(en=law.texts["unknown_title"].en.format(question=q.text.en), zh=law.texts["unknown_title"].zh.format(question=q.text.zh))
        explain = Text(en=law.texts["unknown_explain"].en.format(rules=rules.en), zh=law.texts["unknown_explain"].zh.format(rules=rules.zh))
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
    law: Law,
    active: tuple[_ActiveRule, ...],
    answers: Mapping[str, Any],
    before: dict[str, tuple[int, int, str, int, _ActiveRule | None]],
    fired: list[tuple[_ActiveRule, int]],
    day: dt.date,
) -> tuple[RemedyEffect, ...]:
    """Rank the remedies of the fired rules by how much re-assessing with each applied lowers the
    scores (summed over the axes), then by levels lowered, then by findings addressed."""
    compiled = _compiled(law)
    addresses: dict[str, list[str]] = {}
    for a, _ in fired:
        if a.rule.remedy and any(answers.get(q) != v for q, v in law.remedies[a.rule.remedy].sets.items()):
            addresses.setdefault(a.rule.remedy, []).append(a.rule.id)
    effects = []
    for rid, rule_ids in addresses.items():
        remedy = law.remedies[rid]
        after = _axis_scores(law, _fire(active, _state(compiled, _with_sets(answers, (rid,), law))))
        reduction = sum(before[k][3] - after[k][3] for k in AXIS_KEYS)
        levels = sum(LEVEL_RANK[before[k][2]] - LEVEL_RANK[after[k][2]] for k in AXIS_KEYS)
        effects.append(
            (
                -reduction,
                -levels,
                -len(rule_ids),
                rid,
                RemedyEffect(
                    remedy=rid,
                    title=remedy.title,
                    description=remedy.description,
                    citations=_resolvable(law, remedy.cites, day),
                    addresses=tuple(rule_ids),
                    sets=dict(remedy.sets),
                    after={k: AxisScore(after[k][2], after[k][3]) for k in AXIS_KEYS},
                    reduction=reduction,
                ),
            )
        )
    return tuple(e[-1] for e in sorted(effects, key=lambda e: e[:4]))
