"""Respondents' personal links: making, revoking and opening them, and what a respondent may do through one.

A link carries a token of 256 random bits (`secrets.token_urlsafe(32)`, 43 characters). Only the token's
SHA-256 is stored (`invitations.token_hash`); the token itself is returned once, when the link is made,
and never again. Opening a link hashes the token, finds the row by its hash (a unique index) and compares
the two hashes with `hmac.compare_digest`. Knowing the stored hashes (a backup, the database) does not
give a working link: a token cannot be found from its SHA-256.

A link opens only its respondent's questionnaire of its assessment, and only while it has not expired
(the consultant sets when: 7 days by default), was not revoked (making a new link for a respondent
revokes the old one) and its assessment's remote workshop is not closed. Every write through a link
checks all of this again, in its own transaction, and names the respondent and the version it was
based on (store/workshops.py): a link revoked, expired or closed while its page is open saves nothing.
These functions run with the "respond" permission (store/access.py): the respondent page's engine may
do nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import reading, writing
from store.errors import StoreError
from store.models import AssessmentRow, ClientRow, InvitationRow, RespondentAnswerRow, RespondentRow, WorkshopRow
from store.records import (
    EDITABLE,
    Respondent,
    Target,
    assessment_row,
    bank_question,
    changed_rows,
    clean_author,
    clean_name,
    clean_sections,
    clean_value,
    respondent_record,
    utc_now,
)
from store.workshops import (
    RespondentTarget,
    new_respondent,
    own_answers,
    respondent_row,
    workshop_state,
    write_respondent,
)

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{43}")  # what token_urlsafe(32) makes
DEFAULT_DAYS = 7
MAX_DAYS = 90
LINK_STATES = ("none", "active", "expired", "revoked")


class LinkRefused(StoreError):
    """A link that does not open: `reason` is "unknown" (no such link), "expired", "revoked" or "closed"
    (its workshop was closed). The page says which, and shows nothing of the assessment."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(key=f"link_{reason}")


@dataclass(frozen=True)
class Invited:
    """A link just made: the only time its token is known. Show the link, then forget it."""

    respondent: Respondent
    token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class RespondentView:
    """What a respondent's page may know: who they are, the sections they are asked, their own answers and
    version, and their client's name. Nothing of other respondents, the agreed answers or notes."""

    respondent: Respondent
    client_name: str
    law_as_of: dt.date
    answers: dict[str, Any]
    expires_at: dt.datetime
    editable: bool  # the assessment is still a draft

    @property
    def submitted(self) -> bool:
        return self.respondent.submitted_at is not None


@dataclass(frozen=True)
class Progress:
    """One respondent's progress, for the consultant's live view."""

    respondent: Respondent
    answered: int
    link: str  # one of LINK_STATES: of their newest link
    expires_at: dt.datetime | None
    opened_at: dt.datetime | None

    @property
    def started(self) -> bool:
        return self.answered > 0 or self.respondent.submitted_at is not None

    @property
    def finished(self) -> bool:
        return self.respondent.submitted_at is not None


def token_hash(token: str) -> str:
    """The SHA-256 of a token, in hex: what is stored."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def well_formed(token: Any) -> bool:
    """Whether `token` could be a token at all (checked before anything is looked up)."""
    return isinstance(token, str) and TOKEN_FORMAT.fullmatch(token) is not None


def clean_days(days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise StoreError(key="link_bad_days", limit=MAX_DAYS)
    return days


def _issue(s: Session, row: RespondentRow, days: int, author: str) -> tuple[str, dt.datetime]:
    """Revoke the respondent's links and make a new one, in the session's transaction."""
    now = utc_now()
    s.execute(
        update(InvitationRow)
        .where(InvitationRow.respondent_id == row.id, InvitationRow.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token, hashed = new_token()
    expires = now + dt.timedelta(days=days)
    s.add(InvitationRow(respondent_id=row.id, token_hash=hashed, created_at=now, created_by=author, expires_at=expires))
    s.flush()
    return token, expires


def invite(
    engine: Engine,
    target: Target,
    name: str,
    role: str = "",
    sections: Any = None,
    *,
    days: int = DEFAULT_DAYS,
    author: str,
) -> Invited:
    """Add a respondent to the assessment `target` with a personal link that expires in `days` days."""
    name, role = clean_name(name, "field_respondent_name"), clean_name(role, "field_respondent_role", allow_empty=True)
    chosen, days, author = clean_sections(sections), clean_days(days), clean_author(author)
    try:
        with writing(engine) as s:
            row = new_respondent(s, target, name, role, chosen)
            token, expires = _issue(s, row, days, author)
            return Invited(respondent_record(row), token, expires)
    except IntegrityError:
        raise StoreError(key="store_respondent_taken", name=name) from None


def make_link(engine: Engine, respondent: RespondentTarget, *, days: int = DEFAULT_DAYS, author: str) -> Invited:
    """A new link for a respondent, expiring in `days` days; their earlier links stop working."""
    days, author = clean_days(days), clean_author(author)
    with writing(engine) as s:
        row = respondent_row(s, respondent)
        token, expires = _issue(s, row, days, author)
        return Invited(respondent_record(row), token, expires)


def revoke_links(engine: Engine, respondent: RespondentTarget) -> int:
    """Revoke every link of a respondent (their answers stay); returns how many were still open."""
    with writing(engine) as s:
        row = respondent_row(s, respondent)
        result = s.execute(
            update(InvitationRow)
            .where(InvitationRow.respondent_id == row.id, InvitationRow.revoked_at.is_(None))
            .values(revoked_at=utc_now())
            .execution_options(synchronize_session=False)
        )
        return changed_rows(result) or 0


# ----------------------------------------------------------------------------------------------
# Through a link


def _verified(s: Session, token: Any) -> tuple[InvitationRow, RespondentRow, AssessmentRow]:
    """The link a token opens, its respondent and assessment; LinkRefused if it does not open now."""
    if not well_formed(token):
        raise LinkRefused("unknown")
    hashed = token_hash(token)
    link = s.scalar(select(InvitationRow).where(InvitationRow.token_hash == hashed))
    if link is None or not hmac.compare_digest(link.token_hash, hashed):
        raise LinkRefused("unknown")
    if link.revoked_at is not None:
        raise LinkRefused("revoked")
    respondent = s.get(RespondentRow, link.respondent_id)
    assessment = s.get(AssessmentRow, respondent.assessment_id) if respondent is not None else None
    if respondent is None or assessment is None:  # removed meanwhile (the link goes with them)
        raise LinkRefused("unknown")
    if workshop_state(s, assessment.id).closed:
        raise LinkRefused("closed")
    if link.expires_at <= utc_now():
        raise LinkRefused("expired")
    return link, respondent, assessment


def open_link(engine: Engine, token: str) -> RespondentView:
    """What the respondent's page shows for a token; LinkRefused (and nothing else) if it does not open.
    The first opening is recorded, for the consultant's live view."""
    with reading(engine, need="respond") as s:
        link, respondent, assessment = _verified(s, token)
        client = s.scalar(select(ClientRow.name).where(ClientRow.id == assessment.client_id)) or ""
        view = RespondentView(
            respondent=respondent_record(respondent),
            client_name=client,
            law_as_of=assessment.law_as_of,
            answers=own_answers(s, respondent.id),
            expires_at=link.expires_at,
            editable=assessment.status == EDITABLE,
        )
        first = link.opened_at is None
        link_id = link.id
    if first:
        with writing(engine, need="respond") as s:
            s.execute(
                update(InvitationRow)
                .where(InvitationRow.id == link_id, InvitationRow.opened_at.is_(None))
                .values(opened_at=utc_now())
                .execution_options(synchronize_session=False)
            )
    return view


def _own(s: Session, token: str, respondent: RespondentTarget) -> RespondentRow:
    """The respondent a write through a link is for: the link's own, and no other."""
    _, row, _ = _verified(s, token)
    if (row.id, row.assessment_id) != (getattr(respondent, "id", None), getattr(respondent, "assessment_id", None)):
        raise LinkRefused("unknown")  # a token never writes for another respondent or assessment
    return respondent_row(s, respondent)


def answer_by_link(
    engine: Engine, token: str, respondent: RespondentTarget, question_id: str, value: Any, *, expected_version: int
) -> int:
    """Save a respondent's answer through their link, on top of `expected_version`; returns the new version.

    Raises LinkRefused (the link no longer opens), RespondentConflict (their answers changed since the page
    read them: another tab, or the consultant), or StoreError (a question they are not asked, answers
    already submitted, a value that does not fit, an assessment no longer a draft). Nothing is written then."""
    question = bank_question(question_id)
    clean = clean_value(question, value)
    with writing(engine, need="respond") as s:
        row = _own(s, token, respondent)
        if row.sections is not None and _section_of(question_id) not in row.sections:
            raise StoreError(key="link_not_asked")
        if row.submitted_at is not None:
            raise StoreError(key="link_submitted")
        return write_respondent(s, row, expected_version=expected_version, answers={question_id: clean})


def submit_by_link(engine: Engine, token: str, respondent: RespondentTarget, *, expected_version: int) -> int:
    """Mark a respondent's answers submitted (done); returns the new version."""
    with writing(engine, need="respond") as s:
        row = _own(s, token, respondent)
        return write_respondent(s, row, expected_version=expected_version, submitted=True)


def reopen_by_link(engine: Engine, token: str, respondent: RespondentTarget, *, expected_version: int) -> int:
    """Reopen submitted answers to change them (until the workshop is closed); returns the new version."""
    with writing(engine, need="respond") as s:
        row = _own(s, token, respondent)
        return write_respondent(s, row, expected_version=expected_version, submitted=False)


def _section_of(question_id: str) -> str:
    from questions.loader import default_bank

    return default_bank().section_of[question_id]


# ----------------------------------------------------------------------------------------------
# For the consultant


def _link_state(link: InvitationRow | None, now: dt.datetime) -> str:
    if link is None:
        return "none"
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= now else "active"


def workshop_version(engine: Engine, assessment_id: int) -> tuple[Any, ...]:
    """A fingerprint of what the consultant's live view shows, read in one small statement: it changes
    with the agreed answers (the assessment's version), any respondent's answers, submission or removal
    (their versions, count and newest id), any link made, first opened or revoked, and the workshop
    closed or reopened. The live view reads the rest only when this changed."""
    mine = RespondentRow.assessment_id == assessment_id
    linked = InvitationRow.respondent_id.in_(select(RespondentRow.id).where(mine))
    query = select(
        select(AssessmentRow.version).where(AssessmentRow.id == assessment_id).scalar_subquery(),
        select(func.count(RespondentRow.id)).where(mine).scalar_subquery(),
        select(func.coalesce(func.sum(RespondentRow.version), 0)).where(mine).scalar_subquery(),
        select(func.coalesce(func.max(RespondentRow.id), 0)).where(mine).scalar_subquery(),
        select(func.coalesce(func.max(InvitationRow.id), 0)).where(linked).scalar_subquery(),
        select(func.count(InvitationRow.opened_at)).where(linked).scalar_subquery(),
        select(func.count(InvitationRow.revoked_at)).where(linked).scalar_subquery(),
        select(WorkshopRow.changed_at).where(WorkshopRow.assessment_id == assessment_id).scalar_subquery(),
    )
    with reading(engine) as s:
        return tuple(s.execute(query).one())


def workshop_progress(engine: Engine, assessment_id: int) -> list[Progress]:
    """Every respondent of an assessment (in the order they were added) with how many questions they
    answered, whether they submitted, and the state of their newest link."""
    now = utc_now()
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        respondents = list(
            s.scalars(select(RespondentRow).where(RespondentRow.assessment_id == assessment_id).order_by(RespondentRow.id))
        )
        ids = [r.id for r in respondents]
        counts: Mapping[int, int] = dict(
            s.execute(
                select(RespondentAnswerRow.respondent_id, func.count())
                .where(RespondentAnswerRow.respondent_id.in_(ids))
                .group_by(RespondentAnswerRow.respondent_id)
            ).all()
        )
        newest: dict[int, InvitationRow] = {}
        for invitation in s.scalars(select(InvitationRow).where(InvitationRow.respondent_id.in_(ids)).order_by(InvitationRow.id)):
            newest[invitation.respondent_id] = invitation
        out = []
        for r in respondents:
            link = newest.get(r.id)
            out.append(
                Progress(
                    respondent_record(r),
                    counts.get(r.id, 0),
                    _link_state(link, now),
                    link.expires_at if link else None,
                    link.opened_at if link else None,
                )
            )
        return out
