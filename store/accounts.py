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
import unicodedata
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

# Characters that show nothing, or only change the direction of the text around them, but that are not
# format characters (category Cf, refused as a whole): the combining grapheme joiner, variation selectors,
# Hangul fillers. A name holding any of them could look like another name.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0") | frozenset(map(chr, range(0xFE00, 0xFE10)))


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


def _invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or char in _INVISIBLE or 0xE0000 <= ord(char) <= 0xE0FFF


@cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables (UTS #39, the data of confusable_homoglyphs): each character that can be taken for
    another, mapped to the prototype it is taken for ("\u0410" Cyrillic A to "A", "I" to "l", "m" to "rn")."""
    from confusable_homoglyphs.confusables import confusables_data  # pairs, stored both ways

    def bare(text: str) -> str:  # the data wraps right-to-left characters in direction marks
        return "".join(c for c in text if not _invisible(c))

    links: dict[str, set[str]] = {}
    for source, glyphs in confusables_data.items():
        links.setdefault(bare(source), set()).update(bare(g["c"]) for g in glyphs)
    out = {}
    for char, others in links.items():
        # A prototype is linked to every character taken for it, a character taken for one only to it.
        if len(char) == 1 and len(others) == 1:
            (other,) = others
            if other and (len(links.get(other, ())) > 1 or min(char, other, key=_preferred) == other):
                out[char] = other
    return out


def _preferred(text: str) -> tuple[bool, int, str]:
    return (not text.isascii(), len(text), text)


def _skeleton(text: str) -> str:
    prototypes = _prototypes()
    for _ in range(3):  # a prototype's own characters may have prototypes: to a fixed point
        mapped = "".join(prototypes.get(c, c) for c in text)
        if mapped == text:
            break
        text = mapped
    return unicodedata.normalize("NFD", text).casefold()


def name_skeletons(name: str) -> frozenset[str]:
    """What a name looks like, for comparing names: without invisible and direction characters, spaces
    collapsed, each character replaced by the prototype it can be taken for (UTS #39), and case folded both
    before and after that (so that "ALICE", "AIice" with a capital I and "\u0410lice" all look like "Alice")."""
    text = " ".join("".join(c for c in unicodedata.normalize("NFD", name) if not _invisible(c)).split())
    return frozenset((_skeleton(text), _skeleton(text.casefold())))


def looks_alike(a: str, b: str) -> bool:
    """Whether two names could be taken for one another (`name_skeletons`)."""
    return not name_skeletons(a).isdisjoint(name_skeletons(b))


def clean_account_name(name: object) -> str:
    """An account's name as stored: a clean name (`clean_name`) with no invisible or direction character."""
    text = clean_name(name, "field_account_name")
    if any(_invisible(c) for c in text):
        raise StoreError(key="account_name_invisible")
    return text


def _named(s: Session, name: str) -> AccountRow | None:
    """The account whose name looks like `name` (the same skeleton), if any. Accounts are few: compared here."""
    wanted = name_skeletons(name)
    for row in s.scalars(select(AccountRow).order_by(AccountRow.id)):
        if not wanted.isdisjoint(name_skeletons(row.name)):
            return row
    return None


def _row(s: Session, name: str) -> AccountRow:
    row = s.scalar(select(AccountRow).where(AccountRow.name == name))
    if row is None:
        raise NotFound(key="account_none", name=name)
    return row


def add_account(engine: Engine, name: str, role: str, password: str) -> Account:
    """Add an account (names are unique). The password is hashed with argon2id and never kept."""
    name, role = clean_account_name(name), clean_role(role)
    hashed = hash_password(password)
    now = utc_now()
    try:
        with writing(engine, need="manage") as s:
            if (taken := _named(s, name)) is not None:  # a look-alike of an account's name is that name
                raise StoreError(key="account_taken", name=taken.name)
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
    """The account whose name looks like `name` (`name_skeletons`) if `password` is its password and it is
    enabled, else None. Takes an argon2 check's time whether or not the name is an account."""
    try:
        name = clean_name(name, "field_account_name")
    except StoreError:
        name = ""
    with reading(engine, need="read") as s:
        row = _named(s, name) if name else None
        hashed = row.password_hash if row is not None else _decoy()
        account = _record(row) if row is not None else None
    ok = verify_password(password, hashed)
    if not ok or account is None or account.disabled:
        return None
    return account


def is_account(engine: Engine, name: str) -> bool:
    """Whether `name` looks like an account's name (enabled or not; the same `name_skeletons`: case, look-alike
    letters and invisible characters aside): then only that account's password signs in under it."""
    try:
        name = clean_name(name, "field_account_name")
    except StoreError:
        return False
    with reading(engine, need="read") as s:
        return _named(s, name) is not None


def get_account(engine: Engine, account_id: int) -> Account | None:
    """An account by id (a session's check of the account it signed in with); None if it is gone."""
    with reading(engine, need="read") as s:
        row = s.get(AccountRow, account_id)
        return _record(row) if row is not None else None


def has_accounts(engine: Engine) -> bool:
    """Whether any enabled account exists (then the workspace's door opens to accounts too)."""
    with reading(engine, need="read") as s:
        return s.scalar(select(AccountRow.id).where(AccountRow.disabled_at.is_(None)).limit(1)) is not None
