"""The workspace's records and the checks every repository module shares.

Repository functions return these frozen records, never ORM objects, so callers can cache and pass
them around freely. Every value a user gives is checked here before it is written.

A write to an assessment names it by a `Target`: anything with its `id` and its `client_id` (a
`SavedAssessment` is one; so is an `AssessmentRef`). `target_row` refuses a target whose record is gone
or now belongs to another client, so that a session holding a stale view can never write into
another client's record.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeGuard, cast

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import Session

from questions.answers import AnswerSet
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from scoring.errors import Term
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
# Control characters have no place in a name (a NUL cannot even be stored by PostgreSQL); notes keep
# their line breaks and tabs.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOTE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# PostgreSQL advisory-lock keys: changes of clients' names (and of one assessment's respondents' names)
# run one at a time, so that the uniqueness check before the write never loses a race and no unique
# violation (whose log line would name the client) reaches the server log.
CLIENT_NAMES_LOCK = 7_268_133_502
RESPONDENT_NAMES_LOCK = 7_268_133_503
CHECKPOINT_ATTEMPTS = 4
CHECKPOINT_WAIT_MS = 2_000  # per attempt; a reader holding an old snapshot makes the checkpoint wait

log = logging.getLogger("pirisk.store")


class Target(Protocol):
    """Which assessment a write is for: its id and the client it was read under."""

    @property
    def id(self) -> int: ...

    @property
    def client_id(self) -> int: ...


@dataclass(frozen=True)
class AssessmentRef:
    """An assessment's id and its client's: what a session keeps to write to it later."""

    id: int
    client_id: int


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    created_at: dt.datetime
    updated_at: dt.datetime
    assessments: int = 0  # how many assessments it has, archived ones included


@dataclass(frozen=True)
class SavedAssessment:
    """An assessment as stored. Pass it (or its `ref`) and its `version` back when changing it."""

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
    signed_by: str | None = None  # the reviewer who signed this version off; then it is read-only
    signed_at: dt.datetime | None = None

    @property
    def signed_off(self) -> bool:
        return self.signed_at is not None

    summary: str = ""  # the consultant's executive summary for the report
    scope: str = ""  # the consultant's scope of the assessment for the report

    @property
    def ref(self) -> AssessmentRef:
        return AssessmentRef(self.id, self.client_id)

    def answer_set(self, notes: Mapping[str, str] | None = None) -> AnswerSet:
        """The assessment's answers with its company, language, law date and (if given) notes."""
        return AnswerSet(self.answers, self.company, self.lang, self.law_as_of, dict(notes or {}), self.bank_version)


@dataclass(frozen=True)
class AnswerChange:
    """One change of an assessment. `kind` is "answer" (`question_id` is the question), "detail"
    (`question_id` names it: title, law_as_of, lang, company or status) or "note" (the note on
    `question_id`). `old_value`/`new_value` are None when it was (or became) empty."""

    id: int
    assessment_id: int
    question_id: str
    old_value: Any
    new_value: Any
    version: int
    author: str
    changed_at: dt.datetime
    kind: str = "answer"
    source: dict[str, Any] | None = None  # {"workshop": {respondent: answer}} for an answer agreed in a workshop
    rules_version: str | None = None  # the rules in force when it was made (None: before they were recorded)


@dataclass(frozen=True)
class Note:
    assessment_id: int
    question_id: str
    text: str
    author: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class Respondent:
    """A workshop respondent. Pass it back, with its `version`, when changing their answers."""

    id: int
    assessment_id: int
    name: str
    role: str
    version: int = 1
    sections: tuple[str, ...] | None = None  # the bank sections they are asked; None: all
    submitted_at: dt.datetime | None = None


class Deleted(dict[str, int]):
    """The rows a delete removed, per table. `complete` is False when the database's write-ahead log could not
    be emptied (a reader held an old snapshot): copies of the deleted text may stay in it until the next
    checkpoint (`python -m store checkpoint`)."""

    complete: bool = True


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def bank_questions() -> dict[str, Question]:
    from questions.loader import default_bank

    return default_bank().questions


def current_bank_version() -> str:
    from questions.loader import default_bank

    return default_bank().version


def current_rules_version() -> str:
    """The version of the law data the engine scores with now."""
    from scoring.loader import default_law

    return default_law().method.rules_version


def clean_name(value: Any, what: str, *, allow_empty: bool = False, limit: int = NAME_MAX) -> str:
    """A name as stored: text, one line with single spaces, in Unicode NFC (two spellings of one name are
    one name), no control character, within `limit`. `what` is an errors.yaml key naming the field."""
    if not isinstance(value, str):
        raise StoreError(key="name_not_text", what=Term(what))
    if _NAME_CONTROL.search(value.replace("\t", " ").replace("\n", " ").replace("\r", " ")):
        raise StoreError(key="name_control", what=Term(what))
    text = unicodedata.normalize("NFC", " ".join(value.split()))  # one line: no tabs or newlines in names
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(key="name_control", what=Term(what)) from None
    if not text and not allow_empty:
        raise StoreError(key="name_empty", what=Term(what))
    if len(text) > limit:
        raise StoreError(key="name_too_long", what=Term(what), n=len(text), limit=limit)
    return text


def clean_note(text: Any) -> str:
    """A note as stored: text, trimmed, NFC, within NOTE_MAX, with no control character but line breaks and tabs."""
    if not isinstance(text, str):
        raise StoreError(key="note_not_text")
    text = unicodedata.normalize("NFC", text.strip())
    if _NOTE_CONTROL.search(text):
        raise StoreError(key="note_control")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(key="note_control") from None
    if len(text) > NOTE_MAX:
        raise StoreError(key="note_too_long", n=len(text), limit=NOTE_MAX)
    return text


def bank_question(question_id: Any) -> Question:
    questions = bank_questions()
    if not isinstance(question_id, str) or question_id not in questions:
        shown = question_id if isinstance(question_id, str) and len(question_id) <= ID_MAX else "?"
        raise StoreError(key="store_unknown_question", id=shown)
    return questions[question_id]


def clean_value(question: Question, value: Any) -> Any:
    """Validate an answer against the bank; a multi answer is stored in the bank's choice order."""
    from scoring.answers_file import answer_problem

    if value is None:
        return None
    problem = answer_problem(question, value)
    if problem is not None:
        raise StoreError(key=problem[0], **problem[1])
    if question.type == "multi" and value != UNKNOWN:
        order = [c.id for c in question.choices]
        return sorted(value, key=order.index)
    return value


def clean_answers(answers: Mapping[str, Any] | None) -> dict[str, Any]:
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise StoreError(key="store_answers_not_mapping")
    out = {}
    from questions.loader import default_bank

    for qid, value in default_bank().without_retired(answers).items():
        clean = clean_value(bank_question(qid), value)
        if clean is not None:
            out[qid] = clean
    return out


def clean_lang(value: Any) -> str:
    if not isinstance(value, str) or value not in LOCALES:
        raise StoreError(key="store_bad_lang", value=str(value)[:20], allowed=", ".join(LOCALES))
    return value


def clean_date(value: Any) -> dt.date:
    from scoring.engine import check_date
    from scoring.errors import DateError
    from scoring.loader import default_law

    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise StoreError(key="store_date_not_a_date", value=str(value)[:40])
    try:
        return check_date(value)
    except DateError:
        start = default_law().method.coverage_from.isoformat()
        raise StoreError(key="store_date_too_early", date=value.isoformat(), start=start) from None


def clean_status(value: Any) -> str:
    if not isinstance(value, str) or value not in STATUSES:
        raise StoreError(key="store_bad_status", value=str(value)[:20], allowed=", ".join(STATUSES))
    return value


def clean_author(value: Any) -> str:
    return clean_name(value, "field_author", allow_empty=True)


def clean_source(question: Question, source: Any) -> dict[str, Any]:
    """Where an agreed answer came from, as its history row keeps it: {"workshop": {respondent's name:
    their answer}}, each name as a respondent's is stored and each answer valid for `question`."""
    workshop = source.get("workshop") if isinstance(source, Mapping) and set(source) == {"workshop"} else None
    if not isinstance(workshop, Mapping):
        raise StoreError(key="store_answers_not_mapping")
    return {"workshop": {clean_name(name, "field_respondent_name"): clean_value(question, v) for name, v in workshop.items()}}


def upsert_insert(session: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through a Session changed. The ORM returns a CursorResult for
    these, but types Session.execute as returning a plain Result (SQLAlchemy issue 12913)."""
    return cast(CursorResult[Any], result).rowcount


def serialise(session: Session, key: int, sub: int = 0) -> None:
    """On PostgreSQL, wait for (and hold, until commit) the advisory lock `key`/`sub`. SQLite needs nothing:
    its write transactions already run one at a time (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        session.execute(text("SELECT pg_advisory_xact_lock(:key, :sub)"), {"key": key % 2**31, "sub": sub % 2**31})


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
        signed_by=row.signed_by,
        signed_at=row.signed_at,
        summary=row.summary or "",
        scope=row.scope or "",
    )


def change_record(row: AnswerChangeRow) -> AnswerChange:
    return AnswerChange(
        row.id,
        row.assessment_id,
        row.question_id,
        row.old_value,
        row.new_value,
        row.version,
        row.author,
        row.changed_at,
        row.kind or "answer",
        row.source if isinstance(row.source, dict) else None,
        row.rules_version,
    )


def note_record(row: NoteRow) -> Note:
    return Note(row.assessment_id, row.question_id, row.text, row.author, row.updated_at)


def respondent_record(row: RespondentRow) -> Respondent:
    sections = tuple(row.sections) if row.sections is not None else None
    return Respondent(row.id, row.assessment_id, row.name, row.role, row.version or 1, sections, row.submitted_at)


def clean_sections(value: Any) -> list[str] | None:
    """The sections a respondent is asked, as stored: None (all), or section ids of the bank, in bank order."""
    if value is None:
        return None
    from questions.loader import default_bank

    order = [s.id for s in default_bank().sections]
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise StoreError(key="store_bad_sections")
    unknown = [v for v in value if v not in order]
    if unknown:
        raise StoreError(key="store_unknown_section", id=unknown[0][:ID_MAX])
    chosen = set(value)
    return [sid for sid in order if sid in chosen] or None


def client_row(session: Session, client_id: int) -> ClientRow:
    row = session.get(ClientRow, client_id)
    if row is None:
        raise NotFound(key="store_no_client", id=client_id)
    return row


def assessment_row(session: Session, assessment_id: int) -> AssessmentRow:
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        raise NotFound(key="store_no_assessment", id=assessment_id)
    return row


def is_row_id(value: object) -> TypeGuard[int]:
    """Whether `value` can be a row's id: an int, and not a bool (which is one to Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_target(target: Any) -> tuple[int, int]:
    """A write's target as (assessment id, client id); refuses anything that does not name both."""
    assessment_id, client_id = getattr(target, "id", None), getattr(target, "client_id", None)
    if not (is_row_id(assessment_id) and is_row_id(client_id)):
        raise StoreError(key="store_bad_target")
    return assessment_id, client_id


def check_unsigned(row: AssessmentRow) -> None:
    """Refuse a change to an assessment a reviewer has signed off: that version is final and read-only (start
    a new version from it instead)."""
    if row.signed_at is not None:
        raise StoreError(key="store_signed_off", id=row.id, reviewer=row.signed_by or "")


def target_row(session: Session, target: Target) -> AssessmentRow:
    """The assessment a write is for, if it still exists under the client it was read under; else NotFound."""
    assessment_id, client_id = check_target(target)
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        raise NotFound(key="store_assessment_gone", id=assessment_id)
    if row.client_id != client_id:
        raise NotFound(key="store_assessment_replaced", id=assessment_id)
    return row


def client_name(session: Session, client_id: int) -> str:
    return session.scalar(select(ClientRow.name).where(ClientRow.id == client_id)) or ""


def checkpoint(engine: Engine, *, attempts: int | None = None, wait_ms: int | None = None) -> bool:
    """On SQLite, copy the write-ahead log into the file (where secure_delete has zeroed freed pages) and truncate
    it, so that deleted text leaves the disk. A reader holding an old snapshot makes this wait, then fail: it is
    retried, and False returned (and logged) if it still fails. True on PostgreSQL (see docs/security.md)."""
    if not is_sqlite(engine):
        return True
    attempts = attempts or CHECKPOINT_ATTEMPTS
    wait_ms = CHECKPOINT_WAIT_MS if wait_ms is None else wait_ms
    for attempt in range(attempts):
        with engine.connect() as connection:
            raw: Any = connection.connection.driver_connection  # no BEGIN: a checkpoint runs outside a transaction
            previous = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                raw.execute(f"PRAGMA busy_timeout = {int(previous)}")
        if busy == 0:
            return True
        time.sleep(min(0.05 * 2**attempt, 1.0))
    log.warning("the write-ahead log could not be checkpointed: a reader holds an old snapshot; deleted data may remain in it")
    return False


# ----------------------------------------------------------------------------------------------
# Tracked actions and snapshots


EVIDENCE_MAX = NOTE_MAX  # an evidence note, or the reason an action is not being done


@dataclass(frozen=True)
class Action:
    """An action: a ranked measure taken on (`remedy_id`), or one of the consultant's own (`remedy_id` None,
    named by `title`). Pass `version` back when editing it."""

    id: int
    assessment_id: int
    remedy_id: str | None
    owner: str
    due: dt.date | None
    status: str
    reason: str
    evidence: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    title: str = ""  # an own action's name (user text); "" for a measure's

    @property
    def own(self) -> bool:
        return self.remedy_id is None


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
        row.title or "",
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
