"""The consultant's report texts and the rules each sitting was scored under.

* `assessments` gains `summary` and `scope` (the consultant's executive summary and scope for the report,
  versioned details like the title; existing assessments start empty), and `scored` (the result as last
  saved: the rules version, each axis's level and score, the findings' titles), so that a saved assessment
  can say what moved when the law data changes under it.
* `answer_changes` gains `rules_version`: the rules in force in pirisk when the change was made (NULL for
  changes made before this revision).

Every existing row is kept as it is. Downgrading drops the four columns.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    # Adding columns needs no rebuild on either backend (SQLite's ALTER TABLE ADD COLUMN keeps the table).
    op.add_column("assessments", sa.Column("summary", sa.Text(), server_default="", nullable=False))
    op.add_column("assessments", sa.Column("scope", sa.Text(), server_default="", nullable=False))
    op.add_column("assessments", sa.Column("scored", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("answer_changes", sa.Column("rules_version", sa.String(length=32), nullable=True))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # On SQLite the tables are rebuilt (foreign keys are off during migrations: see store.db.migration_connection).
    rebuild = {"recreate": "always", "table_kwargs": NEVER_REUSE_IDS} if sqlite else {}
    with op.batch_alter_table("answer_changes", **rebuild) as batch:
        batch.drop_column("rules_version")
    with op.batch_alter_table("assessments", **rebuild) as batch:
        batch.drop_column("scored")
        batch.drop_column("scope")
        batch.drop_column("summary")
