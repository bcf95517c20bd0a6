"""Every output says how sure each citation is, what each axis's score is, and why a measure lowers
no score, instead of printing "-0 points" (issue 12, points 9 to 11)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from questions.answers import AnswerSet
from questions.locales import LOCALES, style
from scoring.__main__ import main as scoring_main
from scoring.engine import assess
from scoring.text_report import render_text
from tests.exports import PDF, markdown

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
TODAY = dt.date(2026, 12, 1)
MARK = re.compile(r"\[(V|PV|U)\]")


@pytest.fixture(scope="module")
def answers() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]


@pytest.fixture(scope="module")
def today(answers):
    return assess(answers, TODAY)


def _pdf_text(data: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed"
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_every_citation_carries_its_mark_in_text_markdown_and_pdf(today, answers) -> None:
    count = sum(len(f.citations) for f in today.findings)
    for lang in LOCALES:
        text = render_text(today, lang)
        assert len(MARK.findall(text)) >= count  # every finding's citations, V included
        md = markdown(today, AnswerSet(answers, lang=lang))
        assert len(re.findall(r"\\\[(?:V|PV|U)\\\]", md)) >= count
        pdf = _pdf_text(PDF.build(today, AnswerSet(answers, lang=lang)))
        assert len(MARK.findall(pdf)) >= count


def test_json_carries_marks_the_disclaimer_and_the_method_version(today, capsys) -> None:
    assert scoring_main(["score", str(EXAMPLE), "--as-of", TODAY.isoformat(), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method_version"] == today.rules_version and "not legal advice" in data["disclaimer"]
    cited = [c for f in data["findings"] for c in f["citations"]]
    cited += [c for a in data["axes"].values() for e in a["exposure"] for c in e["citations"]]
    cited += [c for r in data["remedies"] for c in r["citations"]]
    assert cited and all(c["confidence"] in ("V", "PV", "U") for c in cited)


def test_the_reputational_score_says_it_is_a_judgement_and_the_criminal_one_whose_it_is(today, answers) -> None:
    rep, crim = today.axes["reputational"].caveat, today.axes["criminal"].caveat
    assert rep is not None and "judgement" in rep["en"] and "判断" in rep["zh"]
    assert crim is not None and "unit" in crim["en"] and "单位" in crim["zh"]
    assert today.to_dict("en")["axes"]["reputational"]["caveat"] == rep["en"]
    for lang in LOCALES:
        assert rep[lang] in render_text(today, lang)
        assert rep[lang].split("：")[0].split(":")[0] in markdown(today, AnswerSet(answers, lang=lang))
        pdf = " ".join(_pdf_text(PDF.build(today, AnswerSet(answers, lang=lang))).split())
        assert " ".join(rep[lang].split())[:20] in pdf


def test_measures_that_lower_no_score_are_still_called_for_with_the_reason(today, answers) -> None:
    zero = [m for m in today.remedies if not m.lowers_a_score]
    assert zero, "the example has measures whose effect the scores do not show"
    assert all(m.unchanged_because in ("past", "outweighed") for m in zero)
    text = render_text(today, "en")
    assert "Still called for" in text and "-0 points" not in text
    # Issue 21: in the reports, these measures are steps of the plan (several together lower a score); only
    # those in no step are "still called for", each reason said once.
    pdf = " ".join(_pdf_text(PDF.build(today, AnswerSet(answers))).split())
    assert today.plan is not None and "0 points" not in pdf
    assert ("Still called for" in pdf) == bool(today.plan.still_called_for)
    for m in zero:
        assert m.title["en"][:30] in pdf
    md = markdown(today, AnswerSet(answers, lang="zh"))
    assert "优先行动" in md and ("仍应采取的措施" in md) == bool(today.plan.still_called_for)


def test_chinese_amounts_use_wan_and_yi() -> None:
    zh = style("zh")
    assert zh.money(500_000_000) == "5亿元" and zh.money(50_000_000) == "5000万元" and zh.money(1_000_000) == "100万元"
    assert style("en").money(50_000_000) == "RMB 50,000,000"
    assert zh.money(15_000) == "1.5万元"  # the 1997 Measures' unit fine, as Chinese texts write it


def test_an_announcement_is_issued_not_brought_into_force() -> None:
    from scoring.loader import default_law
    from scoring.plan import citation

    c = citation(default_law(), "cac.2025.officer_report", TODAY)
    assert c.kind == "announcement"
    assert "2025-07-18发布" in c.label("zh") and "施行" not in c.label("zh")
    assert "issued 2025-07-18" in c.label("en") and "in force" not in c.label("en")


def test_the_results_page_marks_every_citation_and_says_what_each_score_is(answers) -> None:
    from streamlit.testing.v1 import AppTest

    from scoring.loader import default_law
    from scoring.plan import citation
    from tests.test_app_flow import goto_page
    from ui.citations import citation_markdown as _citation

    verified = citation(default_law(), "pipl.66", TODAY)
    assert verified.confidence == "V" and ":gray-badge[verified \\(V\\)]" in _citation(verified, "en")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in {"answers": dict(answers), "law_as_of": TODAY, "started": True}.items():
        at.session_state[key] = value
    at.run()
    at = goto_page(at, "results")
    assert not at.exception
    # Each card's caveat sits behind its "why" toggle (issue 21): open them.
    assert [e.label for e in at.expander].count("Why this score") == 2
    at.session_state["why__criminal"] = True
    at.session_state["why__reputational"] = True
    at.run()
    # ui.present.md escapes Markdown with backslashes and writes a colon as its HTML entity (no :emoji: or :color[]).
    said = " ".join(m.value.replace("\\", "").replace("&#58;", ":") for m in [*at.markdown, *at.caption, *at.subheader])
    today = assess(answers, TODAY)
    assert today.axes["reputational"].caveat["en"] in said  # a judgement, not a legal finding
    assert today.axes["criminal"].caveat["en"] in said  # whose exposure
    assert today.plan is not None
    assert ("Still called for" in said) == bool(today.plan.still_called_for)  # measures that lower nothing, even together
    titles = {m.remedy: m.title["en"] for m in today.remedies}
    for m in today.plan.still_called_for:
        assert titles[m] in said
    assert not [c for c in at.checkbox if c.key and any(c.key == f"remedy__{m}" for m in today.plan.still_called_for)]
