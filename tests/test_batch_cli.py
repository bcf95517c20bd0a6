"""`python -m scoring batch`: CSV, Excel and JSON in, CSV and Excel out, a summary line, one-line errors."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import scoring.batch
from questions.model import UNKNOWN
from scoring.__main__ import main
from scoring.axes import AXIS_KEYS
from scoring.engine import assess
from scoring.frame import RESULT_COLUMNS, assess_frame

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 29)
SUMMARY = re.compile(r"^(\d+) rows: (\d+) scored, (\d+) with errors \(law as of (\S+)\) in \d+\.\d\d s; wrote (.+)$")


@pytest.fixture()
def rows(article_answers):
    """Three answer sets: the article's, one with an "I don't know", one with a choice that does not exist."""
    return [article_answers, dict(article_answers, buys_data=UNKNOWN), dict(article_answers, records_tier2="lots")]


def as_table(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    table["data_categories"] = table["data_categories"].map(json.dumps)
    table.insert(0, "id", [f"{i:03d}" for i in range(len(rows))])
    return table


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["batch", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def expected_scores(answers: dict, day: dt.date) -> list[str]:
    a = assess(answers, day, rank_remedies=False)
    values = [x for k in AXIS_KEYS for x in (a.axes[k].likelihood, a.axes[k].severity, a.axes[k].level, a.axes[k].score)]
    route = a.transfer_route.route if a.transfer_route is not None else ""
    return [str(v) for v in values] + [";".join(a.fired_rules), route]


def test_csv_round_trip(tmp_path, capsys, rows):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    as_table(rows).to_csv(source, index=False)
    code, out, err = run(capsys, str(source), "-o", str(target), "--as-of", "2026-11-29", "--no-progress")
    assert code == 0 and err == ""
    match = SUMMARY.match(out.strip())
    assert match and match.groups() == ("3", "2", "1", "2026-11-29", str(target)), out
    assert len(out.strip().splitlines()) == 1
    result = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(result.columns) == ["id", *RESULT_COLUMNS]
    assert result["id"].tolist() == ["000", "001", "002"]  # text ids pass through unchanged
    columns = [c for c in RESULT_COLUMNS if c != "error"]
    for i in (0, 1):
        assert result.loc[i, columns].tolist() == expected_scores(rows[i], TODAY)
        assert result.loc[i, "error"] == ""
    assert result.loc[2, "error"].startswith("records_tier2: has no choice 'lots'")
    assert (result.loc[2, columns] == "").all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temporary file left


def test_xlsx_in_and_out(tmp_path, capsys, rows):
    source, target = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    as_table(rows).to_excel(source, index=False)
    code, out, _ = run(capsys, str(source), "-o", str(target), "--as-of", "2012-09-04", "--no-progress")
    assert code == 0 and SUMMARY.match(out.strip()).group(4) == "2012-09-04"
    result = pd.read_excel(target, dtype=object)
    assert list(result.columns) == ["id", *RESULT_COLUMNS]
    for i in (0, 1):
        assert [str(v) for v in result.loc[i, [c for c in RESULT_COLUMNS if c != "error"]]] == expected_scores(
            rows[i], dt.date(2012, 9, 4)
        )
    assert pd.isna(result.loc[0, "error"]) and result.loc[2, "error"].startswith("records_tier2")


def test_excel_booleans_and_numbers_are_read(tmp_path, capsys, article_answers):
    table = pd.DataFrame([article_answers, dict(article_answers, scrapes_data=1)])
    table["data_categories"] = table["data_categories"].map(json.dumps)
    table.to_excel(tmp_path / "in.xlsx", index=False)
    code, _, _ = run(capsys, str(tmp_path / "in.xlsx"), "-o", str(tmp_path / "out.csv"), "--as-of", "2026-11-29")
    result = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert code == 0 and (result["error"] == "").all()
    assert result.loc[1, [c for c in RESULT_COLUMNS if c != "error"]].tolist() == expected_scores(
        dict(article_answers, scrapes_data=True), TODAY
    )


def test_json_array_of_answer_objects_and_answers_files(tmp_path, capsys, rows):
    article_file = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))
    source, target = tmp_path / "in.json", tmp_path / "out.csv"
    source.write_text(json.dumps([rows[1], article_file, {"answers": rows[2], "company": "Broken Ltd"}]), encoding="utf-8")
    code, out, _ = run(capsys, str(source), "-o", str(target), "--as-of", "2026-11-29", "--remedies")
    assert code == 0 and SUMMARY.match(out.strip()).groups()[:3] == ("3", "2", "1")
    result = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(result.columns) == ["company", *RESULT_COLUMNS[:-1], "remedies", "error"]
    assert result["company"].tolist() == ["", article_file["company"], "Broken Ltd"]
    assert result.loc[1, [c for c in RESULT_COLUMNS if c != "error"]].tolist() == expected_scores(article_file["answers"], TODAY)
    assert result.loc[0, "remedies"] == ";".join(r.remedy for r in assess(rows[1], TODAY).remedies)
    assert result.loc[2, "remedies"] == "" and result.loc[2, "error"].startswith("records_tier2")


def test_chunks_give_the_same_result_as_one_call(tmp_path, capsys, monkeypatch, rows):
    monkeypatch.setattr(scoring.batch, "CHUNK_ROWS", 2)
    table = as_table(rows * 3)
    table.to_csv(tmp_path / "in.csv", index=False)
    code, out, _ = run(capsys, str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--as-of", "2026-11-29", "--remedies")
    assert code == 0 and out.startswith("9 rows: 6 scored, 3 with errors")
    whole = assess_frame(pd.read_csv(tmp_path / "in.csv", dtype=str, keep_default_na=False, na_values=[""]), TODAY, remedies=True)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == whole.to_csv(index=False)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("flag", "shown"), [((), True), (("--no-progress",), False)])
def test_progress_bar_on_a_terminal_unless_hidden(tmp_path, monkeypatch, rows, flag, shown):
    monkeypatch.setattr(scoring.batch, "CHUNK_ROWS", 2)
    as_table(rows * 2).to_csv(tmp_path / "in.csv", index=False)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--as-of", "2026-11-29", *flag]) == 0
    assert ("rows" in terminal.getvalue()) is shown


def test_no_progress_bar_when_not_a_terminal(tmp_path, capsys, monkeypatch, rows):
    monkeypatch.setattr(scoring.batch, "CHUNK_ROWS", 2)
    as_table(rows * 2).to_csv(tmp_path / "in.csv", index=False)
    code, _, err = run(capsys, str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert code == 0 and err == ""


def test_default_date_is_today(tmp_path, capsys, rows):
    as_table(rows).to_csv(tmp_path / "in.csv", index=False)
    code, out, _ = run(capsys, str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert code == 0 and SUMMARY.match(out.strip()).group(4) == dt.date.today().isoformat()


def _corrupt_xlsx(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")


def _text_as_xlsx(path: Path) -> None:
    path.write_text("id,consumer_facing\n1,true\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "make", "output", "message"),
    [
        ("missing.csv", None, "out.csv", "no such file"),
        ("in.txt", lambda p: p.write_text("x"), "out.csv", "cannot read '.txt' files"),
        ("in.csv", lambda p: p.write_text("x"), "out.json", "cannot write '.json' files"),
        ("in.csv", lambda p: p.write_text("x"), "no/such/folder/out.csv", "does not exist"),
        ("in.csv", lambda p: p.write_text("x"), "in.csv", "would overwrite the input"),
        ("in.csv", lambda p: p.write_text("x"), ".", "is a directory"),
        ("in.csv", lambda p: (p.write_text("x"), (p.parent / "out.csv").mkdir()), "out.csv", "out.csv is a directory"),
        ("in.csv", lambda p: p.mkdir(), "out.csv", "is a directory"),
        ("in.csv", lambda p: p.write_bytes(b""), "out.csv", "is empty"),
        ("in.csv", lambda p: p.write_bytes("id,公司\n1,\xff".encode("utf-16")), "out.csv", "is not UTF-8 text"),
        ("in.csv", lambda p: p.write_text('a,b\n"1,2\n'), "out.csv", "is not a readable CSV file"),
        ("in.xlsx", _corrupt_xlsx, "out.csv", "is not a readable .xlsx workbook"),
        ("in.xlsx", _text_as_xlsx, "out.csv", "is not a readable .xlsx workbook"),
        ("in.xlsx", lambda p: p.write_bytes(b""), "out.csv", "is not a readable .xlsx workbook"),
        ("in.json", lambda p: p.write_text("[{"), "out.csv", "is not valid JSON"),
        ("in.json", lambda p: p.write_text('{"answers": {}}'), "out.csv", "must hold a JSON array"),
        ("in.json", lambda p: p.write_text("[1]"), "out.csv", "item 0 is a number"),
        ("in.json", lambda p: p.write_text("[" * 100_000), "out.csv", "nested too deeply"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(tmp_path, capsys, name, make, output, message):
    source = tmp_path / name
    if make:
        make(source)
    code, out, err = run(capsys, str(source), "-o", str(tmp_path / output), "--no-progress")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err


def test_a_date_before_coverage_exits_2(tmp_path, capsys, rows):
    as_table(rows).to_csv(tmp_path / "in.csv", index=False)
    code, _, err = run(capsys, str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--as-of", "2009-02-27")
    assert code == 2 and "before the earliest law" in err and not (tmp_path / "out.csv").exists()


def test_two_columns_for_one_question_exit_2(tmp_path, capsys, rows):
    (tmp_path / "in.csv").write_text("buys_data,buys_data \ntrue,false\n", encoding="utf-8")
    code, _, err = run(capsys, str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert code == 2 and "question 'buys_data' has more than one column" in err


def test_a_failed_write_leaves_no_file_behind(tmp_path, capsys, monkeypatch, rows):
    as_table(rows).to_csv(tmp_path / "in.csv", index=False)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pd.DataFrame, "to_csv", refuse)
    code, _, err = run(capsys, str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert code == 2 and err == f"error: cannot write {tmp_path / 'out.csv'}: Permission denied\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_an_empty_table_writes_the_header(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("id,consumer_facing\n", encoding="utf-8")
    code, out, _ = run(capsys, str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert code == 0 and out.startswith("0 rows: 0 scored, 0 with errors")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").strip() == ",".join(["id", *RESULT_COLUMNS])


def test_the_command_runs_as_a_module(tmp_path, rows):
    as_table(rows).to_csv(tmp_path / "in.csv", index=False)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scoring",
            "batch",
            str(tmp_path / "in.csv"),
            "-o",
            str(tmp_path / "out.xlsx"),
            "--as-of",
            "2021-11-01",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "" and SUMMARY.match(done.stdout.strip())
    bad = subprocess.run(
        [sys.executable, "-m", "scoring", "batch", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "out.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
