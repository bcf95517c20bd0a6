"""Revision 0002 on a database that holds data: every row kept with its id, ids never reused afterwards,
history rows marked as answers, names put in NFC without merging two clients. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
import sqlalchemy as sa
from alembic import command

from store import repo
from store.db import alembic_config, current_revision, make_engine, migration_connection, upgrade

NOW = dt.datetime(2026, 1, 1, 12, 0)
TABLES = ("clients", "assessments", "answer_changes", "notes", "respondents", "respondent_answers")


def _fill_at_0001(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        q = lambda sql, **p: conn.execute(sa.text(sql), p)  # noqa: E731
        q(
            "INSERT INTO clients (id, name, created_at, updated_at) VALUES"
            " (1, :nfd, :now, :now), (2, :nfc, :now, :now), (7, 'Zeta', :now, :now)",
            nfd="Cafe\u0301 Co",
            nfc="Caf\u00e9 Co",
            now=NOW,
        )
        for aid, client in ((3, 1), (9, 7)):
            q(
                "INSERT INTO assessments (id, client_id, title, law_as_of, lang, bank_version, status, version, answers,"
                " company, created_at, updated_at) VALUES (:id, :client, :title, '2026-11-29', 'en', '2026.11.1', 'draft',"
                " 2, :answers, :company, :now, :now)",
                id=aid,
                client=client,
                title="Re\u0301view",
                answers='{"consumer_facing": true}',
                company="Acme",
                now=NOW,
            )
            q(
                "INSERT INTO answer_changes (assessment_id, question_id, old_value, new_value, version, author, changed_at)"
                " VALUES (:id, 'consumer_facing', NULL, 'true', 2, 'ana', :now)",
                id=aid,
                now=NOW,
            )
            q(
                "INSERT INTO notes (assessment_id, question_id, text, author, updated_at) VALUES (:id, 'buys_data', 'n', 'ana', :now)",
                id=aid,
                now=NOW,
            )
        q("INSERT INTO respondents (id, assessment_id, name, role) VALUES (4, 9, 'CTO', 'tech')")
        q(
            "INSERT INTO respondent_answers (respondent_id, question_id, value, updated_at) VALUES (4, 'biometrics', 'true', :now)",
            now=NOW,
        )
        # The highest assessment was deleted before the upgrade: AUTOINCREMENT cannot know it, but from now on
        # no id already in use, or used after, comes back.
        if engine.dialect.name == "postgresql":
            for table in TABLES:
                q(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")


def _snapshot(engine: sa.Engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


def test_0002_keeps_every_row_and_id_and_then_never_reuses_one(empty_url):
    engine = make_engine(empty_url)
    try:
        upgrade(engine, "0001")
        _fill_at_0001(engine)
        before = _snapshot(engine)
        upgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        after = _snapshot(engine)

        # Every row is still there with its id; history rows gained kind = 'answer'.
        for table in ("assessments", "notes", "respondents", "respondent_answers"):
            assert [r[0] for r in after[table]] == [r[0] for r in before[table]], table
        assert [r[:-1] for r in after["answer_changes"]] == before["answer_changes"]
        assert {r[-1] for r in after["answer_changes"]} == {"answer"}
        # The store's models read the head revision's columns (0005 added some to assessments and answer_changes):
        # read the kept rows through them at the head.
        upgrade(engine)
        assert [c.kind for a in (3, 9) for c in repo.history(engine, a)] == ["answer", "answer"]
        assert [n.text for a in (3, 9) for n in repo.get_notes(engine, a).values()] == ["n", "n"]
        assert repo.workshop_answers(engine, 9) == {"biometrics": {"CTO": True}}

        # Names in NFC; the two spellings of one name stay two clients, apart.
        names = {c.id: c.name for c in repo.list_clients(engine)}
        assert names == {1: "Caf\u00e9 Co (1)", 2: "Caf\u00e9 Co", 7: "Zeta"}
        assert repo.get_assessment(engine, 3).title == "R\u00e9view"

        # Deleting the newest assessment and client does not hand their ids out again (at the head revision:
        # the delete counts the later tables too).
        newest = repo.get_assessment(engine, 9)
        repo.delete_client(engine, newest.client_id)
        client = repo.create_client(engine, "New")
        made = repo.create_assessment(engine, client.id, "new", dt.date(2026, 11, 29), "en")
        assert client.id > 7 and made.id > 9
        assert repo.get_assessment(engine, 3).answers == {"consumer_facing": True}  # the rebuild cascaded nothing
    finally:
        engine.dispose()


def test_0002_on_sqlite_makes_every_id_table_autoincrement(tmp_path):
    path = tmp_path / "w.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        fks = conn.execute("PRAGMA foreign_key_list(assessments)").fetchall()
    for table in TABLES:
        assert "AUTOINCREMENT" in sql[table], table
    assert fks and fks[0][6] == "CASCADE"  # the cascades survived the rebuild


def test_0002_refuses_to_run_with_foreign_keys_on(tmp_path):
    """Rebuilding `clients` with foreign keys on would cascade its deletion to every assessment."""
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        upgrade(engine, "0001")
        config = alembic_config()
        with pytest.raises(RuntimeError, match="foreign keys off"), engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        assert current_revision(engine) == "0001"
    finally:
        engine.dispose()


def test_downgrade_and_upgrade_again_keep_the_data(empty_url):
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
        client = repo.create_client(engine, "Acme")
        a = repo.create_assessment(engine, client.id, "r", dt.date(2026, 11, 29), "en")
        v = repo.set_answer(engine, a, "consumer_facing", True, expected_version=1, author="x")
        repo.set_note(engine, a, "buys_data", "kept", expected_version=v, author="x")
        config = alembic_config()
        with migration_connection(engine) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        upgrade(engine)
        saved = repo.get_assessment(engine, a.id)
        assert saved.answers == {"consumer_facing": True}
        assert repo.get_notes(engine, a.id)["buys_data"].text == "kept"
        # The note's history could not be kept at 0001 (it cannot tell notes from answers); the answer's is.
        assert [(c.kind, c.question_id) for c in repo.history(engine, a.id)] == [("answer", "consumer_facing")]
    finally:
        engine.dispose()
