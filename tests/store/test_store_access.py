"""The workspace password: argon2id hashes, where the hash is configured, and the login rate limiter."""

from __future__ import annotations

import pytest

from store.access import AccessError, RateLimiter, hash_password, needs_rehash, password_hash_configured, verify_password


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password("correct horse battery")


def test_hash_and_verify(hashed):
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert hash_password("correct horse battery") != hashed  # salted
    assert verify_password("correct horse battery", hashed) is True
    assert verify_password("correct horse batterY", hashed) is False
    assert verify_password("", hashed) is False
    assert needs_rehash(hashed) is False


@pytest.mark.parametrize("bad_hash", ["", "plain-text-password", "$argon2id$v=19$garbage", None])
def test_a_malformed_hash_or_input_is_simply_false(bad_hash, hashed):
    assert verify_password("correct horse battery", bad_hash) is False
    assert verify_password(None, hashed) is False
    assert verify_password("x" * 5000, hashed) is False


def test_short_passwords_are_refused():
    with pytest.raises(AccessError, match="at least 8 characters"):
        hash_password("short")


def test_the_hash_comes_from_env_then_secrets(monkeypatch, hashed):
    monkeypatch.delenv("PIRISK_WORKSPACE_PASSWORD_HASH", raising=False)
    assert password_hash_configured() is None
    assert password_hash_configured({}) is None
    assert password_hash_configured({"workspace_password_hash": hashed}) == hashed
    other = hash_password("another password")
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", other)
    assert password_hash_configured({"workspace_password_hash": hashed}) == other
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", "hunter22")  # a password pasted where the hash goes
    with pytest.raises(AccessError, match=r"PIRISK_WORKSPACE_PASSWORD_HASH is not an argon2 hash.*hash-password"):
        password_hash_configured()
    monkeypatch.delenv("PIRISK_WORKSPACE_PASSWORD_HASH")
    with pytest.raises(AccessError, match="workspace_password_hash in the secrets is not an argon2 hash"):
        password_hash_configured({"workspace_password_hash": "hunter22"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_limiter_blocks_after_five_failures_and_recovers_after_the_window():
    clock = Clock()
    limiter = RateLimiter(max_failures=5, window=300, clock=clock)
    for _ in range(4):
        limiter.record_failure("10.0.0.1")
        clock.now += 10
    assert not limiter.blocked("10.0.0.1")
    limiter.record_failure("10.0.0.1")  # the fifth, at t=1040
    assert limiter.blocked("10.0.0.1")
    assert not limiter.blocked("10.0.0.2")  # per key
    assert limiter.retry_after("10.0.0.1") == pytest.approx(260)  # the first failure (t=1000) expires at 1300
    clock.now = 1299
    assert limiter.blocked("10.0.0.1")
    clock.now = 1300
    assert not limiter.blocked("10.0.0.1")  # one failure aged out: one more try
    assert limiter.retry_after("10.0.0.1") == 0
    limiter.record_failure("10.0.0.1")
    assert limiter.blocked("10.0.0.1")
    clock.now += 300
    assert not limiter.blocked("10.0.0.1")


def test_a_success_resets_and_memory_stays_bounded():
    clock = Clock()
    limiter = RateLimiter(max_failures=2, window=60, clock=clock, max_keys=3)
    limiter.record_failure("a")
    limiter.record_failure("a")
    assert limiter.blocked("a")
    limiter.reset("a")
    assert not limiter.blocked("a")
    for key in "bcdef":
        clock.now += 1
        limiter.record_failure(key)
    assert len(limiter._failures) <= 3
