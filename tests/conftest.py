"""Shared fixtures: the shipped law and bank, and the article's example answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def law():
    from scoring.loader import default_law

    return default_law()


@pytest.fixture(scope="session")
def bank(law):
    return law.bank


@pytest.fixture()
def article_answers() -> dict:
    return json.loads((EXAMPLES / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
