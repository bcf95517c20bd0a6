"""Connecting to the workspace database (`make_engine`), sessions for reading and writing, and `upgrade`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from store.errors import StoreError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
DB_FILE = "pirisk.db"
DATA_DIR_ENV = "PIRISK_DATA_DIR"
URL_ENV = "DATABASE_URL"
URL_SECRET = "database_url"  # noqa: S105 - the name of a key in Streamlit secrets, not a secret
BUSY_TIMEOUT_MS = 15_000  # how long a SQLite writer waits for another one before giving up
SUPPORTED = ("sqlite", "postgresql")
PG_CONNECT_TIMEOUT = 10  # seconds
NO_TABLES = "the database has no pirisk tables yet; run `python -m store upgrade`"

# The `begin` hook reads this execution option: write transactions on SQLite start with BEGIN IMMEDIATE,
# so they take the write lock up front and wait (busy_timeout) instead of failing half-way.
_BEGIN_OPTION = "pirisk_sqlite_begin"
_MIGRATION_LOCK = 7_268_133_501  # pg_advisory_xact_lock key: replicas starting together migrate one at a time

Session = sessionmaker(expire_on_commit=False)
"""The session factory: `Session(bind=engine)`. The repository uses it through `reading(engine)` and `writing(engine)`."""


def data_dir() -> Path:
    """The folder for the default SQLite database: `PIRISK_DATA_DIR`, else `<repo>/data`; created 0700."""
    path = Path(os.environ.get(DATA_DIR_ENV) or ROOT / "data").expanduser()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create the data folder {path}: {err.strerror}") from None
    if not path.is_dir():
        raise StoreError(f"the data folder {path} is not a folder")
    return path


def database_url(url: str | None = None, secrets: Mapping[str, Any] | None = None) -> str | None:
    """The configured database URL: `url`, else env `DATABASE_URL`, else `database_url` in `secrets`; None for the default."""
    for candidate in (url, os.environ.get(URL_ENV), _secret(secrets, URL_SECRET)):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def _secret(secrets: Mapping[str, Any] | None, key: str) -> Any:
    if secrets is None:
        return None
    try:
        return secrets.get(key)
    except Exception:  # Streamlit raises when no secrets file exists; that simply means "not set"
        return None


def parse_url(url: str) -> URL:
    """Parse a database URL; map `postgresql://` and `postgres://` to the psycopg 3 driver. Raises StoreError."""
    text = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url.strip())
    try:
        parsed = sa.make_url(text)
    except (exc.ArgumentError, ValueError):
        raise StoreError("the database URL is not a URL like postgresql://user@host/db or sqlite:///path/pirisk.db") from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise StoreError(f"pirisk stores its workspace in SQLite or PostgreSQL, not {parsed.get_backend_name()}")
    return parsed


def default_sqlite_path() -> Path:
    """The default database file, `<data folder>/pirisk.db`, created empty with mode 0600 if missing."""
    path = data_dir() / DB_FILE
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as err:
            raise StoreError(f"cannot create the database file {path}: {err.strerror}") from None
    return path


def make_engine(url: str | None = None, *, secrets: Mapping[str, Any] | None = None) -> Engine:
    """An Engine for `url`, env `DATABASE_URL` or Streamlit secrets' `database_url`; else SQLite at `<data>/pirisk.db`.

    SQLite connections use WAL, foreign keys, secure_delete and a busy timeout. Call `upgrade(engine)`
    before first use. Raises StoreError for a URL pirisk cannot use."""
    raw = database_url(url, secrets)
    parsed = parse_url(raw) if raw else URL.create("sqlite+pysqlite", database=str(default_sqlite_path()))
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed)
        _configure_sqlite(engine)
        return engine
    # pre_ping: replicas outlive database restarts and idle timeouts; connect_timeout: fail in seconds, not minutes.
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT})


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, emits BEGIN (see the `begin` hook): SELECTs then run inside
        # the transaction too, so a read-then-write transaction sees one snapshot.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # deleted clients' data is overwritten, not left in free pages
        if engine.url.database not in (None, "", ":memory:"):
            _set_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_BEGIN_OPTION) == "immediate"
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _set_wal(cursor: Any, attempts: int = 50) -> None:
    """Switch to WAL. The switch needs an exclusive lock and SQLite may report "locked" at once,
    without waiting for busy_timeout, when several processes open a new file together: retry."""
    import sqlite3
    import time

    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def writer_engine(engine: Engine) -> Engine:
    return engine.execution_options(**{_BEGIN_OPTION: "immediate"}) if is_sqlite(engine) else engine


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a database that is unreachable, locked or broken into a one-line StoreError."""
    try:
        yield
    except exc.OperationalError as err:
        raise StoreError(_operational_message(err)) from None
    except exc.ProgrammingError as err:
        if getattr(err.orig, "sqlstate", None) == "42P01":  # PostgreSQL: undefined table
            raise StoreError(NO_TABLES) from None
        raise
    except exc.InterfaceError as err:
        raise StoreError(f"the database connection failed: {_first_line(err.orig)}") from None


def _first_line(value: Any) -> str:
    text = str(value).strip()
    return text.splitlines()[0].strip() if text else type(value).__name__


def _operational_message(err: exc.OperationalError) -> str:
    reason = _first_line(err.orig)
    if "database is locked" in reason or "database is busy" in reason:
        return "the database is busy with another change; try again"
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return NO_TABLES
    return f"the database cannot be used: {reason}"


@contextmanager
def reading(engine: Engine) -> Iterator[OrmSession]:
    """A session for reading: its statements share one transaction (one snapshot), rolled back at the end."""
    with database_errors(), Session(bind=engine) as session:
        yield session  # closing the session rolls the transaction back


@contextmanager
def writing(engine: Engine) -> Iterator[OrmSession]:
    """A session in one write transaction: committed at the end, rolled back on any error.

    On SQLite it starts with BEGIN IMMEDIATE (one writer at a time, waiting up to the busy timeout)."""
    with database_errors(), Session(bind=writer_engine(engine)) as session, session.begin():
        yield session


def alembic_config() -> Any:
    """An Alembic Config for the package's migrations, independent of the working directory."""
    from alembic.config import Config

    config = Config(str(PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run `alembic upgrade head` on `engine`, in one transaction. Safe to call at every app start.

    Two processes starting together migrate one after the other (BEGIN IMMEDIATE on SQLite, an
    advisory lock on PostgreSQL)."""
    from alembic import command

    config = alembic_config()
    with database_errors(), writer_engine(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with database_errors(), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision in the package's migrations."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
