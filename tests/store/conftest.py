"""Storage fixtures: every `engine` test runs on SQLite (a temp file) and on PostgreSQL (a throwaway server).

The PostgreSQL server is started once per session (initdb and pg_ctl as the `postgres` user when run
as root, in a temp folder it owns, on a free port) and stopped at the end. Without PostgreSQL's
binaries those tests skip, except when the `CI` variable is set: then they fail, because CI must run them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from store.db import make_engine, upgrade
from store.models import TABLES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _pg_bindir() -> Path | None:
    if os.environ.get("PIRISK_PG_BIN"):
        return Path(os.environ["PIRISK_PG_BIN"])
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A PostgreSQL cluster in a temp folder, trusting the local user `test`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="pirisk-pg-"))
        self.as_postgres = os.geteuid() == 0  # initdb refuses root
        if self.as_postgres:
            shutil.chown(self.dir, user="postgres")

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / tool), *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)

    def _check(self, out: subprocess.CompletedProcess, what: str) -> None:
        if out.returncode != 0:
            log = (self.dir / "log").read_text(errors="replace")[-2000:] if (self.dir / "log").exists() else ""
            raise RuntimeError(f"{what} failed: {out.stderr.strip()} {log}")

    def start(self) -> PostgresServer:
        data = self.dir / "data"
        self._check(self._run("initdb", "-D", str(data), "-U", "test", "-A", "trust", "--no-sync", "-E", "UTF8"), "initdb")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._check(
            self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o", options, "start"), "pg_ctl start"
        )
        return self

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://test@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(
                "PostgreSQL's binaries (initdb, pg_ctl) were not found, and CI is set: the PostgreSQL tests must run here"
            )
        pytest.skip("PostgreSQL is not installed; the PostgreSQL side of the storage tests is skipped (it runs in CI)")
    server = PostgresServer(bindir)
    try:
        server.start()
    except Exception as err:
        server.stop()
        pytest.fail(f"could not start a throwaway PostgreSQL server: {err}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_app_url(pg_server: PostgresServer) -> str:
    """A PostgreSQL database migrated to head once; tests empty it before they start."""
    url = pg_server.create_database("app")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "pirisk.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty, migrated workspace database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "pirisk.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        eng = make_engine(f"sqlite:///{path}")
    else:
        eng = make_engine(request.getfixturevalue("pg_app_url"))
        with eng.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    yield eng
    eng.dispose()


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database (no tables) on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_server").create_database()


@pytest.fixture()
def engine_url(engine: sa.Engine) -> str:
    """The URL of `engine`'s database, for another process."""
    return engine.url.render_as_string(hide_password=False)
