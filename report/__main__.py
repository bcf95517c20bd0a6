"""The report CLI: `python -m report FILE -o OUT.pdf [--lang] [--as-of] [--format] [--template]`, in any format of
the export registry (report/formats.py), of the consultant's report or the PIPIA. User mistakes exit 2 with one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cli import OneLineParser as _Parser
from cli import fail as _fail
from cli import parse_date, run_main, same_file, write_atomic
from cli import today_or as _today_or
from questions.locales import LOCALES
from report.formats import FORMAT_KEYS, FORMATS, TEMPLATE_KEYS, ExportFormat, export_format, format_for_suffix, report_template


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m report", description="Write the PDF or Markdown report of an answers file.")
    parser.add_argument("file", help="answers file (JSON, see docs/answers-format.md)")
    parser.add_argument("-o", "--output", help="OUT.pdf or OUT.md; '-' or none writes Markdown to standard output")
    parser.add_argument("--lang", choices=LOCALES, help="report language (default: the file's)")
    parser.add_argument("--as-of", type=parse_date, help="law as of this date (default: the file's law_as_of, else today)")
    parser.add_argument("--format", choices=FORMAT_KEYS, help="default: from the output's suffix (.md is Markdown), else pdf")
    parser.add_argument(
        "--template",
        choices=TEMPLATE_KEYS,
        default=TEMPLATE_KEYS[0],
        help="report (default): the exposure assessment; pipia: the personal information protection impact assessment",
    )
    parser.add_argument(
        "--white-label", action="store_true", help="a report to send as it is: no tool name and no internal notes"
    )
    return parser


DEFAULT = FORMATS[0]  # without --format or a known suffix
TO_STDOUT = next(f for f in FORMATS if f.is_text)  # what "-o -" writes


def _format(args: argparse.Namespace) -> ExportFormat:
    if args.format:
        return export_format(args.format)
    if not args.output or args.output == "-":
        return TO_STDOUT if args.output else DEFAULT
    return format_for_suffix(Path(args.output).suffix) or DEFAULT


def run(args: argparse.Namespace) -> int:
    from deliverable.branding import Branding
    from scoring.answers_file import read_answers
    from scoring.engine import assess

    fmt = _format(args)
    template = report_template(args.template)
    if fmt.key not in template.formats:
        return _fail(f"the {template.key} template has no {fmt.key} format; use one of {', '.join(template.formats)}")
    to_stdout = args.output in (None, "-")
    if not fmt.is_text and to_stdout:
        return _fail(f"a {fmt.key.upper()} needs an output file: add -o OUT{fmt.suffix} (or use --format {TO_STDOUT.key})")
    if not to_stdout and same_file(args.output, args.file):
        return _fail(f"the output {args.output} would overwrite the answers file; choose another file name")
    file = read_answers(args.file)
    answer_set = file.replace(lang=args.lang or file.lang)
    assessment = assess(file.answers, args.as_of or file.law_as_of or _today_or(None))
    data = fmt.build(assessment, answer_set, Branding(white_label=True) if args.white_label else None, template=template.key)
    if to_stdout:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    out = Path(args.output)
    if out.is_dir():
        return _fail(f"{out} is a directory; give a file name such as {out / ('report' + fmt.suffix)}")
    try:
        write_atomic(out, data)  # a new file renamed into place: never half a report, never a damaged input
    except OSError as err:
        return _fail(f"cannot write {out}: {err.strerror or err}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv, run)


if __name__ == "__main__":
    sys.exit(main())
