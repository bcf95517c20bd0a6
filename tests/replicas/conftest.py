"""Several app replicas behind nginx, on loopback, in front of one real PostgreSQL.

Started once per test session: a throwaway PostgreSQL server (tests/store's `pg_server` fixture), two
`streamlit run app.py` replicas sharing its database and one workspace password hash (started as
tests/e2e starts the app: free ports, a health check), and Debian's nginx in front of them running
the recommended configuration deploy/nginx/pirisk.conf unchanged, from a folder of its own (`-p`, `-c`,
`daemon off`, a free port). Missing PostgreSQL, nginx or chromium skip these tests on a developer's
machine, and fail them when `CI` is set: CI must run them.

The fixtures (their helpers are in harness.py, for other test modules to use):

- `replicas` (`Replicas`): `.url` (nginx's), `.a` and `.b` (`Replica`: `.name`, its direct `.url`,
  `.address` as nginx logs it), `.pg_url`, `.access_log`, `.nginx`, and
  - `.pin(browser, replicas.a, **context_args)`: a new browser context that nginx routes to replica A;
  - `.replica_of(context)`: the replica nginx routes a context to (one, or AssertionError);
  - `.requests_of(context)`: what nginx logged for that context (method, path, upstream, status);
  - `.active_sessions(replica)`: the replica's own count of open Streamlit sessions;
  - `.nginx.restart()`: stop nginx (dropping every connection) and start it again on the same port.
- `visit`: a factory of watched pages through nginx, `visit()` or `visit(replicas.b, viewport=...)`,
  each a `Visit` (`.page`, `.context`, `.runs`, `.open(path)`, `.unlock(author)`, `.nav(title)`,
  `.open_in_questionnaire(id)`, `.answer(qid, label)`); at the end each page must be clean
  (`PageWatch`: no CSP violation, error, failed request, or request to another address).
- `pg_url`: the replicas' database URL; `empty_workspace`: that database emptied, as an Engine.
- `browser_type_launch_args`: Debian's chromium with tests/e2e's arguments. pytest-playwright
  launches one browser per test session, so these must stay the same as tests/e2e's.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser

# The e2e helpers import each other by name (pytest puts tests/e2e first on the path when it collects
# them); when tests/replicas runs on its own, do the same.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from store.access import hash_password
from store.db import make_engine
from store.models import TABLES
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.replicas.harness import PASSWORD, VIEWPORT, Replica, Replicas, Visit, missing, nginx_binary, running_nginx
from tests.store import conftest as store_fixtures


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium (a missing one skips, or fails in CI), never a downloaded browser."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        missing(f"chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# tests/store's throwaway PostgreSQL server (a missing one fails when CI is set) and its migrated
# database, as fixtures of this folder too.
pg_server = store_fixtures.pg_server
pg_app_url = store_fixtures.pg_app_url


@pytest.fixture(scope="session")
def pg_url(pg_app_url: str) -> str:
    """The replicas' shared database, migrated to head before they start."""
    return pg_app_url


@pytest.fixture(scope="session")
def replicas(pg_url: str, browser: Browser) -> Iterator[Replicas]:
    """Two replicas (A and B) of the app on one database and one password hash, behind nginx, warmed up.

    Depends on the browser, so that a missing chromium skips (or fails) before anything starts."""
    nginx_binary()  # a missing nginx skips (or fails) before the replicas start
    password_hash = hash_password(PASSWORD)
    with ExitStack() as stack:
        urls = []
        for name in ("a", "b"):
            folder = Path(tempfile.mkdtemp(prefix=f"pirisk-replica-{name}-"))
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
            env = {
                **os.environ,
                "DATABASE_URL": pg_url,
                "PIRISK_WORKSPACE_PASSWORD_HASH": password_hash,
                "PIRISK_DATA_DIR": str(folder),
            }
            env.pop("PIRISK_WORKSPACE_SESSION_MINUTES", None)
            urls.append(stack.enter_context(running_app(folder, env)))
        a, b = Replica("A", urls[0]), Replica("B", urls[1])
        nginx = stack.enter_context(running_nginx([a.address, b.address]))
        started = Replicas(nginx=nginx, a=a, b=b, pg_url=pg_url)
        started.warm_up(browser)
        yield started


@pytest.fixture()
def empty_workspace(pg_url: str) -> Iterator[sa.Engine]:
    """The replicas' database, emptied (every table truncated) before the test."""
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    yield engine
    engine.dispose()


@pytest.fixture()
def visit(browser: Browser, replicas: Replicas) -> Iterator[Callable[..., Visit]]:
    """A factory of watched visits through nginx: `visit()` goes wherever nginx sends it, `visit(replicas.a)`
    is pinned to replica A; context options pass through (`visit(replicas.b, viewport={"width": 390, ...})`).
    At the end every visit's context is closed, and its page must have been clean (PageWatch)."""
    opened: list[Visit] = []

    def open_visit(replica: Replica | None = None, **context_args: Any) -> Visit:
        context_args = {"viewport": VIEWPORT, "accept_downloads": True, **context_args}
        context = browser.new_context(**context_args) if replica is None else replicas.pin(browser, replica, **context_args)
        opened.append(Visit(context, replicas))
        return opened[-1]

    yield open_visit
    for v in opened:
        v.context.close()
    for v in opened:
        v.watch.assert_clean()
