"""Workshops: respondents, what each answered, and where they disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from scoring.errors import Term
from store.db import reading, writing
from store.errors import NotFound, StoreError
from store.models import AssessmentRow, RespondentAnswerRow, RespondentRow
from store.records import (
    EDITABLE,
    RESPONDENT_NAMES_LOCK,
    Respondent,
    Target,
    assessment_row,
    bank_question,
    bank_questions,
    clean_name,
    clean_value,
    respondent_record,
    serialise,
    target_row,
    upsert_insert,
    utc_now,
)


def _taken(name: str) -> StoreError:
    return StoreError(key="store_respondent_taken", name=name)


def add_respondent(engine: Engine, target: Target, name: str, role: str = "") -> Respondent:
    """Add a workshop respondent to the assessment `target` (its id and client); names are unique within it."""
    name, role = clean_name(name, "field_respondent_name"), clean_name(role, "field_respondent_role", allow_empty=True)
    try:
        with writing(engine) as s:
            assessment_id = target_row(s, target).id
            serialise(s, RESPONDENT_NAMES_LOCK, assessment_id)
            taken = s.scalar(
                select(RespondentRow.id).where(RespondentRow.assessment_id == assessment_id, RespondentRow.name == name)
            )
            if taken is not None:
                raise _taken(name)
            row = RespondentRow(assessment_id=assessment_id, name=name, role=role)
            s.add(row)
            s.flush()
            return respondent_record(row)
    except IntegrityError:
        raise _taken(name) from None


def rename_respondent(engine: Engine, respondent_id: int, name: str, role: str | None = None) -> Respondent:
    """Change a respondent's name (and, if given, role)."""
    name = clean_name(name, "field_respondent_name")
    role = clean_name(role, "field_respondent_role", allow_empty=True) if role is not None else None
    try:
        with writing(engine) as s:
            row = s.get(RespondentRow, respondent_id)
            if row is None:
                raise NotFound(key="store_no_respondent", id=respondent_id)
            serialise(s, RESPONDENT_NAMES_LOCK, row.assessment_id)
            taken = s.scalar(
                select(RespondentRow.id).where(
                    RespondentRow.assessment_id == row.assessment_id,
                    RespondentRow.name == name,
                    RespondentRow.id != respondent_id,
                )
            )
            if taken is not None:
                raise _taken(name)
            row.name = name
            if role is not None:
                row.role = role
            s.flush()
            return respondent_record(row)
    except IntegrityError:
        raise _taken(name) from None


def remove_respondent(engine: Engine, respondent_id: int) -> None:
    """Remove a respondent and their answers; raises NotFound."""
    with writing(engine) as s:
        if s.execute(delete(RespondentRow).where(RespondentRow.id == respondent_id)).rowcount == 0:
            raise NotFound(key="store_no_respondent", id=respondent_id)


def list_respondents(engine: Engine, assessment_id: int) -> list[Respondent]:
    """An assessment's respondents, in the order they were added."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        rows = s.scalars(select(RespondentRow).where(RespondentRow.assessment_id == assessment_id).order_by(RespondentRow.id))
        return [respondent_record(r) for r in rows]


def set_respondent_answer(engine: Engine, respondent_id: int, question_id: str, value: Any) -> None:
    """Record one respondent's answer (None clears it). Validated like the agreed answers; drafts only."""
    question = bank_question(question_id)
    clean = clean_value(question, value)
    now = utc_now()
    with writing(engine) as s:
        respondent = s.get(RespondentRow, respondent_id)
        if respondent is None:
            raise NotFound(key="store_no_respondent", id=respondent_id)
        status = s.scalar(select(AssessmentRow.status).where(AssessmentRow.id == respondent.assessment_id))
        if status != EDITABLE:
            raise StoreError(key="store_not_editable", id=respondent.assessment_id, status=Term(f"status_{status}"))
        where = (RespondentAnswerRow.respondent_id == respondent_id, RespondentAnswerRow.question_id == question_id)
        if clean is None:
            s.execute(delete(RespondentAnswerRow).where(*where))
            return
        insert = upsert_insert(s)(RespondentAnswerRow).values(
            respondent_id=respondent_id, question_id=question_id, value=clean, updated_at=now
        )
        s.execute(
            insert.on_conflict_do_update(
                index_elements=["respondent_id", "question_id"], set_={"value": clean, "updated_at": now}
            )
        )


def workshop_answers(engine: Engine, assessment_id: int) -> dict[str, dict[str, Any]]:
    """What each respondent answered: {question_id: {respondent_name: value}}, questions in bank order,
    respondents in the order they were added. Questions nobody answered are left out."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        rows = s.execute(
            select(RespondentAnswerRow.question_id, RespondentRow.name, RespondentAnswerRow.value)
            .join(RespondentRow, RespondentRow.id == RespondentAnswerRow.respondent_id)
            .where(RespondentRow.assessment_id == assessment_id)
            .order_by(RespondentRow.id)
        ).all()
    order = {qid: i for i, qid in enumerate(bank_questions())}
    out: dict[str, dict[str, Any]] = {}
    for qid in sorted({r.question_id for r in rows}, key=lambda q: (order.get(q, len(order)), q)):
        out[qid] = {}
    for qid, name, value in rows:
        out[qid][name] = value
    return out


def disagreements(engine: Engine, assessment_id: int) -> list[str]:
    """The questions (bank order) on which respondents gave different answers ("I don't know" counts as one)."""
    return [
        qid for qid, by_name in workshop_answers(engine, assessment_id).items() if len({_key(v) for v in by_name.values()}) > 1
    ]


def _key(value: Any) -> Any:
    return frozenset(value) if isinstance(value, list) else value
