"""Clients: create, rename, list and delete (with everything they have).

Names are unique, compared in Unicode NFC. Name changes run one at a time (`records.serialise`), so the
check for a taken name decides, and the database never has to refuse a duplicate (a refusal the
PostgreSQL server would log, with the name)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import reading, writing
from store.errors import StoreError
from store.models import (
    ActionChangeRow,
    ActionRow,
    AnswerChangeRow,
    AssessmentRow,
    AttachmentRow,
    ClientRow,
    InvitationRow,
    NoteRow,
    RespondentAnswerRow,
    RespondentRow,
    SnapshotRow,
    WorkshopRow,
)
from store.records import (
    CLIENT_NAMES_LOCK,
    Client,
    Deleted,
    checkpoint,
    clean_name,
    client_record,
    client_row,
    serialise,
    utc_now,
)


def _taken(name: str) -> StoreError:
    return StoreError(key="store_client_taken", name=name)


def create_client(engine: Engine, name: str) -> Client:
    """Add a client. Names are unique; raises StoreError for an empty, over-long or taken name."""
    name = clean_name(name, "field_client_name")
    now = utc_now()
    try:
        with writing(engine) as s:
            serialise(s, CLIENT_NAMES_LOCK)
            if s.scalar(select(ClientRow.id).where(ClientRow.name == name)) is not None:
                raise _taken(name)
            row = ClientRow(name=name, created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            return client_record(row)
    except IntegrityError:  # another program adding the same name at once
        raise _taken(name) from None


def rename_client(engine: Engine, client_id: int, name: str) -> Client:
    """Rename a client; raises NotFound, or StoreError if the name is taken."""
    name = clean_name(name, "field_client_name")
    try:
        with writing(engine) as s:
            serialise(s, CLIENT_NAMES_LOCK)
            row = client_row(s, client_id)
            taken = s.scalar(select(ClientRow.id).where(ClientRow.name == name, ClientRow.id != client_id))
            if taken is not None:
                raise _taken(name)
            row.name, row.updated_at = name, utc_now()
            s.flush()
            count = s.scalar(select(func.count()).select_from(AssessmentRow).where(AssessmentRow.client_id == client_id)) or 0
            return client_record(row, count)
    except IntegrityError:
        raise _taken(name) from None


def get_client(engine: Engine, client_id: int) -> Client:
    """One client, with its number of assessments; raises NotFound."""
    with reading(engine) as s:
        row = client_row(s, client_id)
        count = s.scalar(select(func.count()).select_from(AssessmentRow).where(AssessmentRow.client_id == client_id)) or 0
        return client_record(row, count)


def list_clients(engine: Engine) -> list[Client]:
    """Every client, by name (case-insensitive), with its number of assessments."""
    counts = select(AssessmentRow.client_id, func.count().label("n")).group_by(AssessmentRow.client_id).subquery()
    with reading(engine) as s:
        rows = s.execute(
            select(ClientRow, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.client_id == ClientRow.id)
            .order_by(func.lower(ClientRow.name), ClientRow.id)
        ).all()
        return [client_record(row, n) for row, n in rows]


def counts_under(s: Session, assessment_ids: Any) -> dict[str, int]:
    respondent_ids = select(RespondentRow.id).where(RespondentRow.assessment_id.in_(assessment_ids))
    action_ids = select(ActionRow.id).where(ActionRow.assessment_id.in_(assessment_ids))

    def count(model: Any, where: Any) -> int:
        return s.scalar(select(func.count()).select_from(model).where(where)) or 0

    return {
        "assessments": count(AssessmentRow, AssessmentRow.id.in_(assessment_ids)),
        "answer_changes": count(AnswerChangeRow, AnswerChangeRow.assessment_id.in_(assessment_ids)),
        "notes": count(NoteRow, NoteRow.assessment_id.in_(assessment_ids)),
        "respondents": count(RespondentRow, RespondentRow.assessment_id.in_(assessment_ids)),
        "respondent_answers": count(RespondentAnswerRow, RespondentAnswerRow.respondent_id.in_(respondent_ids)),
        "invitations": count(InvitationRow, InvitationRow.respondent_id.in_(respondent_ids)),
        "workshops": count(WorkshopRow, WorkshopRow.assessment_id.in_(assessment_ids)),
        "actions": count(ActionRow, ActionRow.assessment_id.in_(assessment_ids)),
        "action_changes": count(ActionChangeRow, ActionChangeRow.action_id.in_(action_ids)),
        "snapshots": count(SnapshotRow, SnapshotRow.assessment_id.in_(assessment_ids)),
        "attachments": count(AttachmentRow, AttachmentRow.assessment_id.in_(assessment_ids)),
    }


def delete_client(engine: Engine, client_id: int) -> Deleted:
    """Delete a client and everything it has (cascading in the database). Returns the rows deleted per table.
    Owners only, when the engine carries a role (store/access.py).

    On SQLite the write-ahead log is then checkpointed, so with secure_delete the data leaves the disk;
    `complete` is False if a reader kept the checkpoint from finishing (see records.checkpoint)."""
    with writing(engine, need="manage") as s:  # owners only, when the engine carries a role (store/access.py)
        client_row(s, client_id)
        counts = Deleted(clients=1, **counts_under(s, select(AssessmentRow.id).where(AssessmentRow.client_id == client_id)))
        s.execute(delete(ClientRow).where(ClientRow.id == client_id))
    counts.complete = checkpoint(engine)
    return counts
