"""Invitations and time (issue 22, item 6): one printable sheet of every respondent's link and QR code, a
warning for sections nobody is asked, the tab kept after Add, a closed workshop's links shown frozen, the
phone's thank-you in view after Submit, and dates in the workspace's time zone (PIRISK_TIMEZONE)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from report.link_sheet import LinkEntry, build_link_sheet
from store import repo
from tests.test_remote_workshop_app import clock, db, respondent_at, seeded  # noqa: F401 - fixtures used here
from tests.test_report import pdftotext
from tests.test_workspace_app import LAW, open_on, start, texts, unlock
from ui import local_time, state
from ui.workspace import workshop

HOSTILE = "Eve ![x](http://198.51.100.7/p.png) **bold** {nb} \x07"


def test_the_links_sheet_prints_each_respondent_with_a_qr_code_and_their_last_day() -> None:
    entries = [
        LinkEntry("李伟", "首席技术官", "https://pirisk.example/respond?invite=" + "a" * 43, dt.date(2026, 12, 19)),
        LinkEntry(HOSTILE, "", "https://pirisk.example/respond?invite=" + "b" * 43, dt.date(2026, 12, 20)),
    ]
    for lang in ("en", "zh"):
        data = build_link_sheet("Acme Ltd", "Review 2026", entries, lang)
        text = pdftotext(data)
        assert "李伟" in text and "首席技术官" in text and "Eve" in text and "{nb}" in text
        assert "a" * 20 in text.replace("\n", "")  # the link itself, for those who cannot scan
        assert "2026-12-19" in text and "2026-12-20" in text
        images = sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)
        assert images == 2  # one QR code each


def _add(at: Any, name: str, sections: list[str] | None = None) -> None:
    at.text_input(key=workshop.RESPONDENT_NAME).input(name)
    if sections:
        at.multiselect(key=workshop.RESPONDENT_SECTIONS).set_value(sections)
    at.button(key="ws_add_respondent").click().run()


def test_the_invitations_tab_offers_the_sheet_warns_of_sections_nobody_is_asked_and_stays_open(db: Any) -> None:  # noqa: F811
    saved = seeded(db)
    at = open_on(unlock(start(), author="Ann"), saved.id, "workshop")
    assert at.session_state[workshop.TAB] == "Live"  # the tabs keep their choice in the session
    at.session_state[workshop.TAB] = "Respondents and links"
    first = LAW.bank.sections[0]
    _add(at, "Ann Lee", [first.id])
    assert not at.exception
    assert at.session_state[workshop.TAB] == "Respondents and links"  # Add does not send the page back to Live
    page = texts(at)
    assert "Nobody is asked these sections" in page and LAW.bank.sections[1].title["en"] in page
    assert first.title["en"] not in page.split("Nobody is asked these sections", 1)[1].split("\n", 1)[0]
    assert "ws_links_sheet" in {d.key for d in at.get("download_button")}

    # A respondent whose link was made in another session gets one here, for the sheet.
    repo.invite(db, saved, "Bob Wu", author="c")
    at.run()
    assert "Respondents without a link shown here: 1" in texts(at)
    at.button(key="ws_links_make_all").click().run()
    assert len(at.session_state[workshop.LINKS]) == 2
    assert "Nobody is asked" not in texts(at)  # Bob is asked every section

    at.button(key="ws_close_workshop").click().run()
    page = texts(at)
    assert "its links are frozen" in page and "Link: frozen (the workshop is closed)" in page
    assert "ws_links_sheet" not in {d.key for d in at.get("download_button")}


def test_the_phones_thank_you_is_brought_into_view_after_submit(db: Any) -> None:  # noqa: F811
    saved = seeded(db)
    invited = repo.invite(db, saved, "Li Wei", sections=[LAW.bank.sections[0].id], author="c")
    at = respondent_at(invited.token)
    at.session_state["rs_step"] = 1  # the review, where Submit is, at the foot of the page
    at.run()
    moves = at.session_state[state.MOVE]
    at.button(key="rs_submit").click().run()
    assert not at.exception
    assert "Thank you" in texts(at)
    assert at.session_state[state.MOVE] == moves + 1 and at.session_state[state.FOCUS] == "#page-respond"


def test_dates_follow_the_workspace_time_zone_by_default_shanghai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(local_time.TIMEZONE_ENV, raising=False)
    evening_utc = dt.datetime(2026, 12, 4, 17, 30, tzinfo=dt.UTC)  # already the 5th in Beijing
    assert local_time.local_date(evening_utc) == dt.date(2026, 12, 5)
    assert local_time.when(evening_utc) == "2026-12-05 01:30 UTC+08:00"
    assert state.today() == dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    monkeypatch.setenv(local_time.TIMEZONE_ENV, "Europe/Berlin")
    assert local_time.local_date(evening_utc) == dt.date(2026, 12, 4)
    monkeypatch.setenv(local_time.TIMEZONE_ENV, "Not/AZone")
    assert local_time.local_date(evening_utc) == dt.date(2026, 12, 5)  # unknown: the default
