"""Nothing overwritten unseen (issue 22, item 1): two people in two sessions on one database, on SQLite and
PostgreSQL, for an action, an assessment's details, a note and an agreed answer. The second save is refused;
Reload brings in what is stored and says who changed what; the refused values wait beside the form, each
re-applied with "Use mine"; and nothing the colleague saved is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from store import repo
from store.access import hash_password
from store.db import make_engine
from store.models import TABLES
from tests.store.conftest import pg_app_url, pg_server, sqlite_template  # noqa: F401 - fixtures used here
from tests.test_workspace_app import (
    DELIVERED,
    PASSWORD,
    STOP_BUYING,
    Clock,
    article_answers,
    goto,
    open_on,
    start,
    texts,
    unlock,
)
from ui.workspace import session as ws

CONFLICT = "Changed by someone else; reload"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sa.Engine]:
    """One workspace database that both sessions (and the test) use, on each backend."""
    monkeypatch.setattr(ws, "clock", Clock())
    if request.param == "sqlite":
        path = tmp_path / "w.db"
        path.write_bytes(request.getfixturevalue("sqlite_template").read_bytes())
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_app_url")
    engine = make_engine(url)
    if request.param == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", hash_password(PASSWORD))
    monkeypatch.delenv("PIRISK_WORKSPACE_SESSION_MINUTES", raising=False)
    ws._engine_for.clear()
    ws.limiters.clear()
    yield engine
    engine.dispose()
    ws._engine_for.clear()
    ws.limiters.clear()


def seeded(db: sa.Engine, answers: dict[str, Any] | None = None) -> repo.SavedAssessment:
    client = repo.create_client(db, "Acme")
    return repo.create_assessment(db, client.id, "Review 2026", DELIVERED, "en", answers=answers or {})


def two_sessions(assessment_id: int, page: str) -> tuple[AppTest, AppTest]:
    """The owner (Ann) and a colleague (Bob), each signed in in their own browser session on `page`."""
    ann = open_on(unlock(start(), author="Ann"), assessment_id, page)
    bob = open_on(unlock(start(), author="Bob"), assessment_id, page)
    assert not ann.exception and not bob.exception
    return ann, bob


def test_an_action_edited_by_two_people_keeps_the_colleagues_status_and_evidence(db: sa.Engine) -> None:
    saved = seeded(db, article_answers())
    action = repo.create_action(db, saved.ref, STOP_BUYING, author="Ann")
    ann, bob = two_sessions(saved.id, "assessment")
    keys = {f: f"ws_action_{f}__{action.id}" for f in ("owner", "due", "status", "reason", "evidence")}

    ann.text_input(key=keys["owner"]).input("Li Wei")  # the owner edits, and has not saved yet
    ann.date_input(key=keys["due"]).set_value(dt.date(2027, 3, 31))
    bob.selectbox(key=keys["status"]).set_value("in_progress")
    bob.text_area(key=keys["evidence"]).input("DPA signed with the data broker")
    bob.button(key=f"ws_action_save__{action.id}").click().run()
    assert repo.get_action(db, action.id).version == 2

    ann.button(key=f"ws_action_save__{action.id}").click().run()
    assert CONFLICT in texts(ann)
    ann.button(key=f"ws_action_save__{action.id}").click().run()  # saving again without reloading is refused too
    stored = repo.get_action(db, action.id)
    assert (stored.status, stored.evidence, stored.owner, stored.version) == (
        "in_progress",
        "DPA signed with the data broker",
        "",
        2,
    )

    ann.button(key="ws_reload").click().run()
    assert not ann.exception
    assert CONFLICT not in texts(ann)
    # The form shows what is stored, and says what changed and who changed it.
    assert ann.selectbox(key=keys["status"]).value == "in_progress"
    assert ann.text_area(key=keys["evidence"]).value == "DPA signed with the data broker"
    assert ann.text_input(key=keys["owner"]).value == ""
    page = texts(ann)
    assert "Status: Planned → In progress (Bob, " in page
    assert "Evidence: (empty) → DPA signed with the data broker (Bob, " in page
    # The owner's own edits wait beside it, one by one; the status they never touched is not among them.
    assert "Owner: Li Wei" in page and "Due date: 2027-03-31" in page
    mine = [b.key for b in ann.button if b.key and b.key.startswith("ws_use_mine__")]
    assert sorted(mine) == sorted(f"ws_use_mine__action__{action.id}__{f}" for f in ("owner", "due"))

    ann.button(key=f"ws_use_mine__action__{action.id}__owner").click().run()
    assert ann.text_input(key=keys["owner"]).value == "Li Wei"
    ann.button(key=f"ws_action_save__{action.id}").click().run()
    assert not ann.exception and CONFLICT not in texts(ann)
    stored = repo.get_action(db, action.id)
    assert (stored.owner, stored.status, stored.evidence, stored.due, stored.version) == (
        "Li Wei",
        "in_progress",
        "DPA signed with the data broker",
        None,
        3,
    )
    history = repo.action_history(db, action.id)
    assert {(c.field, c.author, c.version) for c in history if c.version > 1} == {
        ("status", "Bob", 2),
        ("evidence", "Bob", 2),
        ("owner", "Ann", 3),
    }


def test_details_edited_by_two_people_keep_the_colleagues_title(db: sa.Engine) -> None:
    saved = seeded(db)
    ann, bob = two_sessions(saved.id, "assessment")
    title, company = f"ws_edit_title__{saved.id}", f"ws_edit_company__{saved.id}"

    ann.text_input(key=company).input("Acme Shanghai Ltd")
    bob.text_input(key=title).input("Review 2026 (final scope)")
    bob.button(key="ws_save_details").click().run()
    ann.button(key="ws_save_details").click().run()
    assert CONFLICT in texts(ann)
    assert (repo.get_assessment(db, saved.id).title, repo.get_assessment(db, saved.id).company) == (
        "Review 2026 (final scope)",
        "Acme",
    )

    ann.button(key="ws_reload").click().run()
    assert ann.text_input(key=title).value == "Review 2026 (final scope)"
    assert "Title: Review 2026 → Review 2026 (final scope) (Bob, " in texts(ann)
    ann.button(key=f"ws_use_mine__details__{saved.id}__company").click().run()
    ann.button(key="ws_save_details").click().run()
    stored = repo.get_assessment(db, saved.id)
    assert (stored.title, stored.company) == ("Review 2026 (final scope)", "Acme Shanghai Ltd")
    bob.run()  # a form with no edits of its own follows what is stored
    assert bob.text_input(key=company).value == "Acme Shanghai Ltd"


def test_a_note_written_by_two_people_keeps_both_until_one_is_chosen(db: sa.Engine) -> None:
    saved = seeded(db, {"company_sector": "finance"})
    ann, bob = two_sessions(saved.id, "clients")
    for at in (ann, bob):
        at.button(key=f"ws_open__{saved.id}").click().run()
    note = "ws_note__consumer_facing"
    bob.text_area(key=note).input("Bob: the app is sold to consumers").run()
    ann.text_area(key=note).input("Ann: only through resellers").run()
    assert CONFLICT in texts(ann)
    assert repo.get_notes(db, saved.id)["consumer_facing"].text == "Bob: the app is sold to consumers"

    ann.button(key="ws_reload").click().run()
    assert ann.text_area(key=note).value == "Bob: the app is sold to consumers"
    page = texts(ann)
    assert "(empty) → Bob: the app is sold to consumers (Bob, " in page
    assert "Ann: only through resellers" in page  # kept aside, not lost
    ann.button(key="ws_use_mine__note__consumer_facing__text").click().run()
    assert repo.get_notes(db, saved.id)["consumer_facing"].text == "Ann: only through resellers"
    assert ann.text_area(key=note).value == "Ann: only through resellers"
    assert [c.author for c in repo.history(db, saved.id, "consumer_facing")] == ["Ann", "Bob"]


@pytest.mark.parametrize("where", ["workshop", "questionnaire"])
def test_an_agreed_answer_set_by_two_people_shows_whose_stands_and_keeps_the_other(db: sa.Engine, where: str) -> None:
    """Bob agrees an answer in the workshop; Ann gives another, in the workshop or in the questionnaire."""
    saved = seeded(db)
    ann, bob = two_sessions(saved.id, "workshop")
    widget = "ws_agreed__company_sector"
    if where == "questionnaire":
        goto(ann, "clients").button(key=f"ws_open__{saved.id}").click().run()
        widget = "company_sector"
    bob.radio(key="ws_agreed__company_sector").set_value("finance").run()
    ann.radio(key=widget).set_value("healthcare").run()
    assert CONFLICT in texts(ann)
    assert repo.get_assessment(db, saved.id).answers == {"company_sector": "finance"}

    ann.button(key="ws_reload").click().run()
    assert ann.radio(key=widget).value == "finance"
    page = texts(ann)
    assert "Agreed answer: Not answered → Finance (Bob, " in page
    assert "Agreed answer: Healthcare" in page
    ann.button(key="ws_use_mine__agreed__company_sector__value").click().run()
    assert not ann.exception
    assert repo.get_assessment(db, saved.id).answers == {"company_sector": "healthcare"}
    assert [c.author for c in repo.history(db, saved.id, "company_sector")] == ["Ann", "Bob"]
    assert ann.radio(key=widget).value == "healthcare"
