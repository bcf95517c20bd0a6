"""The Markdown export makes no link in a linkifying renderer (issue 19, finding 12): rule ids such as
`sensitive.info`-like dotted names and bare domains in user text (`acme.com`) were turned into links by
renderers with fuzzy linking (markdown-it's linkify, many chat and wiki tools). Dots between word characters
are now escaped; the text still reads the same."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from markdown_it import MarkdownIt

from questions.answers import AnswerSet
from report.markdown import md_escape
from scoring.engine import assess
from tests.exports import markdown as build_markdown

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ["acme.com", "evil.co.uk", "pipl.art", "x.cn", "portal.gov.cn/login", "Acme.Shop"]


def _linkify(text: str) -> str:
    return MarkdownIt("commonmark", {"linkify": True}).enable(["linkify"]).render(text)


def test_bare_domains_in_user_text_are_not_links():
    for domain in DOMAINS:
        assert "<a " not in _linkify(md_escape(f"see {domain} today")), domain
        assert domain.split("/")[0] in MarkdownIt("commonmark").render(md_escape(domain))  # still shown as written


def test_the_exported_report_links_nothing_a_renderer_could_follow():
    answers = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))
    company = "Acme.com Ltd (acme.com, evil.co.uk)"
    text = build_markdown(assess(answers["answers"], dt.date(2026, 11, 29)), AnswerSet(answers["answers"], company, "en"))
    html = _linkify(text)
    assert "<a " not in html, re.findall(r"<a [^>]*>[^<]*</a>", html)[:5]
    assert "Acme.com Ltd" in MarkdownIt("commonmark").render(text)
