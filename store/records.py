"""The workspace's records and the checks every repository module shares.

Repository functions return these frozen records, never ORM objects, so callers can cache and pass
them around freely. Every value a user gives is checked here before it is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from questions.answers import AnswerSet
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from store.db import is_sqlite
from store.errors import NotFound, StoreError
from store.models import (
    ID_MAX,
    NAME_MAX,
    STATUSES,
    ActionChangeRow,
    ActionRow,
    AnswerChangeRow,
    AssessmentRow,
    ClientRow,
    NoteRow,
    RespondentRow,
    SnapshotRow,
)

Status = Literal["draft", "final", "archived"]
NOTE_MAX = 20_000
EDITABLE = "draft"  # only drafts take answer changes; a final or archived one is reopened first


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    created_at: dt.datetime
    updated_at: dt.datetime
    assessments: int = 0  # how many assessments it has, archived ones included


@dataclass(frozen=True)
class SavedAssessment:
    """An assessment as stored. `answers` are the agreed answers; pass `version` back when editing them."""

    id: int
    client_id: int
    client_name: str
    title: str
    law_as_of: dt.date
    lang: str
    bank_version: str
    status: str
    version: int
    answers: dict[str, Any]
    company: str
    created_at: dt.datetime
    updated_at: dt.datetime

    def answer_set(self, notes: Mapping[str, str] | None = None) -> AnswerSet:
        """The assessment's answers with its company, language, law date and (if given) notes."""
        return AnswerSet(self.answers, self.company, self.lang, self.law_as_of, dict(notes or {}), self.bank_version)


@dataclass(frozen=True)
class AnswerChange:
    """One answer changed. `old_value`/`new_value` are None when the question was (or became) unanswered."""

    id: int
    assessment_id: int
    question_id: str
    old_value: Any
    new_value: Any
    version: int
    author: str
    changed_at: dt.datetime


@dataclass(frozen=True)
class Note:
    assessment_id: int
    question_id: str
    text: str
    author: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class Respondent:
    id: int
    assessment_id: int
    name: str
    role: str


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def bank_questions() -> dict[str, Question]:
    from questions.loader import default_bank

    return default_bank().questions


def current_bank_version() -> str:
    from questions.loader import default_bank

    return default_bank().version


def clean_name(value: Any, what: str, *, allow_empty: bool = False, limit: int = NAME_MAX) -> str:
    if not isinstance(value, str):
        raise StoreError(f"the {what} must be text")
    text = " ".join(value.split())  # one line: no tabs or newlines in names
    if not text and not allow_empty:
        raise StoreError(f"the {what} cannot be empty")
    if len(text) > limit:
        raise StoreError(f"the {what} is {len(text)} characters; the limit is {limit}")
    return text


def bank_question(question_id: Any) -> Question:
    questions = bank_questions()
    if not isinstance(question_id, str) or question_id not in questions:
        shown = question_id if isinstance(question_id, str) and len(question_id) <= ID_MAX else "?"
        raise StoreError(f"unknown question id '{shown}'")
    return questions[question_id]


def clean_value(question: Question, value: Any) -> Any:
    """Validate an answer against the bank; a multi answer is stored in the bank's choice order."""
    if value is None:
        return None
    problem = question.check_value(value)
    if problem:
        raise StoreError(f"'{question.id}' {problem}")
    if question.type == "multi" and value != UNKNOWN:
        order = [c.id for c in question.choices]
        return sorted(value, key=order.index)
    return value


def clean_answers(answers: Mapping[str, Any] | None) -> dict[str, Any]:
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise StoreError("answers must be a mapping of question id to value")
    out = {}
    for qid, value in answers.items():
        clean = clean_value(bank_question(qid), value)
        if clean is not None:
            out[qid] = clean
    return out


def clean_lang(value: Any) -> str:
    if value not in LOCALES:
        raise StoreError(f"the language must be one of {', '.join(LOCALES)}, not {value!r}")
    return value


def clean_date(value: Any) -> dt.date:
    from scoring.engine import check_date
    from scoring.errors import DateError

    try:
        return check_date(value)
    except DateError as err:
        raise StoreError(str(err)) from None


def clean_status(value: Any) -> str:
    if value not in STATUSES:
        raise StoreError(f"the status must be one of {', '.join(STATUSES)}, not {value!r}")
    return value


def clean_author(value: Any) -> str:
    return clean_name(value, "author", allow_empty=True)


def upsert_insert(session: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert


def client_record(row: ClientRow, count: int = 0) -> Client:
    return Client(row.id, row.name, row.created_at, row.updated_at, count)


def assessment_record(row: AssessmentRow, client_name: str) -> SavedAssessment:
    return SavedAssessment(
        id=row.id,
        client_id=row.client_id,
        client_name=client_name,
        title=row.title,
        law_as_of=row.law_as_of,
        lang=row.lang,
        bank_version=row.bank_version,
        status=row.status,
        version=row.version,
        answers=dict(row.answers or {}),
        company=row.company,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def change_record(row: AnswerChangeRow) -> AnswerChange:
    return AnswerChange(
        row.id, row.assessment_id, row.question_id, row.old_value, row.new_value, row.version, row.author, row.changed_at
    )


def note_record(row: NoteRow) -> Note:
    return Note(row.assessment_id, row.question_id, row.text, row.author, row.updated_at)


def respondent_record(row: RespondentRow) -> Respondent:
    return Respondent(row.id, row.assessment_id, row.name, row.role)


def client_row(session: Session, client_id: int) -> ClientRow:
    row = session.get(ClientRow, client_id)
    if row is None:
        raise NotFound(f"no client with id {client_id}")
    return row


def assessment_row(session: Session, assessment_id: int) -> AssessmentRow:
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        raise NotFound(f"no assessment with id {assessment_id}")
    return row


def client_name(session: Session, client_id: int) -> str:
    return session.scalar(select(ClientRow.name).where(ClientRow.id == client_id)) or ""


def checkpoint(engine: Engine) -> None:
    """After a delete on SQLite, copy the WAL into the file (where secure_delete zeroes freed pages) and truncate it."""
    if is_sqlite(engine):
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# ----------------------------------------------------------------------------------------------
# Tracked actions and snapshots


EVIDENCE_MAX = NOTE_MAX  # an evidence note, or the reason an action is not being done


@dataclass(frozen=True)
class Action:
    """A ranked measure taken on as an action. Pass `version` back when editing it."""

    id: int
    assessment_id: int
    remedy_id: str
    owner: str
    due: dt.date | None
    status: str
    reason: str
    evidence: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class ActionChange:
    """One field of an action changed (owner, due, status, reason or evidence), as stored (dates as ISO text)."""

    id: int
    action_id: int
    field: str
    old_value: Any
    new_value: Any
    version: int
    author: str
    changed_at: dt.datetime


@dataclass(frozen=True)
class Snapshot:
    """A named copy of an assessment's answers, taken at its `version`."""

    id: int
    assessment_id: int
    name: str
    version: int
    answers: dict[str, Any]
    author: str
    created_at: dt.datetime


def action_record(row: ActionRow) -> Action:
    return Action(
        row.id,
        row.assessment_id,
        row.remedy_id,
        row.owner,
        row.due,
        row.status,
        row.reason,
        row.evidence,
        row.version,
        row.created_at,
        row.updated_at,
    )


def action_change_record(row: ActionChangeRow) -> ActionChange:
    return ActionChange(row.id, row.action_id, row.field, row.old_value, row.new_value, row.version, row.author, row.changed_at)


def snapshot_record(row: SnapshotRow) -> Snapshot:
    return Snapshot(row.id, row.assessment_id, row.name, row.version, dict(row.answers or {}), row.author, row.created_at)


def differences(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The questions whose answers differ between two answer sets: {question_id: (first's, second's)}, bank order.

    None stands for "not answered"; question ids no longer in the bank come last."""
    order = {qid: i for i, qid in enumerate(bank_questions())}
    keys = sorted(set(first) | set(second), key=lambda q: (order.get(q, len(order)), q))
    return {q: (first.get(q), second.get(q)) for q in keys if first.get(q) != second.get(q)}
