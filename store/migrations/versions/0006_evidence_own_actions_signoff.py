"""Evidence files, the consultant's own actions, and sign-off.

* `attachments`: files attached to an answer (`question_id`) or to an action (`action_id`) of an
  assessment, kept in the database with their name, type, size and SHA-256.
* `actions`: `remedy_id` may be NULL (an action of the consultant's own, not one of the engine's
  measures), and `title` names such an action ('' for a measure's action, as every existing row gets).
* `assessments`: `signed_by` and `signed_at`, set when a named reviewer signs a version off (NULL: not
  signed off, as every existing assessment is).

Every existing row is kept as it is. Downgrading drops the attachments, the sign-offs and the
consultant's own actions (the schema before this cannot hold an action without a measure).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations are frozen history: they spell out their types instead of importing store.models.
UTC_DATETIME = sa.DateTime(timezone=True)
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}
ACTION_STATUS_CHECK = "status IN ('planned', 'in_progress', 'done', 'not_doing')"
OWN_OR_MEASURE_CHECK = "(remedy_id IS NULL) = (title <> '')"


def _rebuild() -> dict:
    """On SQLite a changed column needs the table rebuilt (foreign keys are off during migrations: see
    store.db.migration_connection); PostgreSQL alters it in place."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    return {"recreate": "always", "table_kwargs": NEVER_REUSE_IDS} if sqlite else {}


def upgrade() -> None:
    op.add_column("assessments", sa.Column("signed_by", sa.String(length=200), nullable=True))
    op.add_column("assessments", sa.Column("signed_at", UTC_DATETIME, nullable=True))
    op.add_column("actions", sa.Column("title", sa.String(length=200), server_default="", nullable=False))
    with op.batch_alter_table("actions", **_rebuild()) as batch:
        batch.alter_column("remedy_id", existing_type=sa.String(length=64), nullable=True)
        batch.create_check_constraint(op.f("ck_actions_own_or_measure"), OWN_OR_MEASURE_CHECK)
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("(question_id IS NULL) <> (action_id IS NULL)", name=op.f("ck_attachments_answer_or_action")),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name=op.f("fk_attachments_assessment_id_assessments"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_attachments_action_id_actions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        **NEVER_REUSE_IDS,
    )
    op.create_index(op.f("ix_attachments_assessment_id"), "attachments", ["assessment_id"], unique=False)
    op.create_index(op.f("ix_attachments_action_id"), "attachments", ["action_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_attachments_action_id"), table_name="attachments")
    op.drop_index(op.f("ix_attachments_assessment_id"), table_name="attachments")
    op.drop_table("attachments")
    # The consultant's own actions (and their history, by cascade on PostgreSQL; by hand on SQLite, whose
    # foreign keys are off here) cannot be kept without a measure.
    op.execute("DELETE FROM action_changes WHERE action_id IN (SELECT id FROM actions WHERE remedy_id IS NULL)")
    op.execute("DELETE FROM actions WHERE remedy_id IS NULL")
    with op.batch_alter_table("actions", **_rebuild()) as batch:
        batch.drop_constraint(op.f("ck_actions_own_or_measure"), type_="check")
        batch.alter_column("remedy_id", existing_type=sa.String(length=64), nullable=False)
        batch.drop_column("title")
    with op.batch_alter_table("assessments", **_rebuild()) as batch:
        batch.drop_column("signed_at")
        batch.drop_column("signed_by")
