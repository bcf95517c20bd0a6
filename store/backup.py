"""Backups of the SQLite workspace (an online, consistent copy) and restoring one after verifying it.

A backup is verified before anything trusts it: SQLite's integrity check, a known schema version, and
its schema compared with the one pirisk's own migrations make at that version: the same tables with the
same columns, keys, indexes, checks and cascades, and nothing else (no trigger, no view, no extra
table). A restore also refuses to run while anything (the app) has the live database open.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from store.db import BUSY_TIMEOUT_MS, exclusive_use, is_sqlite, upgrade
from store.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Callable

    from store.backup_rows import RestorePreview

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRES_HINT = (
    'the workspace is in PostgreSQL: back it up with `pg_dump -Fc -f pirisk.dump "$DATABASE_URL"` and restore it '
    'with `pg_restore --clean -d "$DATABASE_URL" pirisk.dump` (see docs/team.md)'
)
# SQLite's own bookkeeping tables, which any database may have.
INTERNAL_TABLES = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat4")


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


def _create_private(path: Path) -> int:
    """Create `path` as a new file, mode 0600, never following a link planted there (O_EXCL and O_NOFOLLOW)."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(path, flags, 0o600)


def _place(partial: Path, out: Path) -> None:
    """Move the finished copy to `out` without ever replacing a file that appeared there meanwhile."""
    try:
        os.link(partial, out, follow_symlinks=False)  # fails if `out` exists: no clobbering
    except FileExistsError:
        raise StoreError(f"{out} already exists; choose a new file name") from None
    except OSError:  # a file system without hard links: check, then rename
        if out.exists() or out.is_symlink():
            raise StoreError(f"{out} already exists; choose a new file name") from None
        os.replace(partial, out)
        return
    partial.unlink()


def backup(engine: Engine, out: str | Path) -> BackupInfo:
    """Copy the live SQLite database to `out` while the app runs (sqlite3's online backup), then verify the copy.

    The copy is one self-contained file (no -wal), mode 0600. It is written to `OUT.partial`, created new
    (a file or link already there is refused, never followed), and checked to still be that file before
    it becomes `out`. Refuses to overwrite an existing `out`."""
    source = sqlite_file(engine)
    out = Path(out).expanduser()
    if out.exists() or out.is_symlink():
        raise StoreError(f"{out} already exists; choose a new file name")
    if not out.parent.is_dir():
        raise StoreError(f"the folder {out.parent} does not exist")
    if not source.exists():
        raise StoreError(f"there is no database at {source} to back up")
    partial = out.with_name(out.name + ".partial")
    try:
        fd = _create_private(partial)
    except FileExistsError:
        raise StoreError(f"{partial} already exists (a backup left half-way, or planted there); remove it and retry") from None
    except OSError as err:
        raise StoreError(f"cannot write {out}: {err.strerror}") from None
    created = os.fstat(fd)
    os.close(fd)
    try:
        src, dst = _connect(source), _connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one file: the copy does not need a write-ahead log
        finally:
            src.close()
            dst.close()
        now = os.lstat(partial)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (created.st_dev, created.st_ino):
            raise StoreError(f"{partial} was replaced while the backup was written; nothing was kept")
        info = verify_backup(partial)
        _place(partial, out)
    except sqlite3.Error as err:
        raise StoreError(f"the backup failed: {err}") from None
    except OSError as err:
        raise StoreError(f"cannot write {out}: {err.strerror}") from None
    finally:
        if partial.exists() or partial.is_symlink():
            try:
                if (os.lstat(partial).st_dev, os.lstat(partial).st_ino) == (created.st_dev, created.st_ino):
                    partial.unlink()  # only the file this backup made
            except OSError:
                pass
    return BackupInfo(out, info.revision, info.clients, info.assessments)


# ----------------------------------------------------------------------------------------------
# Verifying a backup


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", (sql or "").replace('"', "").replace("`", "")).strip().lower()


def _checks(text: str) -> list[str]:
    """The CHECK constraints of a normalised CREATE TABLE statement, each as its parenthesised condition."""
    found = []
    for match in re.finditer(r"\bcheck\s*\(", text):
        depth, start = 0, match.end() - 1
        for i in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                found.append(text[start + 1 : i].strip())
                break
    return sorted(found)


def schema_of(conn: sqlite3.Connection) -> dict[str, Any]:
    """A SQLite database's schema as comparable data: every table with its columns, foreign keys (with their
    cascades), indexes, CHECK constraints and AUTOINCREMENT, and every other object (triggers, views) by name."""
    objects = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    tables: dict[str, Any] = {}
    others = sorted((kind, name) for kind, name, _, _ in objects if kind not in ("table", "index"))
    for kind, name, _, sql in objects:
        if kind != "table" or name in INTERNAL_TABLES:
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        columns = [tuple(row[1:]) for row in conn.execute(f"PRAGMA table_xinfo({quoted})")]
        keys = sorted(tuple(row[2:]) for row in conn.execute(f"PRAGMA foreign_key_list({quoted})"))
        indexes = []
        for row in conn.execute(f"PRAGMA index_list({quoted})"):
            index_name, unique, origin, partial = row[1], row[2], row[3], row[4]
            cols = tuple(r[2] for r in conn.execute(f'PRAGMA index_info("{index_name.replace(chr(34), chr(34) * 2)}")'))
            indexes.append((index_name if origin == "c" else origin, unique, partial, cols))
        text = _normal(sql)
        tables[name] = {
            "columns": columns,
            "foreign_keys": keys,
            "indexes": sorted(indexes),
            "checks": _checks(text),
            "autoincrement": "autoincrement" in text,
        }
    return {"tables": tables, "others": others}


@cache
def reference_schema(revision: str) -> dict[str, Any]:
    """The schema pirisk's migrations make at `revision`, built in a temporary database (once per revision)."""
    from store.db import make_engine

    with tempfile.TemporaryDirectory(prefix="pirisk-schema-") as folder:
        path = Path(folder) / "reference.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        conn = sqlite3.connect(str(path))
        try:
            return schema_of(conn)
        finally:
            conn.close()


def schema_difference(found: dict[str, Any], expected: dict[str, Any]) -> str | None:
    """The first way `found` differs from `expected`, as a short reason; None when they are the same."""
    for kind, name in found["others"]:
        if (kind, name) not in expected["others"]:
            return f"it has a {kind} '{name[:40]}', which pirisk never makes"
    extra = sorted(set(found["tables"]) - set(expected["tables"]))
    if extra:
        return f"it has a table '{extra[0][:40]}' that pirisk does not make"
    missing = sorted(set(expected["tables"]) - set(found["tables"]))
    if missing:
        return f"its table '{missing[0]}' is missing"
    for name, want in expected["tables"].items():
        got = found["tables"][name]
        if got["columns"] != want["columns"]:
            have, need = {c[0] for c in got["columns"]}, {c[0] for c in want["columns"]}
            if have - need:
                return f"its table '{name}' has a column '{sorted(have - need)[0][:40]}' that pirisk does not make"
            if need - have:
                return f"its table '{name}' lacks the column '{sorted(need - have)[0]}'"
            return f"the columns of its table '{name}' are not defined as pirisk defines them"
        if got["foreign_keys"] != want["foreign_keys"]:
            return f"the foreign keys of its table '{name}' differ from pirisk's (a cascade removed or changed?)"
        if got["indexes"] != want["indexes"]:
            return f"the indexes or unique constraints of its table '{name}' differ from pirisk's"
        if got["checks"] != want["checks"]:
            return f"the checks of its table '{name}' differ from pirisk's"
        if got["autoincrement"] != want["autoincrement"]:
            return f"the ids of its table '{name}' are not made as pirisk makes them"
    return None


def verify_backup(path: str | Path) -> BackupInfo:
    """Check that `path` is a sound pirisk SQLite database: integrity_check ok, a known Alembic revision, the
    schema pirisk's migrations make at that revision and nothing more, and no row pointing at a missing one."""
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
            conn.execute("PRAGMA trusted_schema = OFF")  # a hostile schema's functions and virtual tables do not run
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise StoreError(f"{path.name} is damaged: {problems[0]}")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise StoreError(f"{path.name} is a SQLite database but not a pirisk workspace (no schema version)")
            versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            if len(versions) != 1:
                raise StoreError(f"{path.name} has no single schema version; it is not a pirisk backup")
            known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
            if versions[0] not in known:
                raise StoreError(
                    f"{path.name} is at schema version {str(versions[0])[:40]!r}, which this pirisk does not know (is it from a newer pirisk?)"
                )
            difference = schema_difference(schema_of(conn), reference_schema(versions[0]))
            if difference:
                raise StoreError(f"{path.name} is not a pirisk backup as pirisk makes them: {difference}; it was not restored")
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreError(f"{path.name} has rows that point at rows it lacks; it is damaged")
            clients = conn.execute("SELECT count(*) FROM clients").fetchone()[0]
            assessments = conn.execute("SELECT count(*) FROM assessments").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path.name} cannot be read as a SQLite database: {err}") from None
    return BackupInfo(path, versions[0], clients, assessments)


def _holds_data(live: Path) -> bool:
    """Whether the live file has anything to keep: not missing, not empty, not a database with no table yet
    (what a first connection to an empty data directory leaves)."""
    try:
        if live.stat().st_size == 0:
            return False
    except FileNotFoundError:
        return False
    conn = sqlite3.connect(f"{live.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
    finally:
        conn.close()


def _copy(source: Path, target: Path) -> None:
    src, dst = _connect(source), _connect(target)
    try:
        src.backup(dst)  # page by page, in one transaction on the target: never half-copied
    finally:
        src.close()
        dst.close()


def restore(
    engine: Engine, backup_file: str | Path, *, confirm: Callable[[RestorePreview], bool] | None = None
) -> tuple[BackupInfo, Path | None]:
    """Replace the live SQLite database with a verified backup; returns the backup's info and a safety copy
    of what was replaced (None when there was nothing: a new, empty data directory). Migrates the restored
    data to the current schema.

    Before anything is replaced, the backup is copied aside, migrated, and every row checked as the store
    would have written it (store/backup_rows.py); then `confirm`, if given, sees the accounts and live links
    it brings and may refuse (StoreError, nothing changed).

    Refuses (StoreError, nothing changed) while anything else has the database open: the app keeps its
    connections open, so a restore cannot pull the records from under the sessions that hold their ids.
    Stop the app, restore, start it again."""
    from store.backup_rows import check_rows
    from store.db import make_engine

    live = sqlite_file(engine)
    info = verify_backup(backup_file)
    if info.path.resolve() == live:
        raise StoreError("that file is the live database itself")
    live.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pirisk-restore-", dir=live.parent) as folder:
        staged = Path(folder) / "staged.db"
        _copy(info.path, staged)
        staged_engine = make_engine(f"sqlite:///{staged}")
        try:
            upgrade(staged_engine)
            preview = check_rows(staged_engine, info.path.name)
        finally:
            staged_engine.dispose()
        if confirm is not None and not confirm(preview):
            raise StoreError("the restore was not confirmed; the live database is unchanged")
        engine.dispose()  # this engine's own connections hold the shared lock too
        with exclusive_use(live) as share:
            safety = None
            if _holds_data(live):
                stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
                safety = live.with_name(f"{live.name}.before-restore-{stamp}")
                backup(engine, safety)
            try:
                _copy(staged, live)
            except sqlite3.Error as err:
                raise StoreError(f"the restore failed, the live database is unchanged: {err}") from None
            share()  # migrate through the engine, whose connections take the lock shared
            try:
                upgrade(engine)
            finally:
                engine.dispose()
    return info, safety
