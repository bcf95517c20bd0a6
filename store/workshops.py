"""Workshops: respondents, what each answered, where they disagree, and whether the remote workshop is closed.

A respondent's answers are versioned like an assessment's: every change of them (and submitting or
reopening them) bumps the respondent's `version`, and every write names the respondent, the assessment it
belongs to and the version it was based on. The write is a conditional UPDATE ... WHERE id = :id AND
version = :expected: of two saves on top of the same version one goes through and the other gets
RespondentConflict, with nothing written. Respondents answer for themselves through their links
(store/invitations.py); the consultant may also set an answer for them on the workshop page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questions.answers import disagree
from scoring.errors import Term
from store.db import reading, writing
from store.errors import NotFound, StoreError
from store.models import AssessmentRow, RespondentAnswerRow, RespondentRow, WorkshopRow
from store.records import (
    EDITABLE,
    RESPONDENT_NAMES_LOCK,
    Respondent,
    Target,
    assessment_row,
    bank_question,
    bank_questions,
    changed_rows,
    clean_author,
    clean_name,
    clean_sections,
    clean_value,
    respondent_record,
    serialise,
    target_row,
    upsert_insert,
    utc_now,
)


class RespondentTarget(Protocol):
    """Which respondent a write is for: their id and the assessment they were read under."""

    @property
    def id(self) -> int: ...

    @property
    def assessment_id(self) -> int: ...


class RespondentConflict(StoreError):
    """A change of a respondent's answers based on an old version: they (or the consultant) saved first."""

    def __init__(self, name: str, expected: int, current: int | None) -> None:
        self.expected, self.current = expected, current
        super().__init__(key="store_respondent_conflict", name=name, expected=expected, current=current or 0)


@dataclass(frozen=True)
class Workshop:
    """An assessment's remote workshop: closed (with when and by whom) or open."""

    assessment_id: int
    closed_at: dt.datetime | None = None
    changed_by: str = ""

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def _taken(name: str) -> StoreError:
    return StoreError(key="store_respondent_taken", name=name)


def new_respondent(s: Session, target: Target, name: str, role: str, sections: list[str] | None) -> RespondentRow:
    """Add a respondent in the session's transaction (values already cleaned); raises StoreError if the name is taken."""
    assessment_id = target_row(s, target).id
    serialise(s, RESPONDENT_NAMES_LOCK, assessment_id)
    taken = s.scalar(select(RespondentRow.id).where(RespondentRow.assessment_id == assessment_id, RespondentRow.name == name))
    if taken is not None:
        raise _taken(name)
    row = RespondentRow(assessment_id=assessment_id, name=name, role=role, version=1, sections=sections)
    s.add(row)
    s.flush()
    return row


def add_respondent(engine: Engine, target: Target, name: str, role: str = "", sections: Any = None) -> Respondent:
    """Add a workshop respondent to the assessment `target` (its id and client); names are unique within it.

    `sections` (optional) are the bank sections they are asked, by id; None asks every section."""
    name, role = clean_name(name, "field_respondent_name"), clean_name(role, "field_respondent_role", allow_empty=True)
    chosen = clean_sections(sections)
    try:
        with writing(engine) as s:
            return respondent_record(new_respondent(s, target, name, role, chosen))
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
        if changed_rows(s.execute(delete(RespondentRow).where(RespondentRow.id == respondent_id))) == 0:
            raise NotFound(key="store_no_respondent", id=respondent_id)


def list_respondents(engine: Engine, assessment_id: int) -> list[Respondent]:
    """An assessment's respondents, in the order they were added."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        rows = s.scalars(select(RespondentRow).where(RespondentRow.assessment_id == assessment_id).order_by(RespondentRow.id))
        return [respondent_record(r) for r in rows]


def get_respondent(engine: Engine, respondent_id: int) -> Respondent:
    """One respondent, with their current version; raises NotFound."""
    with reading(engine) as s:
        row = s.get(RespondentRow, respondent_id)
        if row is None:
            raise NotFound(key="store_no_respondent", id=respondent_id)
        return respondent_record(row)


def respondent_answers(engine: Engine, respondent_id: int) -> dict[str, Any]:
    """One respondent's answers: {question_id: value}."""
    with reading(engine) as s:
        if s.get(RespondentRow, respondent_id) is None:
            raise NotFound(key="store_no_respondent", id=respondent_id)
        return own_answers(s, respondent_id)


def own_answers(s: Session, respondent_id: int) -> dict[str, Any]:
    rows = s.execute(
        select(RespondentAnswerRow.question_id, RespondentAnswerRow.value).where(
            RespondentAnswerRow.respondent_id == respondent_id
        )
    ).all()
    return {qid: value for qid, value in rows}


def respondent_row(s: Session, target: RespondentTarget) -> RespondentRow:
    """The respondent a write is for, if they still exist under the assessment they were read under; else NotFound."""
    respondent_id, assessment_id = getattr(target, "id", None), getattr(target, "assessment_id", None)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (respondent_id, assessment_id)):
        raise StoreError(key="store_bad_target")
    row = s.get(RespondentRow, respondent_id)
    if row is None or row.assessment_id != assessment_id:
        raise NotFound(key="store_no_respondent", id=respondent_id)
    return row


def write_respondent(
    s: Session,
    row: RespondentRow,
    *,
    expected_version: int,
    answers: Mapping[str, Any] | None = None,
    submitted: bool | None = None,
) -> int:
    """Apply already-validated answer changes (None clears one) and, if `submitted` is given, mark the answers
    submitted or not, on top of `expected_version`, in the session's transaction. One version bump when
    anything changes; returns the new version (or `expected_version` if nothing changed).

    Raises RespondentConflict (changed since it was read) or StoreError (answers, a submission or a reopening
    for an assessment that is not a draft). Nothing is written then."""
    if row.version != expected_version:
        raise RespondentConflict(row.name, expected_version, row.version)
    stored = own_answers(s, row.id)
    changes = {qid: value for qid, value in (answers or {}).items() if stored.get(qid) != value}
    now = utc_now()
    values: dict[str, Any] = {}
    if submitted is not None and submitted != (row.submitted_at is not None):
        values["submitted_at"] = now if submitted else None
    if not changes and not values:
        return expected_version
    # Submitting and reopening change the workshop's state too: none of it once the assessment is final.
    status = s.scalar(select(AssessmentRow.status).where(AssessmentRow.id == row.assessment_id))
    if status != EDITABLE:
        raise StoreError(key="store_not_editable", id=row.assessment_id, status=Term(f"status_{status}"))
    new_version = expected_version + 1
    result = s.execute(
        update(RespondentRow)
        .where(RespondentRow.id == row.id, RespondentRow.version == expected_version)
        .values(version=new_version, **values)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        current = s.scalar(select(RespondentRow.version).where(RespondentRow.id == row.id))
        raise RespondentConflict(row.name, expected_version, current)
    for qid, value in changes.items():
        where = (RespondentAnswerRow.respondent_id == row.id, RespondentAnswerRow.question_id == qid)
        if value is None:
            s.execute(delete(RespondentAnswerRow).where(*where))
            continue
        insert = upsert_insert(s)(RespondentAnswerRow).values(respondent_id=row.id, question_id=qid, value=value, updated_at=now)
        s.execute(
            insert.on_conflict_do_update(
                index_elements=["respondent_id", "question_id"], set_={"value": value, "updated_at": now}
            )
        )
    s.expire(row)
    return new_version


def set_respondent_answer(
    engine: Engine, respondent: RespondentTarget, question_id: str, value: Any, *, expected_version: int
) -> int:
    """Record one respondent's answer (None clears it) on top of `expected_version`, as the consultant does on
    the workshop page; returns the respondent's new version. Validated like the agreed answers; drafts only.

    Raises RespondentConflict, NotFound (the respondent was removed) or StoreError; nothing is written then."""
    clean = clean_value(bank_question(question_id), value)
    with writing(engine) as s:
        row = respondent_row(s, respondent)
        return write_respondent(s, row, expected_version=expected_version, answers={question_id: clean})


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
    return [qid for qid, by_name in workshop_answers(engine, assessment_id).items() if disagree(by_name.values())]


# ----------------------------------------------------------------------------------------------
# The remote workshop: open, or closed (every respondent's link frozen)


def workshop_state(s: Session, assessment_id: int) -> Workshop:
    row = s.scalar(select(WorkshopRow).where(WorkshopRow.assessment_id == assessment_id))
    if row is None:
        return Workshop(assessment_id)
    return Workshop(assessment_id, row.closed_at, row.changed_by)


def get_workshop(engine: Engine, assessment_id: int) -> Workshop:
    """Whether an assessment's remote workshop is closed; raises NotFound for an unknown assessment."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        return workshop_state(s, assessment_id)


def _set_closed(engine: Engine, target: Target, closed: bool, author: str) -> Workshop:
    author = clean_author(author)
    now = utc_now()
    with writing(engine) as s:
        assessment_id = target_row(s, target).id
        values = {"closed_at": now if closed else None, "changed_by": author, "changed_at": now}
        insert = upsert_insert(s)(WorkshopRow).values(assessment_id=assessment_id, **values)
        s.execute(insert.on_conflict_do_update(index_elements=["assessment_id"], set_=values))
        return workshop_state(s, assessment_id)


def close_workshop(engine: Engine, target: Target, *, author: str) -> Workshop:
    """Close the assessment's remote workshop: every respondent's link stops opening, and no respondent can
    change an answer. The consultant still can. Raises NotFound."""
    return _set_closed(engine, target, True, author)


def reopen_workshop(engine: Engine, target: Target, *, author: str) -> Workshop:
    """Open the remote workshop again: links that have not expired and were not revoked work again."""
    return _set_closed(engine, target, False, author)
