"""Adding a language is a data change: a pseudo-locale added to copies of the data files, with no
change to any Python file, renders every page, the PDF and the Markdown with no English left over, and
the browsers whose language tags it lists as aliases open in it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.pseudo_locale import CODE, english, make_content, pseudo

ROOT = Path(__file__).resolve().parents[1]


def test_the_pseudo_locale_helpers_tell_english_from_translated_text() -> None:
    assert pseudo("Delete {name}?") == "Délété {name}?"
    assert english(pseudo("Scores on four axes")) == []
    assert english("Scores on " + pseudo("four axes")) == ["Scores", "on"]
    assert english("sharing.providing_crime@2017 2026-12-01 data_categories") == []


def run_pseudo_locale(content: Path, *args: str) -> Any:
    """tests/pseudo_locale.py run on a content copy, and the JSON it printed."""
    env = {**os.environ, "PIRISK_CONTENT": str(content), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "pseudo_locale.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_third_language_needs_only_data(tmp_path: Path) -> None:
    found = run_pseudo_locale(make_content(tmp_path / "content"))
    assert len(found) > 20, sorted(found)  # every page, and a PDF and a Markdown per example
    left = {surface: sorted(set(words)) for surface, words in found.items() if words}
    assert left == {}, f"English left in the pseudo-locale: {left}"


def test_a_browser_reaches_a_third_language_that_lists_its_tag_as_an_alias(tmp_path: Path) -> None:
    """As a Traditional Chinese locale would: zh-TW and zh-HK move from zh's aliases to the new
    locale's in assets/locales.yaml, and those browsers open in it; the others do not move."""
    content = make_content(tmp_path / "content", aliases=("zh-TW", "zh-HK"))
    found = run_pseudo_locale(content, "--browser", "zh-TW", "zh-HK", "zh-Hant-TW", "zh-CN", "en-US")
    title = pseudo(found["en-US"][1])
    assert found == {
        "zh-TW": [CODE, title],
        "zh-HK": [CODE, title],
        "zh-Hant-TW": ["zh", found["zh-CN"][1]],  # zh-Hant stayed with zh
        "zh-CN": ["zh", found["zh-CN"][1]],
        "en-US": ["en", found["en-US"][1]],
    }
