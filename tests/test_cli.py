"""The scoring CLI: output formats, and one-line exit-2 refusals for every user mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = str(ROOT / "examples" / "article-2012-internet-company.json")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scoring", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_score_json_has_the_documented_keys():
    out = run("score", ARTICLE, "--as-of", "2026-11-29", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["law_as_of"] == "2026-11-29"
    assert list(data["axes"]) == ["civil", "criminal", "administrative", "reputational"]
    assert data["axes"]["administrative"]["level"] == "severe"
    assert data["findings"] and data["remedies"]
    citation = data["findings"][0]["citations"][0]
    assert {"id", "instrument", "article", "in_force_from"} <= set(citation)


def test_score_text_in_chinese_uses_the_file_date_by_default():
    out = run("score", ARTICLE, "--lang", "zh")
    assert out.returncode == 0, out.stderr
    assert "法律基准日 2012-09-04" in out.stdout
    assert "声誉" in out.stdout and "不构成法律意见" in out.stdout


def test_sources_lists_what_is_in_force():
    early = run("sources", "--as-of", "2012-09-04").stdout
    late = run("sources", "--as-of", "2026-11-29").stdout
    assert "crim.253-1@2009" in early and "pipl.66" not in early
    assert "pipl.66" in late and "crim.253-1@2009" not in late


def test_check_validates_the_data():
    out = run("check")
    assert out.returncode == 0 and out.stdout.startswith("ok:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "missing.json"], "There is no file missing.json"),
        (["score", ARTICLE, "--as-of", "2001-01-01"], "before the earliest law"),
        (["score", ARTICLE, "--as-of", "0001-01-01"], "before the earliest law"),
        (["score", ARTICLE, "--as-of", "2012-02-30"], "invalid date"),
        (["score", ARTICLE, "--as-of", "99999-01-01"], "invalid date"),
        (["score", ARTICLE, "--lang", "fr"], "invalid choice"),
        (["score", ARTICLE, "--format", "xml"], "invalid choice"),
        (["sources", "--as-of", "yesterday"], "invalid date"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(capsys, args, message):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not a pirisk answers file"),
        (b"[1, 2]", "does not hold a set of answers"),
        (b'{"bank_version": "x", "lang": "en"}', "lacks “answers”"),
        (b'{"bank_version": "x", "lang": "en", "answers": {"nope": 1}}', "a question pirisk does not have (“nope”)"),
        (b'{"bank_version": "x", "lang": "en", "answers": {"sells_data": "perhaps"}}', "must be yes or no"),
        (b'{"bank_version": "x", "lang": "en", "answers": {}}', "required answers missing"),
        (b"\xff\xfe\x00garbage", "not saved as UTF-8"),
        (b"[" * 100000 + b"]" * 100000, "nested far too deeply"),
        (b'{"a": "' + b"x" * 1_100_000 + b'"}', "larger than 1,000,000 bytes"),
    ],
)
def test_bad_answers_files_exit_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_directory_is_refused(tmp_path, capsys):
    assert main(["score", str(tmp_path)]) == 2
    assert "is a folder, not an answers file" in capsys.readouterr().err
