"""The multi-replica harness: nginx running the recommended configuration in a folder of its own, the
two replicas behind it, and what a test needs to see where each browser went and what its page did.
The fixtures that start all this are in conftest.py.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.test_app_browser import BANK, TIMEOUT, ScriptRuns, key

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx" / "pirisk.conf"  # the recommended configuration, used as it is
ROUTE_COOKIE = "pirisk_route"  # userid_name in NGINX_CONF
PASSWORD = "replica test password"
VIEWPORT = {"width": 1400, "height": 1000}
WAIT = 20.0  # seconds: how long a server may take to start, or nginx to log a request


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def missing(message: str) -> None:
    """A tool these tests need is missing: skip here, fail in CI."""
    if _in_ci():
        pytest.fail(f"{message}, and CI is set: these tests must run here")
    pytest.skip(message)


def nginx_binary() -> str:
    """Debian's nginx (/usr/sbin is not on every user's PATH), or $NGINX."""
    for candidate in (os.environ.get("NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file():
            return candidate
    missing("nginx not found (apt-get install nginx, see scripts/setup-system, or set NGINX)")
    raise AssertionError("unreachable")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 2) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # a loopback URL the harness built
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


class Nginx:
    """nginx in a folder of its own: its main nginx.conf (temp paths, pid, logs, `daemon off`) includes
    the recommended deploy/nginx/pirisk.conf unchanged, plus the three site files it expects."""

    def __init__(self, folder: Path, upstreams: list[str]) -> None:
        self.binary = nginx_binary()
        self.dir = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"
        self.proc: subprocess.Popen[bytes] | None = None
        (folder / "pirisk").mkdir()
        (folder / "pirisk" / "upstreams.conf").write_text("".join(f"server {u};\n" for u in upstreams))
        (folder / "pirisk" / "listen.conf").write_text(f"listen 127.0.0.1:{self.port};\n")
        # As docs/team.md's server.conf: the site's names (here the loopback ones, and a made-up name the
        # WebSocket test uses), the access log in pirisk's format, and the error log at `crit`.
        (folder / "pirisk" / "server.conf").write_text(
            "server_name localhost 127.0.0.1 pirisk.example;\n"
            f"access_log {self.access_log} pirisk_route;\nerror_log {self.error_log} crit;\n"
        )
        temp = "\n".join(
            f"    {kind}_temp_path {folder / (kind + '_temp')};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (folder / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {self.error_log} warn;\n"
            f"events {{\n    worker_connections 512;\n}}\n"
            f"http {{\n{temp}\n    include {NGINX_CONF};\n}}\n"
        )

    def command(self, *extra: str) -> list[str]:
        return [self.binary, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-e", str(self.error_log), *extra]

    def test_config(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t`: the configuration is valid."""
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30, check=False)

    def start(self) -> None:
        checked = self.test_config()
        if checked.returncode != 0:
            pytest.fail(f"nginx refuses the configuration:\n{checked.stderr}")
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if _get(f"{self.url}/_stcore/health") == (200, b"ok"):
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.error_log.read_text(errors="replace")[-3000:] if self.error_log.exists() else ""
                pytest.fail(f"nginx did not start:\n{log}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Fast shutdown (SIGTERM): every connection, WebSockets included, is closed."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextmanager
def running_nginx(upstreams: list[str]) -> Iterator[Nginx]:
    """nginx in front of `upstreams` (host:port), on a free loopback port; stopped and removed at the end."""
    # Run as root, nginx's workers become `nobody`, and create their temp files in this folder.
    folder = Path(tempfile.mkdtemp(prefix="pirisk-nginx-"))
    folder.chmod(0o755)
    nginx = Nginx(folder, upstreams)
    try:
        nginx.start()
        yield nginx
    finally:
        nginx.stop()
        shutil.rmtree(folder, ignore_errors=True)


def read_access_log(path: Path) -> list[dict[str, Any]]:
    """The JSON lines nginx has finished writing to an access log, one dict per request. nginx writes a
    line after it answers, so a read right after a response can catch the last line half written: only
    lines that end in a newline are read, and the rest is read next time."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    complete = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


@dataclass(frozen=True)
class Replica:
    name: str  # "A" or "B"
    url: str  # direct, bypassing nginx (only the tests use it)

    @property
    def address(self) -> str:
        """host:port, as nginx's $upstream_addr names it."""
        return self.url.removeprefix("http://")


def route_of_cookie(value: str) -> str:
    """The affinity key nginx logs for a `pirisk_route` cookie value: the userid module's four 32-bit
    words (stored little-endian in the cookie's base64) as "pirisk_route=" + 32 hex digits."""
    words = struct.unpack("<4I", base64.b64decode(value + "=" * (-len(value) % 4))[:16])
    return f"{ROUTE_COOKIE}=" + "".join(f"{w:08X}" for w in words)


@dataclass
class Replicas:
    """Two replicas behind nginx, and what the tests need to see where each browser went."""

    nginx: Nginx
    a: Replica
    b: Replica
    pg_url: str

    @property
    def url(self) -> str:
        return self.nginx.url

    @property
    def access_log(self) -> Path:
        return self.nginx.access_log

    def by_address(self, address: str) -> Replica:
        return {self.a.address: self.a, self.b.address: self.b}[address]

    def log(self) -> list[dict[str, Any]]:
        """nginx's access log so far, one dict per request."""
        return read_access_log(self.access_log)

    @staticmethod
    def route(context: BrowserContext) -> str:
        """A browser context's affinity key, from its cookie; AssertionError if nginx has not set one."""
        values = [c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE]
        assert values, "nginx has not set the affinity cookie in this browser context"
        return route_of_cookie(values[0])

    def requests_of(self, context: BrowserContext | str) -> list[dict[str, Any]]:
        """Every request nginx has logged for this browser context (or for this affinity key, which a
        closed context no longer tells). nginx logs a WebSocket when it closes."""
        route = context if isinstance(context, str) else self.route(context)
        return [entry for entry in self.log() if entry["route"] == route]

    def replica_of(self, context: BrowserContext) -> Replica:
        """The replica nginx sends this browser context to (read from nginx's log, waiting for the line)."""
        deadline = time.monotonic() + WAIT
        while True:
            upstreams = {e["upstream"] for e in self.requests_of(context) if e["upstream"] not in ("", "-")}
            if upstreams:
                assert len(upstreams) == 1, f"one browser context was sent to several replicas: {sorted(upstreams)}"
                return self.by_address(upstreams.pop())
            if time.monotonic() > deadline:
                raise AssertionError("nginx logged no proxied request for this browser context")
            time.sleep(0.05)

    def pin(self, browser: Browser, replica: Replica, **context_args: Any) -> BrowserContext:
        """A new browser context that nginx routes to `replica`.

        Its first request (the health check, as any first visit) gets an affinity cookie, and nginx
        hashes a first request on the cookie it is setting: the log says where that landed. A context
        that landed elsewhere drops its cookie and asks again (each try is a coin toss with two replicas)."""
        context = browser.new_context(**context_args)
        for _ in range(64):
            response = context.request.get(f"{self.url}/_stcore/health")
            assert response.ok, f"nginx answered {response.status} to the health check"
            if self.replica_of(context) == replica:
                return context
            context.clear_cookies()
        context.close()
        raise AssertionError(f"no affinity cookie routed to replica {replica.name} in 64 tries")

    def warm_up(self, browser: Browser) -> None:
        """Open the workspace's door on both replicas at once, directly, and close it again: a replica's
        first script run imports the app (seconds each), and this way the two do it side by side,
        before any test, and nginx's log stays the tests' own."""
        pages = [browser.new_page() for _ in (self.a, self.b)]
        try:
            for page, replica in zip(pages, (self.a, self.b), strict=True):
                page.goto(f"{replica.url}/workspace", wait_until="commit")
            for page in pages:
                expect(page.locator(".st-key-ws_password")).to_be_visible(timeout=60_000)
        finally:
            for page in pages:
                page.close()
        until(lambda: (self.active_sessions(self.a), self.active_sessions(self.b)) == (0, 0), "the warm-up sessions to end")

    @staticmethod
    def active_sessions(replica: Replica) -> int:
        """The replica's own count of open Streamlit sessions, from its metrics (asked directly, not
        through nginx, which refuses /_stcore/metrics)."""
        status, body = _get(f"{replica.url}/_stcore/metrics?families=active_sessions")
        assert status == 200, f"replica {replica.name}'s metrics answered {status}"
        for line in body.decode().splitlines():
            if line.startswith("active_sessions "):
                return int(float(line.split()[1]))
        raise AssertionError(f"replica {replica.name} reports no active_sessions:\n{body.decode()}")


# Streamlit's frontend, opened at a page's address (/workspace), first looks for its server under that
# path, then at the root: these two 404s are its own probing, not a fault.
_BASE_PATH_PROBES = re.compile(r"^/[^?#]+/_stcore/(health|host-config)$")
_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) =>
  window.__piriskCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""


class PageWatch:
    """What a page does that it must not: break the Content Security Policy, throw, log an error, get an
    error response (other than Streamlit's own base-path probing), or ask anything of another address
    than `origin` (nginx's). Attach it before the page opens the app; `assert_clean()` at the end."""

    def __init__(self, page: Any, origin: str) -> None:
        self.origin = origin
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.failed: list[str] = []
        self.outside: list[str] = []
        page.expose_function("__piriskCspViolation", self._violation)
        page.add_init_script(_VIOLATION_LISTENER)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("response", self._response)

    def _violation(self, text: str) -> None:
        self.violations.append(text)

    def _console(self, message: Any) -> None:
        # A failed load is also a response (checked in _response); everything else logged as an error counts.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console.append(message.text)

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.origin + "/", "data:", "blob:")):
            self.outside.append(request.url)

    def _response(self, response: Any) -> None:
        path = urlsplit(response.url).path
        if response.status >= 400 and not _BASE_PATH_PROBES.match(path):
            self.failed.append(f"{response.status} {response.url}")

    def assert_clean(self) -> None:
        assert self.violations == [], f"the Content Security Policy blocked something: {self.violations}"
        assert self.errors == [], f"the page threw: {self.errors}"
        assert self.console == [], f"the page logged errors: {self.console}"
        assert self.failed == [], f"requests failed: {self.failed}"
        assert self.outside == [], f"the page asked another address than {self.origin}: {self.outside}"


def until(check: Callable[[], Any], what: str, seconds: float = TIMEOUT / 1000) -> Any:
    """Poll `check` until it returns something true, and return that; AssertionError after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


class Visit:
    """One browser context's page on the app through nginx, watched, with its script runs counted."""

    def __init__(self, context: BrowserContext, replicas: Replicas) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.watch = PageWatch(self.page, replicas.url)
        self.runs = ScriptRuns(self.page)
        self.url = replicas.url

    def open(self, path: str = "/") -> None:
        before = self.runs.finished
        self.page.goto(self.url + path)
        self.runs.wait(before)

    def unlock(self, author: str) -> None:
        self.open("/workspace")
        key(self.page, "ws_author_field").locator("input").fill(author)
        key(self.page, "ws_password").locator("input").fill(PASSWORD)
        self.runs.click(key(self.page, "ws_unlock").locator("button"))
        expect(self.page.get_by_text("The workspace is unlocked")).to_be_visible(timeout=TIMEOUT)

    def nav(self, title: str, heading: str | None = None) -> None:
        """Switch pages in the sidebar; the page's heading is its title unless said otherwise."""
        self.runs.click(self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True))
        expect(self.page.get_by_role("heading", name=heading or title, exact=True).first).to_be_visible(timeout=TIMEOUT)

    def open_in_questionnaire(self, assessment_id: int) -> None:
        self.nav("Clients")
        self.runs.click(key(self.page, f"ws_open__{assessment_id}").get_by_role("button"))
        expect(self.page.get_by_text("Workspace assessment:")).to_be_visible(timeout=TIMEOUT)
        expect(self.page.get_by_text("Review your answers").first).to_be_visible(timeout=TIMEOUT)

    def answer(self, qid: str, label: str) -> None:
        """Change one answer from the questionnaire's review step (its section's Edit button, then the choice), by clicking."""
        section = BANK.section_of[qid]
        self.runs.click(key(self.page, f"edit__{section}").get_by_role("button"), fragment=True)  # the step reruns alone
        self.runs.click(key(self.page, f"question__{qid}").get_by_text(label, exact=True), fragment=True)

    def checked(self, qid: str, label: str) -> Any:
        """An expectation on one choice of a question on screen: `.checked(q, "No").to_be_checked()`."""
        return expect(key(self.page, f"question__{qid}").get_by_role("radio", name=label, exact=True))
