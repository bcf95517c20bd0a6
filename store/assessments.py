"""Assessments, their answers with optimistic locking, and the answer history.

Answers are edited with optimistic locking. An assessment has a `version`, starting at 1, that each
change of its answers bumps by one; each change also writes one `answer_changes` row per question,
carrying the version it produced. So, for every assessment, the versions found in its history are
exactly 2..version. An edit states the version it was based on (`expected_version`); the write is a
conditional UPDATE ... WHERE version = :expected, so of two people saving on top of the same version,
one succeeds and the other gets ConflictError and nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.clients import counts_under
from store.db import reading, writing
from store.errors import ConflictError, NotFound, StoreError
from store.models import AnswerChangeRow, AssessmentRow, ClientRow, NoteRow
from store.records import (
    EDITABLE,
    AnswerChange,
    SavedAssessment,
    Status,
    assessment_record,
    assessment_row,
    bank_question,
    change_record,
    checkpoint,
    clean_answers,
    clean_author,
    clean_date,
    clean_lang,
    clean_name,
    clean_status,
    clean_value,
    client_name,
    client_row,
    current_bank_version,
    differences,
    utc_now,
)


def create_assessment(
    engine: Engine,
    client_id: int,
    title: str,
    law_as_of: dt.date,
    lang: str,
    bank_version: str | None = None,
    answers: Mapping[str, Any] | None = None,
    *,
    company: str | None = None,
) -> SavedAssessment:
    """Start a draft assessment for a client at version 1. `bank_version` defaults to the current bank's.

    `answers` (optional) are validated against the bank; they are the starting point, not history.
    `company` defaults to the client's name."""
    title = clean_name(title, "title")
    values = dict(
        title=title,
        law_as_of=clean_date(law_as_of),
        lang=clean_lang(lang),
        bank_version=clean_name(bank_version if bank_version is not None else current_bank_version(), "bank version", limit=32),
        answers=clean_answers(answers),
    )
    named = clean_name(company, "company name", allow_empty=True) if company is not None else None
    now = utc_now()
    with writing(engine) as s:
        client = client_row(s, client_id)
        values["company"] = client.name if named is None else named
        row = AssessmentRow(client_id=client_id, status="draft", version=1, created_at=now, updated_at=now, **values)
        s.add(row)
        s.flush()
        return assessment_record(row, client.name)


def get_assessment(engine: Engine, assessment_id: int) -> SavedAssessment:
    """One assessment with its answers and current version; raises NotFound."""
    with reading(engine) as s:
        row = assessment_row(s, assessment_id)
        return assessment_record(row, client_name(s, row.client_id))


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
            client_row(s, client_id)
        return [assessment_record(row, name) for row, name in s.execute(query).all()]


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
        changes["title"] = clean_name(title, "title")
    if law_as_of is not None:
        changes["law_as_of"] = clean_date(law_as_of)
    if lang is not None:
        changes["lang"] = clean_lang(lang)
    if company is not None:
        changes["company"] = clean_name(company, "company name", allow_empty=True)
    with writing(engine) as s:
        row = assessment_row(s, assessment_id)
        for key, value in changes.items():
            setattr(row, key, value)
        if changes:
            row.updated_at = utc_now()
        s.flush()
        return assessment_record(row, client_name(s, row.client_id))


def set_status(engine: Engine, assessment_id: int, status: Status) -> SavedAssessment:
    """Mark an assessment draft, final or archived. Only drafts take answer changes."""
    status = clean_status(status)
    with writing(engine) as s:
        row = assessment_row(s, assessment_id)
        if row.status != status:
            row.status, row.updated_at = status, utc_now()
        s.flush()
        return assessment_record(row, client_name(s, row.client_id))


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
        assessment_row(s, assessment_id)
        counts = counts_under(s, select(AssessmentRow.id).where(AssessmentRow.id == assessment_id))
        s.execute(delete(AssessmentRow).where(AssessmentRow.id == assessment_id))
    checkpoint(engine)
    return counts


def duplicate_assessment(
    engine: Engine, assessment_id: int, new_title: str, *, law_as_of: dt.date | None = None
) -> SavedAssessment:
    """Copy an assessment (say, last year's) into a new draft at version 1: same client, answers and notes.

    The copy has no history and no workshop respondents. `law_as_of` defaults to the original's."""
    title = clean_name(new_title, "title")
    day = clean_date(law_as_of) if law_as_of is not None else None
    now = utc_now()
    with writing(engine) as s:
        src = assessment_row(s, assessment_id)
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
        return assessment_record(row, client_name(s, row.client_id))


def answer_differences(engine: Engine, first_id: int, second_id: int) -> dict[str, tuple[Any, Any]]:
    """The questions whose answers differ between two assessments: {question_id: (first's, second's)}, bank order.

    None stands for "not answered"; question ids no longer in the bank come last."""
    with reading(engine) as s:
        first = dict(assessment_row(s, first_id).answers or {})
        second = dict(assessment_row(s, second_id).answers or {})
    return differences(first, second)


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
    now = utc_now()
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
    clean = {qid: clean_value(bank_question(qid), value) for qid, value in values.items()}
    author = clean_author(author)
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
        assessment_row(s, assessment_id)
        return [change_record(row) for row in s.scalars(query)]


def restore_answer(
    engine: Engine, change_id: int, *, expected_version: int, author: str, use: Literal["old", "new"] = "old"
) -> int:
    """Set an answer back from its history; returns the new version (a new history row records the restore).

    `use="old"` (the default) undoes that change: the answer gets the value it had just before it.
    `use="new"` re-applies it: the answer gets the value that change set. Either may be None (cleared).
    The value is checked against the current bank. Raises ConflictError, NotFound or StoreError."""
    if use not in ("old", "new"):
        raise StoreError(f"restore uses the change's 'old' or 'new' value, not {use!r}")
    author = clean_author(author)
    with writing(engine) as s:
        change = s.get(AnswerChangeRow, change_id)
        if change is None:
            raise NotFound(f"no answer change with id {change_id}")
        value = change.old_value if use == "old" else change.new_value
        clean = clean_value(bank_question(change.question_id), value)
        return _apply(s, change.assessment_id, {change.question_id: clean}, expected_version=expected_version, author=author)
