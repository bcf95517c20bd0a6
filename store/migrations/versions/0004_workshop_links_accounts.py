"""Remote workshops and named accounts.

* `respondents` gains `version` (optimistic locking of a respondent's answers; existing respondents
  start at 1), `sections` (the bank sections they are asked; NULL: all, as before) and `submitted_at`.
* `invitations`: a respondent's personal links, each kept only as the SHA-256 of its token, with when it
  expires, whether it was revoked, and when it was first opened.
* `workshops`: whether an assessment's remote workshop is closed (no row: open).
* `accounts`: named workspace accounts with an argon2id password hash and a role.

Every existing row is kept as it is. Downgrading drops the new tables and columns (links, accounts,
which sections each respondent was asked, and whether they submitted).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations are frozen history: they spell out their types instead of importing store.models.
UTC_DATETIME = sa.DateTime(timezone=True)
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    # Adding columns needs no rebuild on either backend (SQLite's ALTER TABLE ADD COLUMN keeps the table).
    op.add_column("respondents", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("respondents", sa.Column("sections", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("respondents", sa.Column("submitted_at", UTC_DATETIME, nullable=True))
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.Column("opened_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["respondent_id"], ["respondents.id"], name=op.f("fk_invitations_respondent_id_respondents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
        **NEVER_REUSE_IDS,
    )
    op.create_index(op.f("ix_invitations_respondent_id"), "invitations", ["respondent_id"], unique=False)
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name=op.f("fk_workshops_assessment_id_assessments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_workshops_assessment_id")),
        **NEVER_REUSE_IDS,
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=512), nullable=False),
        sa.Column("disabled_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("role IN ('owner', 'consultant', 'viewer')", name=op.f("ck_accounts_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
        **NEVER_REUSE_IDS,
    )


def downgrade() -> None:
    op.drop_table("accounts")
    op.drop_table("workshops")
    op.drop_index(op.f("ix_invitations_respondent_id"), table_name="invitations")
    op.drop_table("invitations")
    sqlite = op.get_bind().dialect.name == "sqlite"
    # On SQLite the table is rebuilt (foreign keys are off during migrations: see store.db.migration_connection).
    rebuild = {"recreate": "always", "table_kwargs": NEVER_REUSE_IDS} if sqlite else {}
    with op.batch_alter_table("respondents", **rebuild) as batch:
        batch.drop_column("submitted_at")
        batch.drop_column("sections")
        batch.drop_column("version")
