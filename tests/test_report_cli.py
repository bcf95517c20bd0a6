"""`python -m report`: writes an answers file's report in every format of the export registry; bad input exits 2
with one line, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from report.__main__ import main
from report.formats import FORMATS
from tests.exports import FORMAT_IDS, assert_valid, seen_text
from tests.test_report import squash

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "report", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
    )


def pdftotext(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext not found: install poppler-utils (scripts/setup-system)")
        pytest.skip("pdftotext not found")
    return subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")


def test_writes_a_pdf_with_the_files_company_and_date(tmp_path):
    out = tmp_path / "report.pdf"
    run = run_cli(str(EXAMPLE), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert out.read_bytes().startswith(b"%PDF-")
    text = " ".join(pdftotext(out).split())
    assert "Example Internet Co." in text
    assert "2012-09-04" in text  # the file's law_as_of


def test_writes_chinese_markdown_as_of_a_date(tmp_path):
    out = tmp_path / "report.md"
    assert main([str(EXAMPLE), "-o", str(out), "--lang", "zh", "--as-of", "2026-11-29"]) == 0
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# 个人信息法律风险评估报告")
    assert "2026-11-29" in md
    assert "第六十六条" in md


def test_writes_a_word_file_by_format_or_by_its_ending(tmp_path):
    from docx import Document

    for args, out in ((["--format", "docx"], tmp_path / "a.bin"), ([], tmp_path / "b.docx")):
        assert main([str(EXAMPLE), "-o", str(out), "--lang", "zh", *args]) == 0
        doc = Document(str(out))
        assert doc.paragraphs and any(p.style.name == "Heading 1" and p.text == "摘要" for p in doc.paragraphs)
    assert main([str(EXAMPLE), "--format", "docx"]) == 2  # a Word file needs an output file, like a PDF


def test_markdown_to_standard_output(capsys):
    assert main([str(EXAMPLE), "--format", "md"]) == 0
    assert "## Executive summary" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_writes_every_format_by_its_name_or_its_ending(tmp_path, fmt):
    for args, out in ((["--format", fmt.key], tmp_path / "a.bin"), ([], tmp_path / f"b{fmt.suffix}")):
        assert main([str(EXAMPLE), "-o", str(out), *args]) == 0
        data = out.read_bytes()
        assert_valid(fmt, data)
        assert squash("Example Internet Co.") in squash(seen_text(fmt, data))  # the file's company


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_standard_output_takes_a_text_format_and_refuses_a_binary_one(capsys, fmt):
    code = main([str(EXAMPLE), "--format", fmt.key, "-o", "-"])
    out, err = capsys.readouterr()
    if fmt.is_text:
        assert code == 0 and err == ""
        assert squash("Example Internet Co.") in squash(seen_text(fmt, out.encode("utf-8")))
    else:
        assert code == 2 and out == ""
        assert f"needs an output file: add -o OUT{fmt.suffix}" in err


@pytest.mark.parametrize(
    ("make_args", "reason"),
    [
        (lambda tmp: ["missing.json", "-o", str(tmp / "x.pdf")], "There is no file missing.json"),
        (lambda tmp: [str(EXAMPLE), "-o", str(tmp / "x.pdf"), "--as-of", "2012-13-45"], "invalid date"),
        (lambda tmp: [str(EXAMPLE), "-o", str(tmp / "x.pdf"), "--as-of", "2009-02-27"], "before the earliest law"),
        (lambda tmp: [str(EXAMPLE), "-o", str(tmp / "x.pdf"), "--lang", "fr"], "invalid choice"),
        (lambda tmp: [str(EXAMPLE), "-o", str(tmp / "x.pdf"), "--format", "rtf"], "invalid choice"),
        (lambda tmp: [str(EXAMPLE)], "needs an output file"),
        (lambda tmp: [str(EXAMPLE), "-o", str(tmp / "no" / "such" / "dir" / "x.pdf")], "cannot write"),
        (lambda tmp: [], "required"),
    ],
    ids=["missing-file", "bad-date", "before-coverage", "bad-lang", "bad-format", "pdf-without-output", "unwritable", "no-file"],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, make_args, reason):
    assert main(make_args(tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert reason in err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not a pirisk answers file"),
        ('["a list"]', "does not hold a set of answers"),
        (
            json.dumps({"format": "pirisk-answers", "bank_version": "x", "lang": "en", "answers": {"nope": True}}),
            "a question pirisk does not have",
        ),
        (json.dumps({"format": "pirisk-answers", "bank_version": "x", "lang": "en", "answers": {}}), "required answers missing"),
    ],
    ids=["bad-json", "not-an-object", "unknown-question", "half-finished"],
)
def test_bad_file_in_a_subprocess_exits_2_without_traceback(tmp_path, content, reason):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    run = run_cli(str(bad), "-o", str(tmp_path / "x.pdf"))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert reason in run.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_white_label_writes_every_format_without_the_tools_name_or_its_internal_notes(tmp_path, fmt):
    """Issue 22: `--white-label` makes a report to send as it is."""
    out = tmp_path / f"w{fmt.suffix}"
    assert main([str(EXAMPLE), "-o", str(out), "--as-of", "2026-12-01", "--white-label"]) == 0
    text = seen_text(fmt, out.read_bytes())
    assert "pirisk" not in text.lower() and "Not modelled" not in text
    assert main([str(EXAMPLE), "-o", str(out), "--as-of", "2026-12-01"]) == 0
    assert "pirisk" in seen_text(fmt, out.read_bytes()).lower()  # without the option, the tool is named
