"""Evidence files in backups (issue 22, item 5): a SQLite backup holds them and a restore brings them back
byte for byte; a PostgreSQL dump does too (pg_dump, pg_restore); and on either, a file edited by hand (its
bytes no longer those its SHA-256 says, a type not allowed, a hostile name, a file moved onto another
assessment's action) is refused by the row checks before anything is replaced."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from store import repo
from store.backup import backup, restore
from store.backup_rows import check_rows
from store.db import make_engine, upgrade
from store.errors import StoreError
from tests.store.test_store_evidence import PDF, PNG

DAY = dt.date(2026, 11, 29)
ROOT = Path(__file__).resolve().parents[2]


def _fill(engine: sa.Engine) -> tuple[int, str]:
    client = repo.create_client(engine, "Acme")
    a = repo.create_assessment(engine, client.id, "Review", DAY, "en", None, {"consumer_facing": True})
    own = repo.create_own_action(engine, a, "Train staff", author="ana")
    repo.add_attachment(engine, a, "policy.pdf", PDF, author="ana", question_id="consumer_facing")
    repo.add_attachment(engine, a, "sheet.png", PNG, author="ana", action_id=own.id)
    other = repo.create_assessment(engine, client.id, "Other", DAY, "en")
    repo.create_own_action(engine, other, "Other's action", author="ana")
    return a.id, hashlib.sha256(PDF).hexdigest()


# Each keeps the schema and breaks one attachment row as the store never writes it.
HOSTILE = {
    "bytes that are not the ones fingerprinted": "UPDATE attachments SET data = X'255044462D312E370A' WHERE name = 'policy.pdf'",
    "a fingerprint that is not the bytes'": "UPDATE attachments SET sha256 = '" + "0" * 64 + "' WHERE name = 'policy.pdf'",
    "a program where a PDF was": "UPDATE attachments SET data = X'4D5A9000', size = 4, sha256 = '"
    + hashlib.sha256(bytes.fromhex("4D5A9000")).hexdigest()
    + "' WHERE name = 'policy.pdf'",
    "a name with a path": "UPDATE attachments SET name = '../../policy.pdf' WHERE name = 'policy.pdf'",
    "a name with a control character": "UPDATE attachments SET name = 'policy' || char(27) || '.pdf' WHERE name = 'policy.pdf'",
    "a kind the bytes are not": "UPDATE attachments SET kind = 'png' WHERE name = 'policy.pdf'",
    "a file on another assessment's action": "UPDATE attachments SET action_id = (SELECT max(id) FROM actions) WHERE name = 'sheet.png'",
    "a sign-off without its time": "UPDATE assessments SET signed_by = 'Mallory', status = 'final'",
}


@pytest.fixture()
def sqlite_backup(tmp_path: Path) -> tuple[Path, int, str]:
    (tmp_path / "source").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'source' / 'pirisk.db'}")
    upgrade(engine)
    aid, sha = _fill(engine)
    backup(engine, tmp_path / "sound.db")
    engine.dispose()
    return tmp_path / "sound.db", aid, sha


@pytest.fixture()
def live(tmp_path: Path):
    (tmp_path / "live").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'live' / 'pirisk.db'}")
    upgrade(engine)
    repo.create_client(engine, "Live Co")
    yield engine
    engine.dispose()


def test_a_sqlite_backup_holds_the_files_and_a_restore_brings_them_back(live, sqlite_backup):
    path, aid, sha = sqlite_backup
    restore(live, path)
    files = repo.list_attachments(live, aid)
    assert [(f.name, f.sha256) for f in files] == [("policy.pdf", sha), ("sheet.png", hashlib.sha256(PNG).hexdigest())]
    assert repo.attachment_data(live, aid, files[0].id)[1] == PDF


def test_a_backup_restores_after_the_size_limit_was_lowered(live, sqlite_backup, monkeypatch):
    path, aid, _ = sqlite_backup
    monkeypatch.setenv("PIRISK_EVIDENCE_MAX_MB", "0.00001")  # 10 bytes: smaller than either file
    restore(live, path)
    assert len(repo.list_attachments(live, aid)) == 2


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_sqlite_backup_with_a_file_the_store_never_wrote_is_refused(live, sqlite_backup, tmp_path, name):
    path, _, _ = sqlite_backup
    hostile = tmp_path / "hostile.db"
    hostile.write_bytes(path.read_bytes())
    os.chmod(hostile, 0o600)
    with sqlite3.connect(hostile) as conn:
        conn.execute(HOSTILE[name])
    with pytest.raises(StoreError, match="not restored"):
        restore(live, hostile)
    assert [c.name for c in repo.list_clients(live)] == ["Live Co"]


def _pg_tool(pg_server, tool: str, *args: str) -> None:
    cmd = [str(pg_server.bindir / tool), *args]
    if pg_server.as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr


@pytest.mark.postgres
def test_a_postgresql_dump_holds_the_files_and_the_row_checks_guard_its_restore(pg_server):
    source_url = pg_server.create_database()
    engine = make_engine(source_url)
    upgrade(engine)
    aid, sha = _fill(engine)
    engine.dispose()
    dump = Path(pg_server.dir) / "pirisk.dump"
    name = source_url.rsplit("/", 1)[1]
    _pg_tool(pg_server, "pg_dump", "-Fc", "-h", "127.0.0.1", "-p", str(pg_server.port), "-U", "test", "-f", str(dump), name)
    target_url = pg_server.create_database()
    _pg_tool(
        pg_server,
        "pg_restore",
        "-h",
        "127.0.0.1",
        "-p",
        str(pg_server.port),
        "-U",
        "test",
        "-d",
        target_url.rsplit("/", 1)[1],
        str(dump),
    )
    restored = make_engine(target_url)
    try:
        check_rows(restored, "the restored database")
        files = repo.list_attachments(restored, aid)
        assert files[0].sha256 == sha and repo.attachment_data(restored, aid, files[0].id)[1] == PDF
        with restored.begin() as conn:
            conn.execute(sa.text("UPDATE attachments SET sha256 = :z WHERE name = 'policy.pdf'"), {"z": "0" * 64})
        with pytest.raises(StoreError, match="SHA-256"):
            check_rows(restored, "the restored database")
    finally:
        restored.dispose()


def test_store_check_finds_a_file_whose_bytes_changed(engine_url, engine):
    """`python -m store check` (after pg_restore, say) reads every row, evidence included, and changes nothing."""
    aid, _ = _fill(engine)
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "store", "--url", engine_url, "check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    ok = run()
    assert ok.returncode == 0 and "ok: every row" in ok.stdout, ok.stderr
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE attachments SET sha256 = :z WHERE name = 'policy.pdf'"), {"z": "0" * 64})
    bad = run()
    assert bad.returncode != 0 and "SHA-256" in bad.stderr + bad.stdout and "Traceback" not in bad.stderr
    assert len(repo.list_attachments(engine, aid)) == 2
