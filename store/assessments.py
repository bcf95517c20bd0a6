"""Assessments: their answers, details and notes with optimistic locking, and their history.

Every write to an assessment names it (`target`: its id and the client it was read under) and the
version it was read at (`expected_version`). An assessment has a `version`, starting at 1; every change
of its answers, of its details (title, law date, language, company, status) or of its notes bumps it by
one and writes one `answer_changes` row per thing changed, carrying the version it made and its `kind`
("answer", "detail" or "note"). So, for every assessment, the versions found in its history are exactly
2..version. The write is a conditional UPDATE ... WHERE id = :id AND client_id = :client AND version =
:expected: of two people saving on top of the same version one succeeds and the other gets ConflictError;
a write to an assessment that was deleted, or whose id now names another client's record, gets NotFound.
Either way nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from scoring.errors import Term
from store.clients import counts_under
from store.db import reading, writing
from store.errors import ConflictError, NotFound, StoreError
from store.models import DETAILS, AnswerChangeRow, AssessmentRow, ClientRow, NoteRow
from store.records import (
    EDITABLE,
    AnswerChange,
    Deleted,
    SavedAssessment,
    Status,
    Target,
    assessment_record,
    assessment_row,
    bank_question,
    change_record,
    changed_rows,
    check_target,
    check_unsigned,
    checkpoint,
    clean_answers,
    clean_author,
    clean_date,
    clean_lang,
    clean_name,
    clean_note,
    clean_source,
    clean_status,
    clean_value,
    client_name,
    client_row,
    current_bank_version,
    current_rules_version,
    differences,
    target_row,
    upsert_insert,
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
    title = clean_name(title, "field_title")
    values = dict(
        title=title,
        law_as_of=clean_date(law_as_of),
        lang=clean_lang(lang),
        bank_version=clean_name(
            bank_version if bank_version is not None else current_bank_version(), "field_bank_version", limit=32
        ),
        answers=clean_answers(answers),
    )
    named = clean_name(company, "field_company", allow_empty=True) if company is not None else None
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


# ----------------------------------------------------------------------------------------------
# The one way an existing assessment changes: versioned, with history


def _stored(field: str, value: Any) -> Any:
    """A detail as the history keeps it (JSON): dates as YYYY-MM-DD."""
    return value.isoformat() if isinstance(value, dt.date) else value


def write_changes(
    s: Session,
    target: Target,
    *,
    expected_version: int,
    author: str,
    answers: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    notes: Mapping[str, str] | None = None,
    source: Mapping[str, Any] | None = None,
) -> int:
    """Apply already-validated changes to the assessment `target` on top of `expected_version`, in the
        session's transaction: one version bump and one history row per thing that really changes (an empty
        note text deletes the note). `source` says where an answer came from ({question id: {"workshop":
    {respondent: answer}}}), kept on its history row. Returns the new version, or `expected_version` if
    nothing changed.

        Raises NotFound (deleted, or no longer the client's), ConflictError (changed since it was read) or
        StoreError (answers to an assessment that is not a draft). Nothing is written then."""
    row = target_row(s, target)
    assessment_id, client_id = row.id, row.client_id
    if row.version != expected_version:
        raise ConflictError(assessment_id, expected_version, row.version)
    if row.signed_at is not None and (
        answers or notes or set(details or {}) - {"status"} or (details or {}).get("status") == EDITABLE
    ):
        check_unsigned(row)  # signed off: only archiving it (and bringing it back, final) is still a change
    changes: list[tuple[str, str, Any, Any]] = []
    stored_answers = dict(row.answers or {})
    if answers:
        if row.status != EDITABLE:
            raise StoreError(key="store_not_editable", id=assessment_id, status=Term(f"status_{row.status}"))
        for qid, value in answers.items():
            old = stored_answers.get(qid)
            if old == value:
                continue
            changes.append(("answer", qid, old, value))
            if value is None:
                stored_answers.pop(qid, None)
            else:
                stored_answers[qid] = value
    fields: dict[str, Any] = {}
    for field, value in (details or {}).items():
        if field not in DETAILS:
            raise StoreError(key="store_unknown_detail", name=field)
        old = getattr(row, field)
        if old == value:
            continue
        changes.append(("detail", field, _stored(field, old), _stored(field, value)))
        fields[field] = value
    note_writes: dict[str, str | None] = {}
    if notes:
        existing = {
            n.question_id: n.text
            for n in s.scalars(
                select(NoteRow).where(NoteRow.assessment_id == assessment_id, NoteRow.question_id.in_(list(notes)))
            )
        }
        for qid, given in notes.items():
            old_text, new_text = existing.get(qid), given or None
            if old_text == new_text:
                continue
            changes.append(("note", qid, old_text, new_text))
            note_writes[qid] = new_text
    if not changes:
        return expected_version

    new_version = expected_version + 1
    now = utc_now()
    rules = current_rules_version()
    values: dict[str, Any] = {"version": new_version, "updated_at": now, **fields}
    if "signed_by" in fields:
        values["signed_at"] = now  # a sign-off (store/signoff.py): the reviewer and the moment together
    if any(kind == "answer" for kind, *_ in changes):
        values["answers"] = stored_answers
    # The guard that makes this safe across threads, processes and replicas: the row changes only if it is
    # still this client's and nobody bumped its version since it was read. PostgreSQL re-checks the WHERE
    # after waiting for a concurrent writer's row lock; SQLite runs one BEGIN IMMEDIATE writer at a time.
    result = s.execute(
        update(AssessmentRow)
        .where(AssessmentRow.id == assessment_id, AssessmentRow.client_id == client_id, AssessmentRow.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        current = s.scalar(select(AssessmentRow.version).where(AssessmentRow.id == assessment_id))
        raise ConflictError(assessment_id, expected_version, current)
    for qid, text in note_writes.items():
        where = (NoteRow.assessment_id == assessment_id, NoteRow.question_id == qid)
        if text is None:
            s.execute(delete(NoteRow).where(*where))
            continue
        insert = upsert_insert(s)(NoteRow).values(
            assessment_id=assessment_id, question_id=qid, text=text, author=author, updated_at=now
        )
        s.execute(
            insert.on_conflict_do_update(
                index_elements=["assessment_id", "question_id"], set_={"text": text, "author": author, "updated_at": now}
            )
        )
    s.add_all(
        AnswerChangeRow(
            assessment_id=assessment_id,
            kind=kind,
            question_id=key,
            old_value=old,
            new_value=new,
            version=new_version,
            author=author,
            changed_at=now,
            source=(source or {}).get(key) if kind == "answer" else None,
            rules_version=rules,
        )
        for kind, key, old, new in changes
    )
    s.flush()
    s.expire(row)
    return new_version


def _saved(s: Session, assessment_id: int) -> SavedAssessment:
    row = assessment_row(s, assessment_id)
    s.refresh(row)
    return assessment_record(row, client_name(s, row.client_id))


def update_assessment(
    engine: Engine,
    target: Target,
    *,
    expected_version: int,
    author: str,
    title: str | None = None,
    law_as_of: dt.date | None = None,
    lang: str | None = None,
    company: str | None = None,
    summary: str | None = None,
    scope: str | None = None,
) -> SavedAssessment:
    """Change an assessment's title, law date, language, company name, or the consultant's executive summary
    and scope for the report (multi-line text, checked as a note is), on top of `expected_version`.

    Only the fields given that differ from what is stored are changed; each is a history row, and the
    version goes up by one. Raises ConflictError, NotFound or StoreError (nothing written)."""
    details: dict[str, Any] = {}
    if title is not None:
        details["title"] = clean_name(title, "field_title")
    if law_as_of is not None:
        details["law_as_of"] = clean_date(law_as_of)
    if lang is not None:
        details["lang"] = clean_lang(lang)
    if company is not None:
        details["company"] = clean_name(company, "field_company", allow_empty=True)
    for field, text in (("summary", summary), ("scope", scope)):
        if text is not None:
            details[field] = clean_note(text)
    author = clean_author(author)
    with writing(engine) as s:
        write_changes(s, target, expected_version=expected_version, author=author, details=details)
        return _saved(s, target.id)


def set_status(engine: Engine, target: Target, status: Status, *, expected_version: int, author: str) -> SavedAssessment:
    """Mark an assessment draft, final or archived (a versioned change, in the history). Only drafts take answer changes."""
    status = clean_status(status)  # type: ignore[assignment]
    author = clean_author(author)
    with writing(engine) as s:
        write_changes(s, target, expected_version=expected_version, author=author, details={"status": status})
        return _saved(s, target.id)


def archive_assessment(engine: Engine, target: Target, *, expected_version: int, author: str) -> SavedAssessment:
    """Archive an assessment: hidden from `list_assessments` unless asked, kept with all its history."""
    return set_status(engine, target, "archived", expected_version=expected_version, author=author)


def unarchive_assessment(
    engine: Engine, target: Target, status: Literal["draft", "final"] = "final", *, expected_version: int, author: str
) -> SavedAssessment:
    """Bring an archived assessment back, as final (the default: what was delivered) or as a draft."""
    if status not in ("draft", "final"):
        raise StoreError(key="store_unarchive_status", value=str(status)[:20])
    return set_status(engine, target, status, expected_version=expected_version, author=author)


def delete_assessment(engine: Engine, target: Target, *, expected_version: int) -> Deleted:
    """Delete an assessment with its history, notes and workshop answers, if it is still at `expected_version`
    (a deletion decided on what someone saw). Returns the rows deleted per table. Owners only, as deleting a
    client: what cannot be undone is not a consultant's to do (they archive)."""
    with writing(engine, need="manage") as s:
        row = target_row(s, target)
        if row.version != expected_version:
            raise ConflictError(row.id, expected_version, row.version)
        counts = Deleted(counts_under(s, select(AssessmentRow.id).where(AssessmentRow.id == row.id)))
        s.execute(delete(AssessmentRow).where(AssessmentRow.id == row.id, AssessmentRow.version == expected_version))
    counts.complete = checkpoint(engine)
    return counts


def duplicate_assessment(engine: Engine, target: Target, new_title: str, *, law_as_of: dt.date | None = None) -> SavedAssessment:
    """Copy an assessment (say, last year's) into a new draft at version 1: same client, answers and notes.

    The copy has no history and no workshop respondents. `law_as_of` defaults to the original's."""
    title = clean_name(new_title, "field_title")
    day = clean_date(law_as_of) if law_as_of is not None else None
    with writing(engine) as s:
        row = copy_as_draft(s, target_row(s, target), title, day, utc_now())
        return assessment_record(row, client_name(s, row.client_id))


def copy_as_draft(s: Session, src: AssessmentRow, title: str, law_as_of: dt.date | None, now: dt.datetime) -> AssessmentRow:
    """A new draft at version 1 in the session: `src`'s client, answers and notes, under `title`, as of
    `law_as_of` (None: `src`'s law date)."""
    row = AssessmentRow(
        client_id=src.client_id,
        title=title,
        law_as_of=law_as_of or src.law_as_of,
        lang=src.lang,
        bank_version=src.bank_version,
        status="draft",
        version=1,
        answers=dict(src.answers or {}),
        company=src.company,
        summary=src.summary,
        scope=src.scope,
        created_at=now,
        updated_at=now,
    )
    s.add(row)
    s.flush()
    for note in s.scalars(select(NoteRow).where(NoteRow.assessment_id == src.id)):
        s.add(NoteRow(assessment_id=row.id, question_id=note.question_id, text=note.text, author=note.author, updated_at=now))
    s.flush()
    return row


def answer_differences(engine: Engine, first_id: int, second_id: int) -> dict[str, tuple[Any, Any]]:
    """The questions whose answers differ between two assessments: {question_id: (first's, second's)}, bank order.

    None stands for "not answered"; question ids no longer in the bank come last."""
    with reading(engine) as s:
        first = dict(assessment_row(s, first_id).answers or {})
        second = dict(assessment_row(s, second_id).answers or {})
    return differences(first, second)


# ----------------------------------------------------------------------------------------------
# Answers, and the history


def set_answer(
    engine: Engine,
    target: Target,
    question_id: str,
    value: Any,
    *,
    expected_version: int,
    author: str,
    source: Mapping[str, Any] | None = None,
) -> int:
    """Set (or, with None, clear) one answer of a draft; returns the new version.

    `value` is validated against the bank. Raises ConflictError if the assessment is no longer at
    `expected_version`, NotFound if it is gone or no longer the client's, or StoreError; nothing is
    written then. Setting the value it already has changes nothing and returns `expected_version`.
    `source` (as in `set_answers`) says where it came from."""
    return set_answers(engine, target, {question_id: value}, expected_version=expected_version, author=author, source=source)


def set_answers(
    engine: Engine,
    target: Target,
    values: Mapping[str, Any],
    *,
    expected_version: int,
    author: str,
    source: Mapping[str, Any] | None = None,
) -> int:
    """Set several answers at once (None clears one): one transaction, one version bump, one history row each.
    `source` says where answers came from, by question id: {"workshop": {respondent: their answer}} for an
    answer agreed in a workshop, kept on its history row."""
    if not isinstance(values, Mapping) or not isinstance(source or {}, Mapping):
        raise StoreError(key="store_answers_not_mapping")
    check_target(target)
    clean = {qid: clean_value(bank_question(qid), value) for qid, value in values.items()}
    author = clean_author(author)
    kept = {qid: clean_source(bank_question(qid), how) for qid, how in (source or {}).items() if qid in clean}
    with writing(engine) as s:
        return write_changes(s, target, expected_version=expected_version, author=author, answers=clean, source=kept)


def history(
    engine: Engine, assessment_id: int, question_id: str | None = None, *, limit: int | None = None
) -> list[AnswerChange]:
    """An assessment's changes (answers, details, notes), newest first; only one question's with `question_id`."""
    query = select(AnswerChangeRow).where(AnswerChangeRow.assessment_id == assessment_id)
    if question_id is not None:
        query = query.where(AnswerChangeRow.question_id == question_id)
    query = query.order_by(AnswerChangeRow.version.desc(), AnswerChangeRow.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        return [change_record(row) for row in s.scalars(query)]


def _restored_detail(field: str, value: Any) -> Any:
    if field == "title":
        return clean_name(value, "field_title")
    if field == "company":
        return clean_name(value or "", "field_company", allow_empty=True)
    if field == "lang":
        return clean_lang(value)
    if field == "status":
        return clean_status(value)
    if field in ("summary", "scope"):
        return clean_note(value or "")
    if field == "law_as_of":
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        except ValueError:
            day = value
        return clean_date(day)
    raise StoreError(key="store_unknown_detail", name=str(field)[:40])


def restore_answer(
    engine: Engine,
    target: Target,
    change_id: int,
    *,
    expected_version: int,
    author: str,
    use: Literal["old", "new"] = "old",
) -> int:
    """Set something back from the history (an answer, a detail or a note); returns the new version (a new
    history row records the restore).

    `use="old"` (the default) undoes that change: it gets the value it had just before it. `use="new"`
    re-applies it. Either may be None (cleared). An answer is checked against the current bank. Raises
    ConflictError, NotFound (also for a change of another assessment) or StoreError."""
    if use not in ("old", "new"):
        raise StoreError(key="store_restore_use", value=str(use)[:20])
    assessment_id, _ = check_target(target)
    author = clean_author(author)
    with writing(engine) as s:
        change = s.get(AnswerChangeRow, change_id)
        if change is None or change.assessment_id != assessment_id:
            raise NotFound(key="store_no_change", id=change_id)
        value = change.old_value if use == "old" else change.new_value
        kind, key = change.kind or "answer", change.question_id
        if kind == "detail":
            return write_changes(
                s, target, expected_version=expected_version, author=author, details={key: _restored_detail(key, value)}
            )
        if kind == "note":
            return write_changes(
                s, target, expected_version=expected_version, author=author, notes={key: clean_note(value or "")}
            )
        clean = clean_value(bank_question(key), value)
        return write_changes(s, target, expected_version=expected_version, author=author, answers={key: clean})
