"""The report CLI: `python -m report FILE -o OUT.pdf [--lang] [--as-of] [--format]`. User mistakes exit 2 with one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from questions.model import LOCALES
from scoring.cli import OneLineParser as _Parser
from scoring.cli import fail as _fail
from scoring.cli import parse_date, run_main
from scoring.cli import today_or as _today_or

FORMATS = ("pdf", "md")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m report", description="Write the PDF or Markdown report of an answers file.")
    parser.add_argument("file", help="answers file (JSON, see docs/answers-format.md)")
    parser.add_argument("-o", "--output", help="OUT.pdf or OUT.md; '-' or none writes Markdown to standard output")
    parser.add_argument("--lang", choices=LOCALES, help="report language (default: the file's)")
    parser.add_argument("--as-of", type=parse_date, help="law as of this date (default: the file's law_as_of, else today)")
    parser.add_argument("--format", choices=FORMATS, help="default: from the output's suffix (.md is Markdown), else pdf")
    return parser


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.output and args.output != "-" and Path(args.output).suffix.lower() not in (".md", ".markdown"):
        return "pdf"
    return "md" if args.output else "pdf"


def run(args: argparse.Namespace) -> int:
    from report.markdown import build_markdown
    from report.pdf import build_pdf
    from scoring.answers_file import read_answers
    from scoring.engine import assess

    fmt = _format(args)
    to_stdout = args.output in (None, "-")
    if fmt == "pdf" and to_stdout:
        return _fail("a PDF needs an output file: add -o OUT.pdf (or use --format md)")
    file = read_answers(args.file)
    lang = args.lang or file.lang
    assessment = assess(file.answers, args.as_of or file.law_as_of or _today_or(None))
    if fmt == "md":
        text = build_markdown(assessment, file.answers, lang, company=file.company)
        if to_stdout:
            sys.stdout.write(text)
            return 0
        data = text.encode("utf-8")
    else:
        data = build_pdf(assessment, file.answers, lang, company=file.company)
    out = Path(args.output)
    try:
        out.write_bytes(data)
    except OSError as err:
        return _fail(f"cannot write {out}: {err.strerror or err}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv, run)


if __name__ == "__main__":
    sys.exit(main())
