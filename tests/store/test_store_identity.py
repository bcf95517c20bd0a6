"""No write can land in the wrong client's record, and no change is lost: ids are never reused, every write
names the assessment, its client and the version it read, and details and notes are versioned like answers.

Each test here failed on the store before issue 11: SQLite handed out a deleted id again, `update_assessment`
and `set_note` wrote by id alone, and details and notes were last-write-wins with no history.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from store import repo
from store.errors import ConflictError, NotFound, StoreError

DAY = dt.date(2026, 11, 29)


def assessment(engine, client="Alpha", title="Review", answers=None, company=""):
    c = next((x for x in repo.list_clients(engine) if x.name == client), None) or repo.create_client(engine, client)
    return repo.create_assessment(engine, c.id, title, DAY, "en", None, answers, company=company)


def rows(engine, table: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]


# -- ids ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["clients", "assessments"])
def test_a_deleted_id_is_never_handed_out_again(engine, table):
    first = assessment(engine, "Alpha")
    if table == "clients":
        repo.delete_client(engine, first.client_id)
        again = repo.create_client(engine, "Beta").id
        assert again != first.client_id
    else:
        repo.delete_assessment(engine, first, expected_version=1)
        again = assessment(engine, "Beta").id
        assert again != first.id


def test_the_issue_scenario_a_stale_session_cannot_write_into_the_assessment_made_after_a_delete(engine):
    """Session A opens Alpha's assessment; B deletes it and creates one for Beta; A types a company name."""
    opened = assessment(engine, "Alpha", company="")  # what session A holds: its id, client and version
    repo.delete_assessment(engine, opened, expected_version=opened.version)  # session B
    beta = assessment(engine, "Beta", title="Beta's review")
    assert beta.id != opened.id
    before = repo.get_assessment(engine, beta.id)
    with pytest.raises(NotFound, match="deleted"):
        repo.update_assessment(engine, opened, expected_version=opened.version, author="A", company="Alpha Holdings")
    with pytest.raises(NotFound, match="deleted"):
        repo.set_note(engine, opened, "buys_data", "Alpha's secret", expected_version=opened.version, author="A")
    with pytest.raises(NotFound, match="deleted"):
        repo.set_answer(engine, opened, "consumer_facing", True, expected_version=opened.version, author="A")
    assert repo.get_assessment(engine, beta.id) == before
    assert repo.get_notes(engine, beta.id) == {} and repo.history(engine, beta.id) == []


def _reuse_id(engine, old_id: int, client_id: int) -> None:
    """Put another client's assessment under `old_id`, as a restore of an older backup could."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO assessments (id, client_id, title, law_as_of, lang, bank_version, status, version, answers,"
                " company, created_at, updated_at) VALUES (:id, :client, 'Beta review', :day, 'en', 'x', 'draft', 1,"
                " '{}', '', :now, :now)"
            ),
            {"id": old_id, "client": client_id, "day": DAY, "now": dt.datetime(2026, 1, 1)},
        )


WRITES = {
    "set_answer": lambda e, t: repo.set_answer(e, t, "consumer_facing", True, expected_version=1, author="A"),
    "set_answers": lambda e, t: repo.set_answers(e, t, {"consumer_facing": True}, expected_version=1, author="A"),
    "update_assessment": lambda e, t: repo.update_assessment(e, t, expected_version=1, author="A", company="Alpha"),
    "set_status": lambda e, t: repo.set_status(e, t, "final", expected_version=1, author="A"),
    "archive_assessment": lambda e, t: repo.archive_assessment(e, t, expected_version=1, author="A"),
    "set_note": lambda e, t: repo.set_note(e, t, "buys_data", "Alpha's note", expected_version=1, author="A"),
    "delete_note": lambda e, t: repo.delete_note(e, t, "buys_data", expected_version=1, author="A"),
    "delete_assessment": lambda e, t: repo.delete_assessment(e, t, expected_version=1),
    "add_respondent": lambda e, t: repo.add_respondent(e, t, "Alpha's CTO"),
    "duplicate_assessment": lambda e, t: repo.duplicate_assessment(e, t, "Copy"),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_write_to_an_id_that_now_names_another_clients_record_is_refused(engine, write):
    """Even if an id came back (an old backup restored), a write names the client it was read under."""
    alpha = assessment(engine, "Alpha")
    repo.delete_assessment(engine, alpha, expected_version=1)
    beta_client = repo.create_client(engine, "Beta")
    _reuse_id(engine, alpha.id, beta_client.id)
    before = {t: rows(engine, t) for t in ("assessments", "answer_changes", "notes", "respondents")}
    with pytest.raises(NotFound, match="no longer belongs to the client"):
        WRITES[write](engine, alpha)
    assert {t: rows(engine, t) for t in before} == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_refuses_a_target_without_its_client(engine, write):
    a = assessment(engine)
    with pytest.raises(StoreError):
        WRITES[write](engine, a.id)  # an id alone does not say whose record it is
    assert repo.get_assessment(engine, a.id) == a


# -- details and notes: optimistic locking and history ---------------------------------------------------


def test_a_details_save_from_a_stale_screen_does_not_put_the_old_company_back(engine):
    """B renames the company; A, who read the assessment before, saves only a new title."""
    read_by_a = assessment(engine, company="Acme")
    b = repo.update_assessment(engine, read_by_a, expected_version=read_by_a.version, author="B", company="Acme Group")
    with pytest.raises(ConflictError, match="changed by someone else"):
        repo.update_assessment(
            engine, read_by_a, expected_version=read_by_a.version, author="A", title="New title", company=read_by_a.company
        )
    stored = repo.get_assessment(engine, read_by_a.id)
    assert (stored.company, stored.title, stored.version) == ("Acme Group", "Review", b.version)


def test_a_change_of_law_date_bumps_the_version_and_is_in_the_history(engine):
    a = assessment(engine, answers={"consumer_facing": True})
    saved = repo.update_assessment(engine, a, expected_version=1, author="ana", law_as_of=dt.date(2012, 9, 4))
    assert saved.version == 2 and saved.law_as_of == dt.date(2012, 9, 4)
    change = repo.history(engine, a.id)[0]
    assert (change.kind, change.question_id, change.old_value, change.new_value, change.author, change.version) == (
        "detail",
        "law_as_of",
        "2026-11-29",
        "2012-09-04",
        "ana",
        2,
    )
    # Restoring it puts the date back, as a new change.
    v = repo.restore_answer(engine, a, change.id, expected_version=2, author="ben")
    assert v == 3 and repo.get_assessment(engine, a.id).law_as_of == DAY
    # Saving what is already stored changes nothing.
    assert repo.update_assessment(engine, a, expected_version=3, author="ana", law_as_of=DAY).version == 3


def test_notes_are_no_longer_last_write_wins(engine):
    a = assessment(engine)
    first = repo.set_note(engine, a, "buys_data", "A's note", expected_version=1, author="A")
    with pytest.raises(ConflictError):
        repo.set_note(engine, a, "buys_data", "B's note, written over A's", expected_version=1, author="B")
    assert repo.get_notes(engine, a.id)["buys_data"].text == "A's note"
    change = repo.history(engine, a.id)[0]
    assert (change.kind, change.question_id, change.old_value, change.new_value, change.version) == (
        "note",
        "buys_data",
        None,
        "A's note",
        first,
    )
    v = repo.restore_answer(engine, a, change.id, expected_version=first, author="B")  # undo: the note goes
    assert repo.get_notes(engine, a.id) == {} and v == first + 1


def test_a_status_change_is_versioned_and_in_the_history(engine):
    a = assessment(engine)
    final = repo.set_status(engine, a, "final", expected_version=1, author="ana")
    with pytest.raises(ConflictError):
        repo.set_status(engine, a, "archived", expected_version=1, author="ben")
    assert final.version == 2 and repo.get_assessment(engine, a.id).status == "final"
    assert [(c.kind, c.question_id, c.old_value, c.new_value) for c in repo.history(engine, a.id)] == [
        ("detail", "status", "draft", "final")
    ]


def test_history_versions_stay_exactly_two_to_version_with_every_kind_of_change(engine):
    a = assessment(engine)
    v = repo.set_answer(engine, a, "consumer_facing", True, expected_version=1, author="x")
    v = repo.set_note(engine, a, "consumer_facing", "n", expected_version=v, author="x")
    v = repo.update_assessment(engine, a, expected_version=v, author="x", title="T2", company="C").version
    v = repo.set_status(engine, a, "final", expected_version=v, author="x").version
    assert sorted({c.version for c in repo.history(engine, a.id)}) == list(range(2, v + 1)) == [2, 3, 4, 5]


# -- names -----------------------------------------------------------------------------------------------


def test_client_names_that_differ_only_in_unicode_normalisation_are_one_client(engine):
    composed, decomposed = "Caf\u00e9 Ltd", "Cafe\u0301 Ltd"
    client = repo.create_client(engine, decomposed)
    assert client.name == composed  # stored in NFC
    with pytest.raises(StoreError, match="already exists"):
        repo.create_client(engine, composed)
    a = assessment(engine, composed)
    assert a.client_id == client.id
    r = repo.add_respondent(engine, a, "Zo\u00eb")
    with pytest.raises(StoreError, match="already has a respondent"):
        repo.add_respondent(engine, a, "Zoe\u0308")
    assert r.name == "Zo\u00eb"


@pytest.mark.parametrize("bad", ["Acme\x00 Ltd", "Acme\x1b[2J", "Acme\x85", "\ud800Acme"])
def test_a_name_with_a_control_or_broken_character_is_refused_on_both_backends(engine, bad):
    """On PostgreSQL a NUL used to raise an uncaught DataError; now every backend gives one clear line."""
    with pytest.raises(StoreError, match="control character") as err:
        repo.create_client(engine, bad)
    assert "\n" not in str(err.value)
    a = assessment(engine)
    with pytest.raises(StoreError, match="control character"):
        repo.set_note(engine, a, "buys_data", bad.replace("\x85", "\x00"), expected_version=1, author="x")
    with pytest.raises(StoreError, match="control character"):
        repo.update_assessment(engine, a, expected_version=1, author="x", company=bad)
    assert repo.list_clients(engine)[0].name == "Alpha"


@pytest.mark.postgres
def test_a_value_postgresql_cannot_hold_is_a_store_error_not_a_crash(pg_app_url):
    """The checks refuse a NUL first; should any value slip past them, the DataError is still one line."""
    from store.db import make_engine, writing

    engine = make_engine(pg_app_url)
    try:
        with pytest.raises(StoreError, match="cannot store one of the values") as err, writing(engine) as s:
            s.execute(sa.text("SELECT CAST(:x AS text)"), {"x": "Acme\x00 Ltd"}).all()
        assert "\n" not in str(err.value)
    finally:
        engine.dispose()
