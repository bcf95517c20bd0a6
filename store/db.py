"""Connecting to the workspace database (`make_engine`), sessions for reading and writing, and `upgrade`.

Every connection to a SQLite file holds a shared lock on `<file>.inuse` for as long as it is open (the
app keeps pooled connections open while it runs); `exclusive_use` takes that lock exclusively, so that a
restore is refused while the app, or anything else, has the database open.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from store.access import check_permission
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
NO_TABLES = "store_no_tables"  # the message key: "the database has no pirisk tables yet; run `python -m store upgrade`"
INUSE_SUFFIX = ".inuse"
# Query parameters of a database URL that are safe to show; the value of any other is masked.
SHOWN_QUERY = frozenset(("sslmode", "connect_timeout", "application_name", "target_session_attrs", "gssencmode", "options"))
MASK = "***"
# PostgreSQL: never write statement parameters (client names, notes) into the server log when a statement
# fails. The server's default is already 0; pirisk's connections insist on it (a user may set it).
PG_OPTIONS = "-c log_parameter_max_length_on_error=0"

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
        raise StoreError(key="store_data_folder", path=str(path), reason=err.strerror or str(err)) from None
    if not path.is_dir():
        raise StoreError(key="store_data_folder_not_folder", path=str(path))
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
        raise StoreError(key="store_bad_url") from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise StoreError(key="store_unsupported_url", backend=parsed.get_backend_name())
    return parsed


def shown_url(url: URL | str) -> str:
    """A database URL fit to print or show on a page: the password and every query parameter that could hold
    a secret (`?password=`, `sslpassword`, a token...) masked; only harmless ones (sslmode...) are shown."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    text = parsed.set(query={}).render_as_string(hide_password=True)
    if not parsed.query:
        return text
    pairs = []
    for key, value in parsed.query.items():
        for one in value if isinstance(value, tuple) else (value,):
            pairs.append((key, one if key.lower() in SHOWN_QUERY else MASK))
    return f"{text}?{urlencode(pairs, safe='*', quote_via=quote)}"


def default_sqlite_path() -> Path:
    """The default database file, `<data folder>/pirisk.db`, created empty with mode 0600 if missing."""
    path = data_dir() / DB_FILE
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as err:
            raise StoreError(key="store_db_file", path=str(path), reason=err.strerror or str(err)) from None
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
    return sa.create_engine(
        parsed, pool_pre_ping=True, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT, "options": PG_OPTIONS}
    )


def inuse_path(database: str | Path) -> Path:
    """The lock file beside a SQLite database: shared by every open connection, exclusive during a restore."""
    path = Path(database)
    return path.with_name(path.name + INUSE_SUFFIX)


def _lock(path: Path, exclusive: bool) -> int | None:
    """An open descriptor holding a flock on `path` (created 0600), or None where flock does not exist.
    Raises BlockingIOError if the lock is held the other way."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no locking (documented)
        return None
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def exclusive_use(database: str | Path) -> Iterator[Any]:
    """Hold the database file for oneself: raises StoreError at once if any connection (the app's, another
    command's) has it open. Yields a function that turns the lock into a shared one (to reconnect)."""
    try:
        fd = _lock(inuse_path(database), exclusive=True)
    except BlockingIOError:
        raise StoreError(key="store_in_use", path=str(database)) from None
    except OSError as err:
        raise StoreError(key="store_db_file", path=str(inuse_path(database)), reason=err.strerror or str(err)) from None

    def share() -> None:
        if fd is not None:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_SH)

    try:
        yield share
    finally:
        if fd is not None:
            os.close(fd)


def _configure_sqlite(engine: Engine) -> None:
    file_backed = engine.url.database not in (None, "", ":memory:") and not str(engine.url.database).startswith("file:")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        if file_backed:
            try:
                record.info["pirisk_inuse"] = _lock(inuse_path(str(engine.url.database)), exclusive=False)
            except BlockingIOError:
                dbapi_connection.close()
                raise StoreError(key="store_restoring") from None
            except OSError:
                record.info["pirisk_inuse"] = None  # a read-only folder: no lock, as before
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

    def _release(_dbapi_connection: Any, record: Any) -> None:
        fd = record.info.pop("pirisk_inuse", None)
        if fd is not None:
            os.close(fd)

    event.listen(engine, "close", _release)

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
        raise _operational_error(err) from None
    except exc.ProgrammingError as err:
        if getattr(err.orig, "sqlstate", None) == "42P01":  # PostgreSQL: undefined table
            raise StoreError(key=NO_TABLES) from None
        raise
    except exc.DataError:  # a value the database cannot hold (say, a NUL on PostgreSQL) that the checks missed
        raise StoreError(key="store_bad_value") from None
    except exc.InterfaceError as err:
        raise StoreError(key="store_connection_failed", reason=_first_line(err.orig)) from None


def _first_line(value: Any) -> str:
    text = str(value).strip()
    return text.splitlines()[0].strip() if text else type(value).__name__


def _operational_error(err: exc.OperationalError) -> StoreError:
    reason = _first_line(err.orig)
    if "database is locked" in reason or "database is busy" in reason:
        return StoreError(key="store_busy")
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return StoreError(key=NO_TABLES)
    return StoreError(key="store_unusable", reason=reason)


@contextmanager
def reading(engine: Engine, need: str = "read") -> Iterator[OrmSession]:
    """A session for reading: its statements share one transaction (one snapshot), rolled back at the end.

    Refused (store.access.NotAllowed) unless the engine's role may do `need` (see store/access.py)."""
    check_permission(engine, need)
    with database_errors(), Session(bind=engine) as session:
        yield session  # closing the session rolls the transaction back


_SQLITE_WRITERS: dict[str, threading.RLock] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()


def _sqlite_writer(engine: Engine) -> threading.RLock | None:
    """This process's lock for writing one SQLite file (None on PostgreSQL). SQLite takes one writer at
    a time anyway; its busy handler makes the others poll with sleeps growing to 100 ms, so with 30
    respondents saving at once some waited seconds behind luckier ones. Queued on a lock, each writer
    starts as soon as the one before commits. Other processes (replicas, the CLI) still meet at
    BEGIN IMMEDIATE and its busy timeout. Re-entrant: a nested write in one thread behaves as before."""
    if not is_sqlite(engine):
        return None
    with _SQLITE_WRITERS_GUARD:
        return _SQLITE_WRITERS.setdefault(str(engine.url.database), threading.RLock())


@contextmanager
def writing(engine: Engine, need: str = "edit") -> Iterator[OrmSession]:
    """A session in one write transaction: committed at the end, rolled back on any error.

    Refused (store.access.NotAllowed) unless the engine's role may do `need`: "edit" by default, "manage"
    for accounts and deleting clients, "respond" for what a respondent's link allows. On SQLite it starts
    with BEGIN IMMEDIATE (one writer at a time, waiting up to the busy timeout), after waiting its turn
    among this process's writers."""
    check_permission(engine, need)
    turn = _sqlite_writer(engine)
    if turn is not None and not turn.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
        raise StoreError(key="store_busy")
    try:
        with database_errors(), Session(bind=writer_engine(engine)) as session, session.begin():
            yield session
    finally:
        if turn is not None:
            turn.release()


def alembic_config() -> Any:
    """An Alembic Config for the package's migrations, independent of the working directory."""
    from alembic.config import Config

    config = Config(str(PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for running migrations, committed at the end.

    Two processes migrating together go one after the other (BEGIN IMMEDIATE on SQLite, an advisory lock on
    PostgreSQL). On SQLite, foreign keys are off for the transaction (a migration that rebuilds a table
    would otherwise cascade the old table's deletion to its children) and checked before it commits."""
    with writer_engine(engine).connect() as connection:
        raw = connection.connection.driver_connection if is_sqlite(engine) else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # before BEGIN: inside a transaction it does nothing
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                yield connection
                if raw is not None and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StoreError(key="store_migration_orphans")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run `alembic upgrade head` on `engine`, in one transaction. Safe to call at every app start."""
    from alembic import command

    config = alembic_config()
    with database_errors(), migration_connection(engine) as connection:
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
