"""The database layer: URLs, the default SQLite file and its pragmas, and migrations that match the models."""

from __future__ import annotations

import os
import stat
import threading

import pytest
import sqlalchemy as sa
from alembic import command

from store.db import (
    alembic_config,
    current_revision,
    database_url,
    head_revision,
    make_engine,
    migration_connection,
    parse_url,
    upgrade,
)
from store.errors import StoreError
from store.models import Base


def test_postgresql_urls_use_psycopg3():
    assert parse_url("postgresql://u:p@db.example/pirisk").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@db.example/pirisk").drivername == "postgresql+psycopg"
    assert parse_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("sqlite:////tmp/x.db").get_backend_name() == "sqlite"


@pytest.mark.parametrize(
    ("url", "message"),
    [("mysql://u@h/db", "not mysql"), ("not a url at all", "not a URL"), ("://", "not a URL")],
)
def test_unusable_urls_are_one_line_errors(url, message):
    with pytest.raises(StoreError, match=message) as err:
        parse_url(url)
    assert "\n" not in str(err.value)


def test_url_comes_from_the_argument_then_env_then_secrets(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    secrets = {"database_url": "postgresql://from-secrets/db"}
    assert database_url(None, None) is None
    assert database_url(None, secrets) == "postgresql://from-secrets/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://from-env/db")
    assert database_url(None, secrets) == "postgresql://from-env/db"
    assert database_url("sqlite:///x.db", secrets) == "sqlite:///x.db"


def test_secrets_that_raise_count_as_not_set(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    class NoSecretsFile(dict):
        def get(self, key, default=None):
            raise FileNotFoundError("no secrets.toml")

    assert database_url(None, NoSecretsFile()) is None


def test_default_database_is_a_private_sqlite_file_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = tmp_path / "nested" / "data"
    monkeypatch.setenv("PIRISK_DATA_DIR", str(data))
    engine = make_engine()
    try:
        assert engine.url.database == str(data / "pirisk.db")
        assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(data / "pirisk.db").st_mode) == 0o600
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "secure_delete", "busy_timeout")
            }
        assert pragma["journal_mode"] == "wal"
        assert pragma["foreign_keys"] == 1
        assert pragma["secure_delete"] == 1
        assert pragma["busy_timeout"] >= 5000
    finally:
        engine.dispose()


def test_a_data_folder_that_cannot_be_created_is_a_store_error(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PIRISK_DATA_DIR", str(blocker / "data"))
    with pytest.raises(StoreError, match=r"(?i)cannot create the data folder"):
        make_engine()


def test_migrations_go_from_empty_to_head_and_match_the_models(empty_url):
    engine = make_engine(empty_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(sa.inspect(engine).get_table_names()) >= set(Base.metadata.tables)
        # `alembic check`: a fresh autogenerate against the migrated database finds nothing to do.
        config = alembic_config()
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            command.check(config)
        upgrade(engine)  # idempotent: the app runs it at every start
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(empty_url):
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
        config = alembic_config()
        with migration_connection(engine) as conn:  # foreign keys off on SQLite while tables are rebuilt
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert not set(sa.inspect(engine).get_table_names()) & set(Base.metadata.tables)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_replicas_starting_together_migrate_once(empty_url):
    engines = [make_engine(empty_url) for _ in range(3)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(engines))

    def start(engine: sa.Engine) -> None:
        try:
            barrier.wait(timeout=10)
            upgrade(engine)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert not errors, errors
        assert current_revision(engines[0]) == head_revision()
    finally:
        for e in engines:
            e.dispose()


def test_a_database_without_tables_says_to_upgrade(empty_url):
    from store import repo

    engine = make_engine(empty_url)
    try:
        with pytest.raises(StoreError, match="python -m store upgrade"):
            repo.list_clients(engine)
    finally:
        engine.dispose()


def test_team_guide_documents_every_setting_and_command():
    from pathlib import Path

    from store import access, db
    from store.__main__ import build_parser

    guide = (Path(__file__).resolve().parents[2] / "docs" / "team.md").read_text(encoding="utf-8")
    for name in (
        db.URL_ENV,
        db.URL_SECRET,
        db.DATA_DIR_ENV,
        access.HASH_ENV,
        access.HASH_SECRET,
        "pg_dump",
        "pg_restore",
        "sticky",
    ):
        assert name in guide, name
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    for command_name in commands:
        assert f"python -m store {command_name}" in guide, command_name
