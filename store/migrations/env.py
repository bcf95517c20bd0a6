"""Alembic's environment for the workspace: runs on the connection store.db.upgrade passes, else on make_engine()."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from store.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:  # store.db.upgrade: already in its transaction, holding the migration lock
        _run(connection)
        return
    from store.db import make_engine, writer_engine

    engine = make_engine()
    try:
        with writer_engine(engine).begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("pirisk's migrations run online only: python -m store upgrade")
run_migrations_online()
