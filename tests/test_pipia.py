"""The PIPIA report (report/pipia.py, the `pipia` template of the export registry): every section in both
languages, the transfer route as decided (or not assessed), the blanks marked, user text shown literally, the
command line, the Results page's downloads and the workspace's."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

from deliverable.branding import Branding
from questions.answers import AnswerSet
from questions.locales import LOCALES
from questions.model import Text
from questions.strings import load_strings, tr
from report.__main__ import main
from report.formats import TEMPLATES, downloads, export_format, report_template
from report.pipia import BASIS, TRANSFER_BASIS, build_pipia
from scoring.assessment import Assessment, Threshold, TransferRoute
from scoring.engine import assess
from scoring.loader import default_law
from scoring.plan import citation
from tests.exports import assert_valid, markdown_text, seen_text
from tests.test_injection import COMPANY, PAYLOADS, _rendered_is_inert
from tests.test_report import squash
from tests.test_report_cli import run_cli
from tests.test_report_unicode import HARD
from tests.test_workspace_app import clock, db, open_on, password_hash, seeded, unlocked  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]
LAW = default_law()
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
PIPIA = report_template("pipia")
FORMATS = tuple(export_format(k) for k in PIPIA.formats)
SECTIONS = ("scope", "purposes", "data", "recipients", "risks", "measures", "transfer", "conclusion", "sources")
BLANK_MARK = {"en": "[To complete:", "zh": "【待填写："}
DAY = dt.date(2026, 11, 29)


def example(path: Path) -> tuple[Assessment, dict[str, Any], str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return assess(data["answers"], dt.date.fromisoformat(data["law_as_of"])), data["answers"], data.get("company", "")


def pipia_md(assessment: Assessment, answer_set: AnswerSet, **kwargs: Any) -> str:
    """The PIPIA in Markdown, as a reader of the rendered page sees it."""
    return markdown_text(export_format("md").build(assessment, answer_set, template="pipia", **kwargs))


def p(key: str, lang: str, **values: object) -> str:
    return tr("pipia", key, lang, **values)


def route(kind: str, *, met: bool | None = False, uncertain: bool = False) -> TransferRoute:
    """A transfer route as the route decision (scoring/transfer.py) would give it, built by hand."""
    return TransferRoute(
        as_of=DAY,
        route=kind,
        label=Text(en=f"Route {kind} label", zh=f"路径 {kind} 名称"),
        reason=Text(en=f"Because of {kind}", zh=f"因为 {kind}"),
        in_place=("standard_contract",) if met else (),
        in_place_labels=(Text(en="Standard contract signed and filed", zh="已签订并备案标准合同"),) if met else (),
        met=met,
        uncertain=uncertain,
        unknowns=("xb_people_this_year",) if uncertain else (),
        thresholds=(Threshold("pipl.38-40", "people_min", 100000, "PV", Text(en="People abroad this year", zh="本年出境人数")),),
        citations=(citation(LAW, "pipl.38-40", DAY),),
        gap_rules=(),
    )


@pytest.fixture(scope="module")
def healthtech() -> tuple[Assessment, dict[str, Any], str]:
    return example(ROOT / "examples" / "healthtech-startup-2026.json")


# -- content -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_section_is_there_in_both_languages_for_each_example(path: Path) -> None:
    assessment, answers, company = example(path)
    for lang in LOCALES:
        content = build_pipia(assessment, AnswerSet(answers, company, lang), law=LAW)
        assert [s.key for s in content.sections] == list(SECTIONS)
        assert content.document_title() == p("doc_title", lang)
        text = pipia_md(assessment, AnswerSet(answers, company, lang))
        for n, key in enumerate(SECTIONS, 1):
            assert p("section_title", lang, n=n, title=p(f"{key}_title", lang)) in text, (lang, key)
        assert text.count(BLANK_MARK[lang]) >= 2 * 10  # each blank in its section, and again in the conclusion's list
        other = BLANK_MARK["zh" if lang == "en" else "en"]
        assert other not in text  # one language only
        if LAW.resolve("pipl.55-56", assessment.law_as_of) is not None:  # cited through the law
            assert {"en": "Arts 55–56", "zh": "第五十五条、第五十六条"}[lang] in text
        else:  # before PIPL: no provision requires it
            assert p("scope_no_basis", lang, as_of=assessment.law_as_of.isoformat()) in text


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.key for f in FORMATS])
def test_each_writer_prints_the_sections_and_the_blanks(fmt, healthtech) -> None:
    assessment, answers, company = healthtech
    for lang in LOCALES:
        seen = squash(seen_text(fmt, fmt.build(assessment, AnswerSet(answers, company, lang), template="pipia")))
        assert squash(p("doc_title", lang)) in seen
        for key in SECTIONS:
            assert squash(p(f"{key}_title", lang)) in seen, (fmt.key, lang, key)
        assert squash(p("blank", lang, what=p("blank_approval", lang))) in seen
        assert squash(tr("report", "sec_findings", lang)) not in seen  # the report's own sections are not printed


def test_the_answers_the_sections_rest_on_are_in_words_and_the_findings_and_plan_fill_the_risks_and_measures(healthtech):
    assessment, answers, company = healthtech
    content = build_pipia(assessment, AnswerSet(answers, company, "en", notes={"people_count": "Counted in May"}), law=LAW)
    data = next(s for s in content.sections if s.key == "data")
    rows = dict(data.blocks[0].table.rows)  # type: ignore[union-attr]
    assert (
        rows[LAW.bank.questions["people_count"].text["en"]] == "100,000 to 1 million people (Consultant's note: Counted in May)"
    )
    risks = next(s for s in content.sections if s.key == "risks")
    assert [i.split(" · ", 1)[1] for i in risks.blocks[0].items] == [f.title["en"] for f in assessment.findings]
    measures = next(s for s in content.sections if s.key == "measures")
    missing = next(b for b in measures.blocks if b.key == "missing")
    assert assessment.plan is not None and missing.items
    first = LAW.remedies[assessment.plan.steps[0].measures[0]].title["en"]
    assert missing.items[0].startswith(f"Step 1: {first}.")


def test_a_question_the_bank_lacks_is_said_not_answered_and_nothing_fails(healthtech):
    assessment, answers, company = healthtech
    text = pipia_md(assessment, AnswerSet(answers, company, "en"))
    for question, what in (("xb_purposes", "purposes_what"), ("xb_recipients", "recipients_what")):
        line = p("questions_missing", "en", what=p(what, "en"))
        assert (line in text) == (question not in LAW.bank.questions)


def test_only_provisions_the_law_holds_are_cited(healthtech):
    assessment, answers, company = healthtech
    content = build_pipia(assessment, AnswerSet(answers, company, "en"), law=LAW)
    basis = next(s for s in content.sections if s.key == "scope").blocks[0].items
    held = [c for c in BASIS + TRANSFER_BASIS if LAW.resolve(c, assessment.law_as_of) is not None]
    assert "pipl.55-56" in held and len(basis) == len(held)  # a missing id (xb.scc.2023.pipia before it lands) is left out
    staying = dataclasses.replace(assessment, transfer_route=route("no_transfer", met=None))
    content = build_pipia(staying, AnswerSet(answers, company, "en"), law=LAW)
    assert len(next(s for s in content.sections if s.key == "scope").blocks[0].items) == 1  # no transfer: PIPL alone


# -- the transfer route ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "met"), [("assessment", False), ("contract_or_certification", True), ("exempt", None)], ids=str)
def test_the_route_section_shows_a_decided_route(kind: str, met: bool | None, healthtech) -> None:
    assessment, answers, company = healthtech
    decided = dataclasses.replace(assessment, transfer_route=route(kind, met=met, uncertain=kind == "assessment"))
    for lang in LOCALES:
        text = pipia_md(decided, AnswerSet(answers, company, lang))
        start = text.rindex(p("transfer_title", lang))  # the section, not its line in the contents
        section = text[start : text.index(p("conclusion_title", lang), start)]
        assert decided.transfer_route is not None
        assert decided.transfer_route.label[lang] in section and decided.transfer_route.reason[lang] in section
        assert p("transfer_required", lang, date=DAY.isoformat()) in section
        in_place = "Standard contract signed and filed" if lang == "en" else "已签订并备案标准合同"
        assert (in_place in section) == bool(met)
        answer = {True: "transfer_met_yes", False: "transfer_met_no", None: "transfer_met_nothing_needed"}[met]
        assert p(answer, lang) in section
        assert (p("transfer_uncertain", lang) in section) == (kind == "assessment")
        assert "100,000" in section and ("People abroad this year" if lang == "en" else "本年出境人数") in section
        assert citation(LAW, "pipl.38-40", DAY).label(lang) in section
        assert p("blank", lang, what=p("blank_recipient_law", lang)) in text  # the recipient country's law, to write


def test_without_a_route_decision_the_route_section_says_none_was_assessed(healthtech):
    assessment, answers, company = healthtech
    undecided = dataclasses.replace(assessment, transfer_route=None)
    for lang in LOCALES:
        text = pipia_md(undecided, AnswerSet(answers, company, lang))
        assert p("transfer_none", lang) in text
        assert p("blank", lang, what=p("blank_recipient_ability", lang)) in text  # cross_border is answered yes


def test_no_transfer_leaves_out_the_recipient_abroad_blanks(healthtech):
    assessment, answers, company = healthtech
    staying = dataclasses.replace(assessment, transfer_route=route("no_transfer", met=None))
    text = pipia_md(staying, AnswerSet(answers, company, "en"))
    assert p("transfer_no_transfer", "en") in text
    assert p("blank_recipient_ability", "en") not in text and p("risks_transfer", "en") not in text


# -- user text, white label -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.key for f in FORMATS])
def test_user_text_is_shown_literally_in_every_format(fmt, article_answers) -> None:
    result = assess(article_answers, DAY)
    notes = {"data_categories": COMPANY}
    for lang in LOCALES:
        data = fmt.build(result, AnswerSet(article_answers, COMPANY, lang, notes=notes), Branding(name=COMPANY), template="pipia")
        seen = squash(seen_text(fmt, data))
        for payload in PAYLOADS:
            assert squash(payload) in seen, (fmt.key, lang, payload)
            assert seen.count(squash(payload)) >= 3  # the company, the consultancy and the note
        if fmt.key == "md":
            _rendered_is_inert(data.decode("utf-8"))


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.key for f in FORMATS])
def test_any_typed_text_builds_a_valid_file(fmt, healthtech) -> None:
    """The company, a note and the consultancy's name: lone surrogates, controls, right-to-left, very long."""
    assessment, answers, _ = healthtech
    for i, text in enumerate(HARD):
        lang = LOCALES[i % len(LOCALES)]
        answer_set = AnswerSet(answers, text, lang, notes={"people_count": text} if text.strip() else {})
        assert_valid(fmt, fmt.build(assessment, answer_set, Branding(name=text), template="pipia"))


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.key for f in FORMATS])
def test_white_label_names_no_tool_and_puts_the_consultancy_on_the_cover(fmt, healthtech) -> None:
    assessment, answers, company = healthtech
    white = Branding(name="Harbour Advisory", white_label=True)
    for lang in LOCALES:
        seen = seen_text(fmt, fmt.build(assessment, AnswerSet(answers, company, lang), white, template="pipia"))
        assert "pirisk" not in seen.lower()
        assert "Harbour Advisory" in seen
    assert "pirisk" in seen_text(fmt, fmt.build(assessment, AnswerSet(answers, company, "en"), template="pipia")).lower()


# -- strings -----------------------------------------------------------------------------------------------------


def test_every_pipia_string_is_used_and_has_every_language_with_the_same_placeholders() -> None:
    strings = load_strings("pipia")
    source = (ROOT / "report" / "pipia.py").read_text(encoding="utf-8")
    literals = {n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    used = literals | {f"{key}_title" for key in SECTIONS}  # section titles are looked up by the section's key
    assert set(strings) - used == set(), "strings in assets/locale/pipia.yaml that report/pipia.py does not use"
    for key, text in strings.items():
        assert all(text.get(lang).strip() for lang in LOCALES), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(text.get(lang)) if f} for lang in LOCALES]
        assert all(f == fields[0] for f in fields), key


def test_every_download_label_is_in_both_languages() -> None:
    for workspace, surface in ((False, "ui"), (True, "workspace")):
        strings = load_strings(surface)
        offered = {t.key: [label for _, label in row] for t, row in downloads(workspace=workspace)}
        assert len(offered["pipia"]) == len(PIPIA.formats)
        for labels in offered.values():
            for label in labels:
                assert label in strings and all(strings[label].get(lang).strip() for lang in LOCALES), label


def test_the_workbook_is_no_pipia_format(healthtech) -> None:
    assessment, answers, company = healthtech
    assert [t.key for t in TEMPLATES] == ["report", "pipia"]
    with pytest.raises(ValueError, match="no xlsx format"):
        export_format("xlsx").build(assessment, AnswerSet(answers, company, "en"), template="pipia")


# -- the command line ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".md"])
def test_the_cli_writes_the_pipia(tmp_path, suffix: str) -> None:
    out = tmp_path / f"pipia{suffix}"
    assert main([str(EXAMPLES[0]), "--template", "pipia", "-o", str(out), "--lang", "zh"]) == 0
    fmt = export_format({".docx": "docx", ".pdf": "pdf", ".md": "md"}[suffix])
    seen = squash(seen_text(fmt, out.read_bytes()))
    assert squash(p("doc_title", "zh")) in seen and squash(p("conclusion_title", "zh")) in seen


def test_the_cli_refuses_a_bad_template_and_the_workbook_with_one_line(tmp_path) -> None:
    bad = run_cli(str(EXAMPLES[0]), "--template", "dpia", "-o", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "dpia" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
    assert main([str(EXAMPLES[0]), "--template", "pipia", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert not (tmp_path / "x.xlsx").exists()


# -- the pages ---------------------------------------------------------------------------------------------------


def test_the_results_page_offers_the_pipia(article_answers) -> None:
    from tests.test_app_flow import goto_page, start

    at = goto_page(start(answers=dict(article_answers), law_as_of=DAY), "results")
    assert not at.exception
    buttons = {d.key: d for d in at.get("download_button")}
    (labels,) = [[label for _, label in row] for t, row in downloads(workspace=False) if t.key == "pipia"]
    assert labels == ["download_pdf_pipia", "download_docx_pipia", "download_markdown_pipia"]
    assert set(labels) <= set(buttons)
    assert {"download_pdf", "download_answers"} <= set(buttons)  # the report's stay


def test_the_workspace_makes_the_pipia_of_any_assessment_white_labelled(db: Any) -> None:  # noqa: F811 (fixture)
    from tests.test_app_flow import article_answers
    from ui.workspace.assessments import report_file

    saved = seeded(db, article_answers(), day=dt.date(2026, 12, 1))
    at = open_on(unlocked(), saved.id, "assessment")
    assert not at.exception
    keys = {d.key for d in at.get("download_button")}
    assert {"ws_download_pdf_pipia", "ws_download_docx_pipia", "ws_download_markdown_pipia", "ws_download_pdf"} <= keys
    white = Branding(name="Harbour Advisory", white_label=True)
    md = report_file(saved, white, export_format("md"), template="pipia").decode("utf-8")
    assert re.search(r"^# Personal information protection impact assessment report$", md, re.M)
    assert "Harbour Advisory" in md and "Acme" in md  # the consultancy's kicker and the client on the cover
    assert "pirisk" not in md.lower()
    assert p("blank", "en", what=p("blank_conclusion", "en")).replace("[", "\\[").replace("]", "\\]") in md


def test_the_template_names_only_provisions_and_questions_the_data_holds() -> None:
    """assets/pipia_template.yaml: a misspelt or removed id would drop a row or a citation unnoticed."""
    from report.pipia import DATA_QUESTIONS, MEASURE_QUESTIONS, PURPOSE_QUESTIONS, RECIPIENT_QUESTIONS

    for cite in BASIS + TRANSFER_BASIS:
        assert LAW.versions(cite), cite
    for qid in PURPOSE_QUESTIONS + DATA_QUESTIONS + RECIPIENT_QUESTIONS + MEASURE_QUESTIONS:
        assert qid in LAW.bank.questions, qid
