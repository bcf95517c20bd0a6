"""The export formats as one registry: a new format is one writer (`ReportContent -> bytes`) and one line in
FORMATS, plus its button labels in assets/locale/.

The command line (`python -m report --format` and the output's suffix), the Results page and the workspace's
Assessment page all generate their choices and download buttons from this tuple; the tests of every export
(escaping, Unicode, the CLI) are parametrised over it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the content (and the engine behind it) loads only when a file is made
    from deliverable.branding import Branding
    from deliverable.extras import ReportExtras
    from questions.answers import AnswerSet
    from report.content import ReportContent
    from scoring.assessment import Assessment
    from scoring.loader import Law

Writer = Callable[["ReportContent"], bytes]


@dataclass(frozen=True)
class ExportFormat:
    """One way to hand over a report: its writer and everything the CLI and the download buttons need to offer it."""

    key: str  # the --format value
    suffix: str  # the file name's ending
    mime: str
    writer: str  # "module:function", a Writer imported on the first file, so fpdf2, python-docx or openpyxl load only then
    icon: str  # the download button's icon (Material Symbols name, shown by Streamlit)
    # The download buttons' labels, each a key of its page's strings and the button's widget key: the workspace's
    # Assessment page (assets/locale/workspace.yaml), and the Results page (ui.yaml; None: a consultant's only).
    workspace_label: str
    results_label: str | None = None
    is_text: bool = False  # UTF-8 text, which the CLI may write to standard output
    suffixes: tuple[str, ...] = ()  # other file endings that mean this format

    def write(self, content: ReportContent) -> bytes:
        """`content` as this format's bytes."""
        module, name = self.writer.split(":")
        write: Writer = getattr(importlib.import_module(module), name)
        return write(content)

    def build(
        self,
        assessment: Assessment,
        answer_set: AnswerSet,
        branding: Branding | None = None,
        *,
        assessed_on: dt.date | None = None,
        law: Law | None = None,
        extras: ReportExtras | None = None,
        template: str = "report",
    ) -> bytes:
        """The report of `assessment`, scored from `answer_set`, in the set's language, as this format's bytes:
        its content built once by the template (`TEMPLATES`: the consultant's report by default, or the PIPIA),
        then written. `branding` is the consultancy's name and logo for the cover, `extras` what a consultant's
        report adds (deliverable/extras.py) and `assessed_on` (default today) the day the report says it was made."""
        chosen = report_template(template)
        if self.key not in chosen.formats:
            raise ValueError(f"the {chosen.key} template has no {self.key} format; use one of {', '.join(chosen.formats)}")
        content = chosen.build(assessment, answer_set, assessed_on=assessed_on, law=law, branding=branding, extras=extras)
        return self.write(content)


class ContentBuilder(Protocol):
    """A template's content: `report.content.build_content`'s signature."""

    def __call__(
        self,
        assessment: Assessment,
        answer_set: AnswerSet,
        *,
        assessed_on: dt.date | None = None,
        law: Law | None = None,
        branding: Branding | None = None,
        extras: ReportExtras | None = None,
    ) -> ReportContent: ...


@dataclass(frozen=True)
class ReportTemplate:
    """What a report says: its content builder (`"module:function"`, loaded on the first file) and the formats
    whose writers print it. The writers render any template: a template other than the report gives its body
    as `ReportContent.sections`."""

    key: str  # the --template value
    builder: str
    formats: tuple[str, ...]  # the export formats (keys) it is offered in, in FORMATS' order

    def build(self, assessment: Assessment, answer_set: AnswerSet, **kwargs: Any) -> ReportContent:
        module, name = self.builder.split(":")
        build: ContentBuilder = getattr(importlib.import_module(module), name)
        return build(assessment, answer_set, **kwargs)

    @property
    def is_default(self) -> bool:
        return self is TEMPLATES[0]


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The first is the default of the CLI; the first text format is what it writes to standard output.
FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "pdf", ".pdf", "application/pdf", "report.pdf:write_pdf", ":material/picture_as_pdf:", "ws_download_pdf", "download_pdf"
    ),
    ExportFormat("docx", ".docx", DOCX_MIME, "report.word:write_docx", ":material/article:", "ws_download_docx", "download_docx"),
    ExportFormat(
        "md",
        ".md",
        "text/markdown",
        "report.markdown:write_markdown",
        ":material/description:",
        "ws_download_markdown",
        "download_markdown",
        is_text=True,
        suffixes=(".markdown",),
    ),
    ExportFormat("xlsx", ".xlsx", XLSX_MIME, "report.workbook:write_workbook", ":material/table_view:", "ws_download_workbook"),
)
FORMAT_KEYS: tuple[str, ...] = tuple(f.key for f in FORMATS)
# The first is the default: the consultant's report. The PIPIA (report/pipia.py) is the personal-information
# protection impact assessment, filled from the answers, in the formats a company files (not the workbook).
TEMPLATES: tuple[ReportTemplate, ...] = (
    ReportTemplate("report", "report.content:build_content", FORMAT_KEYS),
    ReportTemplate("pipia", "report.pipia:build_pipia", ("pdf", "docx", "md")),
)
TEMPLATE_KEYS: tuple[str, ...] = tuple(t.key for t in TEMPLATES)


def report_template(key: str) -> ReportTemplate:
    for t in TEMPLATES:
        if t.key == key:
            return t
    raise KeyError(key)


def download_label(fmt: ExportFormat, template: ReportTemplate, *, workspace: bool) -> str | None:
    """The label key (and widget key) of the download button for `template` in `fmt`: on the workspace's
    Assessment page, or on the Results page; None when that page does not offer it. Another template's keys are
    the report's with `_<template>` after them (`download_pdf_pipia`)."""
    base = fmt.workspace_label if workspace else fmt.results_label
    if base is None or fmt.key not in template.formats:
        return None
    return base if template.is_default else f"{base}_{template.key}"


def downloads(*, workspace: bool) -> tuple[tuple[ReportTemplate, tuple[tuple[ExportFormat, str], ...]], ...]:
    """Each template with its formats a page offers and their buttons' label keys, templates in order."""
    rows = []
    for template in TEMPLATES:
        offered = tuple((f, label) for f in FORMATS if (label := download_label(f, template, workspace=workspace)))
        if offered:
            rows.append((template, offered))
    return tuple(rows)


def export_format(key: str) -> ExportFormat:
    for f in FORMATS:
        if f.key == key:
            return f
    raise KeyError(key)


def format_for_suffix(suffix: str) -> ExportFormat | None:
    """The format a file ending names (".pdf", ".md"), or None."""
    suffix = suffix.lower()
    for f in FORMATS:
        if suffix == f.suffix or suffix in f.suffixes:
            return f
    return None


def file_name(fmt: ExportFormat, law_as_of: dt.date, lang: str, *parts: str) -> str:
    """A download's file name in safe characters: PARTS-DATE-LANG.suffix, from say the client and the
    assessment's title; pirisk-report-DATE-LANG.suffix when there are none."""
    return file_stem(law_as_of, lang, *parts) + fmt.suffix


def file_stem(law_as_of: dt.date, lang: str, *parts: str) -> str:
    """A file name without its ending (see `file_name`)."""
    words = [w for w in (safe_name_part(p) for p in parts) if w] or ["pirisk-report"]
    return "-".join([*words, law_as_of.isoformat(), lang])


def safe_name_part(text: str, limit: int = 40) -> str:
    """Text for a file name: letters (any script) and digits kept, everything else one hyphen; longer than
    `limit`, cut after the last whole word that fits (a single word too long is cut at the limit)."""
    text = unicodedata.normalize("NFC", text)
    cleaned = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    if len(cleaned) <= limit:
        return cleaned
    cut = cleaned[: limit + 1]  # one more: a hyphen just after the limit ends a whole word
    end = cut.rfind("-")
    return (cut[:end] if end > 0 else cleaned[:limit]).strip("-_")
