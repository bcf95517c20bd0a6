"""The workspace's session: its configuration, the unlocked session and its expiry, and the database.

Every workspace key in session state starts with `ws_`, so that locking (or an expired session) can drop
them all at once. What else must happen on locking (closing the assessment open in the questionnaire)
registers itself with `on_clear`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import streamlit as st

from questions.strings import load_strings, tr
from store.access import AccessError, RateLimiter, password_hash_configured
from ui import state

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class LazyModule:
    """A module imported on first use. The workspace's database stack (SQLAlchemy) then costs nothing
    to a founder who never opens the workspace. (Not put in sys.modules, so that tools which walk
    the loaded modules, as Streamlit's do, cannot import it by accident.)"""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


repo: Any = LazyModule("store.repo")
db: Any = LazyModule("store.db")

PREFIX = "ws_"  # every workspace key in session state starts with this; locking drops them all
UNLOCKED = "ws_unlocked"  # fingerprint of the password hash the session was unlocked with
SEEN = "ws_seen"  # clock() of the session's last activity
AUTHOR = "ws_author"  # the name written into the answer history
CLIENT = "ws_client"  # the client picked on the Clients page
SELECTED = "ws_selected"  # the assessment shown on the Assessment and Workshop pages
COMPARE_A, COMPARE_B = "ws_compare_a", "ws_compare_b"  # the two assessments compared
NOTICE = "workspace_notice"  # "expired" or "locked": outside the prefix, so that it survives locking

SESSION_MINUTES_ENV = "PIRISK_WORKSPACE_SESSION_MINUTES"
DEFAULT_SESSION_MINUTES = 30.0
MAX_SESSION_MINUTES = 24 * 60.0
# Failed unlocks: at most 5 in 5 minutes per browser session and per client address, 50 in 5 minutes
# over the whole process (so that opening new sessions does not buy more guesses).
PER_CLIENT_FAILURES, GLOBAL_FAILURES, FAILURE_WINDOW = 5, 50, 300.0


def t(key: str, **values: object) -> str:
    """A workspace string (assets/locale/workspace.yaml) in the current language; the app's shared
    strings (assets/locale/ui.yaml) otherwise."""
    if key in load_strings("workspace"):
        return tr("workspace", key, state.lang(), **values)
    return state.t(key, **values)


def clock() -> float:
    """Seconds on a monotonic clock. The session expiry and the rate limiter read it; tests replace it."""
    return time.monotonic()


def _clock() -> float:
    return clock()  # looked up at each call, so that replacing `clock` reaches the cached limiters


# -- configuration -----------------------------------------------------------------------------------


def secrets() -> Mapping[str, Any] | None:
    """Streamlit's secrets, or None when there is no secrets file (reading st.secrets then would raise)."""
    try:
        return st.secrets if st.secrets.load_if_toml_exists() else None
    except Exception:  # a secrets file that cannot be parsed counts as none; Streamlit logs why
        return None


def configured_hash() -> str | None:
    """The workspace password hash from env or secrets; None if not set. Raises AccessError if it is not a hash."""
    return password_hash_configured(secrets())


def session_minutes() -> float:
    """Minutes of inactivity after which an unlocked session locks itself (env PIRISK_WORKSPACE_SESSION_MINUTES)."""
    raw = os.environ.get(SESSION_MINUTES_ENV, "")
    try:
        minutes = float(raw)
    except ValueError:
        return DEFAULT_SESSION_MINUTES
    if not minutes > 0:  # also refuses NaN
        return DEFAULT_SESSION_MINUTES
    return min(minutes, MAX_SESSION_MINUTES)


def fingerprint(hashed: str) -> str:
    """A digest of the configured hash: a session unlocked under an old password is locked when it changes."""
    return hashlib.sha256(hashed.encode("utf-8")).hexdigest()


@st.cache_resource(show_spinner=False)
def limiters() -> tuple[RateLimiter, RateLimiter]:
    """The process-wide failed-unlock limiters: (per session and per client address, whole process)."""
    return (
        RateLimiter(PER_CLIENT_FAILURES, FAILURE_WINDOW, clock=_clock),
        RateLimiter(GLOBAL_FAILURES, FAILURE_WINDOW, clock=_clock),
    )


@st.cache_resource(show_spinner=False)
def _engine_for(url: str | None, data_dir: str | None) -> Engine:
    # One engine (and connection pool) per database per process, migrated once. `data_dir` is part of
    # the cache key only: the default SQLite file lives in it.
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def engine() -> Engine:
    """The workspace database, created and migrated on first use in this process. Raises StoreError."""
    return _engine_for(db.database_url(None, secrets()), os.environ.get("PIRISK_DATA_DIR"))


# -- the unlocked session ----------------------------------------------------------------------------


def active() -> bool:
    """Whether this session is unlocked, not expired, and unlocked under the password configured now."""
    ss = st.session_state
    if UNLOCKED not in ss:
        return False
    if clock() - float(ss.get(SEEN, float("-inf"))) > session_minutes() * 60:
        return False
    try:
        hashed = configured_hash()
    except AccessError:
        return False
    return hashed is not None and ss[UNLOCKED] == fingerprint(hashed)


def check_session() -> bool:
    """Once per run, before navigation: lock an expired session (saying so), else note the activity."""
    ss = st.session_state
    if UNLOCKED not in ss:
        return False
    if not active():
        clear()
        ss[NOTICE] = "expired"
        return False
    ss[SEEN] = clock()
    return True


def unlock(hashed: str, author: str) -> None:
    """Mark this session unlocked (after the password was checked)."""
    ss = st.session_state
    ss[UNLOCKED] = fingerprint(hashed)
    ss[SEEN] = clock()
    ss[AUTHOR] = " ".join(author.split())[: repo.NAME_MAX]
    ss.pop(NOTICE, None)


_ON_CLEAR: list[Callable[[], None]] = []


def on_clear(action: Callable[[], None]) -> None:
    """Run `action` when a session locks, before its workspace keys are dropped (once per process)."""
    if action not in _ON_CLEAR:
        _ON_CLEAR.append(action)


def clear() -> None:
    """Lock: run what registered with `on_clear` (bringing back the self-assessment put aside), then drop
    every workspace key from the session."""
    ss = st.session_state
    for action in _ON_CLEAR:
        action()
    for key in [k for k in ss if isinstance(k, str) and k.startswith(PREFIX)]:
        del ss[key]


def author() -> str:
    return st.session_state.get(AUTHOR, "")


def status_label(status: str) -> str:
    """An assessment status in the current language."""
    labels = {"draft": t("ws_status_draft"), "final": t("ws_status_final"), "archived": t("ws_status_archived")}
    return labels.get(status, status)
