"""Respondents' links and versioned answers, on SQLite and PostgreSQL (issue 14, items 1-3 and Security).

A link is a 256-bit token stored only as its SHA-256; it opens only its respondent's questions of its
assessment, and not once expired, revoked or its workshop closed; every write through it is checked
again and names the version it was based on. Before issue 14 respondents' answers were last-write-wins.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading

import pytest
import sqlalchemy as sa

from store import repo
from store.access import NotAllowed, as_role
from store.errors import NotFound, StoreError
from store.invitations import TOKEN_BYTES, token_hash

DAY = dt.date(2026, 11, 29)


def assessment(engine, client="Alpha", title="Review"):
    c = next((x for x in repo.list_clients(engine) if x.name == client), None) or repo.create_client(engine, client)
    return repo.create_assessment(engine, c.id, title, DAY, "en")


def as_respondent(engine):
    return as_role(engine, "respondent")


def set_column(engine, table: str, column: str, value, where_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {"v": value, "id": where_id})


def dump(engine) -> str:
    """Everything the database holds, as text (to look for a token in it)."""
    out = []
    with engine.connect() as conn:
        for table in ("respondents", "invitations", "respondent_answers", "workshops"):
            out += [repr(tuple(r)) for r in conn.execute(sa.text(f"SELECT * FROM {table}"))]
    return "\n".join(out)


# -- the token -------------------------------------------------------------------------------------------


def test_a_link_holds_256_random_bits_and_only_their_hash_is_stored(engine):
    a = assessment(engine)
    first = repo.invite(engine, a, "Li Wei", "CTO", author="Ann")
    second = repo.invite(engine, a, "Zhang Min", author="Ann")
    raw = base64.urlsafe_b64decode(first.token + "=")
    assert len(raw) == TOKEN_BYTES >= 16 and first.token != second.token
    stored = dump(engine)
    assert first.token not in stored and second.token not in stored
    assert token_hash(first.token) == hashlib.sha256(first.token.encode()).hexdigest()
    assert token_hash(first.token) in stored and token_hash(second.token) in stored
    assert first.expires_at - dt.datetime.now(dt.UTC) > dt.timedelta(days=6, hours=23)  # 7 days by default


def test_a_link_opens_only_its_own_respondents_questions(engine):
    a = assessment(engine, "Alpha")
    b = assessment(engine, "Beta")
    ann = repo.invite(engine, a, "Ann", sections=["data", "profile"], author="c")
    bob = repo.invite(engine, b, "Bob", author="c")
    other = repo.invite(engine, a, "Cy", author="c")
    repo.set_respondent_answer(engine, other.respondent, "biometrics", True, expected_version=1)
    repo.set_answer(engine, a, "biometrics", False, expected_version=1, author="consultant")

    view = repo.open_link(as_respondent(engine), ann.token)
    assert (view.respondent.id, view.respondent.assessment_id, view.client_name) == (ann.respondent.id, a.id, "Alpha")
    assert view.respondent.sections == ("profile", "data")  # in bank order
    assert view.answers == {}  # not Cy's, not the agreed answers
    assert repo.open_link(engine, bob.token).respondent.assessment_id == b.id

    # A token never writes for another respondent, of this assessment or another.
    for target in (bob.respondent, other.respondent, repo.Respondent(ann.respondent.id, b.id, "", "")):
        with pytest.raises(repo.LinkRefused):
            repo.answer_by_link(as_respondent(engine), ann.token, target, "biometrics", True, expected_version=1)
    assert repo.respondent_answers(engine, bob.respondent.id) == {}
    assert repo.respondent_answers(engine, other.respondent.id) == {"biometrics": True}
    # Only the sections asked.
    with pytest.raises(StoreError, match="not one of those you were asked"):
        repo.answer_by_link(as_respondent(engine), ann.token, ann.respondent, "past_leak", True, expected_version=1)
    v = repo.answer_by_link(as_respondent(engine), ann.token, ann.respondent, "biometrics", True, expected_version=1)
    assert v == 2 and repo.respondent_answers(engine, ann.respondent.id) == {"biometrics": True}
    assert repo.get_assessment(engine, a.id).answers == {"biometrics": False}  # the agreed answer is the consultant's


@pytest.mark.parametrize("why", ["unknown", "malformed", "expired", "revoked", "replaced", "closed", "removed"])
def test_a_link_that_does_not_open_says_why_and_gives_nothing(engine, why):
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", author="c")
    token = invited.token
    if why == "unknown":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif why == "malformed":
        token = token + "'; DROP TABLE clients; --"
    elif why == "expired":
        with engine.connect() as conn:
            link_id = conn.execute(sa.text("SELECT id FROM invitations")).scalar()
        set_column(engine, "invitations", "expires_at", dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1), link_id)
    elif why == "revoked":
        assert repo.revoke_links(engine, invited.respondent) == 1
    elif why == "replaced":
        repo.make_link(engine, invited.respondent, author="c")  # a new link withdraws the old one
    elif why == "closed":
        repo.close_workshop(engine, a, author="c")
    elif why == "removed":
        repo.remove_respondent(engine, invited.respondent.id)
    expected = {"malformed": "unknown", "replaced": "revoked", "removed": "unknown"}.get(why, why)
    with pytest.raises(repo.LinkRefused) as err:
        repo.open_link(as_respondent(engine), token)
    assert err.value.reason == expected
    assert "\n" not in str(err.value) and "Ann" not in str(err.value)
    with pytest.raises(repo.LinkRefused):
        repo.answer_by_link(as_respondent(engine), token, invited.respondent, "biometrics", True, expected_version=1)
    with pytest.raises(repo.LinkRefused):
        repo.submit_by_link(as_respondent(engine), token, invited.respondent, expected_version=1)
    if why != "removed":
        assert repo.respondent_answers(engine, invited.respondent.id) == {}


def test_closing_the_workshop_freezes_the_links_and_reopening_thaws_them(engine):
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", author="c")
    v = repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", True, expected_version=1)
    closed = repo.close_workshop(engine, a, author="Consultant")
    assert closed.closed and closed.changed_by == "Consultant" and repo.get_workshop(engine, a.id).closed
    with pytest.raises(repo.LinkRefused, match="closed this workshop"):
        repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", False, expected_version=v)
    # The consultant can still set an answer for them.
    repo.set_respondent_answer(engine, invited.respondent, "encryption", "unknown", expected_version=v)
    assert not repo.reopen_workshop(engine, a, author="Consultant").closed
    assert repo.open_link(engine, invited.token).answers == {"biometrics": True, "encryption": "unknown"}


def test_an_expired_link_can_be_replaced_and_the_new_one_expires_when_asked(engine):
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", days=1, author="c")
    assert dt.timedelta(hours=23) < invited.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(days=1)
    for days in (0, 91, "7", True):
        with pytest.raises(StoreError, match="1 to 90 days"):
            repo.make_link(engine, invited.respondent, days=days, author="c")
    again = repo.make_link(engine, invited.respondent, days=30, author="c")
    assert repo.open_link(engine, again.token).respondent.id == invited.respondent.id
    [progress] = repo.workshop_progress(engine, a.id)
    assert progress.link == "active" and progress.expires_at == again.expires_at
    repo.revoke_links(engine, invited.respondent)
    assert repo.workshop_progress(engine, a.id)[0].link == "revoked"


# -- versioned answers -------------------------------------------------------------------------------------


def test_a_stale_save_is_refused_and_nothing_is_lost(engine):
    """The respondent's page read version 1; the consultant then set an answer for them (version 2). The
    page's save, made on version 1, is refused: before issue 14 it silently went through."""
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", author="c")
    page_version = repo.open_link(engine, invited.token).respondent.version
    repo.set_respondent_answer(engine, invited.respondent, "biometrics", True, expected_version=page_version)
    with pytest.raises(repo.RespondentConflict, match="changed elsewhere") as err:
        repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", False, expected_version=page_version)
    assert (err.value.expected, err.value.current) == (1, 2)
    assert repo.respondent_answers(engine, invited.respondent.id) == {"biometrics": True}
    assert repo.get_respondent(engine, invited.respondent.id).version == 2
    # Saving what is already saved changes nothing, and bumps nothing.
    assert repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", True, expected_version=2) == 2


def test_two_saves_on_the_same_version_at_once_one_wins_one_is_told(engine):
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", author="c")
    results: list[object] = []
    barrier = threading.Barrier(2)

    def save(value: object) -> None:
        barrier.wait()
        try:
            results.append(
                repo.answer_by_link(engine, invited.token, invited.respondent, "user_count", value, expected_version=1)
            )
        except repo.RespondentConflict as err:
            results.append(err)

    threads = [threading.Thread(target=save, args=(v,)) for v in ("under_10k", "over_100m")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(type(r).__name__ for r in results) == ["RespondentConflict", "int"]
    assert repo.get_respondent(engine, invited.respondent.id).version == 2
    assert len(repo.respondent_answers(engine, invited.respondent.id)) == 1


def test_submitting_and_reopening_until_the_workshop_closes(engine):
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", author="c")
    v = repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", True, expected_version=1)
    v = repo.submit_by_link(engine, invited.token, invited.respondent, expected_version=v)
    assert repo.open_link(engine, invited.token).submitted
    [p] = repo.workshop_progress(engine, a.id)
    assert p.finished and p.started and p.answered == 1 and p.opened_at is not None
    with pytest.raises(StoreError, match="reopen them"):
        repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", False, expected_version=v)
    v = repo.reopen_by_link(engine, invited.token, invited.respondent, expected_version=v)
    assert not repo.open_link(engine, invited.token).submitted
    v = repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", False, expected_version=v)
    assert v == 5
    repo.close_workshop(engine, a, author="c")
    with pytest.raises(repo.LinkRefused):
        repo.reopen_by_link(engine, invited.token, invited.respondent, expected_version=v)


def test_the_live_views_version_changes_with_everything_it_shows_and_with_nothing_else(engine):
    a = assessment(engine)
    other = repo.invite(engine, assessment(engine, title="Other"), "Bo", author="c")
    seen = [repo.workshop_version(engine, a.id)]

    def changed() -> bool:
        seen.append(repo.workshop_version(engine, a.id))
        return seen[-1] != seen[-2]

    invited = repo.invite(engine, a, "Ann", author="c")
    assert changed()  # a respondent (and their link) added
    repo.open_link(engine, invited.token)
    assert changed()  # first opened
    repo.open_link(engine, invited.token)
    repo.answer_by_link(engine, other.token, other.respondent, "biometrics", True, expected_version=1)
    assert not changed()  # opened again, and another assessment's answer: nothing shown here changed
    v = repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", True, expected_version=1)
    assert changed()
    repo.submit_by_link(engine, invited.token, invited.respondent, expected_version=v)
    assert changed()
    repo.set_answer(engine, a, "biometrics", True, expected_version=1, author="c")
    assert changed()  # the agreed answers
    repo.make_link(engine, invited.respondent, author="c")
    assert changed()
    repo.revoke_links(engine, invited.respondent)
    assert changed()
    repo.close_workshop(engine, a, author="c")
    assert changed()
    repo.reopen_workshop(engine, a, author="c")
    assert changed()
    repo.remove_respondent(engine, invited.respondent.id)
    assert changed()


def test_a_final_assessment_takes_no_respondent_answer(engine):
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", author="c")
    repo.set_status(engine, a, "final", expected_version=1, author="c")
    assert repo.open_link(engine, invited.token).editable is False
    with pytest.raises(StoreError, match="final"):
        repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", True, expected_version=1)


def test_a_removed_respondent_cannot_be_written_to(engine):
    a = assessment(engine)
    r = repo.add_respondent(engine, a, "Ann")
    repo.remove_respondent(engine, r.id)
    with pytest.raises(NotFound):
        repo.set_respondent_answer(engine, r, "biometrics", True, expected_version=1)


# -- roles in the store -----------------------------------------------------------------------------------


def test_a_respondents_engine_runs_only_what_a_link_allows(engine):
    a = assessment(engine)
    invited = repo.invite(engine, a, "Ann", author="c")
    mine = as_respondent(engine)
    for forbidden in (
        lambda: repo.list_clients(mine),
        lambda: repo.get_assessment(mine, a.id),
        lambda: repo.workshop_answers(mine, a.id),
        lambda: repo.set_answer(mine, a, "biometrics", True, expected_version=1, author="x"),
        lambda: repo.set_respondent_answer(mine, invited.respondent, "biometrics", True, expected_version=1),
        lambda: repo.invite(mine, a, "Eve", author="x"),
        lambda: repo.close_workshop(mine, a, author="x"),
    ):
        with pytest.raises(NotAllowed):
            forbidden()
    assert repo.answer_by_link(mine, invited.token, invited.respondent, "biometrics", True, expected_version=1) == 2


def test_a_viewer_cannot_change_anything_and_a_consultant_cannot_delete_a_client(engine):
    a = assessment(engine)
    viewer, consultant, owner = (as_role(engine, r) for r in ("viewer", "consultant", "owner"))
    assert repo.get_assessment(viewer, a.id).id == a.id  # reading is fine
    for write in (
        lambda e: repo.create_client(e, "New Co"),
        lambda e: repo.set_answer(e, a, "biometrics", True, expected_version=1, author="x"),
        lambda e: repo.set_note(e, a, "biometrics", "n", expected_version=1, author="x"),
        lambda e: repo.invite(e, a, "Eve", author="x"),
        lambda e: repo.close_workshop(e, a, author="x"),
        lambda e: repo.set_branding(e, "X", None),
    ):
        with pytest.raises(NotAllowed, match="read and download"):
            write(viewer)
    assert repo.list_clients(engine)[0].name == "Alpha" and len(repo.list_clients(engine)) == 1
    assert repo.get_assessment(engine, a.id).version == 1
    with pytest.raises(NotAllowed, match="Only an owner"):
        repo.delete_client(consultant, a.client_id)
    assert repo.set_answer(consultant, a, "biometrics", True, expected_version=1, author="x") == 2
    assert repo.delete_client(owner, a.client_id)["clients"] == 1
