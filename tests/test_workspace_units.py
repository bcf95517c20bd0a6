"""The workspace screens' pure parts: session length, logo check, spreadsheet import and export, names (the chart: tests/test_charts.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from scoring.engine import assess
from store import repo
from store.access import RateLimiter
from store.db import make_engine, upgrade
from store.spreadsheet import template_xlsx, to_csv
from ui.workspace import session as ws
from ui.workspace.settings import LOGO_MAX_BYTES, logo_problem
from ui.workspace.sheets import export_file_name, export_table, import_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
AXIS_KEYS = ("civil", "criminal", "administrative", "reputational")


def article_answers() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]


@pytest.fixture()
def db(tmp_path: Path) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _image(kind: str, size: tuple[int, int] = (30, 20)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [("", 30.0), ("abc", 30.0), ("0", 30.0), ("-5", 30.0), ("nan", 30.0), ("5", 5.0), ("0.5", 0.5), ("99999", 1440.0)],
)
def test_the_session_length_comes_from_env_with_a_safe_default(monkeypatch: pytest.MonkeyPatch, raw: str, minutes: float) -> None:
    monkeypatch.setenv(ws.SESSION_MINUTES_ENV, raw)
    assert ws.session_minutes() == minutes


def test_the_rate_limit_numbers_are_the_documented_ones() -> None:
    # docs/team.md: 5 failed attempts in 5 minutes from one client; the limiters are built from these.
    assert (ws.PER_CLIENT_FAILURES, ws.FAILURE_WINDOW) == (5, 300.0)
    assert ws.GLOBAL_FAILURES > ws.PER_CLIENT_FAILURES
    per_client, overall = ws.limiters()
    assert isinstance(per_client, RateLimiter) and per_client.max_failures == 5 and per_client.window == 300.0
    assert overall.max_failures == ws.GLOBAL_FAILURES
    ws.limiters.clear()


def test_a_session_is_tied_to_the_hash_it_was_unlocked_with() -> None:
    assert ws.fingerprint("$argon2id$a") != ws.fingerprint("$argon2id$b")
    assert len(ws.fingerprint("$argon2id$a")) == 64


def test_a_good_logo_passes_and_bad_ones_say_why() -> None:
    assert logo_problem(_image("PNG")) is None
    assert logo_problem(_image("JPEG")) is None
    assert "PNG or JPEG" in logo_problem(b"GIF89a" + b"\0" * 50)
    assert "PNG or JPEG" in logo_problem(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
    assert "damaged" in logo_problem(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    assert "4000" in logo_problem(_image("PNG", (4001, 2)))
    too_big = b"\x89PNG\r\n\x1a\n" + b"\0" * LOGO_MAX_BYTES
    assert "limit" in logo_problem(too_big)


def test_importing_a_clean_sheet_creates_a_draft_and_a_bad_one_saves_nothing(db: Any) -> None:
    client = repo.create_client(db, "Acme")
    saved, problems = import_file(db, client.id, "From Excel", dt.date(2012, 9, 4), "zh", template_xlsx("zh", article_answers()))
    assert problems == [] and saved is not None
    assert (saved.title, saved.lang, saved.status, saved.version) == ("From Excel", "zh", "draft", 1)
    assert set(saved.answers) == set(article_answers())

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template_xlsx("en")))
    book["answers"]["F2"] = "not a sector"
    book["answers"]["F4"] = 42
    out = io.BytesIO()
    book.save(out)
    saved, problems = import_file(db, client.id, "Bad", dt.date(2025, 1, 1), "en", out.getvalue())
    assert saved is None
    assert [p.row for p in problems] == [2, 4]
    assert [a.title for a in repo.list_assessments(db, client.id)] == ["From Excel"]


def test_the_export_table_scores_each_assessment_and_escapes_formulas_in_csv(db: Any) -> None:
    client = repo.create_client(db, "=cmd|' /C calc'!A0")
    repo.create_assessment(db, client.id, "Done", dt.date(2012, 9, 4), "en", answers=article_answers())
    repo.create_assessment(db, client.id, "Half", dt.date(2025, 1, 1), "en", answers={"company_sector": "finance"})
    table = export_table(db, client.id)
    expected = assess(article_answers(), dt.date(2012, 9, 4))
    done = table[table["title"] == "Done"].iloc[0]
    assert [int(done[f"{k}_score"]) for k in AXIS_KEYS] == [expected.axes[k].score for k in AXIS_KEYS]
    assert "required answers missing" in table[table["title"] == "Half"].iloc[0]["error"]
    csv = to_csv(table).decode("utf-8-sig")
    assert "'=cmd" in csv
    assert export_table(db, None)["client"].tolist() == [client.name, client.name]


@pytest.mark.parametrize(
    ("scope", "name"),
    [
        ("portfolio", "pirisk-portfolio-"),
        ("client-7", "pirisk-client-7-"),
        ("../../etc/passwd", "pirisk-etc-passwd-"),
        ("", "pirisk-export-"),
    ],
)
def test_download_names_are_safe(scope: str, name: str) -> None:
    got = export_file_name(scope, "csv")
    assert got.startswith(name) and got.endswith(".csv") and "/" not in got


def test_the_workspace_door_is_listed_only_once_an_operator_has_set_it_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: founders who never configured a workspace saw its door in the navigation."""
    from ui import nav
    from ui.workspace import session

    made: list[dict] = []
    monkeypatch.setattr(nav.st, "Page", lambda *args, **kwargs: made.append(kwargs) or kwargs)
    monkeypatch.setattr(nav.state, "t", lambda key, **values: key)
    for door, visibility in ((False, "hidden"), (True, "visible")):
        made.clear()
        nav.pages(unlocked=False, workspace=True, door=door)
        assert [m["visibility"] for m in made if m["url_path"] == "workspace"] == [visibility]
        assert {m["visibility"] for m in made if m["url_path"] in nav.PAGES} == {"visible"}
    monkeypatch.setattr(session, "secrets", lambda: None)
    monkeypatch.delenv("PIRISK_WORKSPACE_PASSWORD_HASH", raising=False)
    assert not session.configured()
    monkeypatch.setenv("PIRISK_WORKSPACE_PASSWORD_HASH", "hunter22")  # set, but not a hash: the door says so
    assert session.configured()
