"""Notes: one consultant's note per question of an assessment, versioned with it (see store/assessments.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from store.assessments import write_changes
from store.db import reading, writing
from store.models import NoteRow
from store.records import (
    Note,
    Target,
    assessment_row,
    bank_question,
    bank_questions,
    check_target,
    clean_author,
    clean_note,
    note_record,
)


def set_note(engine: Engine, target: Target, question_id: str, text: str, *, expected_version: int, author: str) -> int:
    """Write the note on a question (replacing any; empty text deletes it) on top of `expected_version`.

    A changed note bumps the assessment's version and is a history row; returns the new version (the same
    one if the note already said that). Raises ConflictError, NotFound or StoreError (nothing written)."""
    bank_question(question_id)
    check_target(target)
    text = clean_note(text)
    author = clean_author(author)
    with writing(engine) as s:
        return write_changes(s, target, expected_version=expected_version, author=author, notes={question_id: text})


def delete_note(engine: Engine, target: Target, question_id: str, *, expected_version: int, author: str) -> int:
    """Delete the note on a question (a versioned change, as `set_note` with empty text); returns the version."""
    return set_note(engine, target, question_id, "", expected_version=expected_version, author=author)


def get_notes(engine: Engine, assessment_id: int) -> dict[str, Note]:
    """An assessment's notes by question id, in bank order."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        rows = list(s.scalars(select(NoteRow).where(NoteRow.assessment_id == assessment_id)))
    order = {qid: i for i, qid in enumerate(bank_questions())}
    rows.sort(key=lambda r: (order.get(r.question_id, len(order)), r.question_id))
    return {r.question_id: note_record(r) for r in rows}
