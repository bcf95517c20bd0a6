"""Sparse workbooks (issue 19, finding 4): the .xlsx guard counted cells, not the range they span. A 2.4 KB
workbook with a cell in A1 and one in the last row made `scoring batch` build 1,000,000 rows (2.1 GB);
larger ones were killed for memory. The guard now refuses a sheet whose cells span more than the limit
(rows x columns, as a table reader fills the gaps) before any reader sees it, for the batch command and the
workspace import alike."""

from __future__ import annotations

import io
import resource
import time
import zipfile

import pytest

from scoring.__main__ import main
from scoring.tables import BATCH_LIMITS, IMPORT_LIMITS, TableError, check_xlsx, write_xlsx
from store import spreadsheet
from store.errors import StoreError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="{sheet}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Answers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="{target}"/></Relationships>'
)


def workbook(rows: str, *, sheet: str = "xl/worksheets/sheet1.xml", root: str = "worksheet") -> bytes:
    """A minimal .xlsx whose one sheet holds `rows` (the XML inside sheetData), with inline text cells."""
    sheet_xml = f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{MAIN}"><sheetData>{rows}</sheetData></{root}>'
    if root.startswith("x:"):
        sheet_xml = sheet_xml.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"').replace("sheetData", "x:sheetData")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheet="/" + sheet))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(target="/" + sheet))
        z.writestr(sheet, sheet_xml)
    return out.getvalue()


def text(ref: str | None, value: str = "x", tag: str = "c", attrs: str = "") -> str:
    r = f' r="{ref}"' if ref else ""
    return f'<{tag}{attrs}{r} t="inlineStr"><is><t>{value}</t></is></{tag}>'


HEAD = '<row r="1">' + text("A1", "consumer_facing") + "</row>"
# Each of these is a few KB and spans a million cells or more; the third pass tried them all.
SPARSE = {
    "last row": HEAD + '<row r="1048576">' + text("A1048576", "true") + "</row>",
    "last column": '<row r="1">' + text("A1", "consumer_facing") + text("XFD1") + '</row><row r="400">' + text("A400") + "</row>",
    "far corner": HEAD + '<row r="1000">' + text("XFD1000") + "</row>",
    "a million rows": HEAD + '<row r="1000000">' + text("A1000000") + "</row>",
    "row number as a float": HEAD + '<row r="1e6">' + text(None) + "</row>",
    "cells without r after a far one": HEAD + '<row r="600">' + text("XFA600") + text(None) * 5 + "</row>",
    "rows without r after a far one": HEAD
    + '<row r="999990">'
    + text("F999990")
    + "</row>"
    + "<row>"
    + text(None)
    + "</row>" * 1,
    "a row with no cells": '<row r="1">' + text("A1") + text("Z1") + '</row><row r="1048576"/>',
    "a prefixed namespace": "",  # filled below: x:row and x:c
    "a '>' inside a quoted attribute": HEAD + '<row r="900000">' + text("A900000", attrs=' s="0" foo=">"') + "</row>",
    "single quotes and spaces": HEAD + "<row r = '900000' >" + text(None) + "</row>",
    "$-anchored and lower-case refs": HEAD + '<row r="2">' + text("$xfd$400") + "</row>",
    "beyond Excel's last row": HEAD + '<row r="2000000">' + text("A2000000") + "</row>",
    "beyond Excel's last column": '<row r="1">' + text("A1") + text("ZZZ1") + "</row>",
    "a reference that is not one": HEAD + '<row r="2">' + text("&#88;FD2") + "</row>",
}


def _prefixed() -> bytes:
    rows = HEAD.replace("<row", "<x:row").replace("</row>", "</x:row>").replace("<c", "<x:c").replace("</c>", "</x:c>")
    far = '<x:row r="1048000">' + text("A1048000", tag="x:c") + "</x:row>"
    return workbook(
        (rows + far).replace("<is>", "<x:is>").replace("</is>", "</x:is>").replace("<t>", "<x:t>").replace("</t>", "</x:t>"),
        root="x:worksheet",
    )


def sparse_books() -> dict[str, bytes]:
    books = {name: workbook(rows) for name, rows in SPARSE.items() if rows}
    books["a prefixed namespace"] = _prefixed()
    books["a sheet outside xl/worksheets"] = workbook(SPARSE["last row"], sheet="xl/elsewhere/data.xml")
    return books


@pytest.mark.parametrize("name", sorted(sparse_books()))
def test_the_guard_refuses_a_sparse_workbook_before_reading_it(name):
    data = sparse_books()[name]
    assert len(data) < 3_000, len(data)  # a few KB each
    for limits in (BATCH_LIMITS, IMPORT_LIMITS):
        with pytest.raises(TableError):
            check_xlsx(data, limits)
    with pytest.raises(StoreError):
        spreadsheet.check_xlsx(data)


def test_scoring_batch_refuses_the_2_4_kb_workbook_at_once_without_building_a_million_rows(tmp_path, capsys):
    source = tmp_path / "sparse.xlsx"
    source.write_bytes(sparse_books()["last row"])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    code = main(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "span" in err and not (tmp_path / "out.csv").exists(), err
    assert time.perf_counter() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: no gigabytes of rows


def test_dense_and_ordinary_workbooks_still_pass():
    import pandas as pd

    table = pd.DataFrame({f"q{i}": ["true", "false"] * 500 for i in range(40)})  # 1,000 rows x 40 columns
    check_xlsx(write_xlsx({"answers": table}), BATCH_LIMITS)
    check_xlsx(workbook(HEAD + '<row r="2">' + text("A2", "true") + text(None) + text("D2") + "</row>"), IMPORT_LIMITS)
    spreadsheet.check_xlsx(spreadsheet.template_xlsx("en"))
    spreadsheet.check_xlsx(spreadsheet.template_xlsx("zh"))
