"""Where an agreed answer came from.

* `answer_changes` gains `source` (JSON, NULL for a change typed by the consultant): for an answer agreed in
  a workshop, {"workshop": {respondent name: their answer}} as the respondents had answered when it was
  agreed, so that the history can say so.

Every existing row is kept as it is (its source is NULL). Downgrading drops the column.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding a column needs no rebuild on either backend (SQLite's ALTER TABLE ADD COLUMN keeps the table).
    op.add_column("answer_changes", sa.Column("source", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answer_changes") as batch:
        batch.drop_column("source")
