"""A small version of bench/load.py in CI: three concurrent browser sessions, no errors, no leakage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_three_concurrent_sessions_each_see_only_their_own_results(app_url: str) -> None:
    out = subprocess.run(
        [sys.executable, "bench/load.py", "--url", app_url, "--sessions", "3", "--deadline", "240"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    summary = json.loads(out.stdout)
    assert summary["sessions"] == 3
    assert summary["errors"] == 0, summary["error_messages"]
    assert summary["leaks"] == 0
    assert set(summary["steps"]) == {"open", "resume", "results"}
    assert out.returncode == 0, out.stderr[-2000:]
