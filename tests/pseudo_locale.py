"""A third language as a data-only change: a pseudo-locale ("xx", English with accented vowels) added
to a copy of every data and locale file, then every page, the PDF and the Markdown rendered in it.

Run as a script (the test does, in a subprocess) with PIRISK_CONTENT naming the copy made by
`make_content`; it prints, as JSON, every piece of text on each surface that still holds plain
English, which would be a string the loaders did not translate (a missing key) or a text written in
Python instead of the locale files (an untranslated one).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CODE = "xx"
COMPANY = "QRST XYZ"  # user text with no vowel, so that it is never mistaken for English
_VOWELS = str.maketrans("aeiouyAEIOUY", "áéíóúýÁÉÍÓÚÝ")
_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")


def pseudo(text: str) -> str:
    """English with every vowel accented; `{placeholders}` kept as they are."""
    return "".join(part if _PLACEHOLDER.fullmatch(part) else part.translate(_VOWELS) for part in _PLACEHOLDER.split(text))


def _add_locale(node: Any) -> Any:
    if isinstance(node, dict):
        if {"en", "zh"} <= set(node) and set(node) <= {"en", "zh"} and all(isinstance(v, str) for v in node.values()):
            return {**node, CODE: pseudo(node["en"])}
        return {k: _add_locale(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_add_locale(v) for v in node]
    return node


def make_content(target: Path, aliases: tuple[str, ...] = ()) -> Path:
    """Copy the content tree to `target` with the pseudo-locale added beside every English text. It
    answers the browser language tags `aliases`, taken from the locale that listed them (as a
    Traditional Chinese locale would take zh-TW from zh)."""
    for package, parts in (("questions", ("bank",)), ("scoring", ()), ("assets", ())):
        source = ROOT / package / Path(*parts)
        for path in source.rglob("*.yaml"):
            if "migrations" in path.parts:
                continue
            out = target / package / Path(*parts) / path.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            text = yaml.safe_dump(_add_locale(data), allow_unicode=True, sort_keys=False, width=10**6)
            out.write_text(text, encoding="utf-8")
    registry = yaml.safe_load((ROOT / "assets" / "locales.yaml").read_text(encoding="utf-8"))
    for entry in registry:
        entry["aliases"] = [a for a in entry.get("aliases", []) if a not in aliases]
    registry.append(
        {"code": CODE, "name": pseudo("Pseudo English"), "html_lang": "en-XA", "style": "en", "aliases": list(aliases)}
    )
    (target / "assets" / "locales.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    (target / "assets" / "fonts").symlink_to(ROOT / "assets" / "fonts", target_is_directory=True)
    return target


# -- finding English that was not translated ---------------------------------------------------------

_ID = re.compile(r"[A-Za-z0-9]+(?:[._@/:-]+[A-Za-z0-9]+)+|\w*_\w*")  # ids, dates, paths, URLs, file names
_WORD = re.compile(r"[A-Za-z]*[aeiouyAEIOUY][A-Za-z]*")
# pirisk's name, the test's user text, "UTC", and each language's own name (the language switch shows
# every language in itself).
ALLOWED = {"pirisk", "QRST", "XYZ", "UTC", "English"}


_COLOUR = re.compile(
    r":(?:red|green|orange|yellow|blue|violet|gray|grey|rainbow|primary)(?:-badge|-background)?\["
)  # Streamlit markup


def english(text: str) -> list[str]:
    """The words of `text` that are plain English (hold an unaccented vowel), ids and allowed names aside."""
    shown = text.replace("&#58;", ":").replace("\u2060", "")  # ui.present.md's colon entity and word joiner
    stripped = _ID.sub(" ", _COLOUR.sub("[", shown.replace("\\", "")))
    return [w for w in _WORD.findall(stripped) if len(w) >= 2 and w not in ALLOWED]


# -- the surfaces --------------------------------------------------------------------------------------


def _examples() -> Iterator[tuple[str, dict[str, Any], dt.date]]:
    for path in sorted((ROOT / "examples").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        yield path.stem, data["answers"], dt.date.fromisoformat(data.get("law_as_of") or "2026-12-01")


def reports() -> dict[str, list[str]]:
    from deliverable.branding import Branding
    from questions.answers import AnswerSet
    from scoring.engine import assess
    from scoring.text_report import render_text
    from tests.exports import PDF, markdown

    found: dict[str, list[str]] = {}
    for name, answers, day in _examples():
        a = assess(answers, day)
        answer_set = AnswerSet(answers, COMPANY, CODE, day)
        pdf = PDF.build(a, answer_set, Branding(name=COMPANY))
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        found[f"pdf:{name}"] = english(text)
        found[f"markdown:{name}"] = english(markdown(a, answer_set))
        found[f"text:{name}"] = english(render_text(a, CODE, company=COMPANY))
    found.update(deliverable())
    return found


def deliverable() -> dict[str, list[str]]:
    """The consultant's report with every part (cover, notes, workshop, actions, every appendix) in every export
    format, the workbook among them."""
    from deliverable.actions import ACTION_STATUSES, ActionInput
    from deliverable.branding import Branding
    from deliverable.extras import ReportExtras, RespondentInput, WorkshopInput, article_comparison
    from questions.answers import AnswerSet
    from report.formats import FORMATS
    from scoring.engine import assess
    from tests.exports import seen_text

    _, answers, day = next(e for e in _examples() if e[0] == "article-2012-internet-company")
    a = assess(answers, day)
    first = next(iter(answers))
    respondents = (RespondentInput(COMPANY, COMPANY, {first: answers[first]}), RespondentInput("XYZ", "", {first: "unknown"}))
    actions = tuple(
        ActionInput(r.remedy, COMPANY, day, status, COMPANY if status == "not_doing" else "", COMPANY)
        for r, status in zip(a.remedies, ACTION_STATUSES, strict=False)
    )
    extras = ReportExtras(
        COMPANY, COMPANY, WorkshopInput(respondents, (first,)), actions, article_comparison(a, CODE), True, True
    )
    answer_set = AnswerSet(answers, COMPANY, CODE, day, {first: COMPANY})
    found: dict[str, list[str]] = {}
    for fmt in FORMATS:
        data = fmt.build(a, answer_set, Branding(name=COMPANY), extras=extras)
        if fmt.key == "pdf":  # laid out as printed, so that words of two columns do not run together
            text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        else:
            text = seen_text(fmt, data)
        found[f"deliverable:{fmt.key}"] = english(text)
    return found


def _chart_texts(markup: str) -> list[str]:
    """What a chart (inline SVG) says: its title, its description and every text drawn."""
    from tests import svg_charts

    svg = svg_charts.parse(markup)
    return [svg_charts.title(svg), svg_charts.desc(svg), *svg_charts.words(svg)]


def page_texts(at: Any) -> list[str]:
    """Everything an AppTest page shows as text: its writing, widget labels, options and help, charts."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "text", "error", "warning", "info", "success"):
        for e in at.get(kind):
            out.append(e.value)
    from tests import svg_charts

    for markup in svg_charts.markups(at):
        out += _chart_texts(markup)
    for kind in ("button", "checkbox", "radio", "selectbox", "multiselect", "text_input", "text_area", "date_input", "toggle"):
        for e in at.get(kind):
            out += [e.label, getattr(e, "help", None) or "", getattr(e, "placeholder", None) or ""]
            out += [str(o) for o in getattr(e, "options", None) or []]
    for kind in ("metric", "expander", "tab"):
        out += [e.label for e in at.get(kind)]
    for kind in ("download_button", "file_uploader", "page_link"):
        for e in at.get(kind):
            out += [e.proto.label, e.proto.help]
    for e in at.get("progress"):
        out.append(e.proto.text)
    return [t for t in out if t]


def pages() -> dict[str, list[str]]:
    from streamlit.testing.v1 import AppTest

    from scoring.loader import default_law

    bank = default_law().bank
    found: dict[str, list[str]] = {}

    def start(**state: Any) -> Any:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["lang"] = CODE
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

    def goto(at: Any, url_path: str) -> Any:
        wanted = "" if url_path == "assess" else url_path
        at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == wanted)
        at.run()
        at._page_hash = ""
        return at

    def check(name: str, at: Any) -> None:
        assert not at.exception, f"{name}: {[e.value for e in at.exception]}"
        found[name] = [w for t in page_texts(at) for w in english(t)]

    _, answers, day = next(e for e in _examples() if e[0] == "article-2012-internet-company")
    for step in range(len(bank.sections) + 1):
        check(f"assess:{step}", start(answers=dict(answers), step=step, company=COMPANY))
    check("welcome", start())
    check("assess:empty", start(started=True))
    at = start(answers=dict(answers), company=COMPANY, law_as_of=day)
    for page in ("results", "sources", "about"):
        check(page, goto(at, page))
    check("results:not-ready", goto(start(), "results"))
    check("workspace:closed", goto(start(), "workspace"))
    found.update(workspace_pages(start, goto, check, answers, day))
    return found


def workspace_pages(start: Any, goto: Any, check: Any, answers: dict[str, Any], day: dt.date) -> dict[str, list[str]]:
    from store import repo
    from store.access import hash_password
    from store.db import make_engine, upgrade

    folder = Path(tempfile.mkdtemp(prefix="pirisk-pseudo-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'w.db'}"
    os.environ["PIRISK_WORKSPACE_PASSWORD_HASH"] = hash_password("pseudo password")
    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    client = repo.create_client(engine, COMPANY)
    first = repo.create_assessment(engine, client.id, "QRST 1", day, CODE, answers=answers, company=COMPANY)
    second = repo.duplicate_assessment(engine, first, "QRST 2")
    repo.set_note(engine, first, "buys_data", "XYZ", expected_version=first.version, author="QRST")
    respondent = repo.add_respondent(engine, first, "QRST", "XYZ")
    repo.set_respondent_answer(
        engine, respondent, next(iter(answers)), answers[next(iter(answers))], expected_version=respondent.version
    )
    from scoring.engine import assess

    for remedy, status in zip([r.remedy for r in assess(answers, day).remedies][:2], ("done", "not_doing"), strict=True):
        action = repo.create_action(engine, first, remedy, owner="QRST", author="QRST")
        repo.update_action(engine, action.id, {"status": status, "reason": "XYZ"}, expected_version=1, author="QRST")
    repo.take_snapshot(engine, first, "QRST", author="QRST")
    repo.set_answer(
        engine,
        first,
        "buys_data",
        not answers["buys_data"],
        expected_version=repo.get_assessment(engine, first.id).version,
        author="QRST",
    )
    at = goto(start(), "workspace")
    at.text_input(key="ws_author_field").input("QRST")
    at.text_input(key="ws_password").input("pseudo password")
    at.button(key="ws_unlock").click().run()
    check("workspace:open", at)
    at.session_state["ws_client"] = client.id
    at.session_state["ws_selected"] = first.id
    at.session_state["ws_compare_a"], at.session_state["ws_compare_b"] = first.id, second.id
    for page in ("clients", "assessment", "compare", "workshop", "spreadsheets", "settings"):
        check(f"workspace:{page}", goto(at, page))
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return {}


def first_languages(tags: list[str]) -> dict[str, list[str]]:
    """For each browser language tag, the language a first visit opens in and the welcome's title."""
    from streamlit.testing.v1 import AppTest

    found: dict[str, list[str]] = {}
    for tag in tags:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.context["locale"] = tag
        at.run()
        assert not at.exception, f"{tag}: {[e.value for e in at.exception]}"
        found[tag] = [at.session_state["lang"], at.title[0].value]
    return found


def main(args: list[str]) -> int:
    """Every surface's English left over; with `--browser TAG...`, what a first visit from each opens in."""
    from questions.locales import LOCALES

    if CODE not in LOCALES:
        print(json.dumps({"error": f"the pseudo-locale is not registered (locales: {LOCALES})"}))
        return 1
    if args[:1] == ["--browser"]:
        print(json.dumps(first_languages(args[1:]), ensure_ascii=False))
        return 0
    found = {**reports(), **pages()}
    print(json.dumps(found, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
