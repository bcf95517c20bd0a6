"""pirisk's browser code (assets/browser.js; the charts have their own few lines, ui/charts.py), mounted
hidden at the end of every run (or of the questionnaire's step, a fragment that reruns alone and draws it
itself).

It sets the page's `lang` attribute from the locale registry; after each move (Next, Back, a jump in
the section list, a page change) it scrolls to the new heading and gives it the keyboard focus; while
the user has opted in, it keeps the answers in the browser's own storage (localStorage, on this
computer, for this site: the self-assessment's only, never a record open from the workspace, and
nothing once someone signs in to the workspace) and offers them back once when the page loads again;
it warns before the page is left while the answers are kept nowhere; and, while the workspace is
unlocked, it keeps the session's binding secret as a cookie (ui/workspace/session.py: a session
resumed from another browser then locks). Nothing is sent anywhere: the component talks only to this
app's own page.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import streamlit as st

from questions.locales import locale
from ui import link, nav, state

MAIN_TITLE = '[data-testid="stMain"] h1'
BRIDGE = "pirisk_browser"  # the hidden container's key (assets/style.css hides it)
_KEY = "pirisk_browser_bridge"
_DRAWN = "pirisk_browser_drawn"  # session state: this page run has drawn the bridge already (in a fragment)
BIND = "ws_bind"  # session state: the unlocked workspace's binding secret, for the browser to keep
BIND_COOKIE = "pirisk_workspace"  # the cookie the browser keeps it in (path /, SameSite=Strict)
_component = st.components.v2.component(
    "pirisk_browser", js=resources.files("assets").joinpath("browser.js").read_text(encoding="utf-8"), isolate_styles=False
)


@cache
def _element_code(element: str) -> str | None:
    """Where Streamlit serves the browser code of one kind of element, loaded on its first use (e.g.
    "DateInput"), relative to the app's address; None if this Streamlit names it otherwise."""
    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob(f"{element}.*.js"))
    return f"./static/js/{found[0].name}" if found else None


def _preload() -> list[str]:
    """The element code the browser loads while idle, so that the next screens need not wait for it: the
    date picker's from the welcome on (the welcome writes the date, the questionnaire's sidebar has the
    field). The charts need none: they are inline SVG (ui/charts.py)."""
    return [url for url in map(_element_code, ["DateInput"]) if url]


def _offered() -> None:
    """The browser offered the answers it kept (once per page load): restore them into an empty session."""
    ss = st.session_state
    ss[state.RESTORED] = True
    if ss[state.ANSWERS]:
        return  # answers were given or loaded in the meantime: they stay, and so does what the browser kept
    kept = (ss.get(_KEY) or {}).get("kept")
    if state.restore_kept(ss, kept, state.law()):
        ss[state.FORGET] = False
        if ss[state.PAGE]:  # the answers came back after a reload: focus lands on the page's heading
            state.move_to(landing(ss[state.PAGE]))
    else:
        ss[state.FORGET] = True  # not a kept answer set (damaged, or from another version): the browser drops it


def landing(page: str) -> str:
    """What a page change lands on (a CSS selector): the current step's heading (or the welcome's title)
    on the questionnaire, the page's title elsewhere (the first one, on pages without an anchor)."""
    ss = st.session_state
    if page == "assess" and (ss[state.STARTED] or ss[state.ANSWERS]):
        return f"#{state.step_anchor(int(ss[state.STEP]))}"
    if page in nav.PAGES:
        return f"#{state.page_anchor(page)}"
    return MAIN_TITLE


def _clear_at_sign_in(ss: Any) -> None:
    """Once per sign-in to the workspace, stop keeping answers and wipe what the browser kept: a signed-in
    browser is a consultant's, where clients' answers are typed, and the next person at it has no password."""
    if not link.signed_in():
        ss[state.CLEARED_AT_SIGN_IN] = False
    elif not ss.get(state.CLEARED_AT_SIGN_IN):
        ss[state.CLEARED_AT_SIGN_IN] = True
        ss[state.KEEP], ss[state.FORGET] = False, True


def sync(page: str) -> None:
    """Mount the browser code with what it needs to know after this run. Call it after the page ran."""
    ss = st.session_state
    if ss[state.PAGE] != page:
        if ss[state.PAGE]:  # a page change, not the first page of the session
            state.move_to(landing(page))
        ss[state.PAGE] = page
    _clear_at_sign_in(ss)
    # The browser's copy is the self-assessment's alone: while a record (a workspace assessment, a
    # respondent's answers) is in the questionnaire, it is neither written, nor wiped, nor offered.
    own = link.current() is link.DETACHED
    keep = bool(ss[state.KEEP]) and own
    data = {
        "html_lang": locale(state.lang()).html_lang,
        "move": ss[state.MOVE],
        "focus": ss[state.FOCUS],
        "keep": keep,
        "kept": state.kept_text(ss, state.law()) if keep else None,
        "forget": bool(ss[state.FORGET]) and not keep and own,
        "restored": bool(ss[state.RESTORED]) or not own,
        "unsaved": state.unsaved(ss),
        # Joined into one text: a list among the bridge's data makes Streamlit import pandas to check
        # whether it is a table, which a first visit must not pay for (tests/test_architecture.py).
        "preload": " ".join(_preload()),
        "fingerprint": state.fingerprint(ss),
        "bind": f"{BIND_COOKIE}={ss[BIND]}" if ss.get(BIND) else None,
    }
    with st.container(key=BRIDGE):
        _component(key=_KEY, data=data, on_kept_change=_offered)
    ss[_DRAWN] = True


def begin_run() -> None:
    """At the start of a whole run of the app: nothing has drawn the bridge yet."""
    st.session_state.pop(_DRAWN, None)


def sync_after(page: str) -> None:
    """After the page ran: the bridge, unless the page drew it itself (inside a fragment, which then
    reruns with it: the questionnaire's step)."""
    if not st.session_state.get(_DRAWN):
        sync(page)
