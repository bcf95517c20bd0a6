"""What the store hands the report for one stored assessment: its result, its answers with the notes, and the
extras of a consultant's report (client, title, workshop, tracked actions and the appendices chosen)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.engine import Engine

from deliverable.actions import ActionInput
from deliverable.extras import (
    ActionChangeInput,
    ComparisonInput,
    EvidenceInput,
    ReportExtras,
    RespondentInput,
    WorkshopInput,
    article_comparison,
    assessment_comparison,
)
from questions.answers import AnswerSet
from scoring.assessment import Assessment
from scoring.engine import Incomplete, assess_answers
from scoring.loader import Law, default_law
from store.actions import action_history, list_actions
from store.assessments import get_assessment
from store.attachments import list_attachments
from store.errors import StoreError
from store.notes import get_notes
from store.records import Action, SavedAssessment
from store.scored import saved_result
from store.workshops import disagreements, list_respondents, workshop_answers

ARTICLE = "article"  # compare with the same answers under the law of the founding article's date


@dataclass(frozen=True)
class ReportInputs:
    """Everything a writer in report/formats.py needs for a stored assessment."""

    saved: SavedAssessment
    assessment: Assessment
    answer_set: AnswerSet
    extras: ReportExtras


def _scored(saved: SavedAssessment, answer_set: AnswerSet, law: Law) -> Assessment:
    result = assess_answers(answer_set, law=law)
    if isinstance(result, Incomplete):
        raise StoreError(key="store_incomplete", id=saved.id)
    return result


def workshop_input(engine: Engine, assessment_id: int) -> WorkshopInput | None:
    """The workshop's respondents, what each answered, and where they disagreed; None without respondents."""
    respondents = list_respondents(engine, assessment_id)
    if not respondents:
        return None
    given = workshop_answers(engine, assessment_id)
    return WorkshopInput(
        tuple(
            RespondentInput(r.name, r.role, {qid: by[r.name] for qid, by in given.items() if r.name in by}) for r in respondents
        ),
        tuple(disagreements(engine, assessment_id)),
    )


def action_inputs(actions: Iterable[Action]) -> tuple[ActionInput, ...]:
    """Tracked actions as the report (and the projection) takes them."""
    return tuple(ActionInput(a.remedy_id or "", a.owner, a.due, a.status, a.reason, a.evidence, a.title) for a in actions)


def report_inputs(
    engine: Engine,
    assessment_id: int,
    *,
    compare_with: int | Literal["article"] | None = None,
    projected: bool = False,
    trace: bool = False,
    history: bool = False,
    law: Law | None = None,
) -> ReportInputs:
    """A stored assessment ready for a report: scored, with its notes, workshop and actions, and the
    appendices chosen: `compare_with` another assessment's id (or ARTICLE), the `projected` scores if the
    planned actions are done, the `trace` of rule and provision ids, and the action plan's `history` (with
    the evidence files, which are always listed). Raises StoreError when it (or
    the one compared with) still lacks required answers, NotFound for an unknown id."""
    law = law or default_law()
    saved = get_assessment(engine, assessment_id)
    notes = {qid: n.text for qid, n in get_notes(engine, assessment_id).items()}
    answer_set = saved.answer_set(notes)
    assessment = _scored(saved, answer_set, law)
    comparison: ComparisonInput | None = None
    if compare_with == ARTICLE:
        comparison = article_comparison(assessment, saved.lang, law)
    elif isinstance(compare_with, int):
        other = get_assessment(engine, compare_with)
        other_set = other.answer_set()
        comparison = assessment_comparison(
            other.title, other.law_as_of, _scored(other, other_set, law), other_set.answers, saved.lang
        )
    extras = ReportExtras(
        client=saved.client_name,
        title=saved.title,
        workshop=workshop_input(engine, assessment_id),
        actions=action_inputs(list_actions(engine, assessment_id)),
        comparison=comparison,
        projected=projected,
        trace=trace,
        **evidence_extras(engine, saved, history=history),
        summary=saved.summary,
        scope=saved.scope,
        drift=saved_result(engine, assessment_id, saved.version),
    )
    return ReportInputs(saved, assessment, answer_set, extras)


def evidence_extras(engine: Engine, saved: SavedAssessment, *, history: bool = False) -> dict[str, Any]:
    """The report's evidence files and sign-off, and with `history` the action plan's history (ReportExtras'
    fields of those names)."""
    actions = list_actions(engine, saved.id)
    named = {a.id: a.title or a.remedy_id or "" for a in actions}
    files = tuple(
        EvidenceInput(f.name, f.created_at.date(), f.sha256, f.size, f.question_id or "", named.get(f.action_id or 0, ""))
        for f in list_attachments(engine, saved.id)
    )
    changes = sorted(
        (
            ActionChangeInput(named[a.id], c.field, c.old_value, c.new_value, c.author, c.changed_at)
            for a in (actions if history else ())
            for c in action_history(engine, a.id)
        ),
        key=lambda c: c.changed_at,
    )
    return {
        "evidence": files,
        "action_history": tuple(changes),
        "signed_by": saved.signed_by or "",
        "signed_on": saved.signed_at.date() if saved.signed_at else None,
    }
