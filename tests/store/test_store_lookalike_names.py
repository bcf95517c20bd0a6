"""Look-alike account names (issue 19, finding 9): the operator password must not sign in under a name that
looks like an account's, and no account name may hide invisible or direction-changing characters.
On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from store import repo
from store.accounts import is_account, looks_alike
from store.errors import StoreError

PASSWORD = "a long enough password"

# What the third pass tried: each looks like "Ann Lee" on a page, and each was taken as "not an account"
LOOK_ALIKES = [
    "ann lee",  # case
    "ANN LEE",
    "Ann\u200b Lee",  # zero-width space
    "A\u200dnn Lee",  # zero-width joiner
    "\ufeffAnn Lee",  # byte-order mark
    "Ann Lee\u2060",  # word joiner
    "\u200eAnn Lee",  # left-to-right mark
    "\u202eAnn Lee\u202c",  # right-to-left override
    "\u2066Ann Lee\u2069",  # bidi isolate
    "\u0410nn Lee",  # Cyrillic A
    "Ann L\u0435\u0435",  # Cyrillic e
    "\u0391nn Lee",  # Greek Alpha
    "\uff21nn Lee",  # fullwidth A
    "Ann\u00a0Lee",  # no-break space
    "Ann Lee\u00ad",  # soft hyphen
    "Ann Lee\u034f",  # combining grapheme joiner
    "\u0410NN LEE",  # Cyrillic and case together
]
ASCII_LOOK_ALIKES = [("Alice", "AIice"), ("Alice", "ALICE"), ("Bob", "B0B"), ("Emma", "Ernrna"), ("Li Lei", "Ll L3i")]
FORMAT_CHARACTERS = list("\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202e\u2066\u2069\u00ad\u061c\u034f\u180e")


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_a_look_alike_of_an_account_name_is_that_account(engine, name):
    repo.add_account(engine, "Ann Lee", "owner", PASSWORD)
    assert is_account(engine, name), ascii(name)  # so only Ann Lee's own password signs in under it
    assert looks_alike(name, "Ann Lee")


def test_letters_and_digits_that_look_alike_are_one_name():
    assert all(looks_alike(a, b) for a, b in ASCII_LOOK_ALIKES[:4])
    assert not looks_alike(*ASCII_LOOK_ALIKES[4])  # "3" is not taken for "e"
    assert not looks_alike("Ann Lee", "Bo Chen") and not looks_alike("王小明", "王小朋") and looks_alike("王小明", "王⼩明")


def test_an_account_signs_in_by_any_spelling_of_its_name_but_only_with_its_own_password(engine):
    ann = repo.add_account(engine, "Ann Lee", "owner", PASSWORD)
    assert repo.sign_in(engine, "ann lee", PASSWORD).id == ann.id
    assert repo.sign_in(engine, "\u0410nn Lee", "the operator password") is None
    assert not is_account(engine, "Ann Li") and not is_account(engine, "Anna Lee")


@pytest.mark.parametrize("mark", FORMAT_CHARACTERS)
def test_names_refuse_invisible_and_direction_characters(engine, mark):
    with pytest.raises(StoreError, match="invisible"):
        repo.add_account(engine, f"Bo{mark} Chen", "viewer", PASSWORD)


def test_a_new_account_cannot_look_like_an_existing_one(engine):
    repo.add_account(engine, "Ann Lee", "owner", PASSWORD)
    for name in ("ann lee", "\u0410nn Lee", "\uff21nn Lee"):
        with pytest.raises(StoreError, match="already an account"):
            repo.add_account(engine, name, "viewer", PASSWORD)
    assert [a.name for a in repo.list_accounts(engine)] == ["Ann Lee"]
