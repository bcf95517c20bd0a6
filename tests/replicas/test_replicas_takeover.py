"""Finding 1 of issue 19, as it was found: a consultant unlocks the workspace through nginx; someone who
learnt the session's id (once in every upload's logged address) and the affinity cookie (rebuilt from
the logged route) connects with them, as Streamlit lets a reconnecting browser do. The session they get
must be locked: the binding cookie is not theirs, nor is the connection that unlocked."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from tests.replicas.harness import ROUTE_COOKIE, Replicas, Visit, until

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

EARLY_FOR_RERUN = 2  # ForwardMsg.ScriptFinishedStatus


def _pages_seen_by(url: str, session_id: str, cookie: str) -> set[str]:
    """Connect as a reconnecting browser would (Sec-WebSocket-Protocol: streamlit, <xsrf>, <session id>),
    run the app once, and return the addresses of the pages it lists (a locked session also registers every
    workspace address, unlisted, as the door that asks for the password)."""
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    pages: set[str] = set()
    with connect(
        address, subprotocols=["streamlit", "x", session_id], additional_headers={"Cookie": cookie}, open_timeout=30
    ) as ws:  # type: ignore[list-item]
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = ""
        ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(ws.recv(timeout=60))
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                pages = {p.url_pathname for p in fm.navigation.app_pages if not p.is_hidden}
            elif kind == "script_finished" and fm.script_finished != EARLY_FOR_RERUN:
                return pages


def test_a_session_taken_over_by_its_id_from_another_client_is_locked(
    browser: Browser, replicas: Replicas, empty_workspace: Any
) -> None:
    victim = Visit(browser.new_context(viewport={"width": 1400, "height": 1000}), replicas)
    session_ids: list[str] = []

    def frames(ws: Any) -> None:
        def received(payload: Any) -> None:
            if isinstance(payload, bytes):
                fm = ForwardMsg()
                fm.ParseFromString(payload)
                if fm.WhichOneof("type") == "new_session" and fm.new_session.initialize.session_id:
                    session_ids.append(fm.new_session.initialize.session_id)

        ws.on("framereceived", received)

    victim.page.on("websocket", frames)
    try:
        victim.unlock("Ann")
        session_id = until(lambda: session_ids and session_ids[-1], "the session's id")
        route = next(c["value"] for c in victim.context.cookies() if c["name"] == ROUTE_COOKIE)
        # The control: the victim's own session, on its own connection, is unlocked.
        expect(victim.page.get_by_test_id("stSidebarNav").get_by_role("link", name="Clients", exact=True)).to_be_visible()
        # The attacker: the session's id and the affinity cookie, nothing else.
        pages = _pages_seen_by(replicas.url, session_id, f"{ROUTE_COOKIE}={route}")
        assert pages, "the attacker's run registered no page"
        assert "clients" not in pages and "settings" not in pages, f"a session taken over by its id is unlocked: {sorted(pages)}"
    finally:
        victim.context.close()
