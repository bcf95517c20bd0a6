"""The command lines against hostile and careless input: one line and exit 2 for every mistake, never a
traceback, never a hang; strict parsing; no overwritten input; atomic outputs; no terminal escape sequence.

Every case here crashed, hung, overwrote data or was accepted before issue 11."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import terminal_safe, write_atomic
from scoring.answers_file import MAX_BYTES, AnswersFileError, parse_answers, read_answers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"


def run(*args: str, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, input=stdin, timeout=timeout, check=False)


def one_line_error(done: subprocess.CompletedProcess, *words: str) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, (done.returncode, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def write(tmp_path: Path, body: dict | str, name: str = "a.json") -> Path:
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


# -- one line, no traceback ---------------------------------------------------------------------------


def test_a_number_of_thousands_of_digits_is_one_line_everywhere(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace('"answers": {', '"answers": {"consumer_facing": ' + "9" * 5000 + ",", 1)
    path = write(tmp_path, text)
    for command in (["-m", "scoring", "score", str(path)], ["-m", "report", str(path), "-o", str(tmp_path / "r.pdf")]):
        one_line_error(run(*command), "number far too long")
    batch = write(tmp_path, '[{"consumer_facing": ' + "9" * 5000 + "}]", "b.json")
    one_line_error(run("-m", "scoring", "batch", str(batch), "-o", str(tmp_path / "o.csv")), "number far too long")


def test_a_lone_surrogate_in_the_company_is_refused_with_one_line(tmp_path):
    text = json.dumps(example()).replace('"company": "', '"company": "\\ud800', 1)
    path = write(tmp_path, text)
    one_line_error(run("-m", "scoring", "score", str(path)), "broken character")
    one_line_error(run("-m", "scoring", "score", str(path), "--format", "json"), "broken character")


def test_batch_output_wider_than_an_excel_sheet_is_one_line(tmp_path):
    header = ",".join(["consumer_facing", *(f"extra_{i}" for i in range(16_400))])
    source = write(tmp_path, header + "\n" + ",".join(["true"] + ["x"] * 16_400) + "\n", "wide.csv")
    done = run("-m", "scoring", "batch", str(source), "-o", str(tmp_path / "out.xlsx"), "--no-progress")
    one_line_error(done, "columns", "at most 16,384", ".csv")
    assert not (tmp_path / "out.xlsx").exists()
    assert run("-m", "scoring", "batch", str(source), "-o", str(tmp_path / "out.csv")).returncode == 0  # CSV has room


@pytest.mark.parametrize("kind", ["stdin", "zero"])
def test_an_endless_input_is_cut_at_the_limit(tmp_path, kind):
    """/dev/stdin, or a link to /dev/zero, has no size to check beforehand: the read itself is bounded."""
    if kind == "zero":
        link = tmp_path / "answers.json"
        link.symlink_to("/dev/zero")
        done = run("-m", "scoring", "score", str(link), timeout=60)
    else:
        done = run("-m", "scoring", "score", "/dev/stdin", stdin=b" " * (3 * MAX_BYTES), timeout=60)
    one_line_error(done, "larger than 1,000,000 bytes")


def test_an_answers_file_from_standard_input_still_works():
    done = run("-m", "scoring", "score", "/dev/stdin", stdin=EXAMPLE.read_bytes())
    assert done.returncode == 0, done.stderr


def test_a_batch_input_that_is_not_a_regular_file_is_refused(tmp_path):
    link = tmp_path / "in.csv"
    link.symlink_to("/dev/zero")
    one_line_error(run("-m", "scoring", "batch", str(link), "-o", str(tmp_path / "o.csv"), timeout=60), "not a regular file")


# -- strict parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"law_as_of": "20120904"}, "write it as year-month-day"),
        ({"law_as_of": "2012W365"}, "write it as year-month-day"),
        ({"law_as_of": "2012-W36-5"}, "write it as year-month-day"),
        ({"law_as_of": 20120904}, "write it as year-month-day"),
        ({"law_as_of": "2012-09-04T00:00"}, "write it as year-month-day"),
        ({"company": False}, "not text"),
        ({"company": 0}, "not text"),
        ({"company": []}, "not text"),
        ({"company": "Acme\x1b[2J"}, "control character"),
        ({"notes": []}, "notes"),
        ({"notes": False}, "notes"),
    ],
)
def test_lenient_values_are_refused(change, words):
    body = {**example(), **change}
    with pytest.raises(AnswersFileError, match=words.replace("(", r"\(")):
        parse_answers(json.dumps(body))


def test_a_repeated_key_is_refused_not_last_wins():
    text = EXAMPLE.read_text(encoding="utf-8")
    for twice in ('"lang": "en", "lang": "zh", ', '"answers": {"consumer_facing": true, "consumer_facing": false}, "x": 1, '):
        with pytest.raises(AnswersFileError, match="twice"):
            parse_answers(text.replace("{", "{" + twice, 1))
    with pytest.raises(AnswersFileError, match="twice"):
        parse_answers(text.replace('"answers": {', '"answers": {"consumer_facing": false, ', 1))


def test_null_still_means_not_given():
    body = {**example(), "company": None, "law_as_of": None, "notes": None}
    parsed = parse_answers(json.dumps(body))
    assert (parsed.company, parsed.law_as_of, parsed.notes) == ("", None, {})


def test_the_as_of_option_takes_iso_dates_only():
    for text in ("20120904", "2012W365", "2012-W36-5"):
        done = run("-m", "scoring", "score", str(EXAMPLE), "--as-of", text)
        one_line_error(done, "invalid date", "YYYY-MM-DD")


def test_the_company_is_normalised_to_nfc():
    body = {**example(), "company": "Cafe\u0301"}
    assert parse_answers(json.dumps(body)).company == "Caf\u00e9"


# -- the report and its input -------------------------------------------------------------------------------


def test_the_report_refuses_to_overwrite_its_own_input(tmp_path):
    source = tmp_path / "a.json"
    source.write_bytes(EXAMPLE.read_bytes())
    for target in (source, tmp_path / "." / "a.json"):
        one_line_error(run("-m", "report", str(source), "-o", str(target)), "would overwrite the answers file")
    link = tmp_path / "link.pdf"
    link.symlink_to(source)
    one_line_error(run("-m", "report", str(source), "-o", str(link)), "would overwrite")
    os.link(source, tmp_path / "hard.md")
    one_line_error(run("-m", "report", str(source), "-o", str(tmp_path / "hard.md")), "would overwrite")
    assert source.read_bytes() == EXAMPLE.read_bytes()
    read_answers(source)  # still the answers


def test_report_outputs_are_written_atomically(tmp_path):
    out = tmp_path / "report.md"
    out.write_text("the old report\n", encoding="utf-8")
    old_copy = tmp_path / "old-link.md"
    os.link(out, old_copy)  # a reader holding the old file keeps the old file, whole
    assert run("-m", "report", str(EXAMPLE), "-o", str(out)).returncode == 0
    assert old_copy.read_text(encoding="utf-8") == "the old report\n"  # replaced by a rename, not rewritten in place
    assert out.read_text(encoding="utf-8").startswith("# ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old-link.md", "report.md"]  # no temporary file left


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")

    def half(path: Path) -> None:
        path.write_text("half a fi", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(out, half)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# -- the terminal -------------------------------------------------------------------------------------------


def test_the_text_report_prints_no_escape_sequence_from_the_company(tmp_path):
    hostile = "Acme\x1b]0;owned\x07\x1b[2J\x9b31m\u202eevil"
    body = {**example(), "company": "placeholder"}
    path = write(tmp_path, json.dumps(body).replace("placeholder", "Acme"))
    from scoring.engine import assess
    from scoring.text_report import render_text

    text = render_text(assess(body["answers"], __import__("datetime").date(2026, 11, 29)), "en", company=hostile)
    first = text.splitlines()[0]
    assert first == "Acme]0;owned[2J31mevil"
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text.replace("\n", ""))
    assert run("-m", "scoring", "score", str(path)).returncode == 0


def test_an_error_line_carries_no_escape_sequence_from_the_file(tmp_path):
    path = write(tmp_path, {**example(), "answers": {"\x1b[31mred\x1b[0m": True}})
    err = one_line_error(run("-m", "scoring", "score", str(path)))
    assert "\x1b" not in err and "\\x1b" in err  # shown, not run


def test_terminal_safe_strips_controls_and_mends_broken_characters():
    assert terminal_safe("a\x00b\x1bc\x7fd\x85e\u2066f\tg\nh\ud800") == "abcdef\tg\nh?"
