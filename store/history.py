"""History people can read: an assessment's answer changes grouped into sittings, and named snapshots of its
answers ("after workshop 1") that can be taken, listed and compared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from store.assessments import history
from store.db import reading, writing
from store.errors import NotFound, StoreError
from store.models import SnapshotRow
from store.records import (
    AnswerChange,
    Snapshot,
    Target,
    assessment_row,
    changed_rows,
    clean_author,
    clean_name,
    snapshot_record,
    target_row,
    utc_now,
)

# Changes by one person with no more than this between them belong to one sitting.
SITTING_GAP = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Sitting:
    """One person's run of answer changes, newest first: what a history shows as one entry."""

    author: str
    started: dt.datetime
    ended: dt.datetime
    changes: tuple[AnswerChange, ...]

    @property
    def rules_version(self) -> str | None:
        """The rules the sitting's last change was made under (None: before pirisk recorded them)."""
        return self.changes[0].rules_version

    @property
    def versions(self) -> tuple[int, int]:
        """The first and last assessment versions the sitting made."""
        return min(c.version for c in self.changes), max(c.version for c in self.changes)

    @property
    def questions(self) -> int:
        """How many questions it changed."""
        return len({c.question_id for c in self.changes})


def group_sittings(changes: Sequence[AnswerChange], gap: dt.timedelta = SITTING_GAP) -> list[Sitting]:
    """Answer changes (newest first, as `history` gives them) grouped into sittings: consecutive changes
    by the same author, each within `gap` of the one before."""
    groups: list[list[AnswerChange]] = []
    for change in changes:
        last = groups[-1][-1] if groups else None
        if last is not None and last.author == change.author and last.changed_at - change.changed_at <= gap:
            groups[-1].append(change)
        else:
            groups.append([change])
    return [Sitting(g[0].author, g[-1].changed_at, g[0].changed_at, tuple(g)) for g in groups]


def sittings(engine: Engine, assessment_id: int, *, limit: int | None = None, gap: dt.timedelta = SITTING_GAP) -> list[Sitting]:
    """An assessment's answer history as sittings, newest first (from its last `limit` changes)."""
    return group_sittings(history(engine, assessment_id, limit=limit), gap)


def take_snapshot(engine: Engine, target: Target, name: str, *, author: str) -> Snapshot:
    """Keep a named copy of an assessment's answers as they are now. Names are unique per assessment.
    `target` is the assessment as read (its id and its client's): NotFound if it is gone or no longer theirs."""
    name = clean_name(name, "field_snapshot_name")
    author = clean_author(author)
    try:
        with writing(engine) as s:
            row = target_row(s, target)
            taken = s.scalar(select(SnapshotRow.id).where(SnapshotRow.assessment_id == row.id, SnapshotRow.name == name))
            if taken is not None:
                raise StoreError(key="store_snapshot_taken", name=name)
            snapshot = SnapshotRow(
                assessment_id=row.id,
                name=name,
                version=row.version,
                answers=dict(row.answers or {}),
                author=author,
                created_at=utc_now(),
            )
            s.add(snapshot)
            s.flush()
            return snapshot_record(snapshot)
    except IntegrityError:
        raise StoreError(key="store_snapshot_taken", name=name) from None


def list_snapshots(engine: Engine, assessment_id: int) -> list[Snapshot]:
    """An assessment's snapshots, newest first."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        rows = s.scalars(select(SnapshotRow).where(SnapshotRow.assessment_id == assessment_id).order_by(SnapshotRow.id.desc()))
        return [snapshot_record(r) for r in rows]


def get_snapshot(engine: Engine, snapshot_id: int) -> Snapshot:
    """One snapshot; raises NotFound."""
    with reading(engine) as s:
        row = s.get(SnapshotRow, snapshot_id)
        if row is None:
            raise NotFound(key="store_no_snapshot", id=snapshot_id)
        return snapshot_record(row)


def delete_snapshot(engine: Engine, snapshot_id: int) -> None:
    """Delete a snapshot (the answers and their history are untouched); raises NotFound."""
    with writing(engine) as s:
        if changed_rows(s.execute(delete(SnapshotRow).where(SnapshotRow.id == snapshot_id))) == 0:
            raise NotFound(key="store_no_snapshot", id=snapshot_id)


def snapshot_answers(engine: Engine, assessment_id: int, snapshot_id: int | None) -> dict[str, Any]:
    """The answers of one of the assessment's snapshots, or (None) its answers now."""
    if snapshot_id is None:
        with reading(engine) as s:
            return dict(assessment_row(s, assessment_id).answers or {})
    snapshot = get_snapshot(engine, snapshot_id)
    if snapshot.assessment_id != assessment_id:
        raise NotFound(key="store_no_snapshot", id=snapshot_id)
    return snapshot.answers
