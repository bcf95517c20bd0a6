"""Any text a person types into the company or branding name builds a valid report, in every export format of
the registry: never an exception, never a file its reader refuses."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from deliverable.branding import Branding
from questions.answers import AnswerSet
from questions.locales import LOCALES
from report.formats import FORMATS
from scoring.engine import assess
from tests.exports import FORMAT_IDS, assert_valid

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "article-2012-internet-company.json"
# The article's company after taking the article's precautions: few findings, so each report builds fast.
# One assessment serves every example; only the user-typed text changes.
ANSWERS = {
    **json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"],
    "buys_data": False,
    "obtains_from_institution_staff": False,
    "shares_with_third_parties": False,
    "broad_disclosure_clause": False,
    "confidentiality_agreements": True,
    "leak_material_breach_rule": True,
    "staff_training": True,
    "tiered_access": True,
    "query_approval": True,
    "access_log_retention": "six_months_plus",
}
for _hidden in ("purchased_data_kind", "separate_consent_for_sharing", "sharing_anonymised"):
    del ANSWERS[_hidden]
ASSESSMENT = assess(ANSWERS, dt.date(2012, 9, 4))
# Any character, lone surrogates included (hypothesis leaves them out of st.text() by default).
ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]))

HARD = [
    "",
    "   \n\t ",
    "😀🎉 👨‍👩‍👧 🇨🇳",
    "\ud800 lone \udfff surrogates",
    "\x00\x01\x07\x1b[31m\x7f\u200b\u200d\u202e\ufeff",
    "مرحبا بالعالم שלום",
    "ไทย" * 200,
    "\u0301" * 80,
    "𠀀𠀁𪚥 \U000f0000 \ue000",
    "W" * 5000,
    "中" * 1000,
    "{nb} {page} %s %(x)s {0}",
    "<script>alert(1)</script> **b** [x](y) # | `c`",
]


def _valid_pdf(data: bytes) -> int:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
@pytest.mark.parametrize("i", range(len(HARD)))
def test_hard_strings_build(i, fmt):
    text, lang = HARD[i], LOCALES[i % len(LOCALES)]
    data = fmt.build(ASSESSMENT, AnswerSet(ANSWERS, text, lang), Branding(name=text))
    assert_valid(fmt, data)  # a text format is strict UTF-8: no lone surrogate survives into it
    if fmt.key == "pdf":
        assert 4 <= _valid_pdf(data) <= 30


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors])
@given(company=st.text(ANY_CHAR), brand=st.text(ANY_CHAR), lang=st.sampled_from(LOCALES))
def test_any_text_builds_a_valid_file(fmt, company, brand, lang):
    data = fmt.build(ASSESSMENT, AnswerSet(ANSWERS, company, lang), Branding(name=brand))
    assert_valid(fmt, data)
