"""Named accounts and roles (issue 14, item 4), the `python -m store account` commands, and revision 0004
on a database that holds data. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from store import repo
from store.access import NotAllowed, as_role, verify_password
from store.accounts import get_account, has_accounts, is_account
from store.db import alembic_config, current_revision, head_revision, make_engine, migration_connection, upgrade
from store.errors import NotFound, StoreError

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def test_accounts_are_added_listed_and_changed_and_their_passwords_are_only_hashed(engine):
    assert not has_accounts(engine)
    ann = repo.add_account(engine, "  Ann   Lee ", "owner", PASSWORD)
    bo = repo.add_account(engine, "Bo Chen", "consultant", "another long password")
    assert (ann.name, ann.role, ann.disabled) == ("Ann Lee", "owner", False)
    assert [a.name for a in repo.list_accounts(engine)] == ["Ann Lee", "Bo Chen"] and has_accounts(engine)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM accounts WHERE name = 'Ann Lee'")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored and verify_password(PASSWORD, stored)
    with pytest.raises(StoreError, match="already an account"):
        repo.add_account(engine, "Ann Lee", "viewer", PASSWORD)
    with pytest.raises(StoreError, match="not a role"):
        repo.add_account(engine, "Cy", "admin", PASSWORD)
    with pytest.raises(StoreError, match="at least 8"):
        repo.add_account(engine, "Cy", "viewer", "short")
    with pytest.raises(NotFound, match="no account named"):
        repo.set_role(engine, "Nobody", "viewer")

    assert repo.sign_in(engine, "Ann Lee", PASSWORD) == repo.list_accounts(engine)[0]
    assert repo.sign_in(engine, "Ann Lee", "wrong password") is None
    assert repo.sign_in(engine, "Nobody", PASSWORD) is None
    assert is_account(engine, "Bo Chen") and not is_account(engine, "Nobody")

    assert repo.set_role(engine, "Bo Chen", "viewer").role == "viewer"
    assert repo.set_disabled(engine, "Bo Chen", True).disabled
    assert repo.sign_in(engine, "Bo Chen", "another long password") is None  # disabled
    assert repo.set_disabled(engine, "Bo Chen", False).disabled is False
    changed = repo.set_password(engine, "Bo Chen", "a third long password")
    assert changed.fingerprint != bo.fingerprint  # sessions signed in with the old one lock
    assert repo.sign_in(engine, "Bo Chen", "another long password") is None
    assert repo.sign_in(engine, "Bo Chen", "a third long password").id == bo.id
    assert get_account(engine, bo.id).role == "viewer" and get_account(engine, 999) is None


def test_an_owner_cannot_demote_or_disable_themself(engine):
    repo.add_account(engine, "Ann", "owner", PASSWORD)
    for change in (
        lambda: repo.set_role(engine, "Ann", "viewer", actor="Ann"),
        lambda: repo.set_disabled(engine, "Ann", True, actor="Ann"),
    ):
        with pytest.raises(StoreError, match="your own"):
            change()
    assert repo.list_accounts(engine)[0].role == "owner"


def test_only_an_owner_manages_accounts(engine):
    repo.add_account(engine, "Ann", "owner", PASSWORD)
    for role in ("consultant", "viewer", "respondent"):
        limited = as_role(engine, role)
        for manage in (
            lambda e: repo.add_account(e, "Eve", "owner", PASSWORD),
            lambda e: repo.list_accounts(e),
            lambda e: repo.set_role(e, "Ann", "viewer"),
            lambda e: repo.set_disabled(e, "Ann", True),
            lambda e: repo.set_password(e, "Ann", "taken over password"),
        ):
            with pytest.raises(NotAllowed):
                manage(limited)
    owner = as_role(engine, "owner")
    assert repo.add_account(owner, "Bo", "viewer", PASSWORD).role == "viewer"
    assert [(a.name, a.role, a.disabled) for a in repo.list_accounts(engine)] == [
        ("Ann", "owner", False),
        ("Bo", "viewer", False),
    ]
    assert repo.sign_in(engine, "Ann", PASSWORD) is not None  # her password is unchanged


# -- the command line ------------------------------------------------------------------------------------


def cli(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "store", "--url", url, "account", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        env={**os.environ, "DATABASE_URL": ""},
    )


def test_the_account_commands(engine_url, engine):
    out = cli(engine_url, "add", "Ann Lee", "--role", "owner", stdin=PASSWORD + "\n")
    assert out.returncode == 0 and out.stdout.strip() == "ok: added Ann Lee (owner)", out.stderr
    assert cli(engine_url, "add", "Bo", stdin=PASSWORD + "\n").returncode == 0  # a consultant by default
    out = cli(engine_url, "list")
    assert out.returncode == 0
    assert [line.split("\t")[:3] for line in out.stdout.splitlines()] == [
        ["Ann Lee", "owner", "enabled"],
        ["Bo", "consultant", "enabled"],
    ]
    assert cli(engine_url, "role", "Bo", "viewer").stdout.strip() == "ok: Bo is now viewer"
    assert cli(engine_url, "disable", "Bo").stdout.strip() == "ok: Bo is disabled"
    assert cli(engine_url, "enable", "Bo").stdout.strip() == "ok: Bo is enabled"
    assert cli(engine_url, "password", "Bo", stdin="a brand new password\n").returncode == 0
    assert repo.sign_in(engine, "Bo", "a brand new password").role == "viewer"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "Ann Lee"), "short\n", "at least 8 characters"),
        (("add", "Ann Lee", "--role", "boss"), PASSWORD + "\n", "invalid choice"),
        (("role", "Nobody", "viewer"), "", "no account named"),
        (("disable", "Nobody"), "", "no account named"),
        (("password", "Nobody"), PASSWORD + "\n", "no account named"),
        (("add", "Ann\x1b[31mLee"), PASSWORD + "\n", "control"),
    ],
)
def test_account_command_mistakes_exit_2_with_one_line(tmp_path, args, stdin, message):
    out = cli(f"sqlite:///{tmp_path / 'w.db'}", *args, stdin=stdin)
    assert out.returncode == 2, out
    assert out.stdout == "" and len(out.stderr.strip().splitlines()) == 1 and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and "\x1b" not in out.stderr


# -- revision 0004 keeps the data ---------------------------------------------------------------------------


def test_0004_keeps_every_respondent_and_answer_and_starts_them_at_version_1(empty_url):
    engine = make_engine(empty_url)
    try:
        upgrade(engine, "0002")
        client = None
        with engine.begin() as conn:
            now = dt.datetime(2026, 1, 1, 12, 0)
            conn.execute(sa.text("INSERT INTO clients (name, created_at, updated_at) VALUES ('Acme', :n, :n)"), {"n": now})
            client = conn.execute(sa.text("SELECT id FROM clients")).scalar()
            conn.execute(
                sa.text(
                    "INSERT INTO assessments (client_id, title, law_as_of, lang, bank_version, status, version, answers,"
                    " company, created_at, updated_at) VALUES (:c, 'R', '2026-11-29', 'en', 'x', 'draft', 1, '{}', '', :n, :n)"
                ),
                {"c": client, "n": now},
            )
            aid = conn.execute(sa.text("SELECT id FROM assessments")).scalar()
            conn.execute(sa.text("INSERT INTO respondents (assessment_id, name, role) VALUES (:a, 'CTO', 'tech')"), {"a": aid})
            rid = conn.execute(sa.text("SELECT id FROM respondents")).scalar()
            conn.execute(
                sa.text(
                    "INSERT INTO respondent_answers (respondent_id, question_id, value, updated_at) VALUES (:r, 'biometrics', 'true', :n)"
                ),
                {"r": rid, "n": now},
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        [cto] = repo.list_respondents(engine, aid)
        assert (cto.name, cto.role, cto.version, cto.sections, cto.submitted_at) == ("CTO", "tech", 1, None, None)
        assert repo.workshop_answers(engine, aid) == {"biometrics": {"CTO": True}}
        assert repo.set_respondent_answer(engine, cto, "biometrics", False, expected_version=1) == 2
        [progress] = repo.workshop_progress(engine, aid)
        assert progress.link == "none" and progress.answered == 1

        # And back: the new tables go, the respondents and their answers stay.
        repo.invite(engine, repo.get_assessment(engine, aid), "DPO", author="x")
        config = alembic_config()
        with migration_connection(engine) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
        with engine.connect() as conn:
            names = [r[0] for r in conn.execute(sa.text("SELECT name FROM respondents ORDER BY id"))]
            answers = conn.execute(sa.text("SELECT count(*) FROM respondent_answers")).scalar()
            tables = set(sa.inspect(conn).get_table_names())
        assert names == ["CTO", "DPO"] and answers == 1 and not {"invitations", "workshops", "accounts"} & tables
        upgrade(engine)
        assert [r.version for r in repo.list_respondents(engine, aid)] == [1, 1]
    finally:
        engine.dispose()
