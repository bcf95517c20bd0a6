"""A backup's rows checked as the store would have written them, before a restore replaces anything; and what
a backup would bring that opens the workspace (accounts, live links), for the operator to confirm.

The schema check (store/backup.py) proves the tables are pirisk's, not that their rows are: a row edited by
hand or made elsewhere could hold a date that is not one, JSON that is not, a value of the wrong type, a
name with a terminal escape, an owner account, or a live link whose secret its maker knows. Every row is
read through the ORM (so that dates, times and JSON parse as they would on a page), each column's type and
length is checked, then the store's own cleaners (store/records.py, store/accounts.py) must give back the
value as stored."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Date, Integer, LargeBinary, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, undefer

from store.errors import StoreError
from store.models import (
    ID_MAX,
    AccountRow,
    ActionChangeRow,
    ActionRow,
    AnswerChangeRow,
    AssessmentRow,
    AttachmentRow,
    Base,
    ClientRow,
    InvitationRow,
    NoteRow,
    RespondentAnswerRow,
    RespondentRow,
    SnapshotRow,
    UTCDateTime,
    WorkshopRow,
)
from store.records import (
    bank_questions,
    clean_author,
    clean_date,
    clean_lang,
    clean_name,
    clean_note,
    clean_sections,
    clean_source,
    clean_status,
    clean_value,
)

_TOKEN_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class RestoredAccount:
    name: str
    role: str
    disabled: bool


@dataclass(frozen=True)
class RestoredLink:
    """A respondent's link that would open once restored (not revoked, not expired, its workshop open)."""

    respondent: str
    client: str
    assessment: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class RestorePreview:
    """What a backup brings that can open the workspace: its accounts, and its live links."""

    accounts: tuple[RestoredAccount, ...]
    live_links: tuple[RestoredLink, ...]

    def lines(self) -> list[str]:
        """One line per account and live link, for the operator to read before confirming."""
        out = [f"account {a.name} ({a.role}{', disabled' if a.disabled else ''})" for a in self.accounts]
        out += [
            f"live link for {link.respondent} ({link.client}: {link.assessment}), until {link.expires_at:%Y-%m-%d %H:%M} UTC"
            for link in self.live_links
        ]
        return out


class _BadRow(Exception):
    """A row the store would not have written; the message says why."""


def _same(value: Any, clean: Any) -> None:
    if clean != value:
        raise _BadRow(f"{str(value)[:40]!r} is not as pirisk stores it")


def _answer(question_id: Any, value: Any) -> None:
    if not isinstance(question_id, str) or len(question_id) > ID_MAX:
        raise _BadRow("a question id that is not one")
    question = bank_questions().get(question_id)
    if question is not None:  # a question the bank has since dropped keeps its old answer
        _same(value, clean_value(question, value))
    elif not isinstance(value, str | bool | list) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
        raise _BadRow(f"the answer to {question_id!r} is not an answer")


def _answers(answers: Any) -> None:
    if not isinstance(answers, dict):
        raise _BadRow("answers that are not a mapping of question to answer")
    for question_id, value in answers.items():
        _answer(question_id, value)


def _assessment(row: AssessmentRow) -> None:
    _same(row.title, clean_name(row.title, "field_title"))
    _same(row.company, clean_name(row.company, "field_company", allow_empty=True))
    clean_date(row.law_as_of), clean_lang(row.lang), clean_status(row.status)
    _answers(row.answers)
    if (row.signed_by is None) != (row.signed_at is None) or (row.signed_by is not None and row.status == "draft"):
        raise _BadRow("a sign-off without its reviewer or its time, or on a draft")
    if row.signed_by is not None:
        _same(row.signed_by, clean_name(row.signed_by, "field_reviewer"))
    _same(row.summary, clean_note(row.summary))  # the consultant's texts for the report, checked as notes are
    _same(row.scope, clean_note(row.scope))


def _respondent(row: RespondentRow) -> None:
    _same(row.name, clean_name(row.name, "field_respondent_name"))
    _same(row.role, clean_name(row.role, "field_respondent_role", allow_empty=True))
    _same(row.sections, clean_sections(row.sections))


def _invitation(row: InvitationRow) -> None:
    if not _TOKEN_HASH.fullmatch(row.token_hash):
        raise _BadRow("a token hash that is not a SHA-256")
    _same(row.created_by, clean_author(row.created_by))


def _account(row: AccountRow) -> None:
    from argon2 import extract_parameters
    from argon2.exceptions import InvalidHashError

    from store.accounts import clean_account_name, clean_role

    _same(row.name, clean_account_name(row.name))
    clean_role(row.role)
    try:
        if not row.password_hash.startswith("$argon2id$"):
            raise InvalidHashError
        extract_parameters(row.password_hash)
    except (InvalidHashError, ValueError):
        raise _BadRow("a password hash that is not argon2id") from None


def _action(row: ActionRow) -> None:
    _same(row.owner, clean_name(row.owner, "field_owner", allow_empty=True))
    _same(row.title, clean_name(row.title, "field_action_title", allow_empty=True))
    for text in (row.reason, row.evidence):
        if text:
            _same(text, clean_note(text))


def _answer_change(row: Any) -> None:
    _same(row.author, clean_author(row.author))
    if row.kind == "answer":
        for value in (row.old_value, row.new_value):
            if value is not None:
                _answer(row.question_id, value)
    if row.source is not None:  # where an agreed answer came from: a workshop's answers, as the store keeps them
        question = bank_questions().get(row.question_id)
        if row.kind != "answer" or question is None:
            raise _BadRow("a source on a change that is not an answer")
        try:
            _same(row.source, clean_source(question, row.source))
        except StoreError:
            raise _BadRow("a source that is not a workshop's answers") from None


def _note(row: Any) -> None:
    _same(row.text, clean_note(row.text))
    _same(row.author, clean_author(row.author))


def _snapshot(row: Any) -> None:
    _same(row.name, clean_name(row.name, "field_snapshot_name"))
    _same(row.author, clean_author(row.author))
    _answers(row.answers)


def _attachment(row: AttachmentRow) -> None:
    """A file as add_attachment would have stored it: its name clean, its bytes of an allowed type that
    agrees with the name, and its size and SHA-256 those of its bytes."""
    import hashlib

    from store.attachments import CEILING_MB, MB, clean_file_name, detect_kind

    _same(row.name, clean_file_name(row.name))
    _same(row.author, clean_author(row.author))
    if row.size != len(row.data) or row.sha256 != hashlib.sha256(row.data).hexdigest():
        raise _BadRow("a file whose size or SHA-256 is not that of its content")
    # The ceiling, not today's limit: a backup made before the limit was lowered still restores.
    if row.size > CEILING_MB * MB:
        raise _BadRow("a file larger than PIRISK_EVIDENCE_MAX_MB can ever allow")
    _same(row.kind, detect_kind(row.data, row.name))
    if row.question_id is not None and len(row.question_id) > ID_MAX:
        raise _BadRow("a question id that is not one")


def _attachments_match_actions(engine: Engine) -> None:
    """No file attached to an action of another assessment than its own (each row alone cannot tell)."""
    with Session(engine) as s:
        stray = s.scalar(
            select(AttachmentRow.id)
            .join(ActionRow, ActionRow.id == AttachmentRow.action_id)
            .where(ActionRow.assessment_id != AttachmentRow.assessment_id)
            .limit(1)
        )
    if stray is not None:
        raise _BadRow(f"attachments {stray}: a file attached to another assessment's action")


# The checks beyond each column's type, per table: the store's cleaners, as the store calls them
_CHECKS: dict[type, Callable[[Any], None]] = {
    ClientRow: lambda row: _same(row.name, clean_name(row.name, "field_client_name")),
    AssessmentRow: _assessment,
    AnswerChangeRow: _answer_change,
    NoteRow: _note,
    RespondentRow: _respondent,
    RespondentAnswerRow: lambda row: _answer(row.question_id, row.value),
    InvitationRow: _invitation,
    WorkshopRow: lambda row: _same(row.changed_by, clean_author(row.changed_by)),
    AccountRow: _account,
    ActionRow: _action,
    ActionChangeRow: lambda row: _same(row.author, clean_author(row.author)),
    SnapshotRow: _snapshot,
    AttachmentRow: _attachment,
}


def _typed(row: Any, mapper: Any) -> None:
    """Each column's value of the type (and within the length) its column declares."""
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        value = getattr(row, attribute.key)
        if value is None:
            if not column.nullable:
                raise _BadRow(f"{column.name} is empty")
            continue
        kind = column.type
        if isinstance(kind, Integer):
            ok = type(value) is int
        elif isinstance(kind, String):  # Text too
            ok = isinstance(value, str) and (kind.length is None or len(value) <= kind.length)
        elif isinstance(kind, Date):
            ok = type(value) is dt.date
        elif isinstance(kind, UTCDateTime):
            ok = isinstance(value, dt.datetime)
        elif isinstance(kind, LargeBinary):
            ok = isinstance(value, bytes)
        else:
            ok = isinstance(kind, JSON)
        if not ok:
            raise _BadRow(f"{column.name} holds {type(value).__name__} {str(value)[:40]!r}")


def _rows(engine: Engine, cls: type) -> list[Any]:
    """Every row of a table, read as the store reads it; the first that cannot be is named."""
    with Session(engine) as s:
        try:
            return list(s.scalars(select(cls).options(undefer("*"))))  # deferred columns too (a file's bytes)
        except Exception:  # a parse error in one row (a date, a time, JSON): find which, for the message
            raise _BadRow(_unreadable(engine, cls)) from None


def _unreadable(engine: Engine, cls: Any) -> str:
    key = cls.__mapper__.primary_key[0]
    with Session(engine) as s:
        ids = list(s.execute(select(key)).scalars())
    for ident in ids:
        with Session(engine) as s:
            try:
                s.scalars(select(cls).where(key == ident)).all()
            except Exception as err:
                return f"{cls.__tablename__} {ident}: cannot be read ({type(err).__name__})"
    return f"{cls.__tablename__}: cannot be read"


def check_rows(engine: Engine, label: str, *, outcome: str = "it was not restored") -> RestorePreview:
    """Check every row of the database behind `engine` (at the current schema); StoreError naming the first
    row pirisk would not have written (then `outcome`). Returns what the database would bring that opens
    the workspace."""
    accounts: list[RestoredAccount] = []
    links: list[InvitationRow] = []
    try:
        for mapper in Base.registry.mappers:
            cls = mapper.class_
            for row in _rows(engine, cls):
                try:
                    _typed(row, mapper)
                    _CHECKS.get(cls, lambda row: None)(row)
                except (_BadRow, StoreError) as err:
                    ident = getattr(row, str(mapper.primary_key[0].key))
                    raise _BadRow(f"{cls.__tablename__} {str(ident)[:40]}: {err}") from None
                if cls is AccountRow:
                    accounts.append(RestoredAccount(row.name, row.role, row.disabled_at is not None))
                elif cls is InvitationRow:
                    links.append(row)
        _no_look_alikes([a.name for a in accounts])
        _attachments_match_actions(engine)
    except _BadRow as err:
        raise StoreError(f"{label} has a row pirisk would not have written ({err}); {outcome}") from None
    return RestorePreview(tuple(sorted(accounts, key=lambda a: a.name)), _live(engine, links))


def _no_look_alikes(names: list[str]) -> None:
    from store.accounts import looks_alike

    for i, name in enumerate(names):
        for other in names[i + 1 :]:
            if looks_alike(name, other):
                raise _BadRow(f"accounts {name!r} and {other!r} look alike")


def _live(engine: Engine, links: list[InvitationRow]) -> tuple[RestoredLink, ...]:
    now = dt.datetime.now(dt.UTC)
    out = []
    with Session(engine) as s:
        for link in links:
            if link.revoked_at is not None or link.expires_at <= now:
                continue
            respondent = s.get(RespondentRow, link.respondent_id)
            assessment = s.get(AssessmentRow, respondent.assessment_id) if respondent is not None else None
            if respondent is None or assessment is None:
                continue
            workshop = s.scalar(select(WorkshopRow).where(WorkshopRow.assessment_id == assessment.id))
            if workshop is not None and workshop.closed_at is not None:
                continue
            client = s.get(ClientRow, assessment.client_id)
            out.append(RestoredLink(respondent.name, client.name if client else "", assessment.title, link.expires_at))
    return tuple(out)
