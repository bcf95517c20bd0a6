"""Ids are never reused, every change of an assessment is in its history, and names are in NFC.

* SQLite: every table with an integer id is rebuilt with AUTOINCREMENT (the rows and their ids are
  copied as they are; SQLite then never hands out an id again, even after the highest was deleted).
  PostgreSQL's sequences already never reuse one. The rebuild needs foreign keys off, or dropping the
  old `clients` table would cascade to every assessment: `store.db.migration_connection` turns them
  off around the migration and checks them before it commits; this migration refuses to run otherwise.
* `answer_changes.kind` ("answer", "detail" or "note"): the history now also records changes of an
  assessment's title, law date, language, company and status, and of its notes. Existing rows are
  answers.
* Client names, respondents' names and roles, titles and company names are put in Unicode NFC, so that
  two spellings of one name are one client. Should two clients' names become equal, the later one
  keeps its name with " (<id>)" added: nothing is merged or lost.

Downgrading drops the history of details and notes (revision 0001 cannot tell them from answers) and
the AUTOINCREMENT; the names stay in NFC.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Parents before children. Migrations are frozen history: the tables are named here, not imported.
ID_TABLES = ("clients", "assessments", "answer_changes", "notes", "respondents", "respondent_answers")
NAME_MAX = 200


def _refuse_cascading_rebuild(bind: sa.engine.Connection) -> None:
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "revision 0002 rebuilds SQLite tables and must run with foreign keys off: use `python -m store upgrade`"
        )


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _refuse_cascading_rebuild(bind)
    rebuild = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}
    with op.batch_alter_table("answer_changes", **rebuild) as batch:
        batch.add_column(sa.Column("kind", sa.String(length=8), server_default="answer", nullable=False))
        batch.create_check_constraint(op.f("ck_answer_changes_kind"), "kind IN ('answer', 'detail', 'note')")
    if sqlite:
        for table in ID_TABLES:
            if table == "answer_changes":
                continue  # rebuilt above
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass
    _normalise_names(bind)


def _nfc(text: str | None) -> str | None:
    return unicodedata.normalize("NFC", text) if isinstance(text, str) else text


def _normalise_names(bind: sa.engine.Connection) -> None:
    clients = bind.execute(sa.text("SELECT id, name FROM clients ORDER BY id")).all()
    taken = {name for _, name in clients if _nfc(name) == name}
    for client_id, name in clients:
        nfc = _nfc(name)
        if nfc == name:
            continue
        if nfc in taken:  # another client already has this name: keep both, apart
            suffix = f" ({client_id})"
            nfc = nfc[: NAME_MAX - len(suffix)] + suffix
        taken.add(nfc)
        bind.execute(sa.text("UPDATE clients SET name = :name WHERE id = :id"), {"name": nfc, "id": client_id})

    respondents = bind.execute(sa.text("SELECT id, assessment_id, name, role FROM respondents ORDER BY id")).all()
    seen = {(a, n) for _, a, n, _ in respondents if _nfc(n) == n}
    for rid, assessment_id, name, role in respondents:
        nfc = _nfc(name)
        if nfc != name and (assessment_id, nfc) in seen:
            suffix = f" ({rid})"
            nfc = nfc[: NAME_MAX - len(suffix)] + suffix
        seen.add((assessment_id, nfc))
        if (nfc, _nfc(role)) != (name, role):
            bind.execute(
                sa.text("UPDATE respondents SET name = :name, role = :role WHERE id = :id"),
                {"name": nfc, "role": _nfc(role), "id": rid},
            )

    for aid, title, company in bind.execute(sa.text("SELECT id, title, company FROM assessments")).all():
        if (_nfc(title), _nfc(company)) != (title, company):
            bind.execute(
                sa.text("UPDATE assessments SET title = :title, company = :company WHERE id = :id"),
                {"title": _nfc(title), "company": _nfc(company), "id": aid},
            )


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _refuse_cascading_rebuild(bind)
    bind.execute(sa.text("DELETE FROM answer_changes WHERE kind <> 'answer'"))
    rebuild = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": False}} if sqlite else {}
    with op.batch_alter_table("answer_changes", **rebuild) as batch:
        batch.drop_constraint(op.f("ck_answer_changes_kind"), type_="check")
        batch.drop_column("kind")
    if sqlite:
        for table in ID_TABLES:
            if table == "answer_changes":
                continue
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": False}):
                pass
