"""The consultant's deliverable (issue 13), read back as a reader would: the PDF through poppler's pdftotext,
the Word file through python-docx, the Markdown as text. Every new part in both languages: the cover, the
notes beside their questions, the workshop appendix, the tracked actions, the comparison and projection, the
trace, no internal ids in client-facing pages, and the "also required by law" grouping."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from deliverable.actions import ActionInput, projected, status_label
from deliverable.branding import Branding
from deliverable.extras import ReportExtras, RespondentInput, WorkshopInput, article_comparison, assessment_comparison
from questions.answers import AnswerSet
from questions.locales import LOCALES
from questions.strings import tr
from report.content import build_content
from report.formats import FORMATS, export_format, file_name
from report.markdown import md_escape
from report.word import EAST_ASIAN_FONT, word_text
from scoring.axes import AXES, level
from scoring.engine import assess
from scoring.loader import default_law
from tests.exports import DOCX, FORMAT_IDS, PDF, docx_text, markdown
from tests.test_report import pdftotext as pdf_text
from tests.test_report import poppler, squash, without_contents

ALSO = {lang: tr("common", "also_required_title", lang) for lang in LOCALES}  # "Still called for"
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
DAY = dt.date(2026, 12, 1)
CLIENT, TITLE, BRAND = "Example Internet Co.", "Annual review 2026", "Acme Advisory 咨询"
PEOPLE = (("Li Wei", "CTO"), ("Zhang Min", "Legal"), ("Wang Fang", "HR"))


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]


def notes_for(answers: dict[str, Any]) -> dict[str, str]:
    """20 notes, each naming its question, with one that a formula, Markdown or Word would run."""
    notes = {q: f"Note {i}: confirmed with {PEOPLE[i % 3][0]} on site" for i, q in enumerate(list(answers)[:20])}
    notes[next(iter(answers))] = '=HYPERLINK("x") <b>bold</b> {PAGE} checked'
    return notes


def workshop_for(answers: dict[str, Any]) -> WorkshopInput:
    asked = list(answers)[:12]
    respondents = []
    for n, (name, role) in enumerate(PEOPLE):
        given = dict.fromkeys(asked)
        for q in asked:
            given[q] = answers[q]
        if n == 2:  # HR did not know two things the others did
            given["consumer_facing"] = "unknown"
            given["listed_company"] = "unknown"
        respondents.append(RespondentInput(name, role, given))
    return WorkshopInput(tuple(respondents), ("consumer_facing", "listed_company"))


@pytest.fixture(scope="module")
def case(answers) -> dict[str, Any]:
    """The article example with three respondents, 20 notes, four actions (one in each status) and a
    previous assessment to compare with, assessed as of 2026-12-01."""
    a = assess(answers, DAY)
    previous_answers = dict(answers, buys_data=False)
    previous_answers.pop("purchased_data_kind", None)
    previous = assess(previous_answers, dt.date(2025, 6, 1))
    statuses = ("planned", "in_progress", "done", "not_doing")
    actions = tuple(
        ActionInput(
            r.remedy,
            owner=f"{PEOPLE[i % 3][0]} ({r.remedy[:5]})",
            due=dt.date(2027, 1 + i, 1),
            status=s,
            reason="Budget is frozen until Q3" if s == "not_doing" else "",
            evidence=f"Evidence {i}: policy v{i + 2} signed",
        )
        for i, (r, s) in enumerate(zip(a.remedies, statuses, strict=False))
    )
    return {"assessment": a, "answers": answers, "previous": previous, "previous_answers": previous_answers, "actions": actions}


def extras_for(case: dict[str, Any], lang: str, **kw: Any) -> ReportExtras:
    return ReportExtras(
        client=CLIENT,
        title=TITLE,
        workshop=workshop_for(case["answers"]),
        actions=case["actions"],
        **kw,
    )


@pytest.fixture(scope="module")
def built(case) -> dict[str, dict[str, Any]]:
    """Each language's full report with every appendix, as PDF, Word and Markdown, and its content."""
    out = {}
    for lang in LOCALES:
        answer_set = AnswerSet(case["answers"], "", lang, DAY, notes_for(case["answers"]))
        comparison = assessment_comparison("Review 2025", dt.date(2025, 6, 1), case["previous"], case["previous_answers"], lang)
        extras = extras_for(case, lang, comparison=comparison, projected=True, trace=True)
        a, branding = case["assessment"], Branding(name=BRAND)
        pdf = PDF.build(a, answer_set, branding, assessed_on=DAY, extras=extras)
        docx = DOCX.build(a, answer_set, branding, assessed_on=DAY, extras=extras)
        out[lang] = {
            "content": build_content(a, answer_set, assessed_on=DAY, branding=branding, extras=extras),
            "pdf": pdf,
            "pdf_text": without_contents(pdf_text(pdf)),
            "docx": docx,
            "docx_text": docx_text(docx),
            "md": markdown(a, answer_set, branding, assessed_on=DAY, extras=extras),
            "answer_set": answer_set,
        }
    return out


# -- the cover ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
def test_the_cover_names_the_client_title_consultancy_law_date_and_respondents(built, lang) -> None:
    b = built[lang]
    cover = squash(pdf_text(b["pdf"], 1))
    for value in (CLIENT, TITLE, BRAND, DAY.isoformat(), *(f"{n}" for n, _ in PEOPLE), *(r for _, r in PEOPLE)):
        assert squash(value) in cover, value
    assert squash(tr("report", "cover_respondents", lang)) in cover
    assert squash(tr("report", "company_unnamed", lang)) not in cover  # no company typed: the client's name
    assert squash(tr("report", "cover_kicker", lang)) not in cover  # not "pirisk self-assessment"
    word_cover = b["docx_text"].split(tr("report", "sec_summary", lang))[0]
    for value in (CLIENT, TITLE, BRAND, DAY.isoformat(), *(n for n, _ in PEOPLE)):
        assert value in word_cover, value
    md_cover = b["md"].split("## ")[0]
    for value in (CLIENT, TITLE, BRAND, *(n for n, _ in PEOPLE)):
        assert md_escape(value) in md_cover, value


def test_a_founders_report_keeps_its_cover(case) -> None:
    a = case["assessment"]
    cover = squash(pdf_text(PDF.build(a, AnswerSet(case["answers"], "", "en")), 1))
    assert "piriskself-assessment" in cover
    assert "Companynotnamed" in cover and "Respondents" not in cover and "Client" not in cover
    plan = squash(pdf_text(PDF.build(a, AnswerSet(case["answers"], "Founder Ltd", "en"))))
    # Issue 21: the plan's steps, with owner and due to fill in (no "Action plan" section without tracked actions)
    assert "Whattodofirst" in plan and "OwnerDuedate" in plan
    assert "Trackedactions" not in plan and "AppendixC" not in plan and "Actionplan" not in plan


def test_file_names_come_from_client_title_date_and_language() -> None:
    pdf, docx = export_format("pdf"), export_format("docx")
    assert file_name(pdf, DAY, "en", CLIENT, TITLE) == "Example-Internet-Co-Annual-review-2026-2026-12-01-en.pdf"
    assert file_name(docx, DAY, "zh", "示例互联网公司", "2026/年度 评估") == "示例互联网公司-2026-年度-评估-2026-12-01-zh.docx"
    assert file_name(pdf, DAY, "en", "../../etc", "<>:|?*") == "etc-2026-12-01-en.pdf"
    assert file_name(pdf, DAY, "en") == "pirisk-report-2026-12-01-en.pdf"
    # A long title is cut after a whole word, never in the middle of one (issue 22, item 8).
    long = "Personal information protection compliance review"
    assert file_name(pdf, DAY, "en", long) == "Personal-information-protection-2026-12-01-en.pdf"
    assert file_name(pdf, DAY, "en", "x" * 50) == "x" * 40 + "-2026-12-01-en.pdf"
    assert {f.key for f in FORMATS} >= {"pdf", "docx", "md"}


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_every_format_names_its_file_the_same_way(fmt) -> None:
    assert file_name(fmt, DAY, "zh", CLIENT, "../<b>") == f"Example-Internet-Co-b-2026-12-01-zh{fmt.suffix}"
    assert file_name(fmt, DAY, "en") == f"pirisk-report-2026-12-01-en{fmt.suffix}"


# -- notes, workshop, actions --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
def test_notes_stand_beside_their_questions(built, lang) -> None:
    b = built[lang]
    appendix = squash(b["pdf_text"].split(tr("report", "sec_answers", lang))[1])
    questions = {r.question_id: r.question for s in b["content"].answers for r in s.rows}
    for qid, note in b["answer_set"].notes.items():
        line = squash(tr("report", "note_line", lang, note=note))
        at = appendix.find(line)
        assert at >= 0, qid
        question = squash(questions[qid])
        assert 0 <= appendix.rfind(question, 0, at) > at - len(question) - 400, qid  # right after its question
        assert tr("report", "note_line", lang, note=note) in b["docx_text"]
        assert md_escape(tr("report", "note_line", lang, note=note)) in b["md"]


@pytest.mark.parametrize("lang", LOCALES)
def test_the_workshop_appendix_shows_each_respondent_the_disagreements_and_the_agreed_answer(built, lang, case) -> None:
    b = built[lang]
    text = b["pdf_text"]
    title = tr(
        "report",
        "appendix_title",
        lang,
        letter=tr("report", "appendix_letters", lang).split()[0],
        title=tr("report", "workshop_title", lang),
    )
    assert squash(title) in squash(text)
    appendix = squash(text.split(title.split("：")[-1].split(": ")[-1])[-1])
    for name, role in PEOPLE:
        assert squash(name) in appendix and squash(role) in appendix
    assert squash(tr("report", "workshop_disputed", lang, n=2)) in appendix
    law = case["assessment"]
    from scoring.loader import default_law

    questions = default_law().bank.questions
    for qid in ("consumer_facing", "listed_company"):
        agreed = tr("common", "answer_yes" if case["answers"][qid] else "answer_no", lang)
        line = tr("report", "workshop_disputed_line", lang, question=questions[qid].text.get(lang), agreed=agreed)
        assert squash(line) in appendix, qid
        assert line in b["docx_text"] and md_escape(line) in b["md"]
    unknown = squash(tr("report", "answer_unknown_scored", lang, answer=tr("common", "answer_unknown", lang)))
    assert unknown in appendix  # what HR answered, as words
    assert law.law_as_of == DAY


@pytest.mark.parametrize("lang", LOCALES)
def test_tracked_actions_appear_with_owner_due_status_and_evidence(built, lang, case) -> None:
    b = built[lang]
    plan = squash(b["pdf_text"].split(tr("report", "sec_answers", lang))[0])
    for a in case["actions"]:
        for value in (a.owner, a.due.isoformat(), a.evidence, status_label(a.status, lang)):
            assert squash(value) in plan, value
            assert value in b["docx_text"] and md_escape(value) in b["md"]
    assert squash("Budget is frozen until Q3") in plan


# -- appendices --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
def test_the_comparison_and_projection_appendices(built, lang, case) -> None:
    b = built[lang]
    text = squash(b["pdf_text"])
    assert squash(tr("report", "comparison_other_label", lang, title="Review 2025", date="2025-06-01")) in text
    from scoring.loader import default_law

    buys = default_law().bank.questions["buys_data"].text.get(lang)
    assert squash(buys) in text.split(squash(tr("report", "comparison_title", lang)))[-1]  # the question in full
    then = projected(case["assessment"], case["actions"])
    counted = [a for a in case["actions"] if a.status != "not_doing"]
    projection = text.split(squash(tr("report", "projected_scores", lang)))[-1]
    for axis in AXES:
        now, after = case["assessment"].axes[axis.key], then.axes[axis.key]
        cell = tr("report", "level_score", lang, level=level(after.level).label.get(lang), score=after.score)
        assert squash(cell) in projection
        assert now.score >= after.score
    assert squash(tr("report", "projected_actions", lang, n=len(counted))) in text


def test_the_2012_comparison_says_only_the_law_differs(case) -> None:
    a = case["assessment"]
    extras = ReportExtras(comparison=article_comparison(a, "en"))
    text = squash(pdf_text(PDF.build(a, AnswerSet(case["answers"]), extras=extras)))
    assert squash("The answers are the same; only the law applied differs.") in text
    assert squash("2012-09-04") in text


# -- no internal ids where the client reads ----------------------------------------------------------------


def _ids(case) -> set[str]:
    a = case["assessment"]
    rules = {f.rule for f in a.findings} | {f.rule.split("@")[0] for f in a.findings}
    return rules | {c.id for c in a.citations() if "." in c.id} | {r.remedy for r in a.remedies}


@pytest.mark.parametrize("lang", LOCALES)
def test_no_rule_or_provision_ids_in_client_facing_pages(built, lang, case) -> None:
    b = built[lang]
    trace_title = next(x.title for x in b["content"].appendices if x.key == "trace")
    pages = b["pdf_text"].split("\f")
    first_trace = next(i for i, p in enumerate(pages) if squash(trace_title) in squash(p))
    facing = "\f".join(pages[:first_trace])
    assert "@20" not in facing
    # The sources' "not modelled" notes are legal data (scoring/sources) and may name another source's id.
    for s in b["content"].sources:
        if s.not_modelled:
            facing = re.sub(r"\s*".join(map(re.escape, squash(s.not_modelled))), "", facing)
    words = set(re.findall(r"[\w.@-]+", facing))
    assert not _ids(case) & words, sorted(_ids(case) & words)[:5]
    trace = "".join(pages[first_trace:])
    assert "@20" in trace and all(f.rule in squash(trace) for f in case["assessment"].findings)
    notes = [s.not_modelled for s in b["content"].sources if s.not_modelled]
    for text in (b["docx_text"].split(trace_title)[0], b["md"].split(md_escape(trace_title))[0].replace("\\", "")):
        assert "@20" not in text
        for note in notes:
            text = text.replace(note, "")
        assert not _ids(case) & set(re.findall(r"[\w.@-]+", text))


def test_without_the_trace_no_id_at_all(case) -> None:
    a = case["assessment"]
    for lang in LOCALES:
        answer_set = AnswerSet(case["answers"], "Acme", lang)
        text = pdf_text(PDF.build(a, answer_set))
        assert "@20" not in text and "@20" not in markdown(a, answer_set)
        assert "@20" not in docx_text(DOCX.build(a, answer_set))


@pytest.mark.parametrize("lang", LOCALES)
def test_measures_in_no_step_of_the_plan_are_still_called_for_with_the_reason_said_once(lang) -> None:
    """Issue 21 (replacing "also required by law", each measure with the same sentence): the measures that lower
    no score even together are listed once under "Still called for", and each reason is said once for them all."""
    answers = json.loads((ROOT / "examples" / "healthtech-startup-2026.json").read_text(encoding="utf-8"))["answers"]
    a = assess(answers, dt.date(2022, 1, 1))
    assert a.plan is not None and len(a.plan.still_called_for) >= 2
    answer_set = AnswerSet(answers, "", lang)
    c = build_content(a, answer_set)
    assert c.plan is not None and c.plan.still
    text = squash(without_contents(pdf_text(PDF.build(a, answer_set))))
    group = text.split(squash(ALSO[lang]))
    assert len(group) == 2
    titles = {r.remedy: r.title.get(lang) for r in a.remedies}
    for rid in a.plan.still_called_for:
        assert squash(titles[rid]) in group[1]
    md, word = markdown(a, answer_set), docx_text(DOCX.build(a, answer_set))
    for g in c.plan.still:
        assert group[1].count(squash(g.reason)) == 1
        assert md.count(md_escape(g.reason)) == 1 and word.count(g.reason) == 1
    assert ALSO[lang] in word and md_escape(ALSO[lang]) in md
    assert not re.search(r"(?<![\d–])0(points|分)", text)  # never "0 points", which reads as useless


def test_the_example_plan_takes_every_measure_in_steps_and_no_reason_is_repeated(built) -> None:
    """The article example: its measures are in steps of "What to do first" (since the third legal review one
    whose findings rest on past conduct is left "still called for"), and the sentence that said why a measure
    moves no score (once per measure, 11 times) is not repeated."""
    for lang in LOCALES:
        b = built[lang]
        plan = b["content"].plan
        assert plan is not None and len(plan.steps) >= 5 and sum(len(g.measures) for g in plan.still) <= 1
        # "Other findings keep each axis where it is" is said once at most; that a past event remains is
        # said of each measure that meets one (issue 21), so it is not counted here.
        why = tr("common", "unchanged_outweighed", lang)
        assert squash(b["pdf_text"]).count(squash(why)) <= 1
        assert b["docx_text"].count(why) <= 1 and b["md"].count(md_escape(why)) <= 1


# -- the same content in every format ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
def test_pdf_markdown_and_word_hold_the_same_findings_actions_and_notes(built, lang) -> None:
    b = built[lang]
    c = b["content"]
    pdf, word, md = squash(b["pdf_text"]), b["docx_text"], b["md"]
    expected = [f"{f.ref} · {f.title}" for f in c.findings]
    expected += [a.measure for a in c.actions] + [a.owner for a in c.actions] + [a.evidence for a in c.actions]
    expected += [tr("report", "note_line", lang, note=n) for n in b["answer_set"].notes.values()]
    for value in expected:
        assert squash(value) in pdf, value
        assert value in word, value
        assert md_escape(value) in md, value
    refs = {"pdf": set(re.findall(r"F\d+·", pdf)), "md": {r.replace(" ", "") for r in re.findall(r"F\d+ ·", md)}}
    refs["word"] = {r.replace(" ", "") for r in re.findall(r"F\d+ ·", word)}
    assert refs["pdf"] == refs["md"] == refs["word"] == {f"{f.ref}·" for f in c.findings}


# -- the Word file --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LOCALES)
def test_the_word_file_has_real_headings_tables_images_and_east_asian_fonts(built, lang) -> None:
    b = built[lang]
    doc = Document(io.BytesIO(b["docx"]))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    h1 = [text for style, text in headings if style == "Heading 1"]
    c = b["content"]
    for key in ("sec_summary", "sec_findings", "sec_plan", "sec_answers", "sec_sources", "sec_about"):
        assert c.t(key) in h1, key
    assert [a.title for a in c.appendices] == [t for t in h1 if t in {a.title for a in c.appendices}]
    h3 = {text for style, text in headings if style == "Heading 3"}
    assert {f"{f.ref} · {f.title}" for f in c.findings} <= h3
    assert len(doc.tables) >= 8
    summary = doc.tables[2]  # after the cover's facts and scores
    assert [cell.text for cell in summary.rows[0].cells][:3] == [c.t("col_axis"), c.t("col_level"), c.t("col_score")]
    assert [row.cells[0].text for row in summary.rows[1:]] == [ax.label for ax in c.axes]
    assert len(doc.inline_shapes) == 2  # the radar and the grid
    # Every style names the East Asian font, with no theme font overriding it, and Chinese as the East Asian language.
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in [
        defaults,
        *(
            doc.styles[n].element.rPr
            for n in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title", "List Bullet", "Table Text")
        ),
    ]:
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT
        assert fonts.get(qn("w:eastAsiaTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert doc.core_properties.author == BRAND
    if lang == "zh":
        assert "摘要" in h1 and any("民事" in t for t in h1 + [t for _, t in headings])


def test_user_text_reaches_word_as_plain_runs(case) -> None:
    nasty = "=cmd|' /C calc'!A0 {PAGE} <w:t>x</w:t> \x07bell \u202egnp.exe"
    answer_set = AnswerSet(case["answers"], nasty, "en", DAY, {"buys_data": nasty + "\nline two"})
    extras = ReportExtras(
        client=nasty, title=nasty, actions=(ActionInput(case["assessment"].remedies[0].remedy, owner=nasty, evidence=nasty),)
    )
    data = DOCX.build(case["assessment"], answer_set, Branding(name=nasty), extras=extras)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    # never a field: the only one in the body is the contents' own (page numbers are in the foot)
    assert "fldSimple" not in xml and re.findall(r"<w:instrText[^>]*>([^<]*)<", xml) == [' TOC \\o "1-2" \\h \\z ']
    shown = word_text(nasty)
    assert "\x07" not in shown and "\u202e" not in shown and "\ufffd" in shown
    text = docx_text(data)
    assert text.count(shown) >= 4  # company, client, title, owner, evidence, note: as typed, made printable
    assert "<w:t>x</w:t>" in text  # markup stays text


def test_a_bad_logo_is_left_off_the_word_cover(case) -> None:
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (60, 20), (31, 58, 96)).save(png, "PNG")
    answer_set = AnswerSet(case["answers"])
    good = Document(io.BytesIO(DOCX.build(case["assessment"], answer_set, Branding("Brand", png.getvalue()))))
    bad = Document(io.BytesIO(DOCX.build(case["assessment"], answer_set, Branding("Brand", b"\x89PNG\r\n\x1a\n broken"))))
    assert len(good.inline_shapes) == 3 and len(bad.inline_shapes) == 2


# -- the grid ----------------------------------------------------------------------------------------------------


def test_the_grid_has_the_same_orientation_on_screen_and_in_print(case) -> None:
    from itertools import pairwise

    from report.charts import draw_grid
    from report.pdf import ReportPDF
    from scoring.axes import LIKELIHOOD_LABELS, SEVERITY_LABELS
    from scoring.loader import default_law
    from tests import svg_charts as sv
    from ui.charts import grid_svg

    method = default_law().method
    svg = sv.parse(grid_svg(case["assessment"], method, "en"))
    at = {"".join(t.itertext()): (float(t.get("x", 0)), float(t.get("y", 0))) for t in svg.iter(f"{sv.NS}text")}
    on_screen_up = [at[x["en"]] for x in LIKELIHOOD_LABELS if x["en"] in at]  # one-word labels, bottom to top
    assert len(on_screen_up) >= 3 and all(a[1] > b[1] for a, b in pairwise(on_screen_up))
    on_screen_across = [at[x["en"]] for x in SEVERITY_LABELS if x["en"] in at]  # left to right
    assert len(on_screen_across) >= 3 and all(a[0] < b[0] for a, b in pairwise(on_screen_across))
    # each axis sits in the cell of its (severity, likelihood)
    assert sv.grid_places(svg) == {a.key: (r.severity, r.likelihood) for a in AXES for r in [case["assessment"].axes[a.key]]}

    content = build_content(case["assessment"], AnswerSet(case["answers"]))
    pdf = ReportPDF(content)
    pdf.add_page()
    draw_grid(pdf, 20, 20, 120, content.axes, method.level, "en", ("Grid", "Likelihood", "Severity"))
    out = subprocess.run(
        [poppler("pdftotext"), "-bbox", "-", "-"], input=bytes(pdf.output()), capture_output=True, check=True
    ).stdout.decode()
    boxes = {
        m[4]: (float(m[0]), float(m[1]))
        for m in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', out)
    }
    up = [boxes[w] for w in ("Unlikely", "Possible")]
    across = [boxes[w] for w in ("Small", "Moderate", "Large")]  # the impact words (the lawyer's, not statutory tiers)
    assert up[0][1] > up[1][1]  # likelihood grows upwards (lower y is higher on the page)
    assert abs(across[0][1] - across[2][1]) < 1 and across[0][0] < across[1][0] < across[2][0]  # severity across


# -- a report to send as it is (issue 22, item 4) ----------------------------------------------------------


@pytest.fixture(scope="module")
def white(case) -> dict[str, dict[str, Any]]:
    """The example workshop's white-label PDF, Word file and Markdown in each language, with every appendix asked for."""
    out = {}
    for lang in LOCALES:
        answer_set = AnswerSet(case["answers"], "", lang, DAY, notes_for(case["answers"]))
        extras = extras_for(case, lang, projected=True, trace=True, summary=SUMMARY, scope=SCOPE)
        branding = Branding(name=BRAND, white_label=True)
        a = case["assessment"]
        pdf = PDF.build(a, answer_set, branding, assessed_on=DAY, extras=extras)
        docx = DOCX.build(a, answer_set, branding, assessed_on=DAY, extras=extras)
        out[lang] = {"pdf": pdf, "docx": docx, "md": markdown(a, answer_set, branding, assessed_on=DAY, extras=extras)}
    return {**out, "answers": case["answers"]}


def case_answers(white: dict[str, Any]) -> dict[str, Any]:
    return white["answers"]


SUMMARY = "Three risks need the board's attention.\nThe <b>sharing</b> of data comes first: {PAGE} =1+1"
SCOPE = "The consumer app and its partners, as of December 2026. pirisk-style tools were not reviewed."


@pytest.mark.parametrize("lang", LOCALES)
def test_a_white_label_report_of_the_example_workshop_holds_no_pirisk_and_no_not_modelled(white, lang) -> None:
    w = white[lang]
    not_modelled = tr("report", "not_modelled", lang, text="").strip()
    docx_parts = zipfile.ZipFile(io.BytesIO(w["docx"]))
    docx_xml = "".join(docx_parts.read(n).decode("utf-8", "replace") for n in docx_parts.namelist() if n.endswith(".xml"))
    from pypdf import PdfReader

    meta = " ".join(str(v) for v in (PdfReader(io.BytesIO(w["pdf"])).metadata or {}).values())
    for name, text in (("pdf", pdf_text(w["pdf"])), ("docx", docx_text(w["docx"])), ("md", w["md"]), ("meta", meta)):
        text = text.replace(SCOPE, "").replace(md_escape(SCOPE), "")  # the consultant's own words are printed as typed
        assert "pirisk" not in squash(text).lower(), name
        assert squash(not_modelled) not in squash(text), name
    assert "pirisk" not in docx_xml.replace(word_text(SCOPE), "").lower()
    # the trace of rule ids is the tool's, not the consultant's; the founding article stays among the sources
    pdf = squash(pdf_text(w["pdf"]))
    assert squash(tr("report", "trace_title", lang)) not in pdf
    assert squash(tr("report", "sources_commentary", lang)) in pdf


@pytest.mark.parametrize("lang", LOCALES)
def test_the_consultants_summary_scope_and_notes_are_printed_as_typed(white, lang) -> None:
    w = white[lang]
    pdf, word, md = squash(pdf_text(w["pdf"])), docx_text(w["docx"]), w["md"]
    for line in (*SUMMARY.splitlines(), SCOPE):
        assert squash(line) in pdf and line in word and md_escape(line) in md
    assert "<b>sharing</b>" not in md  # HTML shown, not run
    questions = default_law().bank.questions
    for qid, note in notes_for(case_answers(white)).items():
        line = tr("report", "consultant_note_line", lang, question=questions[qid].text[lang], note=note)
        assert squash(line) in pdf and line in word and md_escape(line) in md  # listed under "Notes"
    assert tr("report", "notes_consultant", lang) in word and md_escape(tr("report", "notes_consultant", lang)) in md


def test_the_word_file_has_page_numbers_a_contents_and_repeats_every_tables_heading_row(white) -> None:
    for lang in LOCALES:
        doc = Document(io.BytesIO(white[lang]["docx"]))
        footer = doc.sections[0].footer._element
        codes = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
        assert codes == ["PAGE", "NUMPAGES"], codes
        tables = doc.tables
        headed = [t for t in tables if t.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
        facts = [t for t in tables if all(t is not h for h in headed)]
        assert len(headed) >= 10 and len(facts) == 1  # only the cover's list of facts has no heading row
        assert facts[0].rows[0].cells[0].text == tr("report", "cover_client", lang)
        body = docx_text(white[lang]["docx"])
        assert tr("report", "sec_contents", lang) in body


@pytest.mark.parametrize("lang", LOCALES)
def test_word_and_pdf_have_the_same_sections(white, lang) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(white[lang]["pdf"]))
    pdf_sections = [item.title for item in reader.outline if not isinstance(item, list)]
    doc = Document(io.BytesIO(white[lang]["docx"]))
    word_sections = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert pdf_sections == word_sections
    assert tr("report", "sec_first", lang) in word_sections


@pytest.mark.parametrize("lang", LOCALES)
def test_measure_titles_do_not_refer_to_the_founding_article(built, lang) -> None:
    """Issue 22: "(the article's precaution 3)" is gone from measure titles; the article is still cited."""
    b = built[lang]
    for text in (b["pdf_text"], b["docx_text"], b["md"]):
        assert "(the article's precaution" not in text and "（原文防范措施" not in text
    assert squash(tr("report", "sources_commentary", lang)) in squash(b["pdf_text"])


@pytest.mark.parametrize("lang", LOCALES)
def test_every_word_of_the_summary_page_and_its_heat_map_stays_inside_the_margins(built, lang) -> None:
    """Issue 22: the heat map's "Administrative" ran past its cell and the right margin."""
    from report.style import MARGIN

    bbox = subprocess.run(
        [poppler("pdftotext"), "-bbox", "-f", "3", "-l", "3", "-", "-"], input=built[lang]["pdf"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    right = width - MARGIN * 72 / 25.4
    words = re.findall(r'xMax="([\d.]+)"[^>]*>([^<]+)<', bbox)
    labels = {ax.label for ax in built[lang]["content"].axes}
    assert labels & {w for _, w in words}  # the grid's labels are on this page
    outside = [(w, float(x)) for x, w in words if float(x) > right + 0.5]
    assert not outside, outside


@pytest.mark.parametrize("example", ["article-2012-internet-company", "regional-bank-2014"])
def test_a_measure_that_meets_a_past_event_says_the_event_remains_in_the_plan(example) -> None:
    """Issue 21: in a step or among those still called for, a measure whose findings rest on a past event says so."""
    answers = json.loads((ROOT / "examples" / f"{example}.json").read_text(encoding="utf-8"))["answers"]
    a = assess(answers, DAY)
    past = {r.remedy for r in a.remedies if r.past_remains}
    assert past and a.plan is not None
    c = build_content(a, AnswerSet(answers, "", "en"))
    assert c.plan is not None
    why = tr("common", "unchanged_past", "en")
    said = {m.remedy for s in c.plan.steps for m in s.measures if m.past_note == why}
    said |= {m.remedy for g in c.plan.still if g.reason == why for m in g.measures}
    assert past <= said
    text = squash(without_contents(pdf_text(PDF.build(a, AnswerSet(answers, "", "en")))))
    assert squash(why) in text


def test_the_white_label_words_replace_the_tools_name_in_both_languages() -> None:
    from report.content import unbranded

    assert unbranded("pirisk treats 1 million as many. The date pirisk uses; pirisk's sources", "en") == (
        "This assessment treats 1 million as many. The date this assessment uses; this assessment's sources"
    )
    assert unbranded("由pirisk生成。pirisk 的规则", "zh") == "由本评估生成。本评估的规则"
    assert unbranded("No tool here", "en") == "No tool here"
