"""The export registry (report/formats.py) describes each format whole: one key and file ending each, a writer
that takes the report's content and gives a file, and its button labels in every language; loading the
registry loads no writer."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from questions.answers import AnswerSet
from questions.locales import LOCALES
from questions.strings import load_strings
from report.content import build_content
from report.formats import FORMATS, export_format, format_for_suffix
from scoring.engine import assess
from tests.exports import FORMAT_IDS, assert_valid

ROOT = Path(__file__).resolve().parents[1]


def test_keys_and_file_endings_name_one_format_each() -> None:
    keys = [f.key for f in FORMATS]
    endings = [e for f in FORMATS for e in (f.suffix, *f.suffixes)]
    assert len(set(keys)) == len(keys) and len(set(endings)) == len(endings)
    assert all(e.startswith(".") and e == e.lower() for e in endings)
    for f in FORMATS:
        assert export_format(f.key) is f
        assert all(format_for_suffix(e.upper()) is f for e in (f.suffix, *f.suffixes))
    assert any(f.is_text for f in FORMATS)  # what the CLI writes to standard output


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_each_writer_turns_the_content_into_a_file(fmt, article_answers) -> None:
    content = build_content(assess(article_answers, dt.date(2026, 11, 29)), AnswerSet(article_answers, "Acme", "zh"))
    data = fmt.write(content)
    assert isinstance(data, bytes) and data
    assert_valid(fmt, data)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_each_format_has_its_button_labels_in_every_language(fmt) -> None:
    labels = [("workspace", fmt.workspace_label)] + ([("ui", fmt.results_label)] if fmt.results_label else [])
    for surface, key in labels:
        strings = load_strings(surface)
        assert key in strings, f"{fmt.key}: no {key} in assets/locale/{surface}.yaml"
        assert all(strings[key].get(lang).strip() for lang in LOCALES)


def test_loading_the_registry_loads_no_writer() -> None:
    """The writers (and fpdf2, python-docx, openpyxl) load when a file is made, not when a page offers it."""
    code = (
        "import sys, report.formats; print(sorted(m for m in ('fpdf', 'docx', 'openpyxl', 'report.content') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
