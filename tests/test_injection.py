"""User-typed text (company names, notes, respondent names) is shown literally on every surface, every export
format of the registry among them: no HTML, Markdown link, javascript: URL or script tag in it is ever interpreted."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from deliverable.branding import Branding
from questions.answers import AnswerSet
from questions.locales import LOCALES
from report.formats import FORMATS
from scoring.engine import assess
from tests.exports import FORMAT_IDS, PDF, markdown, seen_text
from tests.test_report import squash
from ui import charts

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "**bold** _it_ `code` # heading",
    '<a href="javascript:alert(1)">link</a>',
    "$x^2$ and \\(math\\)",
]
COMPANY = " ".join(PAYLOADS)


def _ui_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]


def test_no_page_renders_html_from_data():
    """No page passes HTML through Markdown (unsafe_allow_html is used nowhere); st.html only ever receives the
    local stylesheet; the charts' SVG (typed `Svg`, built from `svg_text`-escaped words and numbers) reaches
    the page only through ui.charts.draw, whose component (assets/chart.js) is the one piece of pirisk's
    browser code that writes markup."""
    for path in _ui_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        drawing = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name == "draw"]
        in_draw = {id(n) for f in drawing for n in ast.walk(f)} if path.name == "charts.py" else set()
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                pytest.fail(f"{path.name}:{node.lineno} uses unsafe_allow_html")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "html":
                assert path.name == "app.py" and "style.css" in ast.unparse(node), f"{path.name}:{node.lineno}: st.html with data"
            if isinstance(node, ast.Name) and node.id == "_CHART" and isinstance(node.ctx, ast.Load):
                assert id(node) in in_draw, f"{path.name}:{node.lineno}: the chart component is used outside ui.charts.draw"
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment")
    writers = sorted(p.name for p in (ROOT / "assets").glob("*.js") if sinks.search(p.read_text(encoding="utf-8")))
    assert writers == ["chart.js"], writers
    draw_signature = inspect.signature(charts.draw)
    assert draw_signature.parameters["svg"].annotation in (charts.Svg, "Svg"), draw_signature


def _rendered_is_inert(markdown_text: str) -> None:
    """Render with a CommonMark renderer that passes raw HTML through (the most permissive reader):
    no tag and no javascript: link may come out of user text."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).render(markdown_text)
    assert "<script" not in html and "<img" not in html and "<a href" not in html.replace('<a href="#', ""), html[:500]
    assert "javascript:" not in "".join(part for part in html.split('"') if part.startswith("javascript")), html[:500]
    assert 'href="javascript' not in html


def test_markdown_export_shows_user_text_literally(article_answers):
    result = assess(article_answers, dt.date(2026, 11, 29))
    for lang in LOCALES:
        text = markdown(result, AnswerSet(article_answers, COMPANY, lang))
        _rendered_is_inert(text)
        from markdown_it import MarkdownIt

        plain = MarkdownIt("commonmark").render(text)
        assert "&lt;script&gt;alert(" in plain  # shown, as text


def test_pdf_shows_user_text_literally(article_answers, tmp_path):
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing")
        pytest.skip("pdftotext (poppler-utils) is missing")
    result = assess(article_answers, dt.date(2026, 11, 29))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(PDF.build(result, AnswerSet(article_answers, COMPANY)))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for payload in ("<script>alert('x')</script>", "[click me](javascript:alert(1))"):
        assert payload in flat, payload


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_every_export_shows_user_text_literally(article_answers, fmt):
    """Read as its reader shows it (the PDF through pdftotext, the Markdown rendered, the Word file's runs, the
    workbook's cells), each export holds every payload as typed, in the company, a note and the branding."""
    result = assess(article_answers, dt.date(2026, 11, 29))
    notes = {next(iter(article_answers)): COMPANY}
    for lang in LOCALES:
        data = fmt.build(result, AnswerSet(article_answers, COMPANY, lang, notes=notes), Branding(name=COMPANY))
        seen = squash(seen_text(fmt, data))  # wrapped lines compare equal
        for payload in PAYLOADS:
            assert squash(payload) in seen, (fmt.key, lang, payload)


def test_app_shows_the_company_name_literally(article_answers):
    """On the review step and on the results page, the name is escaped wherever markdown shows it."""
    from tests.test_app_flow import goto_page

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["answers"] = dict(article_answers)
    at.session_state["company"] = COMPANY
    at.session_state["law_as_of"] = dt.date(2026, 11, 29)
    at.session_state["step"] = 10  # the review step, after the ten sections
    at.run()
    pages = [at]
    pages.append(goto_page(at, "results"))
    seen = 0
    for page in pages:
        assert not page.exception
        for element in [*page.markdown, *page.subheader, *page.header, *page.caption]:
            body = str(element.body)
            if "alert" in body:
                seen += 1
                _rendered_is_inert(body)
    assert seen >= 2  # the name was shown on both pages
