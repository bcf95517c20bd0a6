"""The example answers files are built from tests/cases/answers/examples.yaml, never edited by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "scripts" / "build-examples"


def test_the_examples_are_what_scripts_build_examples_writes() -> None:
    done = subprocess.run([sys.executable, str(BUILD), "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
