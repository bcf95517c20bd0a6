"""Repository functions for the workspace: clients, assessments, answer history, notes, workshops, branding.

Every function takes the Engine first and runs in one transaction of its own (`store.db.writing` or
`store.db.reading`). They return frozen records, never ORM objects, so callers can cache and pass them
around freely. Errors are StoreError (bad input), NotFound, or ConflictError (someone else saved first).

Answers are edited with optimistic locking. An assessment has a `version`, starting at 1, that each
change of its answers bumps by one; each change also writes one `answer_changes` row per question,
carrying the version it produced. So, for every assessment, the versions found in its history are
exactly 2..version. An edit states the version it was based on (`expected_version`); the write is a
conditional UPDATE ... WHERE version = :expected, so of two people saving on top of the same version,
one succeeds and the other gets ConflictError and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questions.model import LOCALES, UNKNOWN, Question
from store.db import is_sqlite, reading, writing
from store.errors import ConflictError, NotFound, StoreError
from store.models import (
    ID_MAX,
    NAME_MAX,
    STATUSES,
    AnswerChangeRow,
    AssessmentRow,
    ClientRow,
    NoteRow,
    RespondentAnswerRow,
    RespondentRow,
    SettingRow,
)

Status = Literal["draft", "final", "archived"]
NOTE_MAX = 20_000
LOGO_MAX_BYTES = 5_000_000  # the same ceiling the PDF cover applies (report/branding.py)
BRANDING_NAME = "branding.name"
BRANDING_LOGO = "branding.logo"
EDITABLE = "draft"  # only drafts take answer changes; a final or archived one is reopened first


# ----------------------------------------------------------------------------------------------
# Records


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


@dataclass(frozen=True)
class Branding:
    """The consultancy's name and logo (PNG or JPEG bytes) for report covers; `report.branding.Branding.coerce` takes it."""

    name: str = ""
    logo: bytes | None = field(default=None, repr=False)


# ----------------------------------------------------------------------------------------------
# Helpers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _bank_questions() -> dict[str, Question]:
    from questions.loader import default_bank

    return default_bank().questions


def _bank_version() -> str:
    from questions.loader import default_bank

    return default_bank().version


def _name(value: Any, what: str, *, allow_empty: bool = False, limit: int = NAME_MAX) -> str:
    if not isinstance(value, str):
        raise StoreError(f"the {what} must be text")
    text = " ".join(value.split())  # one line: no tabs or newlines in names
    if not text and not allow_empty:
        raise StoreError(f"the {what} cannot be empty")
    if len(text) > limit:
        raise StoreError(f"the {what} is {len(text)} characters; the limit is {limit}")
    return text


def _question(question_id: Any) -> Question:
    questions = _bank_questions()
    if not isinstance(question_id, str) or question_id not in questions:
        shown = question_id if isinstance(question_id, str) and len(question_id) <= ID_MAX else "?"
        raise StoreError(f"unknown question id '{shown}'")
    return questions[question_id]


def _clean_value(question: Question, value: Any) -> Any:
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


def _clean_answers(answers: Mapping[str, Any] | None) -> dict[str, Any]:
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise StoreError("answers must be a mapping of question id to value")
    out = {}
    for qid, value in answers.items():
        clean = _clean_value(_question(qid), value)
        if clean is not None:
            out[qid] = clean
    return out


def _lang(value: Any) -> str:
    if value not in LOCALES:
        raise StoreError(f"the language must be one of {', '.join(LOCALES)}, not {value!r}")
    return value


def _date(value: Any) -> dt.date:
    from scoring.engine import check_date
    from scoring.errors import DateError

    try:
        return check_date(value)
    except DateError as err:
        raise StoreError(str(err)) from None


def _status(value: Any) -> str:
    if value not in STATUSES:
        raise StoreError(f"the status must be one of {', '.join(STATUSES)}, not {value!r}")
    return value


def _author(value: Any) -> str:
    return _name(value, "author", allow_empty=True)


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert


def _client(row: ClientRow, count: int = 0) -> Client:
    return Client(row.id, row.name, row.created_at, row.updated_at, count)


def _assessment(row: AssessmentRow, client_name: str) -> SavedAssessment:
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


def _change(row: AnswerChangeRow) -> AnswerChange:
    return AnswerChange(
        row.id, row.assessment_id, row.question_id, row.old_value, row.new_value, row.version, row.author, row.changed_at
    )


def _note(row: NoteRow) -> Note:
    return Note(row.assessment_id, row.question_id, row.text, row.author, row.updated_at)


def _respondent(row: RespondentRow) -> Respondent:
    return Respondent(row.id, row.assessment_id, row.name, row.role)


def _get_client_row(session: Session, client_id: int) -> ClientRow:
    row = session.get(ClientRow, client_id)
    if row is None:
        raise NotFound(f"no client with id {client_id}")
    return row


def _get_assessment_row(session: Session, assessment_id: int) -> AssessmentRow:
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        raise NotFound(f"no assessment with id {assessment_id}")
    return row


def _client_name(session: Session, client_id: int) -> str:
    return session.scalar(select(ClientRow.name).where(ClientRow.id == client_id)) or ""


def _checkpoint(engine: Engine) -> None:
    """After a delete on SQLite, copy the WAL into the file (where secure_delete zeroes freed pages) and truncate it."""
    if is_sqlite(engine):
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# ----------------------------------------------------------------------------------------------
# Clients


def create_client(engine: Engine, name: str) -> Client:
    """Add a client. Names are unique; raises StoreError for an empty, over-long or taken name."""
    name = _name(name, "client name")
    now = _now()
    try:
        with writing(engine) as s:
            if s.scalar(select(ClientRow.id).where(ClientRow.name == name)) is not None:
                raise StoreError(f"a client named '{name}' already exists")
            row = ClientRow(name=name, created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            return _client(row)
    except IntegrityError:  # two people adding the same name at once
        raise StoreError(f"a client named '{name}' already exists") from None


def rename_client(engine: Engine, client_id: int, name: str) -> Client:
    """Rename a client; raises NotFound, or StoreError if the name is taken."""
    name = _name(name, "client name")
    try:
        with writing(engine) as s:
            row = _get_client_row(s, client_id)
            taken = s.scalar(select(ClientRow.id).where(ClientRow.name == name, ClientRow.id != client_id))
            if taken is not None:
                raise StoreError(f"a client named '{name}' already exists")
            row.name, row.updated_at = name, _now()
            s.flush()
            count = s.scalar(select(func.count()).select_from(AssessmentRow).where(AssessmentRow.client_id == client_id)) or 0
            return _client(row, count)
    except IntegrityError:
        raise StoreError(f"a client named '{name}' already exists") from None


def get_client(engine: Engine, client_id: int) -> Client:
    """One client, with its number of assessments; raises NotFound."""
    with reading(engine) as s:
        row = _get_client_row(s, client_id)
        count = s.scalar(select(func.count()).select_from(AssessmentRow).where(AssessmentRow.client_id == client_id)) or 0
        return _client(row, count)


def list_clients(engine: Engine) -> list[Client]:
    """Every client, by name (case-insensitive), with its number of assessments."""
    counts = select(AssessmentRow.client_id, func.count().label("n")).group_by(AssessmentRow.client_id).subquery()
    with reading(engine) as s:
        rows = s.execute(
            select(ClientRow, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.client_id == ClientRow.id)
            .order_by(func.lower(ClientRow.name), ClientRow.id)
        ).all()
        return [_client(row, n) for row, n in rows]


def _counts_under(s: Session, assessment_ids: Any) -> dict[str, int]:
    respondent_ids = select(RespondentRow.id).where(RespondentRow.assessment_id.in_(assessment_ids))

    def count(model: Any, where: Any) -> int:
        return s.scalar(select(func.count()).select_from(model).where(where)) or 0

    return {
        "assessments": count(AssessmentRow, AssessmentRow.id.in_(assessment_ids)),
        "answer_changes": count(AnswerChangeRow, AnswerChangeRow.assessment_id.in_(assessment_ids)),
        "notes": count(NoteRow, NoteRow.assessment_id.in_(assessment_ids)),
        "respondents": count(RespondentRow, RespondentRow.assessment_id.in_(assessment_ids)),
        "respondent_answers": count(RespondentAnswerRow, RespondentAnswerRow.respondent_id.in_(respondent_ids)),
    }


def delete_client(engine: Engine, client_id: int) -> dict[str, int]:
    """Delete a client and everything it has (cascading in the database). Returns the rows deleted per table.

    On SQLite the write-ahead log is then checkpointed, so with secure_delete the data leaves the disk."""
    with writing(engine) as s:
        _get_client_row(s, client_id)
        counts = {"clients": 1, **_counts_under(s, select(AssessmentRow.id).where(AssessmentRow.client_id == client_id))}
        s.execute(delete(ClientRow).where(ClientRow.id == client_id))
    _checkpoint(engine)
    return counts


# ----------------------------------------------------------------------------------------------
# Assessments


def create_assessment(
    engine: Engine,
    client_id: int,
    title: str,
    law_as_of: dt.date,
    lang: str,
    bank_version: str | None = None,
    answers: Mapping[str, Any] | None = None,
    *,
    company: str = "",
) -> SavedAssessment:
    """Start a draft assessment for a client at version 1. `bank_version` defaults to the current bank's.

    `answers` (optional) are validated against the bank; they are the starting point, not history."""
    title = _name(title, "title")
    values = dict(
        title=title,
        law_as_of=_date(law_as_of),
        lang=_lang(lang),
        bank_version=_name(bank_version if bank_version is not None else _bank_version(), "bank version", limit=32),
        answers=_clean_answers(answers),
        company=_name(company, "company name", allow_empty=True),
    )
    now = _now()
    with writing(engine) as s:
        client = _get_client_row(s, client_id)
        row = AssessmentRow(client_id=client_id, status="draft", version=1, created_at=now, updated_at=now, **values)
        s.add(row)
        s.flush()
        return _assessment(row, client.name)


def get_assessment(engine: Engine, assessment_id: int) -> SavedAssessment:
    """One assessment with its answers and current version; raises NotFound."""
    with reading(engine) as s:
        row = _get_assessment_row(s, assessment_id)
        return _assessment(row, _client_name(s, row.client_id))


def list_assessments(engine: Engine, client_id: int | None = None, *, include_archived: bool = False) -> list[SavedAssessment]:
    """A client's assessments (or, with no client, the whole portfolio): by client name, newest law date first.

    Archived ones are left out unless `include_archived`. Raises NotFound for an unknown client."""
    query = select(AssessmentRow, ClientRow.name).join(ClientRow, ClientRow.id == AssessmentRow.client_id)
    if client_id is not None:
        query = query.where(AssessmentRow.client_id == client_id)
    if not include_archived:
        query = query.where(AssessmentRow.status != "archived")
    query = query.order_by(func.lower(ClientRow.name), ClientRow.id, AssessmentRow.law_as_of.desc(), AssessmentRow.id.desc())
    with reading(engine) as s:
        if client_id is not None:
            _get_client_row(s, client_id)
        return [_assessment(row, name) for row, name in s.execute(query).all()]


def update_assessment(
    engine: Engine,
    assessment_id: int,
    *,
    title: str | None = None,
    law_as_of: dt.date | None = None,
    lang: str | None = None,
    company: str | None = None,
) -> SavedAssessment:
    """Change an assessment's title, law date, language or company name (not its answers or version)."""
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _name(title, "title")
    if law_as_of is not None:
        changes["law_as_of"] = _date(law_as_of)
    if lang is not None:
        changes["lang"] = _lang(lang)
    if company is not None:
        changes["company"] = _name(company, "company name", allow_empty=True)
    with writing(engine) as s:
        row = _get_assessment_row(s, assessment_id)
        for key, value in changes.items():
            setattr(row, key, value)
        if changes:
            row.updated_at = _now()
        s.flush()
        return _assessment(row, _client_name(s, row.client_id))


def set_status(engine: Engine, assessment_id: int, status: Status) -> SavedAssessment:
    """Mark an assessment draft, final or archived. Only drafts take answer changes."""
    status = _status(status)
    with writing(engine) as s:
        row = _get_assessment_row(s, assessment_id)
        if row.status != status:
            row.status, row.updated_at = status, _now()
        s.flush()
        return _assessment(row, _client_name(s, row.client_id))


def archive_assessment(engine: Engine, assessment_id: int) -> SavedAssessment:
    """Archive an assessment: hidden from `list_assessments` unless asked, kept with all its history."""
    return set_status(engine, assessment_id, "archived")


def unarchive_assessment(engine: Engine, assessment_id: int, status: Literal["draft", "final"] = "final") -> SavedAssessment:
    """Bring an archived assessment back, as final (the default: what was delivered) or as a draft."""
    if status not in ("draft", "final"):
        raise StoreError(f"an assessment comes out of the archive as draft or final, not {status!r}")
    return set_status(engine, assessment_id, status)


def delete_assessment(engine: Engine, assessment_id: int) -> dict[str, int]:
    """Delete an assessment with its history, notes and workshop answers. Returns the rows deleted per table."""
    with writing(engine) as s:
        _get_assessment_row(s, assessment_id)
        counts = _counts_under(s, select(AssessmentRow.id).where(AssessmentRow.id == assessment_id))
        s.execute(delete(AssessmentRow).where(AssessmentRow.id == assessment_id))
    _checkpoint(engine)
    return counts


def duplicate_assessment(
    engine: Engine, assessment_id: int, new_title: str, *, law_as_of: dt.date | None = None
) -> SavedAssessment:
    """Copy an assessment (say, last year's) into a new draft at version 1: same client, answers and notes.

    The copy has no history and no workshop respondents. `law_as_of` defaults to the original's."""
    title = _name(new_title, "title")
    day = _date(law_as_of) if law_as_of is not None else None
    now = _now()
    with writing(engine) as s:
        src = _get_assessment_row(s, assessment_id)
        row = AssessmentRow(
            client_id=src.client_id,
            title=title,
            law_as_of=day or src.law_as_of,
            lang=src.lang,
            bank_version=src.bank_version,
            status="draft",
            version=1,
            answers=dict(src.answers or {}),
            company=src.company,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        for note in s.scalars(select(NoteRow).where(NoteRow.assessment_id == assessment_id)):
            s.add(NoteRow(assessment_id=row.id, question_id=note.question_id, text=note.text, author=note.author, updated_at=now))
        s.flush()
        return _assessment(row, _client_name(s, row.client_id))


def answer_differences(engine: Engine, first_id: int, second_id: int) -> dict[str, tuple[Any, Any]]:
    """The questions whose answers differ between two assessments: {question_id: (first's, second's)}, bank order.

    None stands for "not answered"; question ids no longer in the bank come last."""
    with reading(engine) as s:
        first = dict(_get_assessment_row(s, first_id).answers or {})
        second = dict(_get_assessment_row(s, second_id).answers or {})
    order = {qid: i for i, qid in enumerate(_bank_questions())}
    keys = sorted(set(first) | set(second), key=lambda q: (order.get(q, len(order)), q))
    return {q: (first.get(q), second.get(q)) for q in keys if first.get(q) != second.get(q)}


# ----------------------------------------------------------------------------------------------
# Answers, with optimistic locking and history


def _apply(s: Session, assessment_id: int, values: Mapping[str, Any], *, expected_version: int, author: str) -> int:
    """Write `values` (already validated) on top of `expected_version`; returns the new version."""
    row = s.execute(
        select(AssessmentRow.version, AssessmentRow.status, AssessmentRow.answers).where(AssessmentRow.id == assessment_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"no assessment with id {assessment_id}")
    if row.version != expected_version:
        raise ConflictError(assessment_id, expected_version, row.version)
    if row.status != EDITABLE:
        raise StoreError(f"assessment {assessment_id} is {row.status}; reopen it as a draft to change its answers")
    answers = dict(row.answers or {})
    changed = []
    for qid, value in values.items():
        old = answers.get(qid)
        if old == value:
            continue
        changed.append((qid, old, value))
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
    if not changed:
        return expected_version
    new_version = expected_version + 1
    now = _now()
    # The guard that makes this safe across threads, processes and replicas: the row changes only if
    # nobody bumped its version since it was read. PostgreSQL re-checks the WHERE after waiting for a
    # concurrent writer's row lock; SQLite runs one BEGIN IMMEDIATE writer at a time.
    result = s.execute(
        update(AssessmentRow)
        .where(AssessmentRow.id == assessment_id, AssessmentRow.version == expected_version)
        .values(answers=answers, version=new_version, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current = s.scalar(select(AssessmentRow.version).where(AssessmentRow.id == assessment_id))
        raise ConflictError(assessment_id, expected_version, current)
    s.add_all(
        AnswerChangeRow(
            assessment_id=assessment_id,
            question_id=qid,
            old_value=old,
            new_value=new,
            version=new_version,
            author=author,
            changed_at=now,
        )
        for qid, old, new in changed
    )
    return new_version


def set_answer(engine: Engine, assessment_id: int, question_id: str, value: Any, *, expected_version: int, author: str) -> int:
    """Set (or, with None, clear) one answer of a draft; returns the new version.

    `value` is validated against the bank. Raises ConflictError if the assessment is no longer at
    `expected_version` (nothing is written), NotFound, or StoreError. Setting the value it already
    has changes nothing and returns `expected_version`."""
    return set_answers(engine, assessment_id, {question_id: value}, expected_version=expected_version, author=author)


def set_answers(engine: Engine, assessment_id: int, values: Mapping[str, Any], *, expected_version: int, author: str) -> int:
    """Set several answers at once (None clears one): one transaction, one version bump, one history row each."""
    if not isinstance(values, Mapping):
        raise StoreError("answers must be a mapping of question id to value")
    clean = {qid: _clean_value(_question(qid), value) for qid, value in values.items()}
    author = _author(author)
    with writing(engine) as s:
        return _apply(s, assessment_id, clean, expected_version=expected_version, author=author)


def history(
    engine: Engine, assessment_id: int, question_id: str | None = None, *, limit: int | None = None
) -> list[AnswerChange]:
    """An assessment's answer changes, newest first; only one question's with `question_id`."""
    query = select(AnswerChangeRow).where(AnswerChangeRow.assessment_id == assessment_id)
    if question_id is not None:
        query = query.where(AnswerChangeRow.question_id == question_id)
    query = query.order_by(AnswerChangeRow.version.desc(), AnswerChangeRow.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with reading(engine) as s:
        _get_assessment_row(s, assessment_id)
        return [_change(row) for row in s.scalars(query)]


def restore_answer(
    engine: Engine, change_id: int, *, expected_version: int, author: str, use: Literal["old", "new"] = "old"
) -> int:
    """Set an answer back from its history; returns the new version (a new history row records the restore).

    `use="old"` (the default) undoes that change: the answer gets the value it had just before it.
    `use="new"` re-applies it: the answer gets the value that change set. Either may be None (cleared).
    The value is checked against the current bank. Raises ConflictError, NotFound or StoreError."""
    if use not in ("old", "new"):
        raise StoreError(f"restore uses the change's 'old' or 'new' value, not {use!r}")
    author = _author(author)
    with writing(engine) as s:
        change = s.get(AnswerChangeRow, change_id)
        if change is None:
            raise NotFound(f"no answer change with id {change_id}")
        value = change.old_value if use == "old" else change.new_value
        clean = _clean_value(_question(change.question_id), value)
        return _apply(s, change.assessment_id, {change.question_id: clean}, expected_version=expected_version, author=author)


# ----------------------------------------------------------------------------------------------
# Notes


def set_note(engine: Engine, assessment_id: int, question_id: str, text: str, *, author: str) -> Note:
    """Write the note on a question (replacing any); empty text deletes it and returns a note with empty text."""
    _question(question_id)
    if not isinstance(text, str):
        raise StoreError("a note must be text")
    text = text.strip()
    if len(text) > NOTE_MAX:
        raise StoreError(f"the note is {len(text)} characters; the limit is {NOTE_MAX}")
    author = _author(author)
    now = _now()
    with writing(engine) as s:
        _get_assessment_row(s, assessment_id)
        if not text:
            s.execute(delete(NoteRow).where(NoteRow.assessment_id == assessment_id, NoteRow.question_id == question_id))
            return Note(assessment_id, question_id, "", author, now)
        insert = _insert(s)(NoteRow).values(
            assessment_id=assessment_id, question_id=question_id, text=text, author=author, updated_at=now
        )
        s.execute(
            insert.on_conflict_do_update(
                index_elements=["assessment_id", "question_id"], set_={"text": text, "author": author, "updated_at": now}
            )
        )
        return Note(assessment_id, question_id, text, author, now)


def get_notes(engine: Engine, assessment_id: int) -> dict[str, Note]:
    """An assessment's notes by question id, in bank order."""
    with reading(engine) as s:
        _get_assessment_row(s, assessment_id)
        rows = list(s.scalars(select(NoteRow).where(NoteRow.assessment_id == assessment_id)))
    order = {qid: i for i, qid in enumerate(_bank_questions())}
    rows.sort(key=lambda r: (order.get(r.question_id, len(order)), r.question_id))
    return {r.question_id: _note(r) for r in rows}


def delete_note(engine: Engine, assessment_id: int, question_id: str) -> bool:
    """Delete the note on a question; False if there was none."""
    with writing(engine) as s:
        result = s.execute(delete(NoteRow).where(NoteRow.assessment_id == assessment_id, NoteRow.question_id == question_id))
        return result.rowcount > 0


# ----------------------------------------------------------------------------------------------
# Workshops: respondents and their answers


def add_respondent(engine: Engine, assessment_id: int, name: str, role: str = "") -> Respondent:
    """Add a workshop respondent; names are unique within an assessment."""
    name, role = _name(name, "respondent's name"), _name(role, "respondent's role", allow_empty=True)
    try:
        with writing(engine) as s:
            _get_assessment_row(s, assessment_id)
            taken = s.scalar(
                select(RespondentRow.id).where(RespondentRow.assessment_id == assessment_id, RespondentRow.name == name)
            )
            if taken is not None:
                raise StoreError(f"this assessment already has a respondent named '{name}'")
            row = RespondentRow(assessment_id=assessment_id, name=name, role=role)
            s.add(row)
            s.flush()
            return _respondent(row)
    except IntegrityError:
        raise StoreError(f"this assessment already has a respondent named '{name}'") from None


def rename_respondent(engine: Engine, respondent_id: int, name: str, role: str | None = None) -> Respondent:
    """Change a respondent's name (and, if given, role)."""
    name = _name(name, "respondent's name")
    role = _name(role, "respondent's role", allow_empty=True) if role is not None else None
    try:
        with writing(engine) as s:
            row = s.get(RespondentRow, respondent_id)
            if row is None:
                raise NotFound(f"no respondent with id {respondent_id}")
            taken = s.scalar(
                select(RespondentRow.id).where(
                    RespondentRow.assessment_id == row.assessment_id,
                    RespondentRow.name == name,
                    RespondentRow.id != respondent_id,
                )
            )
            if taken is not None:
                raise StoreError(f"this assessment already has a respondent named '{name}'")
            row.name = name
            if role is not None:
                row.role = role
            s.flush()
            return _respondent(row)
    except IntegrityError:
        raise StoreError(f"this assessment already has a respondent named '{name}'") from None


def remove_respondent(engine: Engine, respondent_id: int) -> None:
    """Remove a respondent and their answers; raises NotFound."""
    with writing(engine) as s:
        if s.execute(delete(RespondentRow).where(RespondentRow.id == respondent_id)).rowcount == 0:
            raise NotFound(f"no respondent with id {respondent_id}")


def list_respondents(engine: Engine, assessment_id: int) -> list[Respondent]:
    """An assessment's respondents, in the order they were added."""
    with reading(engine) as s:
        _get_assessment_row(s, assessment_id)
        rows = s.scalars(select(RespondentRow).where(RespondentRow.assessment_id == assessment_id).order_by(RespondentRow.id))
        return [_respondent(r) for r in rows]


def set_respondent_answer(engine: Engine, respondent_id: int, question_id: str, value: Any) -> None:
    """Record one respondent's answer (None clears it). Validated like the agreed answers; drafts only."""
    question = _question(question_id)
    clean = _clean_value(question, value)
    now = _now()
    with writing(engine) as s:
        respondent = s.get(RespondentRow, respondent_id)
        if respondent is None:
            raise NotFound(f"no respondent with id {respondent_id}")
        status = s.scalar(select(AssessmentRow.status).where(AssessmentRow.id == respondent.assessment_id))
        if status != EDITABLE:
            raise StoreError(f"assessment {respondent.assessment_id} is {status}; reopen it as a draft to change its answers")
        where = (RespondentAnswerRow.respondent_id == respondent_id, RespondentAnswerRow.question_id == question_id)
        if clean is None:
            s.execute(delete(RespondentAnswerRow).where(*where))
            return
        insert = _insert(s)(RespondentAnswerRow).values(
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
        _get_assessment_row(s, assessment_id)
        rows = s.execute(
            select(RespondentAnswerRow.question_id, RespondentRow.name, RespondentAnswerRow.value)
            .join(RespondentRow, RespondentRow.id == RespondentAnswerRow.respondent_id)
            .where(RespondentRow.assessment_id == assessment_id)
            .order_by(RespondentRow.id)
        ).all()
    order = {qid: i for i, qid in enumerate(_bank_questions())}
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


# ----------------------------------------------------------------------------------------------
# Settings: branding


def _put_setting(s: Session, key: str, *, text: str | None = None, data: bytes | None = None) -> None:
    now = _now()
    insert = _insert(s)(SettingRow).values(key=key, text=text, data=data, updated_at=now)
    s.execute(insert.on_conflict_do_update(index_elements=["key"], set_={"text": text, "data": data, "updated_at": now}))


def get_branding(engine: Engine) -> Branding:
    """The consultancy's name and logo for report covers (empty when not set)."""
    with reading(engine) as s:
        rows = {r.key: r for r in s.scalars(select(SettingRow).where(SettingRow.key.in_((BRANDING_NAME, BRANDING_LOGO))))}
    name = rows[BRANDING_NAME].text if BRANDING_NAME in rows else None
    logo = rows[BRANDING_LOGO].data if BRANDING_LOGO in rows else None
    return Branding(name or "", bytes(logo) if logo else None)


def set_branding(engine: Engine, name: str, logo: bytes | None) -> Branding:
    """Set the consultancy's name and logo (PNG or JPEG, at most 5 MB; None removes it)."""
    name = _name(name, "consultancy name", allow_empty=True)
    if logo is not None:
        if not isinstance(logo, bytes | bytearray | memoryview):
            raise StoreError("the logo must be the bytes of a PNG or JPEG image")
        logo = bytes(logo)
        if len(logo) > LOGO_MAX_BYTES:
            raise StoreError(f"the logo is {len(logo):,} bytes; the limit is {LOGO_MAX_BYTES:,} bytes (5 MB)")
        if not (logo.startswith(b"\x89PNG\r\n\x1a\n") or logo.startswith(b"\xff\xd8\xff")):
            raise StoreError("the logo must be a PNG or JPEG image")
    with writing(engine) as s:
        _put_setting(s, BRANDING_NAME, text=name)
        _put_setting(s, BRANDING_LOGO, data=logo or None)
    return Branding(name, logo or None)
