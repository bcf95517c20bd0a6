"""The remote workshop's load bench (bench/bench_workshop.py) with 3 respondents, on SQLite and PostgreSQL.

A real app server on loopback and three respondents answering through their links at once, over
Streamlit's own protocol; the consultant changes one respondent's answer while their page is open.
Asserted: no answer lost (what each gave equals what the store holds), every refused save said on the
page, the consultant's change surfaced as one conflict, no crash, everyone submitted. No timing is
asserted: speed is the bench's business. The PostgreSQL side uses tests/store's throwaway server: it
skips without PostgreSQL on a developer's machine and fails when CI is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import bench_workshop as bench
from tests.store import conftest as store_fixtures

pg_server = store_fixtures.pg_server
SECTIONS = ["profile", "data"]  # about 14 questions shown: short, and a multi-choice question among them


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database (the bench migrates it): a SQLite file, or a database on the throwaway server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workshop.db'}"
    return request.getfixturevalue("pg_server").create_database()


def test_three_respondents_at_once_lose_nothing_and_every_refusal_is_said(database_url: str) -> None:
    figures = bench.run_backend(database_url, 3, sections=SECTIONS, baseline=False, deadline=540)
    together: dict[str, Any] = figures["together"]
    assert bench.problems(together) == []
    assert together["respondents"] == 3 and together["answers_given"] >= 3 * 10
    assert together["lost_answers"] == 0
    # Respondent 0 had one answer changed by the consultant: exactly one conflict, said on their page,
    # which then showed the consultant's answer; no other save was refused.
    assert together["consultant_changes"] == 1
    assert together["conflicts_surfaced"] == 1 and together["refused_saves"] == 1
    assert together["stale_after_conflict"] == 0
    assert together["saves"] == together["answers_given"]  # each question saved once (the refused one on its retry)


def test_the_comparison_catches_a_lost_a_changed_and_an_unasked_for_answer() -> None:
    given = {"company_sector": "finance", "consumer_facing": True, "data_kinds": ["health"]}
    assert bench.lost_answers(given, dict(given)) == []
    assert bench.lost_answers(given, {"company_sector": "finance", "consumer_facing": True}) == ["data_kinds"]
    assert bench.lost_answers(given, {**given, "consumer_facing": False}) == ["consumer_facing"]
    assert bench.lost_answers(given, {**given, "listed_company": False}) == ["listed_company"]


def test_the_checks_flag_a_silent_conflict_a_crash_and_a_respondent_who_could_not_submit() -> None:
    clean = {
        "errors": [],
        "exceptions": [],
        "lost_answers": 0,
        "lost_detail": {},
        "not_submitted": 0,
        "not_submitted_in_store": 0,
        "conflicts_surfaced": 1,
        "consultant_changes": 1,
        "stale_after_conflict": 0,
    }
    assert bench.problems(clean) == []
    for change in (
        {"conflicts_surfaced": 0},  # the consultant's change was refused without a word
        {"lost_answers": 1, "lost_detail": {"0": ["consumer_facing"]}},
        {"exceptions": ["KeyError: 'x'"]},
        {"not_submitted_in_store": 1},
        {"stale_after_conflict": 1},
        {"errors": ["2: TimeoutError"]},
    ):
        assert len(bench.problems({**clean, **change})) == 1, change
