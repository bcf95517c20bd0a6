"""Signing a version off and starting the next one: a named reviewer marks an assessment final and read-only
(`sign_off`), and a new draft carries its answers, notes, actions and evidence forward (`start_new_version`).

A sign-off is a versioned change like any other (history rows for the status and the reviewer), made only by
a role that may sign off (store/access.py: the owner). From then on the store refuses every change to that
assessment but archiving it (store.assessments.write_changes, store.records.check_unsigned)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Engine

from scoring.errors import Term
from store.assessments import _saved, copy_as_draft, write_changes
from store.db import writing
from store.errors import StoreError
from store.models import ActionRow, AttachmentRow
from store.records import (
    SavedAssessment,
    Target,
    assessment_record,
    check_unsigned,
    clean_author,
    clean_date,
    clean_name,
    client_name,
    target_row,
    utc_now,
)

SIGNABLE = ("draft", "final")  # an archived assessment is brought back before it is signed off


def sign_off(engine: Engine, target: Target, *, expected_version: int, reviewer: str) -> SavedAssessment:
    """Sign the assessment off as `reviewer` (the signed-in account's name): it becomes final, carries the
    reviewer and the time, and is read-only from then on. Raises NotAllowed (a role that may not sign off),
    ConflictError, NotFound or StoreError (already signed off, archived, or no reviewer named)."""
    name = clean_name(reviewer, "field_reviewer")
    with writing(engine, need="sign_off") as s:
        row = target_row(s, target)
        check_unsigned(row)
        if row.status not in SIGNABLE:
            raise StoreError(key="store_sign_off_status", id=row.id, status=Term(f"status_{row.status}"))
        write_changes(s, target, expected_version=expected_version, author=name, details={"status": "final", "signed_by": name})
        return _saved(s, row.id)


def start_new_version(
    engine: Engine, target: Target, title: str, *, author: str, law_as_of: dt.date | None = None
) -> SavedAssessment:
    """A new draft (version 1) that starts from the assessment: same client, answers and notes, its actions
    (owner, due, status, reason and evidence, each at version 1) and every attached file. The original is
    unchanged (a signed-off one stays as it was signed). `law_as_of` defaults to the original's."""
    title = clean_name(title, "field_title")
    author = clean_author(author)
    day = clean_date(law_as_of) if law_as_of is not None else None
    now = utc_now()
    with writing(engine) as s:
        src = target_row(s, target)
        row = copy_as_draft(s, src, title, day, now)
        action_ids: dict[int, int] = {}
        for action in s.scalars(select(ActionRow).where(ActionRow.assessment_id == src.id).order_by(ActionRow.id)):
            copy = ActionRow(
                assessment_id=row.id,
                remedy_id=action.remedy_id,
                title=action.title,
                owner=action.owner,
                due=action.due,
                status=action.status,
                reason=action.reason,
                evidence=action.evidence,
                version=1,
                created_at=now,
                updated_at=now,
            )
            s.add(copy)
            s.flush()
            action_ids[action.id] = copy.id
        for file in s.scalars(select(AttachmentRow).where(AttachmentRow.assessment_id == src.id).order_by(AttachmentRow.id)):
            s.add(
                AttachmentRow(
                    assessment_id=row.id,
                    question_id=file.question_id,
                    action_id=action_ids.get(file.action_id) if file.action_id is not None else None,
                    name=file.name,
                    kind=file.kind,
                    size=file.size,
                    sha256=file.sha256,
                    data=file.data,
                    author=file.author or author,
                    created_at=file.created_at,
                )
            )
        s.flush()
        return assessment_record(row, client_name(s, row.client_id))
