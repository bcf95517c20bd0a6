"""The workspace's session: its configuration, the unlocked session and its expiry, who is signed in
(the operator password, or a named account) with which role, and the database.

Every workspace key in session state starts with `ws_`, so that locking (or an expired session) can drop
them all at once. What else must happen on locking (closing the assessment open in the questionnaire)
registers itself with `on_clear`.

`engine()` is the database as this session may use it: tagged with the session's role (store/access.py),
so that the store itself refuses a viewer's change or a consultant's account change, whatever a page
shows. The operator password signs in as an owner; an account signs in with its own role, and its
session is checked against the account at every step (disabled, a new password, a new role).

An unlocked session is bound to the browser that unlocked it. Streamlit lets any client that names a
session's id take it over (a reconnection); the id is no secret (it is in every upload's address). So
at unlock the session makes a secret, keeps its digest, and the browser code stores the secret as a
cookie (ui/browser.py); every later step needs that cookie, or the very WebSocket connection that
unlocked (whose handshake came before the cookie existed). A session resumed from anywhere else locks.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import os
import secrets as token_source
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import streamlit as st

from questions.strings import load_strings, tr
from store.access import AccessError, Limits, RateLimiter, as_role, client_address, password_hash_configured, trusted_proxies
from ui import state
from ui.browser import BIND, BIND_COOKIE

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


if TYPE_CHECKING:  # the checker sees the modules themselves
    from store import db, repo
else:
    repo = LazyModule("store.repo")
    db = LazyModule("store.db")

PREFIX = "ws_"  # every workspace key in session state starts with this; locking drops them all
UNLOCKED = "ws_unlocked"  # fingerprint of the password hash the session was unlocked with ("account:<id>:<fp>" for an account)
ROLE = "ws_role"  # owner (the operator password), or the account's role
ACCOUNT_PREFIX = "account:"
SEEN = "ws_seen"  # clock() of the session's last activity
AUTHOR = "ws_author"  # the name written into the answer history
CLIENT = "ws_client"  # the client picked on the Clients page
SELECTED = "ws_selected"  # the assessment shown on the Assessment and Workshop pages
COMPARE_A, COMPARE_B = "ws_compare_a", "ws_compare_b"  # the two assessments compared
NOTICE = "workspace_notice"  # "expired" or "locked": outside the prefix, so that it survives locking
NOTICE_NOW = "workspace_notice_now"  # the notice being said on this run (the sidebar took it; the door says it too)
# Where the session is, in the address (ids only), so that a reload comes back to it after signing in again.
PLACE_PARAMS: tuple[tuple[str, str], ...] = (("client", CLIENT), ("assessment", SELECTED))
BOUND = "ws_bound"  # {"secret": digest of the browser's secret, "connection": the unlocking WebSocket's key}

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


def configured() -> bool:
    """Whether an operator has set this workspace up (a password hash, even a wrong one, is set): only
    then is its door listed in the navigation."""
    try:
        return configured_hash() is not None
    except AccessError:
        return True  # set, but wrongly: the door says so


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
def limiters() -> Limits:
    """The process-wide failed-unlock limiters: (per session and per client address, whole process)."""
    return Limits(
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


def base_engine() -> Engine:
    """The workspace database with no role: for signing in, and for the checks made before anyone is.
    Created and migrated on first use in this process. Raises StoreError."""
    return _engine_for(db.database_url(None, secrets()), os.environ.get("PIRISK_DATA_DIR"))


def engine() -> Engine:
    """The workspace database as this session may use it: with the session's role (a viewer's when there
    is none), so that the store refuses what the role may not do. Raises StoreError."""
    return as_role(base_engine(), role())


def read_only() -> bool:
    """Whether this session may only read (a viewer): the pages disable what would change anything, and
    the store refuses it anyway."""
    return role() == "viewer"


def role() -> str:
    """The signed-in session's role: owner, consultant or viewer (viewer, the least, when not signed in)."""
    return st.session_state.get(ROLE) or "viewer"


def database_configured() -> bool:
    """Whether a workspace database exists to look in without creating one: a URL is configured, or the
    default SQLite file is already there."""
    if db.database_url(None, secrets()):
        return True
    folder = os.environ.get(db.DATA_DIR_ENV) or str(db.ROOT / "data")
    return os.path.isfile(os.path.join(os.path.expanduser(folder), db.DB_FILE))


def accounts_enabled() -> bool:
    """Whether named accounts can sign in: the database exists and holds an enabled account."""
    from store.accounts import has_accounts

    if not database_configured():
        return False
    try:
        return has_accounts(base_engine())
    except Exception:  # a database that cannot be used: the door says so once someone signs in
        return False


# -- the unlocked session ----------------------------------------------------------------------------


def connection_marks() -> tuple[str, str]:
    """What this step's WebSocket connection brought: the binding cookie (BIND_COOKIE), and its handshake's
    Sec-WebSocket-Key (random, one per connection); "" for what it did not bring."""
    try:
        cookie, key = st.context.cookies.get(BIND_COOKIE), st.context.headers.get("Sec-WebSocket-Key")
    except Exception:  # no client context (a test's script run)
        return "", ""
    return (cookie if isinstance(cookie, str) else ""), (key if isinstance(key, str) else "")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _bind() -> None:
    """Bind this session to this browser: a new secret for its cookie, and this connection."""
    ss = st.session_state
    secret = token_source.token_urlsafe(32)
    ss[BOUND] = {"secret": _digest(secret), "connection": connection_marks()[1]}
    ss[BIND] = secret  # ui/browser.py hands it to the browser, which keeps it as a cookie


def bound() -> bool:
    """Whether this step comes from the browser that unlocked: its cookie, or the unlocking connection."""
    binding = st.session_state.get(BOUND)
    if not isinstance(binding, dict):
        return False
    cookie, connection = connection_marks()
    if cookie and hmac.compare_digest(_digest(cookie), str(binding.get("secret"))):
        return True
    # Every WebSocket handshake carries its own random key (RFC 6455); only a script run without a client
    # (AppTest) has none. Were Streamlit to stop passing the header on, every connection would match:
    # tests/replicas/test_replicas_takeover.py would then fail.
    return hmac.compare_digest(connection, str(binding.get("connection")))


def active() -> bool:
    """Whether this session is unlocked, from the browser that unlocked it, not expired, and unlocked under
    the password configured now (or, for an account, by an account still enabled, with the same password;
    its role is read again)."""
    ss = st.session_state
    if UNLOCKED not in ss or not bound():
        return False
    if clock() - float(ss.get(SEEN, float("-inf"))) > session_minutes() * 60:
        return False
    if str(ss[UNLOCKED]).startswith(ACCOUNT_PREFIX):
        return _account_active()
    try:
        hashed = configured_hash()
    except AccessError:
        return False
    return hashed is not None and ss[UNLOCKED] == fingerprint(hashed)


def _account_active() -> bool:
    from store.accounts import get_account

    ss = st.session_state
    try:
        _, account_id, print_ = str(ss[UNLOCKED]).split(":")
        account = get_account(base_engine(), int(account_id))
    except Exception:  # a damaged marker, or a database that cannot be read: locked
        return False
    if account is None or account.disabled or account.fingerprint != print_:
        return False
    ss[ROLE] = account.role  # a role changed by an owner applies from this step
    return True


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


def restore_place() -> None:
    """After signing in (a reload starts a new session): the client and assessment the address names, as the
    session's choice, unless the session has made its own. Ids only; each page's read checks access."""
    ss = st.session_state
    for param, key in PLACE_PARAMS:
        raw = st.query_params.get(param) or ""
        if key not in ss and raw.isdigit() and len(raw) < 12:
            ss[key] = int(raw)


def show_place(client_id: int | None, assessment_id: int | None = None) -> None:
    """Put the page's client and assessment in the address (ids only), so that F5 comes back to them."""
    for (param, _), value in zip(PLACE_PARAMS, (client_id, assessment_id), strict=True):
        if value is None:
            st.query_params.pop(param, None)
        elif st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)


def unlock(hashed: str, author: str) -> None:
    """Mark this session unlocked with the operator password (after it was checked): an owner."""
    ss = st.session_state
    ss[UNLOCKED] = fingerprint(hashed)
    ss[ROLE] = "owner"
    ss[SEEN] = clock()
    ss[AUTHOR] = " ".join(author.split())[: repo.NAME_MAX]
    ss.pop(NOTICE, None)
    _bind()


def unlock_account(account: Any) -> None:
    """Mark this session signed in with a named account (after its password was checked): its role, and
    its name as the author of every change."""
    ss = st.session_state
    ss[UNLOCKED] = f"{ACCOUNT_PREFIX}{account.id}:{account.fingerprint}"
    ss[ROLE] = account.role
    ss[SEEN] = clock()
    ss[AUTHOR] = account.name
    ss.pop(NOTICE, None)
    _bind()


def signed_in_account() -> bool:
    """Whether this session is signed in with a named account (not the operator password)."""
    return str(st.session_state.get(UNLOCKED, "")).startswith(ACCOUNT_PREFIX)


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
    """Who the history names for this session's changes: the account's name, or the name typed at unlock."""
    return st.session_state.get(AUTHOR, "")


def client_keys() -> list[str]:
    """Who is trying, for a rate limiter: this browser session, and its address. X-Forwarded-For moves the
    address only as far as the proxies the operator trusts (PIRISK_TRUSTED_PROXIES) vouch for it."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    keys = [f"session:{ctx.session_id if ctx else 'none'}"]
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get_all("X-Forwarded-For")
    except Exception:  # no client context (tests, or an old websocket): the session key still counts
        return keys
    keys.append(f"address:{client_address(peer, forwarded, trusted_proxies())}")
    return keys


def status_label(status: str) -> str:
    """An assessment status in the current language."""
    labels = {"draft": t("ws_status_draft"), "final": t("ws_status_final"), "archived": t("ws_status_archived")}
    return labels.get(status, status)
