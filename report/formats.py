"""The export formats as one registry: a new format is one writer and one line in FORMATS.

The command line (`python -m report --format`), the Results page and the workspace's Assessment page
all generate their choices and download buttons from this tuple.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from deliverable.branding import Branding
from deliverable.extras import ReportExtras
from questions.answers import AnswerSet
from scoring.assessment import Assessment
from scoring.loader import Law

Writer = Callable[[Assessment, AnswerSet, Branding | None, Law | None, ReportExtras | None], bytes]


def _pdf(
    assessment: Assessment, answer_set: AnswerSet, branding: Branding | None, law: Law | None, extras: ReportExtras | None
) -> bytes:
    from report.pdf import build_pdf  # fpdf2 and the font load only when a PDF is made

    return build_pdf(assessment, answer_set, branding, law=law, extras=extras)


def _markdown(
    assessment: Assessment, answer_set: AnswerSet, branding: Branding | None, law: Law | None, extras: ReportExtras | None
) -> bytes:
    from report.markdown import build_markdown

    return build_markdown(assessment, answer_set, branding, law=law, extras=extras).encode("utf-8")


def _docx(
    assessment: Assessment, answer_set: AnswerSet, branding: Branding | None, law: Law | None, extras: ReportExtras | None
) -> bytes:
    from report.word import build_docx  # python-docx loads only when a Word file is made

    return build_docx(assessment, answer_set, branding, law=law, extras=extras)


@dataclass(frozen=True)
class ExportFormat:
    """One way to hand over a report."""

    key: str  # the --format value
    suffix: str  # the file name's ending
    mime: str
    label: str  # the download button's label: a key of assets/locale/ui.yaml
    icon: str  # the download button's icon (Material Symbols name, shown by Streamlit)
    write: Writer
    suffixes: tuple[str, ...] = ()  # other file endings that mean this format

    def build(
        self,
        assessment: Assessment,
        answer_set: AnswerSet,
        branding: Branding | None = None,
        *,
        law: Law | None = None,
        extras: ReportExtras | None = None,
    ) -> bytes:
        """The report as this format's bytes; `extras` is what a consultant's report adds (report/extras.py)."""
        return self.write(assessment, answer_set, branding, law, extras)


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("pdf", ".pdf", "application/pdf", "download_pdf", ":material/picture_as_pdf:", _pdf),
    ExportFormat("docx", ".docx", DOCX_MIME, "download_docx", ":material/article:", _docx),
    ExportFormat("md", ".md", "text/markdown", "download_markdown", ":material/description:", _markdown, (".markdown",)),
)
FORMAT_KEYS: tuple[str, ...] = tuple(f.key for f in FORMATS)


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
