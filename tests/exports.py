"""The export registry for tests: each format by name, and every format read back as a reader would, so that a
test parametrised over FORMATS runs on a new format without change.

A text format (`is_text`) is read as its UTF-8 text, so a new text format needs nothing here; a new binary
format needs its reader in READERS (the test then says so).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest

from report.formats import FORMATS, ExportFormat, export_format

PDF, DOCX, MD, XLSX = (export_format(key) for key in ("pdf", "docx", "md", "xlsx"))
FORMAT_IDS = [f.key for f in FORMATS]


def markdown(*args: Any, **kwargs: Any) -> str:
    """The Markdown report as text (the arguments of ExportFormat.build)."""
    return MD.build(*args, **kwargs).decode("utf-8")


def pdf_text(data: bytes) -> str:
    from tests.test_report import pdftotext

    return pdftotext(data)


def docx_text(data: bytes) -> str:
    """Every paragraph of a Word file, body and tables, in document order."""
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(io.BytesIO(data)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def xlsx_text(data: bytes) -> str:
    """Every sheet's name and every cell's value, one a line."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    return "\n".join([*book.sheetnames, *cells])


def markdown_text(data: bytes) -> str:
    """The Markdown rendered (CommonMark) and its text taken, as a reader of the rendered page sees it."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(data.decode("utf-8"))
    return html.unescape(re.sub(r"<[^>]*>", "", rendered))


READERS: dict[str, Callable[[bytes], str]] = {"pdf": pdf_text, "docx": docx_text, "xlsx": xlsx_text, "md": markdown_text}


def seen_text(fmt: ExportFormat, data: bytes) -> str:
    """What a person reading the file sees, as text."""
    if fmt.key in READERS:
        return READERS[fmt.key](data)
    if fmt.is_text:
        return data.decode("utf-8")
    pytest.fail(f"the binary export format {fmt.key!r} needs a reader in tests/exports.py READERS")


def assert_valid(fmt: ExportFormat, data: bytes) -> None:
    """The file opens in what reads its format: a PDF with pypdf, Word with python-docx, a workbook with
    openpyxl; a text format is strict UTF-8 (no lone surrogate got through)."""
    if fmt.is_text:
        data.decode("utf-8")
    elif fmt.key == "pdf":
        from pypdf import PdfReader

        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert len(PdfReader(io.BytesIO(data)).pages) > 0
    elif fmt.key == "docx":
        from docx import Document

        assert Document(io.BytesIO(data)).paragraphs
    elif fmt.key == "xlsx":
        from openpyxl import load_workbook

        assert load_workbook(io.BytesIO(data)).sheetnames
    else:
        pytest.fail(f"the binary export format {fmt.key!r} needs a check in tests/exports.py assert_valid")
