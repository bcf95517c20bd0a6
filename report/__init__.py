"""Reports of an Assessment: `build_pdf`, `build_docx`, `build_markdown` and the export-format registry. What
they take beyond the assessment (`Branding`, `ReportExtras`) is in `deliverable/`, which the store shares.

Names are imported lazily, so that importing `report.grid` (as the screens do) does not load fpdf2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FORMATS", "ExportFormat", "build_docx", "build_markdown", "build_pdf", "export_format"]

_WHERE = {
    "FORMATS": "report.formats",
    "ExportFormat": "report.formats",
    "export_format": "report.formats",
    "build_docx": "report.word",
    "build_markdown": "report.markdown",
    "build_pdf": "report.pdf",
}

if TYPE_CHECKING:
    from report.formats import FORMATS, ExportFormat, export_format
    from report.markdown import build_markdown
    from report.pdf import build_pdf
    from report.word import build_docx


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'report' has no attribute {name!r}")
