"""Remote workshops and named accounts through AppTest (issue 14): the respondent's page opened by a link,
the consultant's invitations and live view, and roles enforced whatever the page shows."""

from __future__ import annotations

import base64
import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from store import repo
from store.access import hash_password
from store.db import make_engine, upgrade
from tests.test_workspace_app import LAW, PASSWORD, Clock, article_answers, goto, open_on, paths, start, texts, unlock
from tests.ui_text import as_read
from ui import nav
from ui.present import md
from ui.workspace import respondent as rs
from ui.workspace import session as ws
from ui.workspace import workshop

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
HOSTILE = "Eve ![x](http://198.51.100.7/p.png) **bold** :red[x] $x$ www.example.com"
ACCOUNT_PASSWORD = "an account password"


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(ws, "clock", c)
    return c


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[Any]:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", hash_password(PASSWORD))
    monkeypatch.delenv("PIRISK_WORKSPACE_SESSION_MINUTES", raising=False)
    monkeypatch.delenv(workshop.PUBLIC_URL_ENV, raising=False)
    ws._engine_for.clear()
    ws.limiters.clear()
    rs.link_limiter.clear()
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    ws._engine_for.clear()
    ws.limiters.clear()
    rs.link_limiter.clear()


def seeded(db: Any, client: str = "Acme Ltd", title: str = "Review 2026") -> repo.SavedAssessment:
    c = repo.create_client(db, client)
    return repo.create_assessment(db, c.id, title, dt.date(2026, 11, 29), "en")


def respondent_at(token: str, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[nav.INVITE] = token
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def questions(at: AppTest) -> list[str]:
    """The question widgets on the page (the language switch aside)."""
    return [w.key for w in [*at.radio, *at.checkbox] if w.key != rs.LANG_SWITCH]


def everything(at: AppTest) -> str:
    """Every text on the page, as a person reads it, widget labels and options included."""
    parts = [texts(at)]
    parts += [as_read(x.value) for x in [*at.title, *at.header, *at.subheader]]
    for kind in ("radio", "checkbox", "selectbox", "multiselect", "button", "text_input"):
        for w in at.get(kind):
            parts.append(as_read(w.label))
            parts += [str(o) for o in getattr(w, "options", None) or []]
    return "\n".join(parts)


# -- the respondent's page -------------------------------------------------------------------------------


def test_without_a_link_the_respondent_page_is_not_registered(db: Any) -> None:
    at = start()
    assert nav.RESPOND not in paths(at) and "" in paths(at)
    at = unlock(at)
    assert nav.RESPOND not in paths(at)  # not a workspace page either


def test_a_link_opens_only_its_respondents_questions_with_no_workspace_data(db: Any) -> None:
    saved = seeded(db)
    other_client = seeded(db, "Other Client Co", "Other review")
    ann = repo.invite(db, saved, "Ann Lee", "CTO", ["profile", "data"], author="Consultant")
    bob = repo.invite(db, saved, "Bob Secret-Respondent", author="Consultant")
    repo.set_respondent_answer(db, bob.respondent, "company_sector", "healthcare", expected_version=1)
    repo.set_note(db, saved, "company_sector", "Consultant's private note", expected_version=1, author="Consultant")
    repo.invite(db, other_client, "Other Person", author="Consultant")

    at = respondent_at(ann.token)
    assert not at.exception
    assert paths(at) == {"", nav.RESPOND}  # the one page (at the root and at /respond); no sidebar navigation
    assert not at.sidebar.children or not [w for w in at.sidebar if getattr(w, "key", None)]
    shown = everything(at)
    assert "Ann Lee" in shown and "Acme Ltd" in shown
    for secret in ("Bob Secret-Respondent", "Other Client Co", "Other Person", "private note", "Review 2026"):
        assert secret not in shown, secret
    assert at.radio(key="company_sector").value is None  # not Bob's "healthcare"
    assert at.session_state["answers"] == {}
    assert [as_read(h.value) for h in at.header] == ["Section 1 of 2: Company profile"]
    titles = [s.title["en"] for s in LAW.bank.sections if s.id in ("profile", "data")]
    assert at.selectbox(key=rs.PICK).options == [f"1. {titles[0]}", f"2. {titles[1]}", "Review and submit"]
    assert not [b for b in at.button if b.key in ("ws_lock", "ws_unlock")]


def test_answers_are_saved_as_given_and_a_stale_save_is_refused_with_nothing_lost(db: Any) -> None:
    saved = seeded(db)
    ann = repo.invite(db, saved, "Ann", author="Consultant")
    at = respondent_at(ann.token)
    at.radio(key="company_sector").set_value("finance").run()
    assert repo.respondent_answers(db, ann.respondent.id) == {"company_sector": "finance"}
    assert repo.get_respondent(db, ann.respondent.id).version == 2
    at.radio(key="consumer_facing").set_value(True).run()
    assert repo.get_respondent(db, ann.respondent.id).version == 3

    # The consultant sets an answer for Ann while her page is open (on version 3).
    repo.set_respondent_answer(db, ann.respondent, "collects_directly", False, expected_version=3)
    at.radio(key="company_sector").set_value("education").run()
    assert not at.exception
    message = " ".join(as_read(w.value) for w in at.warning)
    assert "were changed elsewhere" in message and "“Education” was not saved" in message
    assert repo.respondent_answers(db, ann.respondent.id) == {
        "company_sector": "finance",
        "consumer_facing": True,
        "collects_directly": False,
    }
    assert at.radio(key="company_sector").value == "finance"  # the page shows what is saved
    at.radio(key="company_sector").set_value("education").run()  # and the same choice again now goes through
    assert repo.respondent_answers(db, ann.respondent.id)["company_sector"] == "education"


def test_submit_then_reopen_then_the_closed_workshop_freezes_the_link(db: Any) -> None:
    saved = seeded(db)
    ann = repo.invite(db, saved, "Ann", sections=["profile"], author="Consultant")
    at = respondent_at(ann.token)
    at.radio(key="company_sector").set_value("finance").run()
    at.selectbox(key=rs.PICK).set_value(1).run()  # the review
    assert "questions have no answer yet" in texts(at)
    at.button(key="rs_submit").click().run()
    assert "your answers are submitted" in texts(at) and repo.get_respondent(db, ann.respondent.id).submitted_at
    assert not [r for r in at.radio if r.key == "company_sector"]  # submitted: read, not edited
    at.button(key="rs_reopen").click().run()
    assert repo.get_respondent(db, ann.respondent.id).submitted_at is None
    at.radio(key="company_sector").set_value("healthcare").run()
    assert repo.respondent_answers(db, ann.respondent.id) == {"company_sector": "healthcare"}

    repo.close_workshop(db, saved, author="Consultant")
    at.radio(key="consumer_facing").set_value(True).run()  # the page was open when the workshop closed
    assert not at.exception
    assert "closed this workshop" in texts(at)
    assert questions(at) == [] and "Acme" not in everything(at)
    assert repo.respondent_answers(db, ann.respondent.id) == {"company_sector": "healthcare"}


@pytest.mark.parametrize("why", ["unknown", "expired", "revoked", "closed"])
def test_a_link_that_does_not_open_gets_a_clear_page_and_no_data(db: Any, why: str) -> None:
    saved = seeded(db)
    ann = repo.invite(db, saved, "Ann", author="Consultant")
    repo.set_respondent_answer(db, ann.respondent, "company_sector", "healthcare", expected_version=1)
    token = ann.token
    if why == "unknown":
        token = "A" * 43
    elif why == "expired":
        import sqlalchemy as sa

        with db.begin() as conn:
            conn.execute(sa.text("UPDATE invitations SET expires_at = :t"), {"t": dt.datetime(2020, 1, 1)})
    elif why == "revoked":
        repo.revoke_links(db, ann.respondent)
    else:
        repo.close_workshop(db, saved, author="Consultant")
    at = respondent_at(token)
    assert not at.exception
    assert as_read(at.title[0].value) == "This link does not open"
    expected = {
        "unknown": "does not open any questionnaire",
        "expired": "has expired",
        "revoked": "was withdrawn",
        "closed": "closed this workshop",
    }[why]
    assert expected in texts(at)
    shown = everything(at)
    for secret in ("Ann", "Acme", "Company profile"):
        assert secret not in shown, secret
    assert questions(at) == [] and at.session_state["answers"] == {}


def test_guessing_links_is_rate_limited_per_session_and_address(db: Any, clock: Clock) -> None:
    saved = seeded(db)
    ann = repo.invite(db, saved, "Ann", author="Consultant")
    at = AppTest.from_file(APP, default_timeout=60)
    for i in range(rs.LINK_FAILURES):
        at.query_params[nav.INVITE] = f"{i:043d}"
        at.run()
        at.run()  # the same unknown link again is not looked up (nor counted) again
        assert "does not open any questionnaire" in texts(at)
    at.query_params[nav.INVITE] = ann.token  # even a good link is refused now, without a lookup
    at.run()
    assert "Too many links that do not open" in texts(at) and "Ann" not in everything(at)
    assert repo.workshop_progress(db, saved.id)[0].opened_at is None
    # A new session from the same address is refused too (AppTest's sessions all come from one address) ...
    assert "Too many links that do not open" in texts(respondent_at(ann.token))
    # ... until the oldest failure is 5 minutes old.
    clock.advance(5)
    assert "Ann" in everything(respondent_at(ann.token))


def test_a_room_opening_real_links_at_once_from_one_address_is_never_told_to_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every link is counted as a possible guess until it proves real; twice the per-address limit of
    people opening theirs at the same moment, from one address (a room behind one office's NAT), must
    still all get in: first openings are looked up one at a time, so their reservations never pile up."""
    room = 2 * rs.LINK_FAILURES
    limits = rs.Limits(rs.RateLimiter(rs.LINK_FAILURES, rs.LINK_WINDOW), rs.RateLimiter(rs.LINK_GLOBAL_FAILURES, rs.LINK_WINDOW))
    monkeypatch.setattr(rs, "link_limiter", lambda: limits)
    monkeypatch.setattr(ws, "client_keys", lambda: ["address:203.0.113.7"])
    together = threading.Barrier(room)

    def slow_open(engine: Any, token: str) -> str:
        time.sleep(0.02)  # the lookup takes a moment, during which the reservation is held
        return f"view of {token}"

    monkeypatch.setattr(rs.repo, "open_link", slow_open)
    monkeypatch.setattr(rs, "_engine", lambda: None)

    def open_one(i: int) -> Any:
        together.wait()
        return rs._look_up(f"token {i}", opened=False)

    with ThreadPoolExecutor(room) as pool:
        views = list(pool.map(open_one, range(room)))
    assert views == [(f"view of token {i}", "") for i in range(room)]
    assert limits.retry_after(["address:203.0.113.7"]) == 0  # every reservation given back


def test_the_page_speaks_the_browsers_language_or_the_lang_parameter(db: Any) -> None:
    saved = seeded(db)
    ann = repo.invite(db, saved, "Ann", author="Consultant")
    at = respondent_at(ann.token, lang="zh")
    assert at.title[0].value == "您的问题"
    assert "公司概况" in at.header[0].value
    assert any("不确定" in str(o) for r in at.radio for o in r.options)  # "I don't know"


def test_respondent_text_shows_literally_on_their_page(db: Any) -> None:
    saved = seeded(db, client=HOSTILE)
    eve = repo.invite(db, saved, HOSTILE, HOSTILE, author="Consultant")
    at = respondent_at(eve.token)
    assert not at.exception
    [line] = [c.value for c in at.caption if "answered by" in c.value]
    assert md(HOSTILE) in line and "![x](" not in line and ":red[" not in line and "www.example" not in line


# -- the consultant's side ---------------------------------------------------------------------------------


def test_inviting_shows_a_link_and_a_local_qr_code_once(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(workshop.PUBLIC_URL_ENV, "https://pirisk.example.com/")
    saved = seeded(db)
    at = open_on(unlock(start()), saved.id, "workshop")
    at.text_input(key="ws_respondent_name").input("Li Wei")
    at.text_input(key="ws_respondent_role").input("CTO")
    at.multiselect(key="ws_respondent_sections").set_value(["data"])
    at.number_input(key="ws_respondent_days").set_value(3)
    at.button(key="ws_add_respondent").click().run()
    assert not at.exception
    [r] = repo.list_respondents(db, saved.id)
    assert (r.name, r.role, r.sections) == ("Li Wei", "CTO", ("data",))
    [code] = [c.value for c in at.code if "respond?invite=" in c.value]
    assert re.fullmatch(r"https://pirisk\.example\.com/respond\?invite=[A-Za-z0-9_-]{43}", code), code
    token = code.rsplit("=", 1)[1]
    assert repo.open_link(db, token).respondent.id == r.id
    [progress] = repo.workshop_progress(db, saved.id)
    assert dt.timedelta(days=2, hours=23) < progress.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(days=3)
    [image] = at.get("image")
    [url] = image.value
    assert url.startswith("data:image/svg+xml;base64,")  # drawn here: no /media address, no service asked
    assert b"<svg" in base64.b64decode(url.split(",", 1)[1])
    # Hidden, it is gone for good: the database holds only its hash.
    at.button(key=f"ws_link_hide__{r.id}").click().run()
    assert not [c for c in at.code if "invite=" in c.value]
    at.button(key=f"ws_new_link__{r.id}").click().run()
    [again] = [c.value for c in at.code if "invite=" in c.value]
    assert again != code
    with pytest.raises(repo.LinkRefused):
        repo.open_link(db, token)
    at.button(key=f"ws_revoke__{r.id}").click().run()
    with pytest.raises(repo.LinkRefused):
        repo.open_link(db, again.rsplit("=", 1)[1])


def test_the_live_view_shows_progress_answers_disagreement_and_a_suggestion_set_in_one_click(db: Any) -> None:
    c = repo.create_client(db, "Acme Ltd")
    answers = {k: v for k, v in article_answers().items() if k not in ("past_leak",)}
    answers["past_leak_public"] = "unknown"
    saved = repo.create_assessment(db, c.id, "Review", dt.date(2026, 11, 29), "en", answers=answers)
    li = repo.invite(db, saved, "Li Wei", author="c")
    zhang = repo.invite(db, saved, "Zhang Min", author="c")
    repo.invite(db, saved, "Chen Jie", author="c")
    v = repo.answer_by_link(db, li.token, li.respondent, "past_leak", False, expected_version=1)
    repo.submit_by_link(db, li.token, li.respondent, expected_version=v)
    repo.answer_by_link(db, zhang.token, zhang.respondent, "past_leak", True, expected_version=1)

    at = open_on(unlock(start(), author="Ann"), saved.id, "workshop")
    assert not at.exception
    page = texts(at)
    assert "Respondents: 3 · started: 2 · submitted: 1" in page
    assert "Li Wei: submitted" in page and "Zhang Min: answering (answered: 1)" in page and "Chen Jie: not started" in page
    assert "Li Wei: No" in page and "Zhang Min: Yes" in page
    assert "Suggested: Yes" in page and "the cautious one" in page
    at.button(key="ws_use__past_leak").click().run()
    stored = repo.get_assessment(db, saved.id)
    assert stored.answers["past_leak"] is True
    latest = repo.history(db, saved.id)[0]
    assert (latest.question_id, latest.new_value, latest.author) == ("past_leak", True, "Ann")

    assert latest.source == {"workshop": {"Li Wei": False, "Zhang Min": True}}  # where it came from
    at.session_state[ws.SELECTED] = saved.id
    goto(at, "assessment")
    assert "Agreed in the workshop. The respondents had answered: Li Wei: No · Zhang Min: Yes" in texts(at)
    goto(at, "workshop")

    at.button(key="ws_close_workshop").click().run()
    assert repo.get_workshop(db, saved.id).closed
    with pytest.raises(repo.LinkRefused):
        repo.open_link(db, zhang.token)
    at.button(key="ws_reopen_workshop").click().run()
    assert not repo.get_workshop(db, saved.id).closed


def test_the_live_view_reads_in_full_only_when_the_workshop_changed(db: Any) -> None:
    c = repo.create_client(db, "Acme Ltd")
    saved = repo.create_assessment(db, c.id, "Review", dt.date(2026, 11, 29), "en")
    li = repo.invite(db, saved, "Li Wei", author="c")
    at = open_on(unlock(start(), author="Ann"), saved.id, "workshop")
    assert not at.exception and "Li Wei: not started" in texts(at)
    kept = at.session_state[workshop.LIVE_READ]
    at.run()  # as the view's timer does: nothing changed, so only the version was asked
    assert at.session_state[workshop.LIVE_READ] == kept
    repo.answer_by_link(db, li.token, li.respondent, "past_leak", True, expected_version=1)
    at.run()
    assert at.session_state[workshop.LIVE_READ][1] != kept[1]
    assert "Li Wei: answering (answered: 1)" in texts(at) and "Li Wei: Yes" in texts(at)


# -- named accounts and roles -----------------------------------------------------------------------------


def sign_in(at: AppTest, name: str, password: str = ACCOUNT_PASSWORD) -> AppTest:
    return unlock(at, password=password, author=name)


def test_an_account_signs_in_with_its_role_and_the_history_names_it(db: Any) -> None:
    repo.add_account(db, "Bo Chen", "consultant", ACCOUNT_PASSWORD)
    saved = seeded(db)
    at = sign_in(start(), "Bo Chen")
    assert "clients" in paths(at) and "Signed in as Bo Chen (consultant)" in texts(at)
    open_on(at, saved.id, "workshop")
    at.radio(key="ws_agreed__company_sector").set_value("finance").run()
    assert repo.history(db, saved.id)[0].author == "Bo Chen"
    # A consultant cannot manage accounts: the page says so, and the store refuses anyway.
    goto(at, "settings")
    assert "Only an owner manages accounts" in texts(at)
    assert not [f for f in at.text_input if f.key == "ws_account_name"]


def test_the_operator_password_cannot_sign_in_under_an_accounts_name(db: Any) -> None:
    repo.add_account(db, "Bo Chen", "viewer", ACCOUNT_PASSWORD)
    at = unlock(start(), password=PASSWORD, author="Bo Chen")
    assert "clients" not in paths(at) and "That password is not right" in texts(at)
    at = unlock(start(), password=PASSWORD, author="Somebody Else")  # the operator password keeps working
    assert "clients" in paths(at)


def test_a_viewer_can_read_but_every_change_is_refused_by_the_store(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.add_account(db, "Vi", "viewer", ACCOUNT_PASSWORD)
    saved = seeded(db)
    repo.invite(db, saved, "Ann", author="c")
    at = open_on(sign_in(start(), "Vi"), saved.id, "workshop")
    assert not at.exception and "You are a viewer" in texts(at)
    # What would change anything is shown disabled, not offered to fail when clicked (issue 22, item 8).
    assert at.button(key="ws_close_workshop").disabled and at.button(key="ws_add_respondent").disabled
    assert at.radio(key="ws_agreed__company_sector").disabled
    goto(at, "assessment")
    assert all(
        at.button(key=k).disabled for k in ("ws_mark_final", "ws_archive", "ws_open_here", "ws_save_details", "ws_duplicate")
    )
    assert all(b.disabled for b in at.button if b.key and b.key.startswith("ws_action_track__"))
    goto(at, "clients")
    assert at.button(key="ws_create_client").disabled and at.button(key=f"ws_open__{saved.id}").disabled
    monkeypatch.setattr(ws, "read_only", lambda: False)  # a page that forgot to disable them, simulated
    goto(at, "workshop")
    at.radio(key="ws_agreed__company_sector").set_value("finance").run()
    assert "can read and download but not change anything" in texts(at)
    at.button(key="ws_close_workshop").click().run()
    at.text_input(key="ws_respondent_name").input("Eve")
    at.button(key="ws_add_respondent").click().run()
    assert repo.get_assessment(db, saved.id).answers == {} and repo.get_assessment(db, saved.id).version == 1
    assert not repo.get_workshop(db, saved.id).closed
    assert [r.name for r in repo.list_respondents(db, saved.id)] == ["Ann"]


def test_an_owner_manages_accounts_on_the_settings_page_and_a_disabled_account_locks(db: Any) -> None:
    repo.add_account(db, "Olive", "owner", ACCOUNT_PASSWORD)
    bo_session = sign_in(start(), "Olive")  # placeholder, replaced below
    owner = goto(sign_in(start(), "Olive"), "settings")
    owner.text_input(key="ws_account_name").input("Bo Chen")
    owner.selectbox(key="ws_account_role").set_value("viewer")
    owner.text_input(key="ws_account_password").input("bo's long password")
    owner.text_input(key="ws_account_again").input("bo's long password")
    owner.button(key="ws_account_add").click().run()
    assert not owner.exception
    assert [(a.name, a.role) for a in repo.list_accounts(db)] == [("Bo Chen", "viewer"), ("Olive", "owner")]
    assert owner.session_state["ws_account_password"] == ""  # never kept

    bo_session = sign_in(start(), "Bo Chen", "bo's long password")
    assert "clients" in paths(bo_session)
    owner.selectbox(key="ws_account_picked").set_value("Bo Chen")
    owner.selectbox(key="ws_account_new_role").set_value("consultant")
    owner.button(key="ws_account_set_role").click().run()
    assert repo.list_accounts(db)[0].role == "consultant"
    goto(bo_session, "clients")
    assert "Signed in as Bo Chen (consultant)" in texts(bo_session)  # the new role, from the next step
    owner.selectbox(key="ws_account_picked").set_value("Bo Chen")
    owner.button(key="ws_account_toggle").click().run()
    assert repo.list_accounts(db)[0].disabled
    bo_session.run()
    assert "clients" not in paths(bo_session)  # locked at its next step
    # An owner cannot lock themself out from the page.
    owner.selectbox(key="ws_account_picked").set_value("Olive")
    owner.selectbox(key="ws_account_new_role").set_value("viewer")
    owner.button(key="ws_account_set_role").click().run()
    assert "your own role" in texts(owner) and repo.list_accounts(db)[1].role == "owner"


def test_settling_a_tie_unanimous_answers_in_one_click_and_any_respondents_answer_from_the_live_tab(db: Any) -> None:
    """Issue 22, item 2: a 1-1 tie says it is a tie and takes the answer that scores higher; "Accept all
    unanimous answers" sets every one in one change; a respondent's answer can be taken as it stands."""
    c = repo.create_client(db, "Acme Ltd")
    agreed = {k: v for k, v in article_answers().items() if k not in ("sourcing_approval_process", "encryption", "biometrics")}
    saved = repo.create_assessment(db, c.id, "Review", dt.date(2026, 11, 29), "en", answers=agreed)
    li, zhang = (repo.invite(db, saved, name, author="c") for name in ("Li Wei", "Zhang Min"))
    for invited, answers in (
        (li, {"sourcing_approval_process": True, "encryption": True, "biometrics": False}),
        (zhang, {"sourcing_approval_process": False, "encryption": True, "biometrics": False}),
    ):
        version = 1
        for qid, value in answers.items():
            version = repo.answer_by_link(db, invited.token, invited.respondent, qid, value, expected_version=version)

    at = open_on(unlock(start(), author="Ann"), saved.id, "workshop")
    assert not at.exception
    page = texts(at)
    assert "Suggested: No" in page and "A tie: no answer was given more often than the others" in page
    assert "Answers given: No: 1 · Yes: 1" in page
    assert "the answer most respondents gave" not in page

    at.button(key="ws_accept_unanimous").click().run()
    stored = repo.get_assessment(db, saved.id)
    assert (stored.answers["encryption"], stored.answers["biometrics"], stored.version) == (True, False, 2)
    assert "sourcing_approval_process" not in stored.answers  # a tie is not unanimous: the consultant decides
    assert not [b for b in at.button if b.key == "ws_accept_unanimous"]  # nothing left to accept

    taken = [b.key for b in at.button if b.key and b.key.startswith("ws_take__sourcing_approval_process__")]
    assert len(taken) == 2
    at.button(key=taken[0]).click().run()  # Li Wei's answer, whatever the suggestion
    assert repo.get_assessment(db, saved.id).answers["sourcing_approval_process"] is True
    assert repo.history(db, saved.id)[0].source == {"workshop": {"Li Wei": True, "Zhang Min": False}}


def test_a_respondent_not_asked_a_section_gets_no_answer_buttons_for_it(db: Any) -> None:
    """Issue 22, item 8: the projector's view showed empty answer buttons for people never asked."""
    saved = seeded(db)
    first = LAW.bank.sections[0]
    other = next(s for s in LAW.bank.sections if s.id != first.id)
    asked = repo.invite(db, saved, "Ann Lee", sections=[first.id], author="c").respondent
    elsewhere = repo.invite(db, saved, "Bob Wu", sections=[other.id], author="c").respondent
    at = open_on(unlock(start(), author="Ann"), saved.id, "workshop")
    qid = first.questions[0].id
    keys = {getattr(w, "key", None) for w in [*at.radio, *at.multiselect]}
    assert workshop.respondent_widget_key(asked.id, qid) in keys
    assert workshop.respondent_widget_key(elsewhere.id, qid) not in keys
    assert "Not asked this section: Bob Wu" in texts(at)


def test_next_and_back_pass_over_a_section_the_respondents_answers_leave_empty(db: Any) -> None:
    """Nothing leaves China: the transfer section asks nothing, so Next and Back pass over it, as they do in
    the founder's questionnaire; opened from the list of sections, and on the review, it says why."""
    saved = seeded(db)
    ann = repo.invite(db, saved, "Ann", sections=["sharing", "transfer", "consent"], author="Consultant")
    at = respondent_at(ann.token)
    titles = {s.id: s.title["en"] for s in LAW.bank.sections}
    assert [as_read(h.value) for h in at.header] == [f"Section 1 of 3: {titles['sharing']}"]
    at.radio(key="cross_border").set_value(False).run()
    at.button(key="rs_next").click().run()
    assert not at.exception
    assert [as_read(h.value) for h in at.header] == [f"Section 3 of 3: {titles['consent']}"]
    at.button(key="rs_back").click().run()
    assert [as_read(h.value) for h in at.header] == [f"Section 1 of 3: {titles['sharing']}"]
    at.selectbox(key=rs.PICK).set_value(1).run()
    assert [as_read(h.value) for h in at.header] == [f"Section 2 of 3: {titles['transfer']}"]
    assert "leave this section out" in texts(at) and not questions(at)
    at.selectbox(key=rs.PICK).set_value(3).run()
    assert "leave this section out" in texts(at), "the review says why the section has no answers"
    at = respondent_at(ann.token)
    at.radio(key="cross_border").set_value(True).run()
    at.button(key="rs_next").click().run()
    assert [as_read(h.value) for h in at.header] == [f"Section 2 of 3: {titles['transfer']}"], "asked once data leaves"
