"""The workspace password: argon2id hashing and checking, where the hash is configured, a login rate
limiter, and the client address it counts failures by (trusting forwarded headers only from the proxies
the operator names). Also what each role may do, and the one check every database session makes of it.

Roles. An engine may carry the role of the person using it (`as_role`): the workspace gives every page an
engine tagged with the session's role. `store.db.reading` and `store.db.writing` check it before they
open a session (`check_permission`), so a viewer's write or a consultant's account change is refused
by the store, whatever the page shows:

| role | may |
|---|---|
| owner | read, edit, manage (accounts, deleting clients and assessments), sign off (store/signoff.py), respond |
| consultant | read, edit, respond |
| viewer | read (and download) |
| respondent | respond: only the functions a respondent's link opens (store/invitations.py) |

An engine with no role (the CLI, the operator's own scripts, the tests) may do everything."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from scoring.errors import Term
from store.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

HASH_ENV = "PIRISK_WORKSPACE_PASSWORD_HASH"
TRUSTED_PROXIES_ENV = "PIRISK_TRUSTED_PROXIES"  # comma-separated addresses or networks of the operator's proxies
HASH_SECRET = "workspace_password_hash"  # noqa: S105 - the name of a key in Streamlit secrets, not a secret
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 takes any length; this only stops absurd input

_hasher = PasswordHasher()  # argon2id with argon2-cffi's current recommended parameters (RFC 9106 low-memory)
# Each argon2 check takes 64 MiB for about a tenth of a second: at most this many run at once per process
# (the others wait their turn), so that a burst of sign-ins costs time, not a gigabyte.
ARGON2_AT_ONCE = 2
_argon2_slots = threading.BoundedSemaphore(ARGON2_AT_ONCE)


class AccessError(StoreError):
    """A password that cannot be used, or a configured hash that is not an argon2 hash."""


class NotAllowed(StoreError):
    """An operation the session's role may not do (a viewer editing, a consultant managing accounts)."""


ROLE_OPTION = "pirisk_role"  # the engine execution option that carries the role
NEEDS = ("read", "edit", "manage", "sign_off", "respond")
PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(("read", "edit", "manage", "sign_off", "respond")),
    "consultant": frozenset(("read", "edit", "respond")),
    "viewer": frozenset(("read",)),
    "respondent": frozenset(("respond",)),
}


def as_role(engine: Engine, role: str) -> Engine:
    """`engine`, for someone with `role` (one of PERMISSIONS): same pool, and every read or write the store
    makes through it is checked against the role."""
    if role not in PERMISSIONS:
        raise ValueError(f"unknown role {role!r}")
    return engine.execution_options(**{ROLE_OPTION: role})


def role_of(engine: Engine) -> str | None:
    """The role an engine carries; None for an engine with no role (full access)."""
    return engine.get_execution_options().get(ROLE_OPTION)


def allowed(engine: Engine, need: str) -> bool:
    """Whether the engine's role may do `need` ("read", "edit", "manage", "sign_off" or "respond")."""
    if need not in NEEDS:
        raise ValueError(f"unknown need {need!r}")
    role = role_of(engine)
    return role is None or need in PERMISSIONS.get(role, frozenset())


def check_permission(engine: Engine, need: str) -> None:
    """Raise NotAllowed unless the engine's role may do `need`. Called by store.db.reading and writing."""
    if not allowed(engine, need):
        raise NotAllowed(key=f"access_cannot_{need}", role=Term(f"role_{role_of(engine)}"))


def hash_password(plain: str) -> str:
    """The argon2id hash of a password, salted, as one `$argon2id$...` string to put in the config."""
    if not isinstance(plain, str) or len(plain) < MIN_PASSWORD:
        raise AccessError(key="access_password_short", n=MIN_PASSWORD)
    if len(plain) > MAX_PASSWORD:
        raise AccessError(key="access_password_long", n=MAX_PASSWORD)
    with _argon2_slots:
        return _hasher.hash(plain)


def password_hash_configured(secrets: Mapping[str, Any] | None = None) -> str | None:
    """The workspace password hash: env `PIRISK_WORKSPACE_PASSWORD_HASH`, else `workspace_password_hash` in
    `secrets` (Streamlit's st.secrets, passed in by the UI). None when neither is set.

    Raises AccessError when the value set is not an argon2 hash (a plain password pasted by mistake)."""
    value: Any = os.environ.get(HASH_ENV)
    where: str = HASH_ENV
    if not (isinstance(value, str) and value.strip()) and secrets is not None:
        try:
            value = secrets.get(HASH_SECRET)
        except Exception:  # Streamlit raises when there is no secrets file: not configured
            value = None
        where = Term("access_in_secrets")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or not value.strip().startswith("$argon2"):
        raise AccessError(key="access_not_a_hash", where=where)
    return value.strip()


def verify_password(plain: str, hashed: str) -> bool:
    """Whether `plain` matches `hashed`. argon2's check takes the same time whatever the mismatch; any
    problem (a malformed hash, a non-text password) is simply False."""
    if not isinstance(plain, str) or not isinstance(hashed, str) or len(plain) > MAX_PASSWORD:
        return False
    try:
        with _argon2_slots:
            return _hasher.verify(hashed, plain)
    except (VerifyMismatchError, VerificationError, InvalidHashError, ValueError, TypeError):
        return False


def needs_rehash(hashed: str) -> bool:
    """Whether a hash was made with weaker parameters than argon2-cffi now recommends (suggest a new one)."""
    try:
        return _hasher.check_needs_rehash(hashed)
    except (InvalidHashError, ValueError):
        return True


class RateLimiter:
    """At most `max_failures` failed logins per `window` seconds per key (say, a client address); in memory.

    Each replica counts on its own, so N replicas allow N times the attempts: still slow enough against
    guessing an argon2-hashed password. `clock` is injectable for tests."""

    def __init__(
        self, max_failures: int = 5, window: float = 300.0, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        if max_failures < 1 or window <= 0:
            raise ValueError("max_failures must be at least 1 and window positive")
        self.max_failures, self.window, self.clock, self.max_keys = max_failures, window, clock, max_keys
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def blocked(self, key: str) -> bool:
        """Whether `key` has used up its failures in the current window (refuse to check the password)."""
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.max_failures

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again (0 when it may now)."""
        with self._lock:
            now = self.clock()
            times = self._recent(key, now)
            if len(times) < self.max_failures:
                return 0.0
            return max(0.0, times[-self.max_failures] + self.window - now)

    def reserve(self, *keys: str) -> float:
        """Count one attempt for every key now, before it is made, if none of them has used up its
        failures; return 0.0 then. Otherwise count nothing and return the seconds to wait. Checking and
        counting under one lock, so that simultaneous attempts cannot all pass the check first. An
        attempt that turns out not to be a failure gives its count back (`release`, or `reset`)."""
        with self._lock:
            now = self.clock()
            waits = []
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    waits.append(max(0.0, times[-self.max_failures] + self.window - now))
            if waits:
                return max(waits)
            for key in keys:
                self._append(key, now)
            return 0.0

    def release(self, *keys: str) -> None:
        """Give back one attempt counted by `reserve` for each key (the attempt was not a failure)."""
        with self._lock:
            for key in keys:
                times = self._failures.get(key)
                if times:
                    times.pop()
                    if not times:
                        del self._failures[key]

    def _append(self, key: str, now: float) -> None:
        times = self._recent(key, now)
        if key not in self._failures:
            if len(self._failures) >= self.max_keys:  # forget the stalest key rather than grow without bound
                stalest = min(self._failures, key=lambda k: self._failures[k][-1])
                del self._failures[stalest]
            self._failures[key] = times
        times.append(now)

    def record_failure(self, key: str) -> None:
        """Count one failed attempt for `key`."""
        with self._lock:
            self._append(key, self.clock())

    def reset(self, key: str) -> None:
        """Forget `key`'s failures (after a successful login)."""
        with self._lock:
            self._failures.pop(key, None)


OVERALL = "all"  # the whole-process limiter's one key


class Limits(NamedTuple):
    """A per-client limiter (keys: a browser session, an address) and a whole-process one (so that new
    sessions or addresses do not buy more tries), reserved together before an attempt is made."""

    per_client: RateLimiter
    overall: RateLimiter

    def retry_after(self, keys: Sequence[str]) -> float:
        """Seconds until all of `keys` may try again (0 when they may now)."""
        return max([self.per_client.retry_after(k) for k in keys] + [self.overall.retry_after(OVERALL)])

    def reserve(self, keys: Sequence[str]) -> float:
        """Count an attempt for `keys` and the whole process before it is made (0.0), or count nothing
        and return the seconds to wait. The attempt stays counted as a failure unless given back."""
        wait = self.per_client.reserve(*keys)
        if wait > 0:
            return wait
        wait = self.overall.reserve(OVERALL)
        if wait > 0:
            self.per_client.release(*keys)
        return wait

    def give_back(self, keys: Sequence[str]) -> None:
        """The reserved attempt was not a failure (a link that opened, a store that could not be asked)."""
        self.per_client.release(*keys)
        self.overall.release(OVERALL)

    def succeeded(self, keys: Sequence[str]) -> None:
        """A right password: `keys` start afresh, and the attempt is given back to the whole process."""
        for key in keys:
            self.per_client.reset(key)
        self.overall.release(OVERALL)


# ----------------------------------------------------------------------------------------------
# Who is trying: the client address behind the operator's proxies

log = logging.getLogger("pirisk.access")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(value: str | None = None) -> tuple[Network, ...]:
    """The proxies whose X-Forwarded-For pirisk believes: env PIRISK_TRUSTED_PROXIES, a comma-separated list of
    addresses or networks (say `127.0.0.1` for an nginx on the same machine). None by default: then the
    header is never believed. An entry that is not an address is ignored, and logged."""
    raw = os.environ.get(TRUSTED_PROXIES_ENV, "") if value is None else value
    out = []
    for part in raw.replace(" ", ",").split(","):
        if not part:
            continue
        try:
            out.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            log.warning("%s: %r is not an address or network; ignored", TRUSTED_PROXIES_ENV, part[:60])
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: Iterable[str] = (), trusted: Iterable[Network] = ()) -> str:
    """The address to count a client's failed logins by.

    `peer` is the connection's address as the web server reports it (None for loopback), `forwarded_for`
    the X-Forwarded-For headers, `trusted` the operator's proxies. The hops are read from the right (the
    connection itself, then what each proxy appended); each hop that is a trusted proxy hands over to the
    one before it, and the first hop that is not trusted is the client. So the header moves the key only
    as far as the operator's own proxies vouch for it: with none configured it never does, and a client
    cannot choose its own key by sending the header itself.

    The web server (uvicorn) already replaces the peer by the header's last entry when the connection
    comes from 127.0.0.1; that is undone here (such a peer counts as 127.0.0.1), and only for a peer that
    is that last entry."""
    proxies = tuple(trusted)
    hops = [h for header in forwarded_for for h in str(header).split(",") if h.strip()]
    entries = [_address(h) for h in hops]
    peer_address = _address(peer) if peer else None
    # uvicorn takes the header's last hop (its own proxy's, 127.0.0.1, left aside): only a peer that is
    # exactly that hop can have been rewritten. A client's own address anywhere else in the header
    # proves nothing (it would let the hops before it pick the key).
    last = next((e for e in reversed(entries) if e is None or not e.is_loopback), None)
    if peer is None or (hops and peer_address is not None and peer_address == last):
        peer_address = ipaddress.ip_address("127.0.0.1")  # loopback, or rewritten from the header by the server
    if peer_address is None:
        return "unknown"
    chain = [*entries, peer_address]
    for hop in reversed(chain):
        if hop is None:
            return "unknown"  # a proxy vouched for something that is not an address
        if not any(hop in net for net in proxies):
            return str(hop)
    return str(chain[0])  # every hop is a trusted proxy: the first one is as far as anyone can see
