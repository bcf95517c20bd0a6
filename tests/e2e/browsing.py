"""What the browser tests share: waiting for the app's script runs, finding widgets by key, answering
questions by clicking, and opening the app past its welcome."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from playwright.sync_api import Download, Locator, Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from scoring.loader import default_law

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
BANK = default_law().bank
TIMEOUT = 20_000


class ScriptRuns:
    """Counts the app's finished script runs, read from Streamlit's own websocket messages, so a test
    can wait for exactly the rerun a click causes (however fast it is). Whole-page runs (`finished`) and
    a fragment's runs (`fragments`: an answer on the respondent's page reruns only its step, and the
    consultant's live view reruns itself every few seconds) are counted apart."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.finished = 0
        self.fragments = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except DecodeError:
            return
        if msg.WhichOneof("type") != "script_finished":
            return
        if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.finished += 1
        elif msg.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            self.fragments += 1

    def _count(self, fragment: bool | None) -> int:
        if fragment is None:  # either: a fragment's run that may hand over to a whole run
            return self.finished + self.fragments
        return self.fragments if fragment else self.finished

    def wait(self, after: int, *, fragment: bool | None = False) -> None:
        """Wait until a whole-page run (a fragment's run, with `fragment`; either, with None) has finished
        since the count was `after`."""
        deadline = time.monotonic() + TIMEOUT / 1000
        while self._count(fragment) <= after:
            if time.monotonic() > deadline:
                raise AssertionError("the app did not finish a run in time")
            self.page.wait_for_timeout(20)  # lets Playwright deliver websocket events

    def settle(self) -> None:
        """Wait until no animation runs in the page: an expander opens with one (about half a second), and
        a click on an expander drawn inside it before then is lost (no toggle, no rerun; seen in chromium)."""
        self.page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')", timeout=TIMEOUT)

    def click(self, locator: Locator, *, fragment: bool | None = False) -> None:
        """Click, then wait for the rerun the click causes: the whole page's, or with `fragment`, a
        fragment's (the questionnaire's step), or with None either."""
        before = self._count(fragment)
        locator.click()
        self.wait(before, fragment=fragment)


def open_app(page: Page, runs: ScriptRuns, url: str, *, start: bool = True) -> None:
    """Open the app; with `start`, click past the welcome to the questionnaire's first step."""
    before = runs.finished
    page.goto(url)
    runs.wait(before)
    if not start:
        expect(key(page, "welcome_start")).to_be_visible(timeout=TIMEOUT)
        return
    runs.click(key(page, "welcome_start").locator("button"))
    expect(page.locator(".stProgress")).to_be_visible(timeout=TIMEOUT)


def key(page: Page, name: str) -> Locator:
    """The element a widget key names (Streamlit marks it with the class st-key-<key>)."""
    return page.locator(f".st-key-{name}")


def downloaded_json(download: Download) -> dict[str, Any]:
    return json.loads(Path(download.path()).read_text(encoding="utf-8"))


def choose(page: Page, runs: ScriptRuns, qid: str) -> str:
    """Answer one question on screen by clicking, as a person would. Returns the label clicked."""
    q = BANK.questions[qid]
    box = key(page, f"question__{qid}")
    if q.type == "multi":
        label = q.choices[-1].label["en"]
        runs.click(box.locator("[data-testid=stCheckbox]").filter(has_text=label).locator("label"), fragment=True)
        expect(box.get_by_role("checkbox", name=label, exact=True)).to_be_checked(timeout=TIMEOUT)
    else:
        label = "No" if q.type == "yes_no" else q.choices[0].label["en"]
        runs.click(box.get_by_text(label, exact=True), fragment=True)  # the step reruns alone
        expect(box.get_by_role("radio", name=label, exact=True)).to_be_checked(timeout=TIMEOUT)
    return label


def unlock_workspace(page: Page, runs: ScriptRuns, url: str, password: str, author: str, query: str = "") -> None:
    """Open the workspace's door at `url` (with `query`, such as "?lang=en") and sign in with the operator
    password, as `author`."""
    before = runs.finished
    page.goto(f"{url}/workspace{query}")
    runs.wait(before)
    key(page, "ws_author_field").locator("input").fill(author)
    key(page, "ws_password").locator("input").fill(password)
    runs.click(key(page, "ws_unlock").locator("button"))
    expect(page.get_by_text("The workspace is unlocked")).to_be_visible(timeout=TIMEOUT)


def open_questions(page: Page) -> list[str]:
    """Question ids on screen whose widget has nothing chosen yet (read in one go, so never half-updated)."""
    found = page.evaluate(
        """() => Array.from(document.querySelectorAll("[class*='st-key-question__']"))
             .filter(box => !box.querySelector("input:checked"))
             .map(box => box.className)"""
    )
    return [re.search(r"st-key-question__([a-z0-9_]+)", names).group(1) for names in found]


# -- an app server -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(folder: Path, env: dict[str, str] | None = None, script: str = "app.py") -> Iterator[str]:
    """Start `streamlit run app.py` (or another `script`) on a free loopback port and yield its URL;
    stop it (by its process group) at the end. `env` replaces the environment (e.g. a database and a
    password hash). Used by the browser tests and by bench/bench_browser.py."""
    with running_server(folder, env, script) as (url, _):
        yield url


@contextmanager
def running_server(
    folder: Path, env: dict[str, str] | None = None, script: str = "app.py", start_seconds: float = 60, root: Path = ROOT
) -> Iterator[tuple[str, int]]:
    """`running_app`, yielding the server's process id too (bench/bench_workshop.py weighs its CPU and
    memory, and may run another checkout's app, `root`, as its baseline); its log goes to `folder`."""
    port = _free_port()
    log = folder / f"streamlit-{Path(script).stem}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        yield url, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
