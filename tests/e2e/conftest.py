"""End-to-end fixtures: Debian's chromium for pytest-playwright, and one app server for the session.

No browser is ever downloaded: the browser is the system's chromium. Without it the tests skip,
except in CI (CI set), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import running_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_chromium() -> None:
    if Path(CHROMIUM).is_file() or shutil.which(CHROMIUM):
        return
    message = f"chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    _need_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app server for the whole session, with the environment as it is."""
    _need_chromium()
    with running_app(tmp_path_factory.mktemp("app")) as url:
        yield url


# -- what the browser tests share (helpers in browsing.py) ------------------------------------------


@pytest.fixture()
def runs(page: Any) -> Any:
    from browsing import ScriptRuns

    return ScriptRuns(page)  # attached before the page opens the app


LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1:\d+/|^(data|blob):")


@pytest.fixture(autouse=True)
def nothing_leaves_the_machine(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every browser test also checks that the page loads nothing from outside (no CDN, fonts or
    telemetry): only this machine's app servers (on the loopback address) are asked for anything."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    yield
    outside = sorted({url for url in requested if not LOCAL.match(url)})
    assert outside == [], f"the app loaded something from outside this machine: {outside}"
