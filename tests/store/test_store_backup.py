"""Backups of the SQLite workspace, verified restores, and the store CLI."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from store import repo
from store.backup import backup, restore, verify_backup
from store.db import make_engine, upgrade
from store.errors import StoreError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def sqlite_engine(tmp_path):
    (tmp_path / "live").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'live' / 'pirisk.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def fill(engine, name="Acme"):
    client = repo.create_client(engine, name)
    a = repo.create_assessment(engine, client.id, "review", dt.date(2026, 11, 29), "en", None, {"consumer_facing": True})
    repo.set_note(engine, a, "consumer_facing", "note", expected_version=1, author="ana")
    return a


def test_backup_and_restore_round_trip(sqlite_engine, tmp_path):
    a = fill(sqlite_engine)
    info = backup(sqlite_engine, tmp_path / "b.db")
    assert (info.clients, info.assessments) == (1, 1)
    assert oct((tmp_path / "b.db").stat().st_mode & 0o777) == "0o600"
    assert not (tmp_path / "b.db-wal").exists()  # one self-contained file

    repo.delete_client(sqlite_engine, a.client_id)
    fill(sqlite_engine, "Later Co")
    restored, safety = restore(sqlite_engine, tmp_path / "b.db")

    assert restored.revision
    assert [c.name for c in repo.list_clients(sqlite_engine)] == ["Acme"]
    assert repo.get_notes(sqlite_engine, a.id)["consumer_facing"].text == "note"
    assert verify_backup(safety).clients == 1  # what was replaced is kept
    with sqlite3.connect(safety) as conn:
        assert conn.execute("SELECT name FROM clients").fetchall() == [("Later Co",)]
    repo.create_client(sqlite_engine, "Works after restore")  # the live database is writable, migrated


def test_backup_is_consistent_while_someone_writes(sqlite_engine, tmp_path):
    a = fill(sqlite_engine)
    stop = threading.Event()

    def write() -> None:
        version = repo.get_assessment(sqlite_engine, a.id).version
        while not stop.is_set():
            version = repo.set_answer(
                sqlite_engine,
                a,
                "user_count",
                "under_10k" if version % 2 else "over_100m",
                expected_version=version,
                author="w",
            )

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for i in range(3):
            backup(sqlite_engine, tmp_path / f"b{i}.db")
    finally:
        stop.set()
        writer.join(timeout=30)
    for i in range(3):
        with sqlite3.connect(tmp_path / f"b{i}.db") as conn:
            version = conn.execute("SELECT version FROM assessments").fetchone()[0]
            assert conn.execute("SELECT count(DISTINCT version) FROM answer_changes").fetchone()[0] == version - 1


def test_restore_refuses_what_is_not_a_sound_backup(sqlite_engine, tmp_path):
    fill(sqlite_engine)
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    future = tmp_path / "future.db"
    backup(sqlite_engine, future)
    with sqlite3.connect(future) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    damaged = tmp_path / "damaged.db"
    backup(sqlite_engine, damaged)
    raw = bytearray(damaged.read_bytes())
    raw[4096 + 8 : 4096 + 64] = b"\xff" * 56  # scribble over the second page
    damaged.write_bytes(bytes(raw))

    for path, message in [
        (tmp_path / "missing.db", "no such file"),
        (not_sqlite, "not a SQLite database"),
        (foreign, "not a pirisk workspace"),
        (future, "does not know"),
        (damaged, "damaged|cannot be read"),
    ]:
        with pytest.raises(StoreError, match=message):
            restore(sqlite_engine, path)
    assert [c.name for c in repo.list_clients(sqlite_engine)] == ["Acme"]  # untouched
    with pytest.raises(StoreError, match="already exists"):
        backup(sqlite_engine, future)


def test_postgresql_points_at_pg_dump():
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
    for call in (lambda: backup(engine, "x.db"), lambda: restore(engine, "x.db")):
        with pytest.raises(StoreError, match=r"pg_dump.*pg_restore"):
            call()


def cli(*args: str, env: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "store", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        env={**os.environ, **(env or {})},
    )


def test_the_cli_upgrades_backs_up_restores_and_hashes(tmp_path):
    from store.access import verify_password

    env = {"PIRISK_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}
    out = cli("upgrade", env=env)
    assert out.returncode == 0, out.stderr
    assert "schema version" in out.stdout and (tmp_path / "data" / "pirisk.db").exists()
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'pirisk.db'}")
    fill(engine)
    engine.dispose()

    out = cli("backup", str(tmp_path / "b.db"), env=env)
    assert out.returncode == 0 and "1 clients" in out.stdout, out.stderr
    out = cli("restore", str(tmp_path / "b.db"), env=env)
    assert out.returncode == 0 and "kept at" in out.stdout, out.stderr

    out = cli("hash-password", stdin="a long enough password\n")
    assert out.returncode == 0, out.stderr
    assert verify_password("a long enough password", out.stdout.strip())


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("backup", "B"), None, "already exists"),
        (("restore", "missing.db"), None, "no such file"),
        (("backup", "x.db"), {"DATABASE_URL": "postgresql://u@127.0.0.1:1/db"}, "pg_dump"),
        (("info",), {"DATABASE_URL": "mysql://u@h/db"}, "not mysql"),
        (("frobnicate",), None, "invalid choice"),
        (("hash-password",), None, "at least 8 characters"),
    ],
)
def test_cli_mistakes_exit_2_with_one_line(tmp_path, args, env, message):
    (tmp_path / "B").write_text("exists")
    args = tuple(str(tmp_path / a) if a in ("B", "missing.db") else a for a in args)
    out = cli(*args, env={"PIRISK_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": "", **(env or {})}, stdin="short\n")
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], out.stderr
