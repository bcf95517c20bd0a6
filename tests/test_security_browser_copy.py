"""What "Keep my answers in this browser" keeps (issue 19, finding 2): only the self-assessment.

Before, with Keep ticked, opening a workspace assessment wrote the client's name and answers into the
browser's localStorage, and the next visitor of that browser got them back without a password. Now the
browser copy is set aside while a record is open (nothing written, nothing offered, the self-assessment's
copy left as it was) and cleared when someone signs in to the workspace."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_workspace_app import (  # noqa: F401 - fixtures
    article_answers,
    clock,
    db,
    goto,
    password_hash,
    seeded,
    start,
    unlock,
)
from ui import browser

MINE = {"buys_data": False}


class FakeBrowser:
    """localStorage as assets/browser.js uses it: what each run tells the browser to keep or forget."""

    def __init__(self) -> None:
        self.stored: str | None = None
        self.seen: list[dict[str, Any]] = []

    def __call__(self, *, key: str, data: dict[str, Any], on_kept_change: Any) -> None:
        self.seen.append(data)
        if data["keep"] and isinstance(data["kept"], str):
            self.stored = data["kept"]
        elif data["forget"]:
            self.stored = None


@pytest.fixture()
def fake_browser(monkeypatch: pytest.MonkeyPatch) -> FakeBrowser:
    fake = FakeBrowser()
    monkeypatch.setattr(browser, "_component", fake)
    return fake


def _kept(fake: FakeBrowser) -> dict[str, Any] | None:
    return json.loads(fake.stored) if fake.stored else None


def test_opening_a_record_with_keep_ticked_writes_nothing_of_it_to_the_browser(db: Any, fake_browser: FakeBrowser) -> None:  # noqa: F811
    saved = seeded(db, article_answers(), client="Secret Client Co")
    at = start(answers=dict(MINE), company="Self Ltd", keep=True)
    assert _kept(fake_browser)["file"]["answers"] == MINE  # the self-assessment is kept, as asked
    unlock(at)
    at.session_state["keep"] = True  # ticked again while signed in: the self-assessment only
    goto(at, "clients")
    at.button(key=f"ws_open__{saved.id}").click().run()
    assert not at.exception and at.session_state["ws_open"]["id"] == saved.id
    at.run()
    for data in fake_browser.seen[-2:]:  # the run of the click that opened it, and the next
        assert not data["keep"] and not data["forget"] and data["kept"] is None  # set aside: not written, not wiped
        assert data["restored"]  # and nothing is offered into the record
    assert "Secret Client Co" not in (fake_browser.stored or "")
    at.sidebar.button(key="ws_close").click().run()
    assert _kept(fake_browser)["file"]["answers"] == MINE  # the self-assessment, back
    assert _kept(fake_browser)["file"]["company"] == "Self Ltd"


def test_signing_in_clears_what_the_browser_kept(db: Any, fake_browser: FakeBrowser) -> None:  # noqa: F811
    at = start(answers=dict(MINE), company="Self Ltd", keep=True)
    assert fake_browser.stored is not None
    unlock(at)
    assert fake_browser.stored is None and not at.session_state["keep"]
    assert fake_browser.seen[-1]["forget"]
