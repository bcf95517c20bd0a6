"""Notes: one consultant's note per question of an assessment."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from store.db import reading, writing
from store.errors import StoreError
from store.models import NoteRow
from store.records import (
    NOTE_MAX,
    Note,
    assessment_row,
    bank_question,
    bank_questions,
    clean_author,
    note_record,
    upsert_insert,
    utc_now,
)


def set_note(engine: Engine, assessment_id: int, question_id: str, text: str, *, author: str) -> Note:
    """Write the note on a question (replacing any); empty text deletes it and returns a note with empty text."""
    bank_question(question_id)
    if not isinstance(text, str):
        raise StoreError("a note must be text")
    text = text.strip()
    if len(text) > NOTE_MAX:
        raise StoreError(f"the note is {len(text)} characters; the limit is {NOTE_MAX}")
    author = clean_author(author)
    now = utc_now()
    with writing(engine) as s:
        assessment_row(s, assessment_id)
        if not text:
            s.execute(delete(NoteRow).where(NoteRow.assessment_id == assessment_id, NoteRow.question_id == question_id))
            return Note(assessment_id, question_id, "", author, now)
        insert = upsert_insert(s)(NoteRow).values(
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
        assessment_row(s, assessment_id)
        rows = list(s.scalars(select(NoteRow).where(NoteRow.assessment_id == assessment_id)))
    order = {qid: i for i, qid in enumerate(bank_questions())}
    rows.sort(key=lambda r: (order.get(r.question_id, len(order)), r.question_id))
    return {r.question_id: note_record(r) for r in rows}


def delete_note(engine: Engine, assessment_id: int, question_id: str) -> bool:
    """Delete the note on a question; False if there was none."""
    with writing(engine) as s:
        result = s.execute(delete(NoteRow).where(NoteRow.assessment_id == assessment_id, NoteRow.question_id == question_id))
        return result.rowcount > 0
