"""The cross-border route (issue 23): decided from the table, scored by the rules it generates, the
same on the card, in the JSON and in the batch; every route reachable; retired answers set aside."""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from questions.model import UNKNOWN
from questions.strings import tr
from scoring.answers_file import parse_answers
from scoring.assessment import base_rule_id
from scoring.engine import assess
from scoring.loader import default_law
from scoring.transfer import route_words
from tests.test_app_flow import goto_page, start

ROOT = Path(__file__).resolve().parents[1]
LAW = default_law()
SAAS = ROOT / "examples" / "saas-parent-abroad-2026.json"
BASE = json.loads((ROOT / "examples" / "well-run-ecommerce-2026.json").read_text(encoding="utf-8"))["answers"]
TRANSFER_QUESTIONS = [
    *LAW.bank.section("transfer").questions,
    LAW.bank.questions["cii_operator"],
    LAW.bank.questions["people_count"],
]
DATES = [dt.date(2021, 10, 31), dt.date(2021, 11, 1), dt.date(2022, 9, 1), dt.date(2023, 6, 1), dt.date(2024, 3, 21)]
DATES += [dt.date(2024, 3, 22), dt.date(2026, 12, 4)]


def _random_answers(rng: random.Random) -> dict[str, Any]:
    answers = dict(BASE, cross_border=rng.choice([True, True, True, False, UNKNOWN]))
    for q in TRANSFER_QUESTIONS:
        if q.type == "yes_no":
            options: list[Any] = [True, False]
        elif q.type == "single":
            options = [c.id for c in q.choices]
        else:
            ids = [c.id for c in q.choices]
            options = [sorted(rng.sample(ids, k)) for k in range(len(ids) + 1)]
        if q.unknown:
            options.append(UNKNOWN)
        answers[q.id] = rng.choice(options)
    return answers


def _gap_rules_of(route_id: str) -> set[str]:
    assert LAW.transfer is not None
    return {c.gap for p in LAW.transfer.periods for c in p.cases if c.route == route_id and c.gap}


def test_the_card_and_the_findings_agree_for_many_answer_sets_on_every_date() -> None:
    """A route not in place is scored by exactly its case's rule; a route met or needing nothing by
    none of the transfer-route rules; the cautious reading of "I don't know" on both sides."""
    rng = random.Random(23)
    route_rules = {c.gap for p in LAW.transfer.periods for c in p.cases if c.gap}
    seen: set[tuple[str, bool | None]] = set()
    for _ in range(300):
        answers = _random_answers(rng)
        day = rng.choice(DATES)
        a = assess(answers, day, rank_remedies=False)
        route = a.transfer_route
        assert route is not None
        fired = {base_rule_id(r) for r in a.fired_rules} & route_rules
        seen.add((route.route, route.met))
        if route.met is False:
            assert set(map(base_rule_id, route.gap_rules)) & fired, (day, answers, route)
        if route.met is not False and not route.uncertain:
            assert not fired, (day, route.route, fired)
        if not route.uncertain:
            assert fired <= _gap_rules_of(route.route)
    assert {r for r, _ in seen} == set(LAW.transfer.routes), "every route is reached by some answers"


@pytest.mark.parametrize("day", DATES)
def test_every_route_the_law_allows_on_a_date_is_reachable(day: dt.date) -> None:
    period = next((p for p in LAW.transfer.periods if p.in_force.covers(day)), None)
    allowed = {c.route for c in period.cases} if period else {"not_required"}
    rng = random.Random(day.toordinal())
    reached = {assess(_random_answers(rng), day, rank_remedies=False).transfer_route.route for _ in range(800)}
    assert allowed | {"no_transfer"} <= reached


def test_the_saas_example_needs_the_standard_contract_today_and_the_plan_starts_with_it() -> None:
    file = parse_answers(SAAS.read_bytes())
    a = assess(file.answers, dt.date(2026, 12, 4))
    route = a.transfer_route
    assert route.route == "contract_or_certification" and route.met is False and not route.uncertain
    assert [t.value for t in route.thresholds] == [100000, 10000]
    assert a.plan is not None and "xb_standard_contract" in a.plan.steps[0].measures
    assert {c.id for c in route.citations} >= {"xb.provisions.2024.8", "xb.cert"}
    before = assess(file.answers, dt.date(2025, 12, 31)).transfer_route
    assert "xb.cert" not in {c.id for c in before.citations}, "certification measures cited only from 2026-01-01"


def test_the_json_output_carries_the_route_as_the_card_says_it() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "scoring", "score", str(SAAS), "--as-of", "2026-12-04", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    data = json.loads(out.stdout)["transfer_route"]
    expected = assess(parse_answers(SAAS.read_bytes()).answers, dt.date(2026, 12, 4)).transfer_route.to_dict("en")
    assert data == expected
    assert data["route"] == "contract_or_certification" and data["met"] is False
    assert data["gap_rules"] == ["transfer.no_contract@2024"]
    assert {t["provision"] for t in data["thresholds"]} == {"xb.provisions.2024.8", "xb.provisions.2024.7"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_results_page_shows_the_route_card(lang: str) -> None:
    answers = parse_answers(SAAS.read_bytes()).answers
    day = dt.date(2026, 12, 4)
    route = assess(answers, day).transfer_route
    at = goto_page(start(answers=answers, law_as_of=day, lang=lang), "results")
    assert not at.exception
    titles = [html.unescape(s.value).replace("\\", "") for s in at.subheader]
    assert tr("common", "transfer_title", lang, date="2026-12-04", route=route.label.get(lang)) in titles
    shown = " ".join(m.value for m in at.markdown)
    assert route.reason.get(lang)[:20] in shown.replace("\\", "")
    assert (
        tr("common", "transfer_missing", lang) in " ".join(str(e.proto) for e in at.get("badge"))
        or tr("common", "transfer_missing", lang) in shown
    )


def test_no_card_when_nothing_leaves_china() -> None:
    at = goto_page(start(answers=dict(BASE), law_as_of=dt.date(2026, 12, 4), lang="en"), "results")
    assert not at.exception
    assert not [s for s in at.subheader if s.value.startswith("Your transfer route")]


def test_the_sources_listing_names_the_cross_border_instruments_with_their_marks() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "scoring", "sources", "--as-of", "2026-12-04"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    for instrument in ("xb.provisions.2024", "xb.scc.2023", "xb.cert"):
        title = LAW.instruments[instrument].title["en"]
        assert title in out, title
    line = next(x for x in out.splitlines() if x.startswith("xb.provisions.2024.7 "))
    assert line.endswith(f"[{LAW.provisions['xb.provisions.2024.7'].confidence}]")
    assert next(x for x in out.splitlines() if x.startswith("xb.scc.2023.filing ")).endswith("]")


def test_a_file_with_a_retired_answer_still_opens_and_the_answer_is_set_aside() -> None:
    raw = json.loads(SAAS.read_text(encoding="utf-8"))
    raw["answers"]["cross_border_mechanism"] = True
    raw["notes"] = {"cross_border_mechanism": "old note"}
    file = parse_answers(json.dumps(raw))
    assert "cross_border_mechanism" not in file.answers and "cross_border_mechanism" not in file.notes
    assert assess(raw["answers"], dt.date(2026, 12, 4)).transfer_route.route == "contract_or_certification"


def test_a_retired_question_may_not_be_asked_again(tmp_path: Path) -> None:
    import shutil

    from questions.errors import DataError
    from questions.loader import BANK_DIR, load_bank

    shutil.copytree(BANK_DIR, tmp_path / "bank")
    index = tmp_path / "bank" / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("  cross_border_mechanism:", "  cross_border:"), encoding="utf-8")
    with pytest.raises(DataError, match="is retired but still asked"):
        load_bank(tmp_path / "bank")


def test_the_batch_names_the_same_route_as_the_engine_row_by_row() -> None:
    import pandas as pd

    from scoring.frame import assess_frame

    rng = random.Random(2024)
    for day in DATES:
        rows = [_random_answers(rng) for _ in range(120)]
        got = assess_frame(pd.DataFrame(rows), day)["transfer_route"].tolist()
        assert got == [assess(r, day, rank_remedies=False).transfer_route.route for r in rows], day


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("key", ["pdf", "docx", "md"])
def test_the_report_states_the_route_the_json_and_the_card_state(key: str, lang: str) -> None:
    from dataclasses import replace

    from report.formats import export_format
    from tests.exports import docx_text, markdown_text, pdf_text
    from tests.test_report import squash

    file = replace(parse_answers(SAAS.read_bytes()), lang=lang)
    a = assess(file.answers, dt.date(2026, 12, 4))
    data = export_format(key).build(a, file)
    text = {"pdf": pdf_text, "docx": docx_text, "md": markdown_text}[key](data)
    words = route_words(a.transfer_route, LAW, lang)
    for line in (words.title, words.status, words.in_place):
        assert squash(line) in squash(text), line
    assert squash(a.transfer_route.to_dict(lang)["reason"]) in squash(text)
