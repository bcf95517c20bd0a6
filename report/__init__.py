"""Reports of an Assessment: `build_pdf`, `build_docx`, `build_markdown`, the `Branding` and `ReportExtras` they
accept and the export-format registry.

Names are imported lazily, so that importing `report.branding` (as the screens do) does not load fpdf2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FORMATS", "Branding", "ExportFormat", "ReportExtras", "build_docx", "build_markdown", "build_pdf", "export_format"]

_WHERE = {
    "Branding": "report.branding",
    "FORMATS": "report.formats",
    "ExportFormat": "report.formats",
    "export_format": "report.formats",
    "ReportExtras": "report.extras",
    "build_docx": "report.word",
    "build_markdown": "report.markdown",
    "build_pdf": "report.pdf",
}

if TYPE_CHECKING:
    from report.branding import Branding
    from report.extras import ReportExtras
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
