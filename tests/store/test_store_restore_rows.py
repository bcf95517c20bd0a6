"""Restores check the rows, not only the schema (issue 19, finding 8), and restoring into an empty data
directory works (finding 12).

Before, ten hostile-row backups restored: a bad date crashed two pages, bad JSON or types raised in the
store, and a foreign backup could bring an owner account or a live link with a known secret. Now every row
is read as the store reads it and checked with the store's own cleaners before anything is replaced, and
the accounts and live links a backup brings are listed for the operator to confirm."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store import repo
from store.backup import backup, restore
from store.db import make_engine, upgrade
from store.errors import StoreError

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


@pytest.fixture()
def live(tmp_path):
    (tmp_path / "live").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'live' / 'pirisk.db'}")
    upgrade(engine)
    repo.create_client(engine, "Live Co")
    yield engine
    engine.dispose()


@pytest.fixture()
def sound_backup(tmp_path):
    """A backup as pirisk makes it, with one of everything a hostile edit below touches."""
    (tmp_path / "source").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'source' / 'pirisk.db'}")
    upgrade(engine)
    client = repo.create_client(engine, "Acme")
    a = repo.create_assessment(engine, client.id, "review", dt.date(2026, 11, 29), "en", None, {"consumer_facing": True})
    repo.set_note(engine, a, "consumer_facing", "note", expected_version=1, author="ana")
    invited = repo.invite(engine, a, "Li Wei", author="ana")
    repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", True, expected_version=1)
    workshop = {"biometrics": {"workshop": {"Li Wei": True}}}  # agreed in the workshop: its history row says so
    repo.set_answer(engine, a, "biometrics", True, expected_version=2, author="ana", source=workshop)
    repo.revoke_links(engine, invited.respondent)  # no live link in the sound backup
    backup(engine, tmp_path / "sound.db")
    engine.dispose()
    return tmp_path / "sound.db"


def _edited(sound: Path, tmp_path: Path, name: str, *statements: str) -> Path:
    out = tmp_path / f"{name}.db"
    out.write_bytes(sound.read_bytes())
    os.chmod(out, 0o600)
    with sqlite3.connect(out) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in statements:
            conn.execute(statement)
    return out


# Each keeps pirisk's schema (so the schema check passes) and puts one row in it that pirisk never writes.
HOSTILE_ROWS = {
    "a date that is not one": "UPDATE assessments SET law_as_of = 'not a date'",
    "a date before the law": "UPDATE assessments SET law_as_of = '1990-01-01'",
    "answers that are not JSON": "UPDATE assessments SET answers = '{not json'",
    "answers that are a list": "UPDATE assessments SET answers = '[1, 2]'",
    "an answer the question does not take": """UPDATE assessments SET answers = '{"consumer_facing": "maybe"}'""",
    "a version that is text": "UPDATE assessments SET version = 'x'",
    "a language pirisk lacks": "UPDATE assessments SET lang = 'xx'",
    "a name with a terminal escape": "UPDATE clients SET name = 'Acme' || char(27) || '[31m'",
    "a time that is not one": "UPDATE clients SET created_at = 'yesterday'",
    "a note that is bytes": "UPDATE notes SET text = X'00ff'",
    "a note with a control character": "UPDATE notes SET text = 'a' || char(7)",
    "sections that are a string": """UPDATE respondents SET sections = '"profile"'""",
    "a respondent's answer of the wrong kind": """UPDATE respondent_answers SET value = '{"x": 1}'""",
    "a link that never expires": "UPDATE invitations SET expires_at = 'never'",
    "a token hash that is not one": "UPDATE invitations SET token_hash = 'abc'",
    "a source that is not a workshop's answers": """UPDATE answer_changes SET source = '{"workshop": {"Li Wei": "maybe"}}'
    WHERE source IS NOT NULL""",
    "a source on a note": """UPDATE answer_changes SET source = '{"workshop": {}}' WHERE kind = 'note'""",
    "an account with a look-alike name": "INSERT INTO accounts (name, role, password_hash, created_at, updated_at) "
    "VALUES ('Ann' || char(8203) || ' Lee', 'owner', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g', "
    "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "an account whose hash is not argon2": "INSERT INTO accounts (name, role, password_hash, created_at, updated_at) "
    "VALUES ('Mallory', 'owner', 'plaintext', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_ROWS))
def test_a_backup_with_a_row_pirisk_never_writes_is_refused_and_nothing_is_replaced(live, sound_backup, tmp_path, name):
    hostile = _edited(sound_backup, tmp_path, "hostile", HOSTILE_ROWS[name])
    before = sorted(p.name for p in (tmp_path / "live").iterdir())
    with pytest.raises(StoreError, match="not restored"):
        restore(live, hostile)
    assert [c.name for c in repo.list_clients(live)] == ["Live Co"]
    assert sorted(p.name for p in (tmp_path / "live").iterdir()) == before  # no safety copy, no leftover


def test_the_sound_backup_restores(live, sound_backup):
    restore(live, sound_backup)
    assert [c.name for c in repo.list_clients(live)] == ["Acme"]
    (agreed,) = [c for c in repo.history(live, 1) if c.kind == "answer"]
    assert agreed.source == {"workshop": {"Li Wei": True}}


@pytest.mark.parametrize(
    "source",
    [
        {"biometrics": {"workshop": {"Li Wei": "maybe"}}},  # not an answer to the question
        {"biometrics": {"workshop": {"Li\x1b[31m": True}}},  # not a name as the store keeps it
        {"biometrics": {"typed": {"Li Wei": True}}},  # not a workshop's
        {"biometrics": "Li Wei said so"},
    ],
)
def test_the_store_keeps_only_a_workshops_answers_as_where_an_answer_came_from(live, source):
    a = repo.create_assessment(live, repo.list_clients(live)[0].id, "review", dt.date(2026, 11, 29), "en")
    with pytest.raises(StoreError):
        repo.set_answer(live, a, "biometrics", True, expected_version=1, author="ana", source=source)
    assert repo.get_assessment(live, a.id).version == 1


def _foreign(sound: Path, tmp_path: Path) -> Path:
    """A backup from elsewhere: an owner account, and a live link whose secret its maker knows."""
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S")
    return _edited(
        sound,
        tmp_path,
        "foreign",
        "INSERT INTO accounts (name, role, password_hash, created_at, updated_at) VALUES ('Mallory', 'owner', "
        "'$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        f"UPDATE invitations SET revoked_at = NULL, expires_at = '{future}'",
    )


def test_the_accounts_and_live_links_a_backup_brings_are_shown_and_must_be_confirmed(live, sound_backup, tmp_path):
    foreign = _foreign(sound_backup, tmp_path)
    shown = []

    def refuse(preview):
        shown.append(preview)
        return False

    with pytest.raises(StoreError, match="not confirmed"):
        restore(live, foreign, confirm=refuse)
    assert [c.name for c in repo.list_clients(live)] == ["Live Co"]
    (preview,) = shown
    assert [(a.name, a.role) for a in preview.accounts] == [("Mallory", "owner")]
    assert [(link.respondent, link.client) for link in preview.live_links] == [("Li Wei", "Acme")]
    restore(live, foreign, confirm=lambda preview: True)
    assert [c.name for c in repo.list_clients(live)] == ["Acme"]


def cli(*args, env, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "store", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, **env},
        timeout=120,
    )


def test_the_cli_lists_them_and_restores_only_with_yes(sound_backup, tmp_path):
    foreign = _foreign(sound_backup, tmp_path)
    env = {"PIRISK_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}
    assert cli("upgrade", env=env).returncode == 0
    out = cli("restore", str(foreign), env=env)
    assert out.returncode == 2 and "Mallory (owner)" in out.stderr + out.stdout and "--yes" in out.stderr, out
    assert "Li Wei" in out.stdout
    out = cli("restore", str(foreign), "--yes", env=env)
    assert out.returncode == 0 and "Mallory (owner)" in out.stdout, out.stderr


def test_restoring_into_an_empty_data_directory_works(sound_backup, tmp_path):
    for data in (tmp_path / "missing", tmp_path / "empty"):
        if data.name == "empty":
            data.mkdir()
        out = cli("restore", str(sound_backup), env={"PIRISK_DATA_DIR": str(data), "DATABASE_URL": ""})
        assert out.returncode == 0, out.stderr
        assert "nothing was replaced" in out.stdout and not list(data.glob("*.before-restore-*"))
        engine = make_engine(f"sqlite:///{data / 'pirisk.db'}")
        assert [c.name for c in repo.list_clients(engine)] == ["Acme"]
        engine.dispose()
