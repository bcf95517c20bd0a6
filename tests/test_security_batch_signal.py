"""A batch stopped while it writes leaves no `.partial` file (issue 19, finding 12). The atomic writer removed
its temporary file on an exception and on Ctrl-C, but SIGTERM and SIGHUP (a `kill`, a closed terminal, a
service stopping) ended the process before any cleanup ran, and the half-written file stayed beside the
output."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The batch command, with a writer that writes a little, says so, and then waits to be stopped
SLOW_WRITER = """
import sys, time
import scoring.tables as tables

def slow(df, target=None, bom=True):
    with open(target, "w", encoding="utf-8") as handle:
        handle.write("half a table")
    print("writing", flush=True)
    time.sleep(60)

tables.write_csv = slow
from scoring.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_batch_stopped_while_writing_leaves_no_partial_file(tmp_path, stop):
    (tmp_path / "in.csv").write_text("consumer_facing\ntrue\n", encoding="utf-8")
    run = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, "batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--no-progress"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stdout.readline().strip() == "writing"
        assert [p.name for p in tmp_path.glob("*.partial")]  # the temporary file exists now
        run.send_signal(stop)
        _, err = run.communicate(timeout=30)
    finally:
        run.kill()
    assert run.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"], err
    assert "Traceback" not in err
