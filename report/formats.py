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

from questions.answers import AnswerSet
from report.branding import Branding
from scoring.assessment import Assessment
from scoring.loader import Law

Writer = Callable[..., bytes]


def _pdf(assessment: Assessment, answer_set: AnswerSet, branding: Branding | None, law: Law | None) -> bytes:
    from report.pdf import build_pdf  # fpdf2 and the font load only when a PDF is made

    return build_pdf(assessment, answer_set, branding, law=law)


def _markdown(assessment: Assessment, answer_set: AnswerSet, branding: Branding | None, law: Law | None) -> bytes:
    from report.markdown import build_markdown

    return build_markdown(assessment, answer_set, branding, law=law).encode("utf-8")


@dataclass(frozen=True)
class ExportFormat:
    """One way to hand over a report."""

    key: str  # the --format value
    suffix: str  # the file name's ending
    mime: str
    label: str  # the download button's label: a key of assets/locale/ui.yaml
    icon: str  # the download button's icon (Material Symbols name, shown by Streamlit)
    write: Callable[[Assessment, AnswerSet, Branding | None, Law | None], bytes]
    suffixes: tuple[str, ...] = ()  # other file endings that mean this format

    def build(
        self, assessment: Assessment, answer_set: AnswerSet, branding: Branding | None = None, *, law: Law | None = None
    ) -> bytes:
        return self.write(assessment, answer_set, branding, law)


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("pdf", ".pdf", "application/pdf", "download_pdf", ":material/picture_as_pdf:", _pdf),
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
    """A download's file name: pirisk-report[-parts]-DATE-LANG.suffix, in safe characters."""
    words = [safe_name_part(p) for p in parts]
    stem = "-".join(["pirisk-report", *(w for w in words if w), law_as_of.isoformat(), lang])
    return stem + fmt.suffix


def safe_name_part(text: str, limit: int = 40) -> str:
    """Text for a file name: letters (any script) and digits kept, everything else one hyphen."""
    text = unicodedata.normalize("NFC", text)
    cleaned = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return cleaned[:limit].strip("-_")
