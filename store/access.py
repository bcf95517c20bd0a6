"""The workspace password: argon2id hashing and checking, where the hash is configured, a login rate
limiter, and the client address it counts failures by (trusting forwarded headers only from the proxies
the operator names)."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from scoring.errors import Term
from store.errors import StoreError

HASH_ENV = "PIRISK_WORKSPACE_PASSWORD_HASH"
TRUSTED_PROXIES_ENV = "PIRISK_TRUSTED_PROXIES"  # comma-separated addresses or networks of the operator's proxies
HASH_SECRET = "workspace_password_hash"  # noqa: S105 - the name of a key in Streamlit secrets, not a secret
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 takes any length; this only stops absurd input

_hasher = PasswordHasher()  # argon2id with argon2-cffi's current recommended parameters (RFC 9106 low-memory)


class AccessError(StoreError):
    """A password that cannot be used, or a configured hash that is not an argon2 hash."""


def hash_password(plain: str) -> str:
    """The argon2id hash of a password, salted, as one `$argon2id$...` string to put in the config."""
    if not isinstance(plain, str) or len(plain) < MIN_PASSWORD:
        raise AccessError(key="access_password_short", n=MIN_PASSWORD)
    if len(plain) > MAX_PASSWORD:
        raise AccessError(key="access_password_long", n=MAX_PASSWORD)
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

    def record_failure(self, key: str) -> None:
        """Count one failed attempt for `key`."""
        with self._lock:
            now = self.clock()
            times = self._recent(key, now)
            if key not in self._failures:
                if len(self._failures) >= self.max_keys:  # forget the stalest key rather than grow without bound
                    stalest = min(self._failures, key=lambda k: self._failures[k][-1])
                    del self._failures[stalest]
                self._failures[key] = times
            times.append(now)

    def reset(self, key: str) -> None:
        """Forget `key`'s failures (after a successful login)."""
        with self._lock:
            self._failures.pop(key, None)


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
    comes from 127.0.0.1; that is undone here (such a peer counts as 127.0.0.1)."""
    proxies = tuple(trusted)
    hops = [h for header in forwarded_for for h in str(header).split(",") if h.strip()]
    entries = [_address(h) for h in hops]
    peer_address = _address(peer) if peer else None
    if peer is None or (hops and peer_address is not None and peer_address in entries):
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
