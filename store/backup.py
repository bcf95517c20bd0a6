"""Backups of the SQLite workspace (an online, consistent copy) and restoring one after verifying it."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from store.db import BUSY_TIMEOUT_MS, is_sqlite, upgrade
from store.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRES_HINT = (
    'the workspace is in PostgreSQL: back it up with `pg_dump -Fc -f pirisk.dump "$DATABASE_URL"` and restore it '
    'with `pg_restore --clean -d "$DATABASE_URL" pirisk.dump` (see docs/team.md)'
)


@dataclass(frozen=True)
class BackupInfo:
    """A verified backup file: where it is, its Alembic revision and how many clients and assessments it holds."""

    path: Path
    revision: str
    clients: int
    assessments: int


def sqlite_file(engine: Engine) -> Path:
    """The database file behind a SQLite engine; StoreError (with the pg_dump hint) for PostgreSQL."""
    if not is_sqlite(engine):
        raise StoreError(POSTGRES_HINT)
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise StoreError("this SQLite database is not a plain file; nothing to back up")
    return Path(name).resolve()


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def backup(engine: Engine, out: str | Path) -> BackupInfo:
    """Copy the live SQLite database to `out` while the app runs (sqlite3's online backup), then verify the copy.

    The copy is one self-contained file (no -wal), mode 0600. Refuses to overwrite an existing `out`."""
    source = sqlite_file(engine)
    out = Path(out).expanduser()
    if out.exists():
        raise StoreError(f"{out} already exists; choose a new file name")
    if not out.parent.is_dir():
        raise StoreError(f"the folder {out.parent} does not exist")
    if not source.exists():
        raise StoreError(f"there is no database at {source} to back up")
    partial = out.with_name(out.name + ".partial")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        src, dst = _connect(source), _connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one file: the copy does not need a write-ahead log
        finally:
            src.close()
            dst.close()
        info = verify_backup(partial)
        os.replace(partial, out)
    except sqlite3.Error as err:
        raise StoreError(f"the backup failed: {err}") from None
    except OSError as err:
        raise StoreError(f"cannot write {out}: {err.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(out, info.revision, info.clients, info.assessments)


def verify_backup(path: str | Path) -> BackupInfo:
    """Check that `path` is a sound pirisk SQLite database: integrity_check ok and a known Alembic revision."""
    from alembic.script import ScriptDirectory

    from store.db import alembic_config

    path = Path(path).expanduser()
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise StoreError(f"no such file: {path}") from None
    except OSError as err:
        raise StoreError(f"cannot read {path}: {err.strerror}") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{path.name} is not a SQLite database")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise StoreError(f"{path.name} is damaged: {problems[0]}")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise StoreError(f"{path.name} is a SQLite database but not a pirisk workspace (no schema version)")
            versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            clients = conn.execute("SELECT count(*) FROM clients").fetchone()[0] if "clients" in tables else 0
            assessments = conn.execute("SELECT count(*) FROM assessments").fetchone()[0] if "assessments" in tables else 0
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path.name} cannot be read as a SQLite database: {err}") from None
    if len(versions) != 1:
        raise StoreError(f"{path.name} has no single schema version; it is not a pirisk backup")
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if versions[0] not in known:
        raise StoreError(
            f"{path.name} is at schema version {versions[0]!r}, which this pirisk does not know (is it from a newer pirisk?)"
        )
    return BackupInfo(path, versions[0], clients, assessments)


def restore(engine: Engine, backup_file: str | Path) -> tuple[BackupInfo, Path]:
    """Replace the live SQLite database with a verified backup; returns the backup's info and a safety copy
    of what was replaced. Migrates the restored data to the current schema. Stop the app first."""
    live = sqlite_file(engine)
    info = verify_backup(backup_file)
    if info.path.resolve() == live:
        raise StoreError("that file is the live database itself")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    safety = live.with_name(f"{live.name}.before-restore-{stamp}")
    if live.exists():
        backup(engine, safety)
    engine.dispose()  # pooled connections would keep reading the old pages
    try:
        src, dst = _connect(info.path), _connect(live)
        try:
            src.backup(dst)  # page by page, in one transaction on the live file: never half-restored
        finally:
            src.close()
            dst.close()
    except sqlite3.Error as err:
        raise StoreError(f"the restore failed, the live database is unchanged: {err}") from None
    upgrade(engine)
    return info, safety
