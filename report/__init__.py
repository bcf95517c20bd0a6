"""Reports of an Assessment: the content every writer prints (`build_content`, `ReportContent`) and the export
registry (`FORMATS`, `export_format`) whose writers turn it into files. What they take beyond the assessment
(`Branding`, `ReportExtras`) is in `deliverable/`, which the store shares.

Names are imported lazily, so that importing `report.grid` (as the screens do) does not load fpdf2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FORMATS", "ExportFormat", "ReportContent", "build_content", "export_format"]

_WHERE = {
    "FORMATS": "report.formats",
    "ExportFormat": "report.formats",
    "export_format": "report.formats",
    "ReportContent": "report.content",
    "build_content": "report.content",
}

if TYPE_CHECKING:
    from report.content import ReportContent, build_content
    from report.formats import FORMATS, ExportFormat, export_format


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'report' has no attribute {name!r}")
