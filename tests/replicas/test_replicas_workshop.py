"""Issue 14, section 5: a remote workshop across two replicas behind nginx, in front of one PostgreSQL.

Three respondents open their personal links in three browser contexts, all routed by nginx to replica B
(one on a 390 x 844 phone screen), and answer by clicking; two of them disagree on one question. The
consultant, signed in on replica A, watches the assessment's Workshop page (its Live tab): without a
reload, the view that refreshes itself shows within seconds who has started and who has submitted, each
respondent's answers, the disagreement and the suggested agreed answer, which one click saves (with its
history) to the shared database.

Every page is watched (harness.PageWatch): no CSP violation, no error, nothing asked of any address but
nginx's."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from store import repo
from tests.e2e.test_app_browser import TIMEOUT, key
from tests.replicas.harness import Replicas, Visit, until

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
LAW_DATE = dt.date(2026, 1, 1)
PHONE = {"width": 390, "height": 844}
LIVE = 10_000  # ms: "within a few seconds" (the live view reads the database every LIVE_SECONDS = 3 s)
# On the "sharing" section: everyone says Yes to sharing; Li says Yes to selling data, Zhang and Chen say
# No. With this assessment's other answers the two answers lead to different risk levels, so the
# suggestion is the cautious one: Yes (scoring/consensus.py). The agreed answer so far is No.
SECTION = "sharing"
DISPUTED = "sells_data"
GIVEN = {
    "Li Wei": {"shares_with_third_parties": "Yes", DISPUTED: "Yes", "cross_border": "No"},
    "Zhang Min": {"shares_with_third_parties": "Yes", DISPUTED: "No"},
    "Chen Jie": {"shares_with_third_parties": "Yes", DISPUTED: "No", "cross_border": "No"},
}
# Draws what of the page lies right of the screen's edge: the document wider than the screen, or an
# element on screen (a label, a button, a box) cut off at its right edge.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll("[data-testid=stMain] *")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > width + 1 && getComputedStyle(el).visibility !== "hidden")
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 2).join(".")} right=${Math.round(r.right)}`);
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 10)};
}"""


def _seed(engine: sa.Engine) -> tuple[repo.SavedAssessment, dict[str, repo.Invited]]:
    """An assessment agreed on every question, and three respondents asked the sharing section."""
    client = repo.create_client(engine, "Acme Ltd")
    saved = repo.create_assessment(engine, client.id, "Review 2026", LAW_DATE, "en", answers=ANSWERS)
    assert saved.answers[DISPUTED] is False
    invited = {name: repo.invite(engine, saved, name, "Staff", [SECTION], author="Ann") for name in GIVEN}
    return saved, invited


def _answer(v: Visit, qid: str, label: str) -> None:
    """Click an answer on the respondent's page; it is saved as it is given (a run of the step's fragment)."""
    box = key(v.page, f"question__{qid}")
    v.runs.click(box.get_by_text(label, exact=True), fragment=True)
    expect(box.get_by_role("radio", name=label, exact=True)).to_be_checked(timeout=TIMEOUT)


def _respond(v: Visit, token: str, name: str) -> None:
    """Open a personal link and answer this respondent's questions by clicking."""
    v.open(f"/respond?invite={token}")
    expect(v.page.get_by_role("heading", name="Your questions")).to_be_visible(timeout=TIMEOUT)
    expect(v.page.get_by_text(f"For Acme Ltd, answered by {name} (Staff).")).to_be_visible(timeout=TIMEOUT)
    for qid, label in GIVEN[name].items():
        _answer(v, qid, label)
    expect(v.page.get_by_text(f"{len(GIVEN[name])} of ", exact=False).first).to_be_visible(timeout=TIMEOUT)


def _fits(v: Visit, what: str) -> None:
    seen = v.page.evaluate(OVERFLOW)
    assert seen["width"] == PHONE["width"], seen
    assert seen["scrollWidth"] <= PHONE["width"] and seen["out"] == [], f"{what} is wider than the phone's screen: {seen}"


def _saved(engine: sa.Engine, respondent: repo.Respondent) -> dict[str, Any]:
    return repo.respondent_answers(engine, respondent.id)


def test_three_respondents_on_replica_b_and_the_consultant_watching_live_on_replica_a(
    visit: Callable[..., Visit], replicas: Replicas, empty_workspace: sa.Engine
) -> None:
    db = empty_workspace
    saved, invited = _seed(db)

    # The consultant, on replica A, opens the assessment's Workshop page: the Live tab shows first.
    ann = visit(replicas.a)
    ann.unlock("Ann")
    ann.nav("Clients")
    ann.runs.click(key(ann.page, f"ws_to_workshop__{saved.id}").get_by_role("button"))
    expect(ann.page.get_by_role("heading", name="Workshop", exact=True)).to_be_visible(timeout=TIMEOUT)
    live = key(ann.page, "ws_live_progress")
    expect(live).to_contain_text("Respondents: 3 · started: 0 · submitted: 0", timeout=TIMEOUT)
    # From here on the consultant's page is neither reloaded nor run again as a whole: what changes on
    # it comes from the live view running on its own.
    ann.page.evaluate("window.__piriskSameDocument = true")
    full_runs = ann.runs.finished

    # Three respondents, each in a browser context of their own, all routed to replica B; Zhang on a phone.
    li, zhang, chen = (
        visit(replicas.b),
        visit(replicas.b, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3),
        visit(replicas.b),
    )
    _respond(zhang, invited["Zhang Min"].token, "Zhang Min")
    _fits(zhang, "the respondent's page")
    expect(live).to_contain_text("Zhang Min: answering (answered: 2)", timeout=LIVE)

    _respond(li, invited["Li Wei"].token, "Li Wei")
    li.runs.click(key(li.page, "rs_next").get_by_role("button"))  # one section asked: on to the review
    expect(li.page.get_by_role("heading", name="Review and submit")).to_be_visible(timeout=TIMEOUT)
    li.runs.click(key(li.page, "rs_submit").get_by_role("button"))
    expect(li.page.get_by_text("Thank you, your answers are submitted.")).to_be_visible(timeout=TIMEOUT)

    _respond(chen, invited["Chen Jie"].token, "Chen Jie")
    expect(live).to_contain_text("Chen Jie: answering (answered: 3)", timeout=LIVE)

    # The phone's review step fits its screen too.
    zhang.runs.click(key(zhang.page, "rs_next").get_by_role("button"))
    expect(zhang.page.get_by_role("heading", name="Review and submit")).to_be_visible(timeout=TIMEOUT)
    _fits(zhang, "the review step")

    # Every answer is in the shared database, written through replica B.
    for name, given in GIVEN.items():
        words = {qid: {"Yes": True, "No": False}[label] for qid, label in given.items()}
        assert _saved(db, invited[name].respondent) == words, name
    assert repo.get_respondent(db, invited["Li Wei"].respondent.id).submitted_at is not None

    # The consultant's view on replica A, never reloaded, now shows all of it.
    expect(live).to_contain_text("Respondents: 3 · started: 3 · submitted: 1", timeout=LIVE)
    expect(live).to_contain_text("Li Wei: submitted")
    expect(live).to_contain_text("Zhang Min: answering (answered: 2)")
    disputed = key(ann.page, f"ws_live_q__{DISPUTED}")
    expect(disputed).to_be_visible(timeout=LIVE)
    for name, given in GIVEN.items():
        expect(disputed).to_contain_text(f"{name}: {given[DISPUTED]}")
    expect(disputed).to_contain_text("Disagreement")
    expect(disputed).to_contain_text("Suggested: Yes")
    expect(disputed).to_contain_text("the cautious one")
    expect(disputed).to_contain_text("Agreed answer now: No")
    agreed = key(ann.page, "ws_live_q__shares_with_third_parties")  # everyone agrees there: no disagreement
    expect(agreed).to_contain_text("Suggested: Yes")
    expect(agreed).not_to_contain_text("Disagreement")
    expect(key(ann.page, "ws_live_q__cross_border")).to_contain_text("Li Wei: No")
    assert ann.page.evaluate("window.__piriskSameDocument") is True, "the consultant's page was reloaded"
    assert ann.runs.finished == full_runs, "the consultant's page ran again as a whole"

    # One click makes the suggestion the agreed answer: saved, with its history, by the consultant.
    key(ann.page, f"ws_use__{DISPUTED}").get_by_role("button", name="Make it the agreed answer").click()
    stored = until(lambda: (a := repo.get_assessment(db, saved.id)).answers[DISPUTED] is True and a, "the agreed answer saved")
    assert stored.version == saved.version + 1
    change = repo.history(db, saved.id)[0]
    assert (change.question_id, change.old_value, change.new_value, change.author) == (DISPUTED, False, True, "Ann")
    expect(disputed).to_contain_text("Agreed answer now: Yes", timeout=LIVE)
    expect(key(ann.page, f"ws_use__{DISPUTED}")).to_have_count(0)

    # Each browser stayed on its replica.
    assert replicas.replica_of(ann.context) == replicas.a
    for v in (li, zhang, chen):
        assert replicas.replica_of(v.context) == replicas.b
