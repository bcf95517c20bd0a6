"""PDF and Markdown reports of an Assessment: `build_pdf`, `build_markdown` and the `Branding` they accept."""

from report.branding import Branding
from report.markdown import build_markdown
from report.pdf import build_pdf

__all__ = ["Branding", "build_markdown", "build_pdf"]
