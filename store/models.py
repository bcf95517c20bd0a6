"""The workspace's tables as SQLAlchemy 2 typed models; the migrations in store/migrations create them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from deliverable.actions import ACTION_STATUSES

# Named constraints, so that later migrations (batch mode on SQLite) can find and change them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES: tuple[str, ...] = ("draft", "final", "archived")
CHANGE_KINDS: tuple[str, ...] = ("answer", "detail", "note")  # what a history row changed
# An assessment's versioned details; "signed_by" is set once, by a sign-off (store/assessments.py), never
# edited; summary and scope are the consultant's texts for the report.
DETAILS: tuple[str, ...] = ("title", "law_as_of", "lang", "company", "status", "signed_by", "summary", "scope")
# Ids are never reused: AUTOINCREMENT on SQLite (which otherwise hands out the highest id again after a
# delete), sequences on PostgreSQL. A session holding an id can never write into a record made later.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}
NAME_MAX = 200  # client, title, company, author, respondent name and role, account name
ROLES: tuple[str, ...] = ("owner", "consultant", "viewer")  # named accounts' roles (store/access.py says what each may do)
ID_MAX = 64  # question ids
JSONValue = Any  # an answer: true/false, a choice id, a list of choice ids, or "unknown"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive; it comes back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store a timezone-aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def answer_json() -> JSON:
    """JSON that stores Python None as SQL NULL (an unanswered question), on SQLite and PostgreSQL alike."""
    return JSON(none_as_null=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ClientRow(Base):
    """A consultant's client: a company with its assessments."""

    __tablename__ = "clients"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AssessmentRow(Base):
    """One assessment of a client: the agreed answers, their law date, and a version for optimistic locking."""

    __tablename__ = "assessments"
    __table_args__ = (CheckConstraint("status IN ('draft', 'final', 'archived')", name="status"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(NAME_MAX))
    law_as_of: Mapped[dt.date] = mapped_column(Date)
    lang: Mapped[str] = mapped_column(String(8))
    bank_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    # Bumped by every change of its answers, details (title, law date, language, company, status) and notes;
    # every write states the version it was based on (see store/assessments.py).
    version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, JSONValue]] = mapped_column(JSON())
    company: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Set together when a named reviewer signs this version off: from then on it is read-only.
    signed_by: Mapped[str | None] = mapped_column(String(NAME_MAX), nullable=True)
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    summary: Mapped[str] = mapped_column(Text(), server_default="")  # the consultant's executive summary
    scope: Mapped[str] = mapped_column(Text(), server_default="")
    # The result as last saved (store/scored.py): the rules version, each axis's level and score, the findings.
    scored: Mapped[dict[str, JSONValue] | None] = mapped_column(answer_json(), nullable=True)


class AnswerChangeRow(Base):
    """One change of an assessment: an answer, a detail or a note, its value before and after, who changed it,
    and the version it made. `kind` says which: "answer" (question_id is the question), "detail" (question_id
    names the detail: title, law_as_of, lang, company or status) or "note" (the note on question_id)."""

    __tablename__ = "answer_changes"
    __table_args__ = (
        Index("ix_answer_changes_assessment_question", "assessment_id", "question_id"),
        CheckConstraint("kind IN ('answer', 'detail', 'note')", name="kind"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8), server_default="answer")
    question_id: Mapped[str] = mapped_column(String(ID_MAX))
    old_value: Mapped[JSONValue] = mapped_column(answer_json(), nullable=True)
    new_value: Mapped[JSONValue] = mapped_column(answer_json(), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(NAME_MAX))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Where an agreed answer came from: {"workshop": {respondent: answer}}; NULL when the consultant typed it.
    source: Mapped[JSONValue] = mapped_column(answer_json(), nullable=True)
    rules_version: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the rules in force at the change


class NoteRow(Base):
    """The consultant's note on one question of one assessment."""

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(ID_MAX))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(NAME_MAX))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RespondentRow(Base):
    """A person answering in a workshop (the client's CTO, legal, HR...). Names are unique per assessment.

    `version` is bumped by every change of the respondent's answers and by submitting or reopening them:
    every write states the version it was based on (optimistic locking, as for assessments). `sections`
    lists the bank sections they are asked (None: all); `submitted_at` is set while their answers are
    submitted."""

    __tablename__ = "respondents"
    __table_args__ = (UniqueConstraint("assessment_id", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    role: Mapped[str] = mapped_column(String(NAME_MAX))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    sections: Mapped[list[str] | None] = mapped_column(answer_json(), nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RespondentAnswerRow(Base):
    """One respondent's answer to one question. The agreed answer is the assessment's own."""

    __tablename__ = "respondent_answers"
    __table_args__ = (UniqueConstraint("respondent_id", "question_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(ID_MAX))
    value: Mapped[JSONValue] = mapped_column(answer_json())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class InvitationRow(Base):
    """A respondent's personal link. Only the SHA-256 of its token is kept (`token_hash`, hex): the token
    itself is shown once, when the link is made. A link opens while it is neither expired, revoked, nor
    its workshop closed (store/invitations.py)."""

    __tablename__ = "invitations"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(NAME_MAX))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # first opened


class WorkshopRow(Base):
    """An assessment's remote workshop, once it has been closed (no row: open). Closing freezes every
    respondent's link; reopening it lets them in again."""

    __tablename__ = "workshops"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), unique=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    changed_by: Mapped[str] = mapped_column(String(NAME_MAX))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AccountRow(Base):
    """A named workspace account: its argon2id password hash and its role (owner, consultant, viewer).
    A disabled account cannot sign in, and its open sessions lock at their next step."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("role IN ('owner', 'consultant', 'viewer')", name="role"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(512))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SettingRow(Base):
    """A workspace setting (the consultancy's name, its logo): text or bytes under a key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(ID_MAX), primary_key=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ActionRow(Base):
    """An action the client has taken on: a ranked measure (`remedy_id`; one per measure and assessment) or one
    of the consultant's own (`remedy_id` NULL, named by `title`), with owner, due date, status and evidence,
    and a version for optimistic locking (as an assessment's answers have)."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("assessment_id", "remedy_id"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in ACTION_STATUSES)})", name="status"),
        CheckConstraint("(remedy_id IS NULL) = (title <> '')", name="own_or_measure"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    remedy_id: Mapped[str | None] = mapped_column(String(ID_MAX), nullable=True)
    owner: Mapped[str] = mapped_column(String(NAME_MAX))
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)  # why not, for one not being done
    evidence: Mapped[str] = mapped_column(Text)
    # Bumped by every change; an edit states the version it was based on (see store.actions.update_action).
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(String(NAME_MAX), server_default="")  # an own action's; '' for a measure's


class ActionChangeRow(Base):
    """One field of an action changed: its value before and after, who changed it, and the version it made."""

    __tablename__ = "action_changes"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(ID_MAX))
    old_value: Mapped[JSONValue] = mapped_column(answer_json(), nullable=True)
    new_value: Mapped[JSONValue] = mapped_column(answer_json(), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(NAME_MAX))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SnapshotRow(Base):
    """A named copy of an assessment's answers at one version ("after workshop 1"), to compare with later."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("assessment_id", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, JSONValue]] = mapped_column(JSON())
    author: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AttachmentRow(Base):
    """A file attached to an answer (`question_id`) or to an action (`action_id`) of an assessment, kept in the
    database: its cleaned name, its type as recognised from its content (`kind`), its size and SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(question_id IS NULL) <> (action_id IS NULL)", name="answer_or_action"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(ID_MAX), nullable=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when the file itself is asked for
    author: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


TABLES: tuple[str, ...] = tuple(Base.metadata.tables)
"""Every table, parents before children."""
