"""The PDF and Markdown reports, read back as a reader would: with poppler's pdftotext, pdffonts and pdftoppm, and pypdf."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from deliverable.branding import Branding
from questions.answers import AnswerSet
from questions.locales import LOCALES
from report.content import build_content
from report.fonts import BREAK, MISSING, printable
from report.markdown import md_escape
from report.pdf import ReportPDF
from scoring.axes import AXES, level
from scoring.engine import assess
from tests.exports import PDF, markdown

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
TODAY = dt.date(2026, 11, 29)
ARTICLE_DAY = dt.date(2012, 9, 4)
CASES = [("en", TODAY), ("zh", TODAY), ("en", ARTICLE_DAY), ("zh", ARTICLE_DAY)]
CASE_IDS = [f"{lang}-{day.year}" for lang, day in CASES]


def poppler(tool: str) -> str:
    """The path of a poppler tool. Missing: a failure in CI (it installs poppler-utils), else a skip."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} not found: install poppler-utils (scripts/setup-system)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def squash(text: str) -> str:
    """Text with all whitespace removed, so that wrapped lines compare equal to the unwrapped string."""
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path | bytes, *pages: int) -> str:
    """The text of a PDF file (or of PDF bytes), as poppler extracts it. pypdf cannot decode the
    embedded CMap that fpdf2 writes for a CID-keyed CFF font, so text always goes through poppler."""
    args = [poppler("pdftotext"), "-enc", "UTF-8"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    source, data = (str(pdf), None) if isinstance(pdf, Path) else ("-", pdf)
    return subprocess.run([*args, source, "-"], input=data, capture_output=True, check=True).stdout.decode("utf-8")


def without_contents(text: str) -> str:
    """A PDF's text (from `pdftotext`) without its contents page, the second, whose list of sections would
    stand first wherever a test looks for a section's heading."""
    pages = text.split("\f")
    return "\f".join(pages[:1] + pages[2:]) if len(pages) > 2 else text


@pytest.fixture(scope="module")
def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> dict:
    """Each case's assessment, PDF file and Markdown, built once for the module."""
    out = {}
    folder = tmp_path_factory.mktemp("pdf")
    for (lang, day), case in zip(CASES, CASE_IDS, strict=True):
        assessment = assess(example["answers"], day)
        data = PDF.build(assessment, AnswerSet(example["answers"], example["company"], lang), Branding(name="Acme Advisory 咨询"))
        path = folder / f"{case}.pdf"
        path.write_bytes(data)
        text = markdown(assessment, AnswerSet(example["answers"], example["company"], lang))
        out[case] = {"lang": lang, "assessment": assessment, "path": path, "data": data, "markdown": text}
    return out


@pytest.mark.parametrize("case", CASE_IDS)
def test_pdf_text_holds_company_axes_levels_and_citations(built, example, case):
    b = built[case]
    lang, a = b["lang"], b["assessment"]
    text = squash(pdftotext(b["path"]))
    assert squash(example["company"]) in text
    assert squash("Acme Advisory 咨询") in text
    for ax in AXES:
        assert squash(ax.label.get(lang)) in text
        assert squash(level(a.axes[ax.key].level).label.get(lang)) in text
        assert f"{a.axes[ax.key].score}/100" in text
    citations = a.citations()
    assert citations
    for c in citations:
        assert squash(c.label(lang)) in text, c.id
    for f in a.findings:
        assert f.rule not in text  # internal ids go only in the optional Trace appendix
        assert squash(f.title.get(lang)) in text


def test_pdf_pinpoint_citations_in_each_language(built):
    assert "Art66" in squash(pdftotext(built["en-2026"]["path"]))
    assert "第六十六条" in squash(pdftotext(built["zh-2026"]["path"]))
    assert "Art253-1" in squash(pdftotext(built["en-2012"]["path"]))
    assert "第二百五十三条之一" in squash(pdftotext(built["zh-2012"]["path"]))


@pytest.mark.parametrize("case", CASE_IDS)
def test_every_page_has_page_x_of_y_and_the_disclaimer(built, case):
    b = built[case]
    pages = pdftotext(b["path"]).split("\f")[:-1]
    n = len(pages)
    assert 4 <= n <= 30, n
    as_of = b["assessment"].law_as_of.isoformat()
    for i, page in enumerate(pages, 1):
        flat = squash(page)
        if b["lang"] == "en":
            assert f"Page{i}of{n}" in flat
            assert "notlegaladvice" in flat
        else:
            assert f"第{i}页，共{n}页" in flat
            assert "不构成法律意见" in flat
        assert as_of in flat


@pytest.mark.parametrize("case", CASE_IDS)
def test_every_font_is_embedded(built, case):
    out = subprocess.run([poppler("pdffonts"), str(built[case]["path"])], capture_output=True, check=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        # name, type (may hold spaces), encoding, emb, sub, uni, object id, generation
        assert row.split()[-5] == "yes", row


@pytest.mark.parametrize("case", CASE_IDS)
def test_every_page_renders(built, case, tmp_path):
    b = built[case]
    run = subprocess.run(
        [poppler("pdftoppm"), "-r", "20", "-png", str(b["path"]), str(tmp_path / "p")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "Error" not in run.stderr
    assert len(list(tmp_path.glob("p-*.png"))) == len(PdfReader(b["path"]).pages)


@pytest.mark.parametrize("case", CASE_IDS)
def test_size_and_metadata(built, example, case):
    b = built[case]
    assert len(b["data"]) < 1_000_000
    reader = PdfReader(io.BytesIO(b["data"]))
    meta = reader.metadata
    assert meta.creator == "pirisk"
    assert example["company"] in meta.title
    assert meta.subject
    assert reader.trailer["/Root"]["/Lang"] == {"en": "en-US", "zh": "zh-CN"}[b["lang"]]
    # The outline lets a reader jump to each section and axis.
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert len(titles) >= 5


def test_sections_are_all_there(built):
    text = squash(pdftotext(built["en-2026"]["path"]))
    for heading in (
        "Executive summary",
        "Contents",
        "What to do first",
        "Findings by axis",
        "Appendix A: All answers",
        "Appendix B: Sources cited",
        "About this report",
        "Notes",
    ):
        assert squash(heading) in text
    for col in ("Owner", "Due date", "Scores after this step"):
        assert squash(col) in text
    zh = squash(pdftotext(built["zh-2026"]["path"]))
    for heading in ("摘要", "分维度评估结果", "行动计划", "附录一：全部答案", "附录二：引用来源", "负责人", "完成期限"):
        assert heading in zh


def test_executive_summary_lists_the_three_most_serious_findings_first(built):
    b = built["en-2026"]
    page2 = squash(pdftotext(b["path"], 3))  # after the cover and the contents
    page2 = page2[page2.index("Themostimportantfindings") :]
    titles = [squash(f.title["en"]) for f in b["assessment"].findings[:3]]
    positions = [page2.find(t) for t in titles]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)


def test_remedies_in_priority_order_with_their_effect(built):
    """Issue 21: the plan's steps in order, each with what it lowers (the old "Action plan" ranked measures
    one at a time by points)."""
    b = built["en-2026"]
    text = squash(without_contents(pdftotext(b["path"])))
    plan = text[text.find("Whattodofirst") : text.find("Findingsbyaxis")]
    titles = {r.remedy: r.title["en"] for r in b["assessment"].remedies}
    steps = b["assessment"].plan.steps
    positions = [plan.find(squash(titles[m])) for s in steps for m in s.measures]
    assert steps and all(p >= 0 for p in positions) and positions == sorted(positions)
    assert "Step1" in plan and ("Lowersthelevelof" in plan or "Lowersscores;" in plan)


def test_markdown_holds_the_same_findings_as_the_pdf(built):
    for case in CASE_IDS:
        b = built[case]
        lang, md = b["lang"], b["markdown"]
        pdf_text = squash(pdftotext(b["path"]))
        pdf_refs = set(re.findall(r"F\d+·", pdf_text))
        md_refs = {r.replace(" ", "") for r in re.findall(r"F\d+ ·", md)}
        assert pdf_refs == md_refs, case
        for f in b["assessment"].findings:
            assert f.rule not in md and md_escape(f.rule) not in md
            assert md_escape(f.title.get(lang)) in md
            assert squash(f.title.get(lang)) in pdf_text
        for c in b["assessment"].citations():
            assert md_escape(c.label(lang)) in md
        owner, due = {"en": ("Owner", "Due date"), "zh": ("负责人", "完成期限")}[lang]
        assert f"| {owner} | {due} |" in md


def test_markdown_escapes_user_text():
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    a = assess(example["answers"], ARTICLE_DAY)
    evil = "<script>alert(1)</script> **Bold** [link](http://x.invalid) # _x_ | `code`"
    md = markdown(a, AnswerSet(example["answers"], evil, "en"), Branding(name="<img src=x onerror=alert(1)>"))
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;alert\\(1)&lt;/script&gt;" in md or "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "\\*\\*Bold\\*\\*" in md and "\\[link\\]" in md and "\\`code\\`" in md
    assert md_escape("# heading").startswith("\\#")
    assert md_escape("1. item").startswith("1\\.")


def test_unknown_answers_are_shown_honestly(example):
    answers = dict(example["answers"], shares_with_third_parties="unknown", encryption="unknown", past_leak="unknown")
    a = assess(answers, TODAY)
    assert a.unknowns
    for lang, phrase in (("en", "I don't know (scored as the cautious case)"), ("zh", "不确定（按审慎情形评分）")):
        data = PDF.build(a, AnswerSet(answers, "Unknowns Ltd", lang))
        text = squash(pdftotext(data))
        assert squash(phrase) in text
        for u in a.unknowns:
            assert squash(u.title.get(lang)) in text
        md = markdown(a, AnswerSet(answers, lang=lang))
        assert md_escape(phrase) in md
        for u in a.unknowns:
            assert md_escape(u.title.get(lang)) in md


def test_appendix_lists_every_question_with_hidden_and_unanswered_ones_marked(example, law):
    a = assess(example["answers"], TODAY)
    answers = dict(example["answers"])
    del answers["company_sector"]  # informational, so the answers stay valid without it
    content = build_content(a, AnswerSet(answers, lang="en"), law=law)
    rows = [r for s in content.answers for r in s.rows]
    assert [r.question_id for r in rows] == list(law.bank.questions)
    status = {r.question_id: r.status for r in rows}
    assert status["company_sector"] == "unanswered"
    assert status["processor_contracts"] == "hidden"  # asked only when vendors are used
    assert status["consumer_facing"] == "answered"


def test_branding_logo_and_name_and_bad_logo(example):
    from PIL import Image

    a = assess(example["answers"], ARTICLE_DAY)
    buf = io.BytesIO()
    Image.new("RGB", (60, 20), (31, 58, 96)).save(buf, "PNG")
    with_logo = PDF.build(a, AnswerSet(example["answers"]), Branding(name="Brand & Co", logo=buf.getvalue()))
    reader = PdfReader(io.BytesIO(with_logo))
    assert len(reader.pages[0].images) == 1
    assert "Brand & Co" in pdftotext(with_logo, 1)
    assert reader.metadata.author == "Brand & Co"

    broken = PDF.build(
        a, AnswerSet(example["answers"]), Branding(name="Object Branding", logo=b"\x89PNG\r\n\x1a\n not really a png")
    )
    reader = PdfReader(io.BytesIO(broken))
    assert len(reader.pages[0].images) == 0
    assert "Object Branding" in pdftotext(broken, 1)


def test_what_if_assessment_says_so_on_the_cover(example, law):
    first = assess(example["answers"], TODAY).remedies[0].remedy
    a = assess(example["answers"], TODAY, apply_remedies=[first])
    data = PDF.build(a, AnswerSet(example["answers"]))
    cover = squash(pdftotext(data, 1))
    assert squash(law.remedies[first].title["en"]) in cover
    assert "What-if" in cover


def test_unknown_language_is_refused(example):
    a = assess(example["answers"], ARTICLE_DAY)
    with pytest.raises(ValueError, match="language"):
        PDF.build(a, AnswerSet(example["answers"], lang="fr"))


def test_user_text_that_looks_like_the_page_count_alias_stays_literal(example):
    a = assess(example["answers"], ARTICLE_DAY)
    data = PDF.build(a, AnswerSet(example["answers"], "Acme {nb} Ltd"), Branding(name="Brand {nb}"))
    cover = pdftotext(data, 1)
    assert "Acme {nb} Ltd" in cover and "Brand {nb}" in cover


def test_printable_boxes_what_the_font_cannot_draw():
    assert printable("Acme 😀\x00\ud800") == f"Acme {MISSING}{MISSING}{MISSING}"
    assert printable("a\tb\nc") == "a b c"
    assert printable("a\nb", multiline=True) == "a\nb"
    # Break marks go between Chinese characters, never before closing or after opening punctuation.
    marked = printable("（你好）。")
    assert marked.replace(BREAK, "") == "（你好）。"
    assert f"{BREAK}）" not in marked and f"（{BREAK}" not in marked and f"{BREAK}。" not in marked


def test_wrap_fits_the_width_and_keeps_punctuation_off_line_starts(example):
    a = assess(example["answers"], ARTICLE_DAY)
    pdf = ReportPDF(build_content(a, AnswerSet(example["answers"], lang="zh")))
    pdf.add_page()
    pdf.set_font(size=9.5)
    text = "依据《中华人民共和国个人信息保护法》第六十六条，情节严重的，可处五千万元以下罚款。" * 5 + " " + "x" * 400
    lines = pdf.wrap(printable(text), 60)
    assert len(lines) > 5
    for line in lines:
        assert pdf.get_string_width(line) <= 60 - 2 * pdf.c_margin + 1e-6
        assert not line.startswith(("，", "。", "）", "》"))
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_every_report_string_exists_in_both_languages():
    from questions.strings import load_strings

    strings = load_strings("report")
    used = set()
    for path in (ROOT / "report").glob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"""tr\(\s*"report",\s*["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    used |= {k for k in strings if k.startswith(("col_", "sources_", "answer_"))}  # looked up through loops
    missing = sorted(used - set(strings))
    assert not missing, missing
    for key, text in strings.items():
        assert all(text[lang].strip() for lang in LOCALES), key


def test_report_never_imports_streamlit():
    code = "import sys, report, report.__main__; sys.exit(1 if 'streamlit' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_a_report_with_no_findings_says_so(example):
    answers = {
        **example["answers"],
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
        "brand_prominence": "niche",
        "consumer_facing": False,
        "data_categories": ["identity_contact"],
        "listed_company": False,
    }
    for hidden in ("purchased_data_kind", "separate_consent_for_sharing", "sharing_anonymised"):
        del answers[hidden]
    a = assess(answers, ARTICLE_DAY)
    assert not a.findings and not a.remedies
    data = PDF.build(a, AnswerSet(answers, "Clean Co"))
    text = squash(pdftotext(data))
    # Issue 21: the plan says there is nothing to do first (the old "No measures to rank" is gone)
    for phrase in ("None of pirisk's rules fired", "No finding on this axis.", "Nothing to do first", "0/100"):
        assert squash(phrase) in text
    assert 4 <= len(PdfReader(io.BytesIO(data)).pages) <= 30
    md = markdown(a, AnswerSet(answers, lang="zh"))
    assert md_escape("根据所填答案，pirisk 的规则均未触发") in md


def test_a_word_longer_than_the_line_breaks_after_a_separator(example):
    a = assess(example["answers"], ARTICLE_DAY)
    pdf = ReportPDF(build_content(a, AnswerSet(example["answers"])))
    pdf.add_page()
    pdf.set_font(size=8)
    lines = pdf.wrap(printable("sourcing.obtaining_from_institution_staff@2009 and https://example.invalid/a/very/long/path"), 30)
    assert (
        "".join(lines).replace(" ", "")
        == "sourcing.obtaining_from_institution_staff@2009andhttps://example.invalid/a/very/long/path"
    )
    assert all(line.endswith(("_", ".", "@", "/", "-")) or " " in line or line == lines[-1] for line in lines if len(line) > 3)
    assert all(pdf.get_string_width(line) <= 30 for line in lines)
