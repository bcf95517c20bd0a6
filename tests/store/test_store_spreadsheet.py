"""Spreadsheets: the template round trip, every bad cell reported, hostile files refused, scored exports."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from questions.loader import default_bank
from questions.locales import LOCALES
from questions.model import UNKNOWN
from store import repo
from store import spreadsheet as sheet
from store.errors import StoreError

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
BANK = default_bank()


def fill(template: bytes, cells: dict[str, object], extra_rows: list[tuple] = ()) -> tuple[bytes, dict[str, int]]:
    """Write answers into a template's answer column; returns the file and each question's row number."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb[sheet.ANSWERS_SHEET]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for qid, value in cells.items():
        ws.cell(row=rows[qid], column=6).value = value
    for extra in extra_rows:
        ws.append(list(extra))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), rows


def answer_strategy():
    def one(q):
        options = []
        if q.type == "yes_no":
            options.append(st.booleans())
        elif q.type == "single":
            options.append(st.sampled_from([c.id for c in q.choices]))
        else:
            ids = [c.id for c in q.choices]
            options.append(
                st.lists(st.sampled_from(ids), min_size=1, unique=True).map(lambda v, ids=ids: sorted(v, key=ids.index))
            )
        if q.unknown:
            options.append(st.just(UNKNOWN))
        return st.one_of(*options)

    return st.fixed_dictionaries({}, optional={q.id: one(q) for q in BANK.questions.values()})


def test_the_template_lists_every_question_in_both_languages():
    for lang, heading in (("en", "question id"), ("zh", "问题编号")):
        wb = load_workbook(io.BytesIO(sheet.template_xlsx(lang)))
        assert wb.sheetnames == ["answers", "choices", "about"]
        ws = wb["answers"]
        assert ws.cell(row=1, column=1).value == heading
        assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == list(BANK.questions)
        q = BANK.questions["user_count"]
        row = list(BANK.questions).index("user_count") + 2
        assert ws.cell(row=row, column=3).value == q.text.get(lang)
        allowed = ws.cell(row=row, column=4).value
        assert all(f"{c.id} = {c.label.get(lang)}" in allowed for c in q.choices) and "unknown" in allowed
        assert all(ws.cell(row=r, column=6).value is None for r in range(2, ws.max_row + 1))
        choices = wb["choices"]
        assert any(
            r == ("user_count", "over_100m", q.choice("over_100m").label.get(lang)) for r in choices.iter_rows(values_only=True)
        )
    assert sheet.import_xlsx(sheet.template_xlsx("en")) == ({}, [])
    with pytest.raises(StoreError, match="language"):
        sheet.template_xlsx("fr")


def test_a_filled_template_imports_back_to_the_same_answers():
    for lang in LOCALES:
        answers, problems = sheet.import_xlsx(sheet.template_xlsx(lang, ARTICLE))
        assert problems == []
        assert answers == ARTICLE


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_strategy())
def test_any_valid_answers_survive_the_round_trip(answers):
    assert sheet.import_xlsx(sheet.template_xlsx("en", answers)) == (answers, [])


def test_what_people_type_is_read_kindly():
    data, _ = fill(
        sheet.template_xlsx("en"),
        {
            "consumer_facing": "Yes",
            "listed_company": True,  # Excel's own TRUE
            "cii_operator": 0,
            "biometrics": "否",
            "user_count": " OVER_100M ",
            "data_categories": "health， transactions",  # a Chinese comma
            "institution_type": "Unknown",
            "children_data": "   ",  # blank: not answered
        },
    )
    answers, problems = sheet.import_xlsx(data)
    assert problems == []
    assert answers == {
        "consumer_facing": True,
        "listed_company": True,
        "cii_operator": False,
        "biometrics": False,
        "user_count": "over_100m",
        "data_categories": ["health", "transactions"],
        "institution_type": UNKNOWN,
    }
    data, _ = fill(sheet.template_xlsx("en"), {"data_categories": '["transactions", "health"]'})
    assert sheet.import_xlsx(data) == ({"data_categories": ["transactions", "health"]}, [])


def test_every_bad_cell_is_reported_by_row_and_question():
    data, rows = fill(
        sheet.template_xlsx("en"),
        {
            "consumer_facing": "maybe",  # wrong type
            "user_count": "lots",  # bad choice
            "company_sector": "unknown",  # "unknown" not offered
            "data_categories": "health, nonsense",  # one bad choice in a list
            "encryption": 42,  # a number
            "listed_company": dt.datetime(2024, 1, 1),  # a date
            "biometrics": True,  # a good one among them
        },
        extra_rows=[
            ("no_such_question", "", "", "", "", "true"),
            (None, "", "", "", "", "orphan"),
            ("biometrics", "", "", "", "", "false"),
        ],
    )
    answers, problems = sheet.import_xlsx(data)
    assert answers == {"biometrics": True}
    last = max(rows.values())
    found = {(p.row, p.question_id): p.message for p in problems}
    assert set(found) == {
        (rows["consumer_facing"], "consumer_facing"),
        (rows["user_count"], "user_count"),
        (rows["company_sector"], "company_sector"),
        (rows["data_categories"], "data_categories"),
        (rows["encryption"], "encryption"),
        (rows["listed_company"], "listed_company"),
        (last + 1, "no_such_question"),
        (last + 2, ""),
        (last + 3, "biometrics"),
    }
    assert "expects true or false" in found[(rows["consumer_facing"], "consumer_facing")]
    assert "has no choice 'lots'" in found[(rows["user_count"], "user_count")]
    assert "does not offer 'I don't know'" in found[(rows["company_sector"], "company_sector")]
    assert "has no choice 'nonsense'" in found[(rows["data_categories"], "data_categories")]
    assert "expects true or false, got 42" in found[(rows["encryption"], "encryption")]  # as the batch command says it
    assert "date" in found[(rows["listed_company"], "listed_company")]
    assert "unknown question id" in found[(last + 1, "no_such_question")]
    assert f"listed twice (first on row {rows['biometrics']})" in found[(last + 3, "biometrics")]
    assert str(problems[0]).startswith(f"row {rows['company_sector']} (company_sector): ")
    assert all("\n" not in str(p) for p in problems)


def test_a_sheet_with_its_columns_moved_is_still_read():
    wb = load_workbook(io.BytesIO(sheet.template_xlsx("zh")))
    ws = wb["answers"]
    ws.insert_rows(1)
    ws["A1"] = "Client: Acme"
    ws.move_range("F2:F200", rows=0, cols=2)  # the answer column moved right, under its heading
    row = list(BANK.questions).index("consumer_facing") + 3
    ws.cell(row=row, column=8).value = "true"
    out = io.BytesIO()
    wb.save(out)
    assert sheet.import_xlsx(out.getvalue()) == ({"consumer_facing": True}, [])


def zip_bytes(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not an Excel .xlsx workbook"),
        (b"question id,answer\nconsumer_facing,true\n", "not an Excel .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old .xls file"),
        (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        (zip_bytes({"hello.txt": b"hi"}), "not an Excel .xlsx workbook"),
        (zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<not really"}), "damaged or is not a workbook"),
        (b"PK\x03\x04" + b"\x00" * 6_000_000, "at most 5,000,000 bytes"),
        (zip_bytes({f"xl/part{i}.xml": b"" for i in range(300)}), "made of 300 parts"),
    ],
    ids=["empty", "csv", "xls", "truncated-zip", "zip-not-xlsx", "broken-xml", "oversized", "many-entries"],
)
def test_unusable_files_are_refused_with_one_line(data, message):
    with pytest.raises(StoreError, match=message) as err:
        sheet.import_xlsx(data)
    assert "\n" not in str(err.value)


def test_a_truncated_template_is_refused():
    data = sheet.template_xlsx("en")
    with pytest.raises(StoreError, match="damaged"):
        sheet.import_xlsx(data[: len(data) // 2])


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = zip_bytes(
        {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\x00" * 60_000_000}
    )
    assert len(bomb) < 200_000
    with pytest.raises(StoreError, match="zip bomb"):
        sheet.import_xlsx(bomb)
    dense = zip_bytes(
        {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"<row/>" * 2_000_000}
    )
    with pytest.raises(StoreError, match=r"compressed .* to 1"):
        sheet.import_xlsx(dense)


def test_a_workbook_without_the_answers_sheet_or_headings_is_refused():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Sheet1"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(StoreError, match="no 'answers' sheet"):
        sheet.import_xlsx(out.getvalue())
    wb.active.title = "answers"
    wb.active.append(["id", "value"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(StoreError, match="no 'question id' and 'answer' headings"):
        sheet.import_xlsx(out.getvalue())


# ----------------------------------------------------------------------------------------------
# Export


def test_export_scores_a_portfolio_like_the_engine(engine):
    from scoring.engine import assess

    acme = repo.create_client(engine, "Acme")
    beta = repo.create_client(engine, "=Beta")  # a name a spreadsheet would take for a formula
    full = repo.create_assessment(engine, acme.id, "2012", dt.date(2012, 9, 4), "en", None, ARTICLE, company="Acme")
    today = repo.create_assessment(engine, acme.id, "2026", dt.date(2026, 11, 29), "en", None, ARTICLE)
    repo.create_assessment(engine, beta.id, "draft", dt.date(2026, 11, 29), "zh", None, {"consumer_facing": True})
    archived = repo.create_assessment(engine, beta.id, "old", dt.date(2026, 1, 1), "en", None, ARTICLE)
    repo.archive_assessment(engine, archived, expected_version=1, author="ana")

    rows = repo.list_assessments(engine)
    df = sheet.export_assessments(rows)
    assert list(df.columns) == list(sheet.EXPORT_COLUMNS)
    assert list(df["title"]) == ["draft", "2026", "2012"]  # by client name ("=" sorts first), newest first
    by_title = df.set_index("title")
    for saved in (full, today):
        expected = assess(ARTICLE, saved.law_as_of)
        for axis, result in expected.axes.items():
            assert by_title.loc[saved.title, f"{axis}_level"] == result.level
            assert by_title.loc[saved.title, f"{axis}_score"] == result.score
        assert pd.isna(by_title.loc[saved.title, "error"])
    assert "required answers missing" in by_title.loc["draft", "error"]
    assert pd.isna(by_title.loc["draft", "civil_score"])
    assert str(df["updated_at"].dt.tz) == "UTC"
    # The batch scorer and the engine agree row by row.
    assert sheet.scores_with_engine(rows) == sheet.scores_with_frame(rows, __import__("scoring.frame").frame.assess_frame)

    wb = load_workbook(io.BytesIO(sheet.to_xlsx(df)))
    ws = wb.active
    assert [c.value for c in ws[1]][:6] == ["client", "title", "company", "law_as_of", "status", "updated_at (UTC)"]
    beta_cell = next(c for c in ws["A"] if c.value == "=Beta")
    assert beta_cell.data_type == "s"  # text, not a formula
    csv = sheet.to_csv(df)
    assert csv.startswith("\ufeff".encode())
    text = csv.decode("utf-8-sig")
    assert "'=Beta" in text and "\n=Beta" not in text
    assert pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig").shape == df.shape


def test_export_of_nothing_is_an_empty_table():
    df = sheet.export_assessments([])
    assert list(df.columns) == list(sheet.EXPORT_COLUMNS) and len(df) == 0
    assert sheet.to_csv(df).decode("utf-8-sig").strip() == ",".join(sheet.EXPORT_COLUMNS)
    load_workbook(io.BytesIO(sheet.to_xlsx(df)))


def test_an_xml_entity_bomb_inside_the_workbook_is_refused():
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    sheet_xml = (
        f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY l0 "lol">{laughs}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>question id</t></is></c><c r="F1" t="inlineStr"><is><t>answer</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
    ).encode()
    template = zipfile.ZipFile(io.BytesIO(sheet.template_xlsx("en")))
    parts = {i.filename: template.read(i.filename) for i in template.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    with pytest.raises(StoreError, match="damaged or is not a workbook"):
        sheet.import_xlsx(zip_bytes(parts))
