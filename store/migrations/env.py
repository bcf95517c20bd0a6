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
    from store.db import make_engine, migration_connection

    engine = make_engine()
    try:
        with migration_connection(engine) as conn:  # foreign keys off on SQLite: a rebuilt table must not cascade
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("pirisk's migrations run online only: python -m store upgrade")
run_migrations_online()
