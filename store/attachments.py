"""Evidence files attached to an answer or an action of an assessment, kept in the database (SQLite and
PostgreSQL alike, so that a backup holds them): their type recognised from the content, never the name,
against an allow-list; their name cleaned; their size capped (`PIRISK_EVIDENCE_MAX_MB`, 20 MB by default).

Who may do what is the store's to enforce (store/access.py): reading a file or the list needs "read" (a
respondent's link cannot), adding or removing one needs "edit", and a signed-off assessment takes neither.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import undefer

from scoring.errors import Term
from store.db import reading, writing
from store.errors import NotFound, StoreError
from store.models import NAME_MAX, ActionRow, AttachmentRow
from store.records import (
    Target,
    assessment_row,
    bank_question,
    changed_rows,
    check_unsigned,
    clean_author,
    is_row_id,
    target_row,
    utc_now,
)

MAX_MB_ENV = "PIRISK_EVIDENCE_MAX_MB"
DEFAULT_MAX_MB = 20
CEILING_MB = 1024  # the most PIRISK_EVIDENCE_MAX_MB may say
MB = 1024 * 1024
# Types allowed, by what the content is: kind -> (the names' endings it may have, the type a browser is told).
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "png": ((".png",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "text": ((".txt", ".md", ".log"), "text/plain"),
    "csv": ((".csv",), "text/csv"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# The main part's content type an Office file must declare in [Content_Types].xml (macro-enabled ones declare another).
_OFFICE_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_CONTENT_TYPES_MAX = 1 * MB  # [Content_Types].xml is a few kilobytes; a bigger one is not read
# A file name: no control character, no bidirectional override (which can make "exe.pdf" read as "fdp.exe"),
# no path part.
_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_PATH_PART = re.compile(r"[/\\]|^\.\.?$|^[A-Za-z]:")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Text that a browser would run as a page or an image if it were ever served as one: not evidence.
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|svg|\?xml|script)|<script", re.IGNORECASE)

log = logging.getLogger("pirisk.store")


@dataclass(frozen=True)
class Attachment:
    """An attached file without its bytes (`attachment_data` reads them). `name` is user text: show it only
    through the escaping function of the surface."""

    id: int
    assessment_id: int
    question_id: str | None
    action_id: int | None
    name: str
    kind: str
    size: int
    sha256: str
    author: str
    created_at: dt.datetime

    @property
    def mime(self) -> str:
        return KINDS[self.kind][1]


def max_bytes(environ: dict[str, str] | None = None) -> int:
    """The largest file accepted, in bytes: `PIRISK_EVIDENCE_MAX_MB` megabytes (a positive number), else 20 MB.
    A value that is not one is logged and the default used."""
    raw = (os.environ if environ is None else environ).get(MAX_MB_ENV, "").strip()
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if 0 < value <= CEILING_MB:
            return int(value * MB)
        log.warning(
            "%s=%r is not a number of megabytes between 0 and %d; using %d", MAX_MB_ENV, raw[:20], CEILING_MB, DEFAULT_MAX_MB
        )
    return DEFAULT_MAX_MB * MB


def clean_file_name(value: Any) -> str:
    """A file's name as stored: NFC, trimmed, within NAME_MAX (a long one is shortened, its ending kept).
    Refuses a name that is not text, is empty, has a control or direction-changing character, or has a
    path part (a folder, a drive, "..")."""
    if not isinstance(value, str):
        raise StoreError(key="name_not_text", what=Term("field_file_name"))
    if _NAME_FORBIDDEN.search(value):
        raise StoreError(key="evidence_name_control")
    name = unicodedata.normalize("NFC", value.strip())
    if _PATH_PART.search(name):
        raise StoreError(key="evidence_name_path")
    if not name.strip("."):
        raise StoreError(key="name_empty", what=Term("field_file_name"))
    if len(name) > NAME_MAX:
        _stem, dot, ending = name.rpartition(".")
        ending = f"{dot}{ending}" if dot and len(ending) <= 8 else ""
        name = name[: NAME_MAX - len(ending)].rstrip() + ending
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(key="evidence_name_control") from None
    return name


def check_size(size: Any, limit: int | None = None) -> None:
    """Refuse a file of `size` bytes over the limit, before it is read (the upload says its size)."""
    limit = max_bytes() if limit is None else limit
    if not is_row_id(size) or size < 0:
        raise StoreError(key="evidence_size_unknown")
    if size == 0:
        raise StoreError(key="evidence_empty")
    if size > limit:
        raise StoreError(key="evidence_too_big", size=f"{size / MB:.1f}", limit=f"{limit / MB:g}")


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            names = set(archive.namelist())
            declared = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError, OSError, ValueError, EOFError):
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return None  # macros: not evidence
    for kind, main in _OFFICE_MAIN.items():
        if f'ContentType="{main}"' in declared:
            return kind
    return None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not _TEXT_CONTROL.search(text) and not _MARKUP.search(data[:4096])


def detect_kind(data: bytes, name: str) -> str:
    """The allowed type `data` is, recognised from its content; the name's ending must agree with it (it only
    tells CSV from other text). Raises StoreError for content of any other type, or a name that says another."""
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data.startswith(b"PK\x03\x04"):
        office = _office_kind(data)
        if office is None:
            raise StoreError(key="evidence_type_refused")
        kind = office
    elif _is_text(data):
        kind = "csv" if name.lower().endswith(".csv") else "text"
    else:
        raise StoreError(key="evidence_type_refused")
    endings = KINDS[kind][0]
    if not name.lower().endswith(endings):
        raise StoreError(key="evidence_type_mismatch", kind=Term(f"evidence_kind_{kind}"), endings=", ".join(endings))
    return kind


def _record(row: AttachmentRow) -> Attachment:
    return Attachment(
        row.id,
        row.assessment_id,
        row.question_id,
        row.action_id,
        row.name,
        row.kind,
        row.size,
        row.sha256,
        row.author,
        row.created_at,
    )


def add_attachment(
    engine: Engine,
    target: Target,
    name: str,
    data: bytes,
    *,
    author: str,
    question_id: str | None = None,
    action_id: int | None = None,
) -> Attachment:
    """Attach a file to an answer (`question_id`) or an action (`action_id`) of the assessment `target`.
    Raises StoreError (too big, a type not allowed, a bad name, both or neither of question and action,
    signed off), NotFound (the assessment or the action is gone, or the action is another assessment's) or
    NotAllowed (a role that may not edit)."""
    clean = clean_file_name(name)
    if not isinstance(data, bytes):
        raise StoreError(key="evidence_size_unknown")
    check_size(len(data))
    kind = detect_kind(data, clean)
    if (question_id is None) == (action_id is None):
        raise StoreError(key="evidence_answer_or_action")
    if question_id is not None:
        question_id = bank_question(question_id).id
    author = clean_author(author)
    with writing(engine) as s:
        row = target_row(s, target)
        check_unsigned(row)
        if action_id is not None:
            action = s.get(ActionRow, action_id) if is_row_id(action_id) else None
            if action is None or action.assessment_id != row.id:
                raise NotFound(key="store_no_action", id=action_id if is_row_id(action_id) else "?")
        file = AttachmentRow(
            assessment_id=row.id,
            question_id=question_id,
            action_id=action_id,
            name=clean,
            kind=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            author=author,
            created_at=utc_now(),
        )
        s.add(file)
        s.flush()
        return _record(file)


def list_attachments(engine: Engine, assessment_id: int) -> list[Attachment]:
    """An assessment's files (not their bytes), oldest first."""
    with reading(engine) as s:
        assessment_row(s, assessment_id)
        rows = s.scalars(select(AttachmentRow).where(AttachmentRow.assessment_id == assessment_id).order_by(AttachmentRow.id))
        return [_record(r) for r in rows]


def attachment_data(engine: Engine, assessment_id: int, attachment_id: int) -> tuple[Attachment, bytes]:
    """One file of an assessment with its bytes; NotFound for one that is gone or another assessment's."""
    with reading(engine) as s:
        row = s.scalar(select(AttachmentRow).where(AttachmentRow.id == attachment_id).options(undefer(AttachmentRow.data)))
        if row is None or row.assessment_id != assessment_id:
            raise NotFound(key="store_no_attachment", id=attachment_id)
        return _record(row), bytes(row.data)


def delete_attachment(engine: Engine, target: Target, attachment_id: int) -> None:
    """Remove a file from the assessment `target`; NotFound for one that is gone or another assessment's."""
    with writing(engine) as s:
        row = target_row(s, target)
        check_unsigned(row)
        gone = s.execute(delete(AttachmentRow).where(AttachmentRow.id == attachment_id, AttachmentRow.assessment_id == row.id))
        if changed_rows(gone) != 1:
            raise NotFound(key="store_no_attachment", id=attachment_id)
