"""Secrets stay secret: a database password in a URL (also in its query) is never printed or shown, the
PostgreSQL server log never receives client names from pirisk's statements, and the login limiter's client
address cannot be chosen by the client."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from store import repo
from store.access import client_address, trusted_proxies
from store.db import make_engine, shown_url, upgrade
from store.errors import StoreError

ROOT = Path(__file__).resolve().parents[2]
SECRET = "hunter2-not-to-be-seen"


# -- URLs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://pirisk:{SECRET}@db.internal/pirisk",
        f"postgresql://pirisk@db.internal/pirisk?password={SECRET}",
        f"postgresql://pirisk@db.internal/pirisk?sslmode=require&sslpassword={SECRET}",
        f"postgresql://pirisk@db.internal/pirisk?options=-c%20x&PASSWORD={SECRET}",
        f"postgresql://pirisk@db.internal/pirisk?token={SECRET}&token=again-{SECRET}",
        f"postgres://pirisk:{SECRET}@db.internal:5432/pirisk?password={SECRET}",
    ],
)
def test_every_secret_in_a_url_is_masked(url):
    shown = shown_url(url)
    assert SECRET not in shown, shown
    assert "db.internal" in shown and "pirisk" in shown


def test_harmless_parameters_stay_readable():
    assert shown_url("postgresql://u@h/db?sslmode=require&connect_timeout=5") == (
        "postgresql+psycopg://u@h/db?sslmode=require&connect_timeout=5"
    )


@pytest.mark.parametrize("command", ["info", "upgrade"])
def test_the_cli_never_prints_the_password(command, tmp_path):
    url = f"postgresql://pirisk:{SECRET}@127.0.0.1:1/pirisk?password={SECRET}&sslmode=disable"
    out = subprocess.run(
        [sys.executable, "-m", "store", command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": url, "PIRISK_DATA_DIR": str(tmp_path)},
    )
    assert SECRET not in out.stdout + out.stderr, out.stdout + out.stderr
    assert "***" in out.stdout + out.stderr or out.returncode == 2


def test_the_cli_prints_a_masked_url_when_the_database_answers(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}?password={SECRET}"
    for command in ("upgrade", "info"):
        out = subprocess.run(
            [sys.executable, "-m", "store", "--url", url, command], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        assert SECRET not in out.stdout and "password=***" in out.stdout, out.stdout


# -- the PostgreSQL server log ------------------------------------------------------------------------


@pytest.fixture()
def pg_logged(pg_server):
    """A fresh PostgreSQL database whose server settings would log parameters on error, and its log file."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_server.create_database(name)
    admin = sa.create_engine(pg_server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET log_parameter_max_length_on_error = -1')
    admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    yield engine, pg_server.dir / "log"
    engine.dispose()


@pytest.mark.postgres
def test_pirisks_connections_never_log_statement_parameters(pg_logged):
    engine, log = pg_logged
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW log_parameter_max_length_on_error").scalar() == "0"
    marker = f"Client Name In A Parameter {uuid.uuid4().hex[:8]}"
    with pytest.raises(sa.exc.DBAPIError), engine.connect() as conn:  # a failing statement with a parameter
        conn.execute(sa.text("SELECT 1 / (length(:name) - length(:name))"), {"name": marker})
    raw = sa.create_engine(engine.url.render_as_string(hide_password=False))  # what any other engine would log
    with pytest.raises(sa.exc.DBAPIError), raw.connect() as conn:
        conn.execute(sa.text("SELECT 1 / (length(:name) - length(:name)) AS control"), {"name": marker + " control"})
    raw.dispose()
    text = log.read_text(errors="replace")
    assert f"{marker} control" in text  # the server would log parameters: the control statement's are there
    assert f"'{marker}'" not in text  # pirisk's are not


@pytest.mark.postgres
def test_a_taken_client_name_never_reaches_the_server_log(pg_logged, monkeypatch):
    engine, log = pg_logged
    name = f"Confidential Client {uuid.uuid4().hex[:8]}"
    repo.create_client(engine, name)
    with pytest.raises(StoreError, match="already exists"):
        repo.create_client(engine, name)
    other = repo.create_client(engine, f"Other {uuid.uuid4().hex[:8]}")
    with pytest.raises(StoreError, match="already exists"):
        repo.rename_client(engine, other.id, name)
    assert name not in log.read_text(errors="replace")


@pytest.mark.postgres
def test_two_people_adding_one_client_at_once_leave_no_name_in_the_server_log(pg_logged):
    """Both check the name before either writes; a unique violation (whose DETAIL line quotes the name) would
    follow. Name changes run one at a time, so the second sees the first's client and nothing fails."""
    import threading
    import time

    engine, log = pg_logged
    name = f"Racing Client {uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def slow_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO CLIENTS"):
            time.sleep(0.3)  # the other one has time to check the name too

    def add() -> None:
        barrier.wait(timeout=10)
        try:
            repo.create_client(engine, name)
            outcomes.append("created")
        except StoreError as err:
            outcomes.append("taken" if "already exists" in str(err) else str(err))

    threads = [threading.Thread(target=add) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        sa.event.remove(engine, "before_cursor_execute", slow_insert)
    assert sorted(outcomes) == ["created", "taken"]
    assert name not in log.read_text(errors="replace")


# -- the login limiter's client address ---------------------------------------------------------------


LOCAL = trusted_proxies("127.0.0.1")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        # No proxy configured: the header is never believed, whatever the web server did with it.
        ("203.0.113.9", [], (), "203.0.113.9"),
        (None, [], (), "127.0.0.1"),
        (None, ["198.51.100.7"], (), "127.0.0.1"),
        ("198.51.100.7", ["198.51.100.7"], (), "127.0.0.1"),  # uvicorn already took it from the header: undone
        ("203.0.113.9", ["198.51.100.7"], (), "203.0.113.9"),
        # nginx on this machine, trusted: the address it appended (the rightmost) is the client.
        (None, ["198.51.100.7"], LOCAL, "198.51.100.7"),
        ("198.51.100.7", ["198.51.100.7"], LOCAL, "198.51.100.7"),
        # A client sending its own X-Forwarded-For through that nginx cannot pick its key.
        (None, ["1.2.3.4, 198.51.100.7"], LOCAL, "198.51.100.7"),
        (None, ["1.2.3.4", "198.51.100.7"], LOCAL, "198.51.100.7"),
        # A proxy that is not trusted vouches for nothing.
        ("10.0.0.5", ["1.2.3.4"], LOCAL, "10.0.0.5"),
        # Two trusted hops (a balancer, then nginx).
        ("10.0.0.5", ["198.51.100.7, 10.0.0.6"], trusted_proxies("10.0.0.0/8"), "198.51.100.7"),
        # Garbage in the header from behind a trusted proxy.
        (None, ["not-an-address"], LOCAL, "unknown"),
        (None, ["[2001:db8::1]:443"], LOCAL, "2001:db8::1"),
    ],
)
def test_the_client_address_trusts_the_header_only_through_configured_proxies(peer, forwarded, trusted, expected):
    assert client_address(peer, forwarded, trusted) == expected


def test_trusted_proxies_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("PIRISK_TRUSTED_PROXIES", raising=False)
    assert trusted_proxies() == ()
    monkeypatch.setenv("PIRISK_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,nonsense")
    assert trusted_proxies() == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))
