"""Spreadsheets in and out: the one writer of CSV and .xlsx tables, and the one guard in front of every .xlsx read.

Every table pirisk writes (the batch command's scores, the workspace's exports) goes through
`write_csv` or `write_xlsx`, and every .xlsx it reads (the batch command's input, the workspace's
import) through `check_xlsx` first:

* `neutralise` makes text a spreadsheet would run as a formula inert: every text cell and every
  heading. In CSV such text gets a leading apostrophe; in .xlsx it is stored as a string (never a
  formula) with Excel's "quote prefix", so that editing the cell keeps it text.
* `check_xlsx` refuses a decompression bomb before any XML parser sees the file: the file's size, the
  number of parts, their total unpacked size, each big part's compression ratio, the number of cells and
  shared strings, and the range the cells span (counted by streaming the parts, within the unpacked-size
  bound). A reader fills the gaps of a sparse sheet: a cell in A1 and one in A1048576 are a million rows
  to pandas, so the span (last row x last column, rows and cells placed as openpyxl places them) is what
  is bounded, in every part, not only those under xl/worksheets/.
* Tables that do not fit a sheet (more than 16,384 columns or 1,048,576 rows) are refused with a
  clear message instead of a crash.

Errors are `TableError`, a `UserError`: one line, in the reader's language on a page.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scoring.errors import Term, UserError

if TYPE_CHECKING:  # pandas and openpyxl load when a table is written or read, not when the CLI starts
    import pandas as pd

XLSX_MAX_COLUMNS = 16_384  # Excel's limit: columns A..XFD
XLSX_MAX_ROWS = 1_048_576  # Excel's limit, the heading row included
SHEET_NAME_MAX = 31
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
# A row or cell start tag, whole (attribute values may hold ">"), and the r attribute that places it
_PLACED_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c)((?:\s+[^\s=<>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>""")
_TAG_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:row|c)(?:[\s/>]|$)|<[\w.:-]{0,40}$")
_R_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROW_NUMBER = re.compile(rb"[0-9]{1,9}")
_CELL_REFERENCE = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})")
_TAG_MAX = 1 << 20  # a row or cell tag longer than this is not a table's
_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CHUNK = 1 << 20
_RATIO_FLOOR = 1_000_000  # parts smaller than this unpacked are not ratio-checked (tiny XML compresses well)
_UTC_SUFFIX = " (UTC)"


class TableError(UserError):
    """A table that cannot be read or written: not a workbook, a decompression bomb, too big for a sheet."""


@dataclass(frozen=True)
class XlsxLimits:
    """How big an .xlsx may be before pirisk refuses to open it. `what` names the kind of file in messages."""

    max_bytes: int
    max_unpacked: int
    max_parts: int
    max_ratio: int
    max_cells: int
    max_rows: int
    what: str


IMPORT_LIMITS = XlsxLimits(
    max_bytes=5_000_000,
    max_unpacked=10_000_000,
    max_parts=200,
    max_ratio=100,
    max_cells=50_000,
    max_rows=10_000,
    what="table_answers_template",
)
"""A filled answers template (the workspace import): a few hundred rows, a few hundred KB unpacked."""

BATCH_LIMITS = XlsxLimits(
    max_bytes=100_000_000,
    max_unpacked=400_000_000,
    max_parts=500,
    max_ratio=100,
    max_cells=5_000_000,
    max_rows=200_000,
    what="table_batch",
)
"""A batch of answer sets: tens of thousands of rows (larger batches are read faster from CSV)."""


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, with a leading apostrophe; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


# ----------------------------------------------------------------------------------------------
# The guard


def check_xlsx(data: bytes, limits: XlsxLimits = IMPORT_LIMITS) -> None:
    """Refuse, with a TableError, anything that is not a plausible .xlsx workbook within `limits`.

    Runs before openpyxl sees the file. zipfile never reads past a part's declared size, so the
    declared sizes bound what the counting below unpacks."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TableError(key="table_not_bytes")
    data = bytes(data)
    if len(data) > limits.max_bytes:
        raise TableError(key="table_too_big", what=Term(limits.what), size=f"{len(data):,}", limit=f"{limits.max_bytes:,}")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(key="table_old_xls")
    if not data.startswith(b"PK\x03\x04"):
        raise TableError(key="table_not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_parts(entries, limits)
            _count_cells(archive, entries, limits)
    except TableError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise TableError(key="table_damaged_zip") from None


def _check_parts(entries: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    if len(entries) > limits.max_parts:
        raise TableError(key="table_too_many_parts", parts=f"{len(entries):,}", limit=limits.max_parts)
    for e in entries:
        if e.flag_bits & 0x1:
            raise TableError(key="table_encrypted")
        if e.file_size > _RATIO_FLOOR and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise TableError(key="table_bomb_ratio", ratio=f"{e.file_size // max(e.compress_size, 1):,}")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > limits.max_unpacked:
        raise TableError(key="table_bomb_size", size=f"{unpacked:,}", limit=f"{limits.max_unpacked:,}")
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise TableError(key="table_zip_not_xlsx")


def _count_cells(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    """Count the cells of every worksheet and the shared strings, and bound the range every part's cells
    span, streaming, and stop at the limit."""
    cells = strings = spanned = 0
    for e in entries:
        name = e.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            cells += _count(archive, e, _CELL_TAG, limits.max_cells - cells)
        elif name == "xl/sharedStrings.xml":
            strings += _count(archive, e, _STRING_TAG, limits.max_cells - strings)
        if cells > limits.max_cells or strings > limits.max_cells:
            raise TableError(key="table_too_many_cells", limit=f"{limits.max_cells:,}", what=Term(limits.what))
        if name != "xl/sharedStrings.xml":  # a sheet may be stored under any name the workbook points to
            spanned += _span(archive, e, limits, spanned)


class _Span:
    """Where openpyxl puts each row and cell of one part: a row's or a cell's r, else one after the last."""

    def __init__(self, limits: XlsxLimits, before: int) -> None:
        self.limits, self.before = limits, before
        self.row = self.column = self.rows = self.columns = 0

    @property
    def cells(self) -> int:
        return self.rows * max(self.columns, 1) if self.rows else 0

    def place(self, tag: bytes, attributes: bytes) -> None:
        found = _R_ATTRIBUTE.search(attributes)
        where = None if found is None else found.group(1) if found.group(1) is not None else found.group(2)
        if tag == b"row":
            if where is None:
                self.row += 1
            elif _ROW_NUMBER.fullmatch(where):
                self.row = int(where)
            else:  # openpyxl also takes "1e6"; no table needs that
                raise TableError(key="table_bad_reference", reference=where[:20].decode("ascii", "replace"))
            self.column = 0
        elif where is None:
            self.column += 1
            self.row = max(self.row, 1)
        else:
            reference = _CELL_REFERENCE.fullmatch(where)
            if reference is None:
                raise TableError(key="table_bad_reference", reference=where[:20].decode("ascii", "replace"))
            self.column = _column_number(reference.group(1))
            self.row = int(reference.group(2))
        self.rows, self.columns = max(self.rows, self.row), max(self.columns, self.column)
        self.check()

    def check(self) -> None:
        limits = self.limits
        if self.rows >= XLSX_MAX_ROWS + 1 or self.columns > XLSX_MAX_COLUMNS:
            raise TableError(key="table_beyond_sheet", rows=f"{self.rows:,}", columns=f"{self.columns:,}")
        if self.rows > limits.max_rows or self.before + self.cells > limits.max_cells:
            raise TableError(
                key="table_too_wide_a_span",
                rows=f"{self.rows:,}",
                columns=f"{self.columns:,}",
                limit=f"{limits.max_cells:,}",
                max_rows=f"{limits.max_rows:,}",
                what=Term(limits.what),
            )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _span(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: XlsxLimits, before: int) -> int:
    """The cells one part's rows and cells span (last row x last column), streaming; TableError beyond the
    sheet or the limits. A tag cut by a chunk's end is kept and read whole with the next chunk."""
    span = _Span(limits, before)
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            end = 0
            for found in _PLACED_TAG.finditer(window):
                span.place(found.group(1), found.group(2))
                end = found.end()
            rest = window[end:]
            start = rest.rfind(b"<")
            tail = rest[start:] if start >= 0 and _TAG_START.match(rest, start) else b""
            if len(tail) > _TAG_MAX:
                raise TableError(key="table_unreadable")
    return span.cells


def _count(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, tag: re.Pattern[bytes], budget: int) -> int:
    found = 0
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            found += len(tag.findall(window))
            tail = window[-64:]
            found -= len(tag.findall(tail))  # counted again with the next chunk
            if found > budget:
                return found
    return found + len(tag.findall(tail))


def read_xlsx(data: bytes, limits: XlsxLimits = BATCH_LIMITS) -> pd.DataFrame:
    """The first sheet of a checked workbook as a DataFrame: a heading row, then one row per record.

    Cells keep their types (text, numbers, Excel's TRUE/FALSE); empty cells are NaN. Raises TableError."""
    import pandas as pd

    check_xlsx(data, limits)
    try:
        return pd.read_excel(
            io.BytesIO(data), sheet_name=0, dtype=object, engine="openpyxl", keep_default_na=False, na_values=[""]
        )
    except Exception:  # openpyxl and zipfile raise many types for a damaged or foreign file
        raise TableError(key="table_unreadable") from None


# ----------------------------------------------------------------------------------------------
# The writer


def _fits(df: pd.DataFrame) -> None:
    if len(df.columns) > XLSX_MAX_COLUMNS:
        raise TableError(key="table_too_many_columns", n=f"{len(df.columns):,}", limit=f"{XLSX_MAX_COLUMNS:,}")
    if len(df) + 1 > XLSX_MAX_ROWS:
        raise TableError(key="table_too_many_rows", n=f"{len(df):,}", limit=f"{XLSX_MAX_ROWS - 1:,}")


def _plain(value: Any) -> Any:
    """A cell as openpyxl takes it: blanks as None, numpy scalars unwrapped, times in UTC without a zone."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    kind = type(value).__name__
    if kind in ("NAType", "NaTType"):
        return None
    if kind == "Timestamp":
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones: UTC, as the heading says
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def _headings(df: pd.DataFrame) -> list[str]:
    import pandas as pd

    out = []
    for name in df.columns:
        zoned = isinstance(df[name].dtype, pd.DatetimeTZDtype)
        out.append(str(name) + (_UTC_SUFFIX if zoned else ""))
    return out


def _sheet_name(name: str) -> str:
    if not isinstance(name, str) or not name or len(name) > SHEET_NAME_MAX or _SHEET_NAME_BAD.search(name):
        raise TableError(key="table_sheet_name", name=str(name)[:40])
    return name


def display_width(text: str) -> int:
    """How many columns `text` takes in a spreadsheet: a wide character (Chinese, full-width) counts two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def write_xlsx(sheets: Mapping[str, pd.DataFrame], *, wrap_text: bool = False, replace_illegal: bool = False) -> bytes:
    """Tables as one .xlsx workbook, a sheet per table in the given order: bold, frozen headings; times in UTC
    (a zoned column's heading says so); text, headings included, never taken as a formula. Raises TableError.

    A document for people to read (the consultant's workbook) asks for `wrap_text` (text wraps, and each
    column is as wide as its text, within limits) and `replace_illegal` (a control character a worksheet
    cannot hold becomes U+FFFD instead of refusing the whole file)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import IllegalCharacterError

    if not sheets:
        raise TableError(key="table_no_sheets")
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, df in sheets.items():
        _fits(df)
        ws = wb.create_sheet(_sheet_name(title))
        headings = _headings(df)
        for i, heading in enumerate(headings, start=1):
            width = display_width(heading)
            if wrap_text:  # as wide as the longest line of its text, within limits
                lines = (line for v in df.iloc[:, i - 1] if isinstance(v, str) for line in v.splitlines())
                width = max([width, *(min(display_width(line), 60) for line in lines)])
            ws.column_dimensions[get_column_letter(i)].width = max(
                12 if not wrap_text else 8, min(40 if not wrap_text else 62, width + 2)
            )
        ws.freeze_panes = "A2"

        def cell(value: Any, *, heading: bool = False, ws: Any = ws) -> Any:
            value = _plain(value)
            if replace_illegal and isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            text = isinstance(value, str)
            if not heading and not isinstance(value, dt.date) and not _formula_like(value) and not (wrap_text and text):
                return value  # a plain value: the fast path, no cell object
            out = WriteOnlyCell(ws, value=value)
            if wrap_text and text and not heading:
                out.alignment = wrap
            if isinstance(value, str):
                out.data_type = "s"  # openpyxl takes text starting with "=" for a formula; here it is data
                if _formula_like(value):
                    out.quotePrefix = True
            if heading:
                out.font = bold
            if isinstance(value, dt.datetime):
                out.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                out.number_format = "yyyy-mm-dd"
            return out

        try:
            ws.append([cell(h, heading=True) for h in headings])
            for values in df.itertuples(index=False, name=None):
                ws.append([cell(v) for v in values])
        except IllegalCharacterError:
            raise TableError(key="table_control_character") from None
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` with every text cell and heading that a spreadsheet would run as a formula neutralised."""
    import pandas as pd

    safe = df.copy()
    safe.columns = [neutralise(c) if isinstance(c, str) else c for c in safe.columns]
    for i in range(safe.shape[1]):
        column = safe.iloc[:, i]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype) or isinstance(column.dtype, pd.CategoricalDtype):
            text = column.astype(object)
            risky = text.map(_formula_like).astype(bool)
            if risky.any():
                safe.isetitem(i, text.where(~risky, text.map(neutralise)))
    return safe


def write_csv(df: pd.DataFrame, target: Any = None, *, bom: bool = True) -> bytes | None:
    """A table as UTF-8 CSV, formula-like text neutralised; with `bom` (the default) a byte-order mark first,
    so that Excel shows Chinese correctly. Returns the bytes, or writes them to `target` (a path) and returns None."""
    text_kwargs: dict[str, Any] = {"index": False, "date_format": "%Y-%m-%dT%H:%M:%S%z"}
    encoding = "utf-8-sig" if bom else "utf-8"
    safe = neutralised(df)
    if target is not None:
        safe.to_csv(target, encoding=encoding, **text_kwargs)
        return None
    return safe.to_csv(**text_kwargs).encode(encoding)
