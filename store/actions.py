"""Tracked actions: a ranked measure of an assessment taken on, or an action of the consultant's own, with an
owner, a due date, a status and an evidence note, edited with optimistic locking and kept with its history,
as answers are. Nothing changes on an assessment a reviewer has signed off.

An action has a `version`, starting at 1, that each change bumps by one; each change also writes one
`action_changes` row per field it changed, carrying the version it produced. An edit states the version it
was based on; the write is a conditional UPDATE ... WHERE version = :expected, so of two people saving on
top of the same version, one succeeds and the other gets ActionConflict and nothing is written.

Marking an action done changes no answer by itself: `answers_done_would_set` says which answers its
measure would change, and `apply_action_answers` writes them, with history, when the consultant agrees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from deliverable.actions import ACTION_STATUSES, NOT_DOING
from scoring.errors import Term
from store.assessments import set_answers
from store.db import reading, writing
from store.errors import ConflictError, NotFound, StoreError
from store.models import ActionChangeRow, ActionRow, AssessmentRow
from store.records import (
    EVIDENCE_MAX,
    Action,
    ActionChange,
    AssessmentRef,
    Target,
    action_change_record,
    action_record,
    assessment_row,
    changed_rows,
    check_unsigned,
    clean_author,
    clean_name,
    target_row,
    utc_now,
)

FIELDS: tuple[str, ...] = ("owner", "due", "status", "reason", "evidence", "title")  # title: an own action's only


class ActionConflict(ConflictError):
    """An edit based on an old version of an action: someone else saved first. Reload and redo it."""

    def __init__(self, action_id: int, assessment_id: int, expected: int, current: int | None) -> None:
        StoreError.__init__(self, key="store_action_conflict", id=action_id, expected=expected, current=current)
        self.action_id, self.assessment_id, self.expected, self.current = action_id, assessment_id, expected, current


def _remedy(remedy_id: Any) -> str:
    from scoring.loader import default_law

    if not isinstance(remedy_id, str) or remedy_id not in default_law().remedies:
        shown = remedy_id if isinstance(remedy_id, str) and len(remedy_id) <= 64 else "?"
        raise StoreError(key="store_unknown_measure", id=shown)
    return remedy_id


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise StoreError(key="name_not_text", what=Term(what))
    text = value.strip()
    if len(text) > EVIDENCE_MAX:
        raise StoreError(key="name_too_long", what=Term(what), n=len(text), limit=EVIDENCE_MAX)
    return text


def _clean(field: str, value: Any) -> Any:
    if field == "owner":
        return clean_name(value, "field_owner", allow_empty=True)
    if field == "due":
        if value is None:
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise StoreError(key="store_due_not_date")
        return value
    if field == "status":
        if value not in ACTION_STATUSES:
            raise StoreError(key="store_bad_action_status", value=str(value)[:40])
        return value
    if field == "reason":
        return _text(value, "field_reason")
    if field == "evidence":
        return _text(value, "field_evidence")
    if field == "title":
        return clean_name(value, "field_action_title")
    raise StoreError(key="store_no_action_field", name=str(field)[:40])


def _check(values: Mapping[str, Any]) -> None:
    if values["status"] == NOT_DOING and not values["reason"]:
        raise StoreError(key="store_action_reason_needed")


def _stored(field: str, value: Any) -> Any:
    """A field's value as the history keeps it (JSON): dates as ISO text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def create_action(
    engine: Engine,
    target: Target,
    remedy_id: str | None,
    *,
    author: str,
    title: str = "",
    owner: str = "",
    due: dt.date | None = None,
    status: str = "planned",
    reason: str = "",
    evidence: str = "",
) -> Action:
    """Take a measure on as an action of an assessment, at version 1 (its fields are recorded in the
    history); with `remedy_id` None, an action of the consultant's own named by `title` (see
    `create_own_action`). `target` is the assessment as read (its id and its client's): an assessment
    deleted, or whose id now names another client's, gets NotFound and nothing is written. One action per
    measure; raises StoreError (unknown measure, already tracked, no title for an own action, bad value,
    signed off) or NotFound."""
    fields = {"owner": owner, "due": due, "status": status, "reason": reason, "evidence": evidence}
    if remedy_id is not None:
        return _create(engine, target, _remedy(remedy_id), "", fields, author)
    if isinstance(title, str) and not title.strip():
        raise StoreError(key="store_own_action_title")
    return _create(engine, target, None, _clean("title", title), fields, author)


def create_own_action(engine: Engine, target: Target, title: str, *, author: str, **fields: Any) -> Action:
    """Add an action of the consultant's own (`title`, not one of the ranked measures) to an assessment,
    tracked like a measure's (owner, due, status, reason, evidence, version and history); it changes no
    score. As `create_action(engine, target, None, title=title, ...)`."""
    return create_action(engine, target, None, title=title, author=author, **fields)


def _create(engine: Engine, target: Target, remedy_id: str | None, title: str, fields: Mapping[str, Any], author: str) -> Action:
    values = {f: _clean(f, v) for f, v in fields.items()}
    if values["status"] != NOT_DOING:
        values["reason"] = ""  # the reason belongs to "not doing"
    _check(values)
    author = clean_author(author)
    now = utc_now()
    recorded = {"title": title, **values} if title else values
    try:
        with writing(engine) as s:
            assessment = target_row(s, target)
            check_unsigned(assessment)
            if remedy_id is not None:
                taken = s.scalar(
                    select(ActionRow.id).where(ActionRow.assessment_id == assessment.id, ActionRow.remedy_id == remedy_id)
                )
                if taken is not None:
                    raise StoreError(key="store_action_taken")
            row = ActionRow(
                assessment_id=assessment.id, remedy_id=remedy_id, title=title, version=1, created_at=now, updated_at=now, **values
            )
            s.add(row)
            s.flush()
            s.add_all(
                ActionChangeRow(
                    action_id=row.id, field=f, old_value=None, new_value=_stored(f, v), version=1, author=author, changed_at=now
                )
                for f, v in recorded.items()
                if v not in (None, "")
            )
            return action_record(row)
    except IntegrityError:  # two people taking the same measure on at once
        raise StoreError(key="store_action_taken") from None


def get_action(engine: Engine, action_id: int) -> Action:
    """One action; raises NotFound."""
    with reading(engine) as s:
        row = s.get(ActionRow, action_id)
        if row is None:
            raise NotFound(key="store_no_action", id=action_id)
        return action_record(row)


def list_actions(engine: Engine, assessment_id: int) -> list[Action]:
    """An assessment's actions, in the order they were taken on."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        rows = s.scalars(select(ActionRow).where(ActionRow.assessment_id == assessment_id).order_by(ActionRow.id))
        return [action_record(r) for r in rows]


def update_action(engine: Engine, action_id: int, changes: Mapping[str, Any], *, expected_version: int, author: str) -> Action:
    """Change some of an action's fields (owner, due, status, reason, evidence; an own action's title) on top of `expected_version`:
    one transaction, one version bump, one history row per field changed. Changing nothing changes
    nothing. Raises ActionConflict (someone saved first; nothing is written), NotFound or StoreError."""
    if not isinstance(changes, Mapping):
        raise StoreError(key="store_no_action_field", name=type(changes).__name__)
    clean = {f: _clean(f, v) for f, v in changes.items()}
    author = clean_author(author)
    with writing(engine) as s:
        row = s.get(ActionRow, action_id)
        if row is None:
            raise NotFound(key="store_no_action", id=action_id)
        if row.version != expected_version:
            raise ActionConflict(action_id, row.assessment_id, expected_version, row.version)
        check_unsigned(assessment_row(s, row.assessment_id))
        if "title" in clean and row.remedy_id is not None:
            raise StoreError(key="store_no_action_field", name="title")  # a measure's action is named by its measure
        current = {f: getattr(row, f) for f in FIELDS}
        if clean.get("status", current["status"]) != NOT_DOING:
            clean["reason"] = ""  # the reason belongs to "not doing": it goes when the status moves on
        _check({**current, **clean})
        changed = {f: (current[f], v) for f, v in clean.items() if current[f] != v}
        if not changed:
            return action_record(row)
        new_version, now = expected_version + 1, utc_now()
        result = s.execute(
            update(ActionRow)
            .where(ActionRow.id == action_id, ActionRow.version == expected_version)
            .values(**{f: new for f, (_, new) in changed.items()}, version=new_version, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if changed_rows(result) != 1:
            raise ActionConflict(
                action_id,
                row.assessment_id,
                expected_version,
                s.scalar(select(ActionRow.version).where(ActionRow.id == action_id)),
            )
        s.add_all(
            ActionChangeRow(
                action_id=action_id,
                field=f,
                old_value=_stored(f, old),
                new_value=_stored(f, new),
                version=new_version,
                author=author,
                changed_at=now,
            )
            for f, (old, new) in changed.items()
        )
        s.flush()
        s.refresh(row)
        return action_record(row)


def action_history(engine: Engine, action_id: int) -> list[ActionChange]:
    """An action's changes, newest first."""
    with reading(engine) as s:
        if s.get(ActionRow, action_id) is None:
            raise NotFound(key="store_no_action", id=action_id)
        rows = s.scalars(
            select(ActionChangeRow)
            .where(ActionChangeRow.action_id == action_id)
            .order_by(ActionChangeRow.version.desc(), ActionChangeRow.id.desc())
        )
        return [action_change_record(r) for r in rows]


def answers_done_would_set(remedy_id: str, answers: Mapping[str, Any], law_as_of: dt.date) -> dict[str, Any]:
    """The answers that would change if the measure were in place, as of the assessment's law date:
    {question id: new value}, only those that differ now. Never an answer about a past event (a measure
    taken now cannot undo one); empty for a measure not in force on that date."""
    from scoring.loader import default_law
    from scoring.plan import plan

    planned = plan(default_law(), law_as_of).remedies.get(remedy_id)
    if planned is None:
        return {}
    return {q: v for q, v in planned.future_sets.items() if answers.get(q) != v}


def apply_action_answers(engine: Engine, action_id: int, *, expected_version: int, author: str) -> int:
    """Set the answers a done action's measure changes (see `answers_done_would_set`), with history, on top
    of the assessment's `expected_version`; returns the assessment's new version. Raises StoreError for an
    action not marked done, ConflictError when the assessment changed meanwhile, or NotFound."""
    with reading(engine) as s:
        row = s.get(ActionRow, action_id)
        if row is None:
            raise NotFound(key="store_no_action", id=action_id)
        if row.status != "done":
            raise StoreError(key="store_action_not_done")
        assessment = s.get(AssessmentRow, row.assessment_id)
        assert assessment is not None  # the foreign key cascades
        values = (
            {}
            if row.remedy_id is None
            else answers_done_would_set(row.remedy_id, dict(assessment.answers or {}), assessment.law_as_of)
        )  # an own action is no measure of the law: it sets no answer
        target = AssessmentRef(assessment.id, assessment.client_id)
    return set_answers(engine, target, values, expected_version=expected_version, author=author)
