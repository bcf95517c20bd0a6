"""Named workspace accounts: a name, a role (owner, consultant or viewer) and an argon2id password hash.

They sit beside the single operator password (store/access.py), which keeps working. Managing them
(adding, changing a role or a password, disabling) needs the "manage" permission: an owner's engine, or
one with no role (the `python -m store account` commands). Signing in and a session's check of its
account need none: they run before anyone is signed in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.access import hash_password, verify_password
from store.db import reading, writing
from store.errors import NotFound, StoreError
from store.models import ROLES, AccountRow
from store.records import clean_name, utc_now


@cache
def _decoy() -> str:
    """A hash checked when no account has the name, so that a name that is not an account takes as long to
    refuse as a wrong password (made once per process, from random bytes nobody knows)."""
    return hash_password(secrets.token_urlsafe(32))


@dataclass(frozen=True)
class Account:
    """An account as the workspace sees it: never its password hash, only a digest of it (`fingerprint`),
    so that a session can tell that the password changed since it signed in."""

    id: int
    name: str
    role: str
    disabled: bool
    fingerprint: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _record(row: AccountRow) -> Account:
    return Account(
        row.id,
        row.name,
        row.role,
        row.disabled_at is not None,
        fingerprint(row.password_hash),
        row.created_at,
        row.updated_at,
    )


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:32]


def clean_role(role: object) -> str:
    if not isinstance(role, str) or role not in ROLES:
        raise StoreError(key="account_bad_role", value=str(role)[:20], allowed=", ".join(ROLES))
    return role


def _row(s: Session, name: str) -> AccountRow:
    row = s.scalar(select(AccountRow).where(AccountRow.name == name))
    if row is None:
        raise NotFound(key="account_none", name=name)
    return row


def add_account(engine: Engine, name: str, role: str, password: str) -> Account:
    """Add an account (names are unique). The password is hashed with argon2id and never kept."""
    name, role = clean_name(name, "field_account_name"), clean_role(role)
    hashed = hash_password(password)
    now = utc_now()
    try:
        with writing(engine, need="manage") as s:
            if s.scalar(select(AccountRow.id).where(AccountRow.name == name)) is not None:
                raise StoreError(key="account_taken", name=name)
            row = AccountRow(name=name, role=role, password_hash=hashed, created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            return _record(row)
    except IntegrityError:
        raise StoreError(key="account_taken", name=name) from None


def list_accounts(engine: Engine) -> list[Account]:
    """Every account, by name."""
    with reading(engine, need="manage") as s:
        return [_record(r) for r in s.scalars(select(AccountRow).order_by(AccountRow.name))]


def _change(engine: Engine, name: str, actor: str | None, **values: object) -> Account:
    name = clean_name(name, "field_account_name")
    with writing(engine, need="manage") as s:
        row = _row(s, name)
        if actor is not None and actor == row.name and ("role" in values or "disabled_at" in values):
            raise StoreError(key="account_not_yourself")
        for field, value in values.items():
            setattr(row, field, value)
        row.updated_at = utc_now()
        s.flush()
        return _record(row)


def set_role(engine: Engine, name: str, role: str, *, actor: str | None = None) -> Account:
    """Change an account's role; its sessions have the new role from their next step. `actor` (the
    account doing it, if any) cannot change its own role."""
    return _change(engine, name, actor, role=clean_role(role))


def set_disabled(engine: Engine, name: str, disabled: bool, *, actor: str | None = None) -> Account:
    """Disable an account (it cannot sign in, and its sessions lock at their next step) or enable it again."""
    return _change(engine, name, actor, disabled_at=utc_now() if disabled else None)


def set_password(engine: Engine, name: str, password: str) -> Account:
    """Give an account a new password; its sessions signed in with the old one lock at their next step."""
    return _change(engine, name, None, password_hash=hash_password(password))


def sign_in(engine: Engine, name: str, password: str) -> Account | None:
    """The account `name` if `password` is its password and it is enabled, else None. Takes an argon2 check's
    time whether or not the name is an account."""
    try:
        name = clean_name(name, "field_account_name")
    except StoreError:
        name = ""
    with reading(engine, need="read") as s:
        row = s.scalar(select(AccountRow).where(AccountRow.name == name)) if name else None
        hashed = row.password_hash if row is not None else _decoy()
        account = _record(row) if row is not None else None
    ok = verify_password(password, hashed)
    if not ok or account is None or account.disabled:
        return None
    return account


def is_account(engine: Engine, name: str) -> bool:
    """Whether `name` is an account's name (enabled or not): then only its own password signs in under it."""
    try:
        name = clean_name(name, "field_account_name")
    except StoreError:
        return False
    with reading(engine, need="read") as s:
        return s.scalar(select(AccountRow.id).where(AccountRow.name == name)) is not None


def get_account(engine: Engine, account_id: int) -> Account | None:
    """An account by id (a session's check of the account it signed in with); None if it is gone."""
    with reading(engine, need="read") as s:
        row = s.get(AccountRow, account_id)
        return _record(row) if row is not None else None


def has_accounts(engine: Engine) -> bool:
    """Whether any enabled account exists (then the workspace's door opens to accounts too)."""
    with reading(engine, need="read") as s:
        return s.scalar(select(AccountRow.id).where(AccountRow.disabled_at.is_(None)).limit(1)) is not None
