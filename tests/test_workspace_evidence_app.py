"""The Assessment page's evidence files, own actions, sign-off and action history through AppTest (issue 22,
item 5): a file attached and listed with its SHA-256, a hostile one refused with a clear message and nothing
stored, a viewer who sees and downloads but has no attach or remove control, an owner who signs off (the
page then offers no change and "Start a new version" opens a draft), and the action plan's history shown."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store import repo
from store.access import hash_password
from store.db import make_engine, upgrade
from tests.store.test_store_evidence import PDF
from tests.test_workspace_app import NASTY, PASSWORD, Clock, article_answers, open_on, start, texts, unlock
from ui.workspace import session as ws

ACCOUNT_PASSWORD = "an account password"
DAY = dt.date(2026, 11, 29)


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
    monkeypatch.delenv("PIRISK_EVIDENCE_MAX_MB", raising=False)
    ws._engine_for.clear()
    ws.limiters.clear()
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    ws._engine_for.clear()
    ws.limiters.clear()


def seeded(db: Any) -> repo.SavedAssessment:
    client = repo.create_client(db, "Acme Ltd")
    return repo.create_assessment(db, client.id, "Review 2026", DAY, "en", None, article_answers())


def sign_in(name: str) -> Any:
    return unlock(start(), password=ACCOUNT_PASSWORD, author=name)


def _sheet_names(xlsx: bytes) -> bytes:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/workbook.xml")


def _attach(at: Any, saved: repo.SavedAssessment, name: str, data: bytes) -> Any:
    uploader = next(u for u in at.get("file_uploader") if u.key and u.key.startswith(f"ws_evidence_file__{saved.id}"))
    uploader.set_value((name, data, "application/octet-stream"))
    at.selectbox(key=f"ws_evidence_target__{saved.id}").set_value("answer:consumer_facing")
    return at.button(key="ws_evidence_attach").click().run()


def test_a_file_is_attached_listed_with_its_sha256_and_a_hostile_one_is_refused(db: Any) -> None:
    repo.add_account(db, "Bo Chen", "consultant", ACCOUNT_PASSWORD)
    saved = seeded(db)
    at = open_on(sign_in("Bo Chen"), saved.id, "assessment")
    assert not at.exception and "Evidence" in {t.label for t in at.tabs}
    _attach(at, saved, "consent log.pdf", PDF)
    assert not at.exception
    [kept] = repo.list_attachments(db, saved.id)
    assert (kept.name, kept.author, kept.sha256) == ("consent log.pdf", "Bo Chen", hashlib.sha256(PDF).hexdigest())
    assert "Attached consent log.pdf" in texts(at) and kept.sha256 in texts(at)
    assert f"ws_evidence_download__{kept.id}" in {d.key for d in at.get("download_button")}

    for name, data, said in (
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 40, "This kind of file cannot be attached"),
        ("../secret.pdf", PDF, "has a folder or drive in it"),
        ("bad\x1b[31m.pdf", PDF, "control or text-direction character"),
    ):
        _attach(at, saved, name, data)
        assert not at.exception and said in texts(at)
    assert len(repo.list_attachments(db, saved.id)) == 1  # nothing more stored


def test_an_oversized_file_is_refused_before_it_is_read(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIRISK_EVIDENCE_MAX_MB", "0.001")
    saved = seeded(db)
    at = open_on(unlock(start()), saved.id, "assessment")
    _attach(at, saved, "big.pdf", PDF + b"0" * 4000)
    assert "MB can be attached" in texts(at)
    assert repo.list_attachments(db, saved.id) == []


def test_a_viewer_sees_and_downloads_files_but_cannot_attach_remove_or_sign_off(db: Any) -> None:
    repo.add_account(db, "Vi", "viewer", ACCOUNT_PASSWORD)
    saved = seeded(db)
    kept = repo.add_attachment(db, saved, "policy.pdf", PDF, author="ana", question_id="consumer_facing")
    at = open_on(sign_in("Vi"), saved.id, "assessment")
    assert not at.exception and "policy.pdf" in texts(at)
    assert f"ws_evidence_download__{kept.id}" in {d.key for d in at.get("download_button")}
    keys = {b.key for b in at.button}
    assert not {f"ws_evidence_remove__{kept.id}", "ws_evidence_attach", "ws_sign_off"} & keys
    assert not [u for u in at.get("file_uploader") if u.key and u.key.startswith("ws_evidence_file")]
    assert "Only an owner can sign an assessment off" in texts(at)


def test_an_owner_signs_off_the_page_locks_and_a_new_version_starts_from_it(db: Any) -> None:
    repo.add_account(db, "Wang Fang", "owner", ACCOUNT_PASSWORD)
    saved = seeded(db)
    own = repo.create_own_action(db, saved, NASTY, author="ana", owner="Li")
    repo.update_action(db, own.id, {"status": "in_progress"}, expected_version=1, author="ana")
    at = open_on(sign_in("Wang Fang"), saved.id, "assessment")
    assert not at.exception
    assert NASTY in texts(at)  # the own action's name, shown literally
    assert "The action plan's history" in texts(at)
    [table] = at.dataframe
    cells = {str(v) for v in table.value.to_numpy().ravel()}
    assert {NASTY, "In progress", "Planned", "Li", "ana"} <= cells  # as typed: a data frame renders nothing
    at.text_input(key=f"ws_evidence_own_title__{saved.id}").input("Review vendor contracts")
    at.button(key=f"FormSubmitter:ws_own_action_form__{saved.id}-Add the action").click().run()
    assert not at.exception
    assert [a.title for a in repo.list_actions(db, saved.id)] == [NASTY, "Review vendor contracts"]

    from report.formats import export_format
    from ui.workspace.assessments import report_file

    at.checkbox(key=f"ws_report_history__{saved.id}").check().run()
    assert not at.exception
    book = report_file(saved, None, export_format("xlsx"), history=True)
    assert b"Action history" in _sheet_names(book) and b"Action history" not in _sheet_names(
        report_file(saved, None, export_format("xlsx"))
    )

    at.button(key="ws_sign_off").click().run()
    assert not at.exception
    signed = repo.get_assessment(db, saved.id)
    assert (signed.status, signed.signed_by) == ("final", "Wang Fang")
    assert "Reviewed and signed off by Wang Fang" in texts(at)
    keys = {b.key for b in at.button}
    assert not {"ws_sign_off", "ws_evidence_attach", "ws_reopen"} & keys
    assert not [f for f in at.text_input if f.key == f"ws_evidence_own_title__{saved.id}"]

    at.text_input(key=f"ws_evidence_new_title__{saved.id}").input("Review 2027")
    at.button(key=f"FormSubmitter:ws_new_version_form__{saved.id}-Start a new version").click().run()
    assert not at.exception
    draft = next(a for a in repo.list_assessments(db) if a.title == "Review 2027")
    assert draft.status == "draft" and at.session_state[ws.SELECTED] == draft.id
    assert [a.title for a in repo.list_actions(db, draft.id)] == [NASTY, "Review vendor contracts"]
