"""Backups and restores that cannot be turned against the workspace: a restore is refused while the app holds
the database, a backup whose schema is not pirisk's is refused, a planted `OUT.partial` link is never
followed, and deleted data that a reader kept in the write-ahead log is reported, then cleared."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from store import repo
from store.backup import backup, restore, verify_backup
from store.db import head_revision, make_engine, upgrade
from store.errors import StoreError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def live(tmp_path):
    (tmp_path / "live").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'live' / 'pirisk.db'}")
    upgrade(engine)
    client = repo.create_client(engine, "Acme")
    a = repo.create_assessment(engine, client.id, "review", dt.date(2026, 11, 29), "en", None, {"consumer_facing": True})
    repo.set_note(engine, a, "consumer_facing", "note", expected_version=1, author="ana")
    yield engine
    engine.dispose()


def clients(engine) -> list[str]:
    return [c.name for c in repo.list_clients(engine)]


# -- restore while the app holds the database -----------------------------------------------------------


def test_restore_is_refused_while_another_connection_holds_the_database(live, tmp_path):
    good = tmp_path / "good.db"
    backup(live, good)
    repo.create_client(live, "Made after the backup")
    app = make_engine(live.url.render_as_string(hide_password=False))  # the app: a pooled connection stays open
    try:
        repo.list_clients(app)
        with pytest.raises(StoreError, match="is open in the app") as err:
            restore(live, good)
        assert "\n" not in str(err.value)
        assert clients(app) == ["Acme", "Made after the backup"]  # nothing restored under the app's sessions
    finally:
        app.dispose()
    restore(live, good)  # the app is gone: the restore goes through
    assert clients(live) == ["Acme"]


def test_restore_is_refused_while_an_app_process_runs(live, tmp_path):
    good = tmp_path / "good.db"
    backup(live, good)
    url = live.url.render_as_string(hide_password=False)
    live.dispose()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from store import repo; from store.db import make_engine; "
            "e = make_engine(sys.argv[1]); repo.list_clients(e); print('ready', flush=True); time.sleep(60)",
            url,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        out = subprocess.run(
            [sys.executable, "-m", "store", "--url", url, "restore", str(good)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and "stop the app" in out.stderr, out.stderr
    finally:
        holder.kill()
        holder.wait(timeout=30)
    out = subprocess.run(
        [sys.executable, "-m", "store", "--url", url, "restore", str(good)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr


# -- hostile backups ------------------------------------------------------------------------------------


def _tamper(live, tmp_path: Path, name: str, *statements: str) -> Path:
    path = tmp_path / f"{name}.db"
    backup(live, path)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA legacy_alter_table = ON")  # a rename leaves the other tables' references alone
        conn.executescript(";\n".join(statements))
        conn.commit()
    finally:
        conn.close()
    return path


def _rebuild(table: str, create: str, *after: str) -> tuple[str, ...]:
    return (
        f"ALTER TABLE {table} RENAME TO old_{table}",
        create,
        f"INSERT INTO {table} SELECT * FROM old_{table}",
        f"DROP TABLE old_{table}",
        *after,
    )


INDEX = "CREATE INDEX ix_assessments_client_id ON assessments (client_id)"


NO_CASCADE_ASSESSMENTS = """CREATE TABLE assessments (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, client_id INTEGER NOT NULL, title VARCHAR(200) NOT NULL,
    law_as_of DATE NOT NULL, lang VARCHAR(8) NOT NULL, bank_version VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL,
    version INTEGER NOT NULL, answers JSON NOT NULL, company VARCHAR(200) NOT NULL, created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL, signed_by VARCHAR(200), signed_at DATETIME, summary TEXT DEFAULT '' NOT NULL, scope TEXT DEFAULT '' NOT NULL, scored JSON,
    CONSTRAINT fk_assessments_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id),
    CONSTRAINT ck_assessments_status CHECK (status IN ('draft', 'final', 'archived')))"""

HOSTILE = {
    "a trigger copying deleted rows": (
        "CREATE TABLE shadow (name TEXT)",
        "CREATE TRIGGER keep AFTER DELETE ON clients BEGIN INSERT INTO shadow VALUES (old.name); END",
        "DROP TABLE shadow",
    ),
    "a trigger rewriting every saved answer": (
        "CREATE TRIGGER rewrite AFTER UPDATE OF answers ON assessments BEGIN UPDATE assessments SET answers = '{}' WHERE id = new.id; END",
    ),
    "a view": ("CREATE VIEW everything AS SELECT * FROM notes",),
    "an extra table": ("CREATE TABLE exfil (x TEXT)",),
    "an extra column": ("ALTER TABLE clients ADD COLUMN secret TEXT",),
    "the cascades removed": _rebuild("assessments", NO_CASCADE_ASSESSMENTS, INDEX),
    "the status check removed": _rebuild(
        "assessments",
        NO_CASCADE_ASSESSMENTS.replace(
            "FOREIGN KEY(client_id) REFERENCES clients (id)", "FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE"
        ).replace(",\n    CONSTRAINT ck_assessments_status CHECK (status IN ('draft', 'final', 'archived'))", ""),
        INDEX,
    ),
    "an index dropped": ("DROP INDEX ix_assessments_client_id",),
    "ids that may be reused": _rebuild(
        "clients",
        "CREATE TABLE clients (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, created_at DATETIME NOT NULL,"
        " updated_at DATETIME NOT NULL, CONSTRAINT uq_clients_name UNIQUE (name))",
    ),
    "nothing but the schema version": tuple(
        f"DROP TABLE {t}"
        for t in ("respondent_answers", "respondents", "notes", "answer_changes", "assessments", "clients", "settings")
    ),
    "rows pointing at missing clients": ("DELETE FROM clients",),
}


REASONS = {
    "a trigger copying deleted rows": "has a trigger 'keep'",
    "a trigger rewriting every saved answer": "has a trigger 'rewrite'",
    "a view": "has a view 'everything'",
    "an extra table": "has a table 'exfil'",
    "an extra column": "table 'clients' has a column 'secret'",
    "the cascades removed": "foreign keys of its table 'assessments'",
    "the status check removed": "checks of its table 'assessments'",
    "an index dropped": "indexes or unique constraints of its table 'assessments'",
    "ids that may be reused": "ids of its table 'clients'",
    "nothing but the schema version": "is missing",
    "rows pointing at missing clients": "point at rows it lacks",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_backup_whose_schema_is_not_pirisks_is_refused(live, tmp_path, case):
    hostile = _tamper(live, tmp_path, case.replace(" ", "_"), *HOSTILE[case])
    with pytest.raises(StoreError) as err:
        restore(live, hostile)
    message = str(err.value)
    assert "\n" not in message and hostile.name in message and REASONS[case] in message, message
    assert clients(live) == ["Acme"]  # the live database is untouched
    assert repo.get_notes(live, repo.list_assessments(live)[0].id)["consumer_facing"].text == "note"


def test_a_sound_backup_still_verifies(live, tmp_path):
    info = verify_backup(backup(live, tmp_path / "ok.db").path)
    assert (info.revision, info.clients, info.assessments) == (head_revision(), 1, 1)


# -- the backup's partial file ------------------------------------------------------------------------------


def test_a_planted_partial_link_is_refused_and_never_followed(live, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "b.db"
    os.symlink(victim, tmp_path / "b.db.partial")
    with pytest.raises(StoreError, match="partial already exists") as err:
        backup(live, out)
    assert "\n" not in str(err.value)
    assert victim.read_text() == "precious"  # not truncated, not overwritten with the database
    assert (tmp_path / "b.db.partial").is_symlink() and not out.exists()
    dangling = tmp_path / "c.db.partial"
    os.symlink(tmp_path / "would-be-created.db", dangling)
    with pytest.raises(StoreError, match="partial already exists"):
        backup(live, tmp_path / "c.db")
    assert not (tmp_path / "would-be-created.db").exists()


# -- deletion residue -------------------------------------------------------------------------------------


def test_a_reader_holding_a_snapshot_keeps_deleted_data_in_the_wal_and_it_is_reported_then_cleared(live, monkeypatch):
    import store.records as records

    monkeypatch.setattr(records, "CHECKPOINT_WAIT_MS", 100)
    monkeypatch.setattr(records, "CHECKPOINT_ATTEMPTS", 2)
    doomed = repo.create_client(live, "Secretive Residue Co")
    path = Path(live.url.database)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM clients").fetchone()  # a snapshot from before the delete
    try:
        deleted = repo.delete_client(live, doomed.id)
        assert deleted == {
            "clients": 1,
            "assessments": 0,
            "answer_changes": 0,
            "notes": 0,
            "respondents": 0,
            "respondent_answers": 0,
            "invitations": 0,
            "workshops": 0,
            "actions": 0,
            "action_changes": 0,
            "snapshots": 0,
            "attachments": 0,
        }
        assert deleted.complete is False  # reported, not silently ignored
        wal = path.with_name(path.name + "-wal")
        assert b"Secretive Residue Co" in wal.read_bytes()  # this is what the report is about
    finally:
        reader.execute("COMMIT")
        reader.close()
    out = subprocess.run(
        [sys.executable, "-m", "store", "--url", f"sqlite:///{path}", "checkpoint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and out.stdout.startswith("ok:"), out.stderr
    files = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith("pirisk.db"))
    assert b"Secretive Residue Co" not in files


def test_the_checkpoint_is_retried_while_a_short_read_finishes(live, monkeypatch):
    import store.records as records

    monkeypatch.setattr(records, "CHECKPOINT_WAIT_MS", 300)
    monkeypatch.setattr(records, "CHECKPOINT_ATTEMPTS", 6)
    doomed = repo.create_client(live, "Briefly Read Co")
    path = Path(live.url.database)
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM clients").fetchone()

    def finish() -> None:
        time.sleep(0.5)
        reader.execute("COMMIT")

    finisher = threading.Thread(target=finish)
    finisher.start()
    try:
        deleted = repo.delete_client(live, doomed.id)
    finally:
        finisher.join()
        reader.close()
    assert deleted.complete is True
    files = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith("pirisk.db"))
    assert b"Briefly Read Co" not in files
