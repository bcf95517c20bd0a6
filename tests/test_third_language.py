"""Adding a language is a data change: a pseudo-locale added to copies of the data files, with no
change to any Python file, renders every page, the PDF and the Markdown with no English left over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.pseudo_locale import english, make_content, pseudo

ROOT = Path(__file__).resolve().parents[1]


def test_the_pseudo_locale_helpers_tell_english_from_translated_text() -> None:
    assert pseudo("Delete {name}?") == "Délété {name}?"
    assert english(pseudo("Scores on four axes")) == []
    assert english("Scores on " + pseudo("four axes")) == ["Scores", "on"]
    assert english("sharing.providing_crime@2017 2026-12-01 data_categories") == []


def test_a_third_language_needs_only_data(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    env = {**os.environ, "PIRISK_CONTENT": str(content), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "pseudo_locale.py")], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(found) > 20, sorted(found)  # every page, and a PDF and a Markdown per example
    left = {surface: sorted(set(words)) for surface, words in found.items() if words}
    assert left == {}, f"English left in the pseudo-locale: {left}"
