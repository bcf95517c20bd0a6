"""The scoring CLI: `python -m scoring score|sources|check|batch`. User mistakes exit 2 with one line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from cli import OneLineParser, parse_date, run_main, today_or
from questions.locales import LOCALES


def _cmd_score(args: argparse.Namespace) -> int:
    from scoring.answers_file import read_answers
    from scoring.engine import assess
    from scoring.text_report import render_text

    file = read_answers(args.file)
    as_of = args.as_of or file.law_as_of or today_or(None)
    lang = args.lang or file.lang
    assessment = assess(file.answers, as_of)
    if args.format == "json":
        print(json.dumps(assessment.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        print(render_text(assessment, lang, company=file.company))
    return 0


def _cmd_sources(args: argparse.Namespace) -> int:
    from questions.strings import tr
    from scoring.engine import check_date
    from scoring.loader import default_law
    from scoring.plan import citation

    law = default_law()
    day = check_date(today_or(args.as_of), law)
    lang = args.lang or "en"
    rows = []
    for pid in law.provisions:
        version = law.resolve(pid, day)
        if version is None or version.id != pid:
            continue
        c = citation(law, pid, day)
        rows.append(c)
    if args.format == "json":
        print(json.dumps([c.to_dict(lang) for c in rows], ensure_ascii=False, indent=2))
        return 0
    laws = sum(1 for c in rows if law.provisions[c.id].in_force is not None)  # commentary, cases, contracts: never "in force"
    print(tr("cli", "sources_header", lang, date=day.isoformat(), laws=laws, other=len(rows) - laws))
    for c in rows:  # every line with its confidence mark (V, PV, U): issue 23 asks for the marks
        print(f"{c.id:28} {c.label(lang)} [{c.confidence}]")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from questions.loader import load_bank
    from scoring.loader import load_law

    bank = load_bank()
    law = load_law(bank=bank)
    print(
        f"ok: {len(bank.questions)} questions in {len(bank.sections)} sections, "
        f"{len(law.provisions)} provisions in {len(law.instruments)} sources, {len(law.rules)} rules, "
        f"{len(law.remedies)} remedies, {len(law.exposure)} exposure statements"
    )
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from scoring.batch import run_batch

    return run_batch(args)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m scoring", description="Score personal-information legal exposure under Chinese law.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    score = sub.add_parser("score", help="score an answers file")
    score.add_argument("file", help="answers file (JSON, see docs/answers-format.md)")
    score.add_argument("--as-of", type=parse_date, help="law as of this date (default: the file's law_as_of, else today)")
    score.add_argument("--lang", choices=LOCALES, help="output language (default: the file's)")
    score.add_argument("--format", choices=("text", "json"), default="text")
    score.set_defaults(run=_cmd_score)

    sources = sub.add_parser("sources", help="list the provisions in force on a date")
    sources.add_argument("--as-of", type=parse_date, help="default: today")
    sources.add_argument("--lang", choices=LOCALES)
    sources.add_argument("--format", choices=("text", "json"), default="text")
    sources.set_defaults(run=_cmd_sources)

    check = sub.add_parser("check", help="validate every data file")
    check.set_defaults(run=_cmd_check)

    batch = sub.add_parser("batch", help="score many answer sets from CSV, Excel or JSON")
    batch.add_argument("input", help="IN.csv, IN.xlsx or IN.json: one row per answer set, one column per question id")
    batch.add_argument("-o", "--output", required=True, help="OUT.csv or OUT.xlsx")
    batch.add_argument("--as-of", type=parse_date, help="default: today")
    batch.add_argument("--remedies", action="store_true", help="also rank remedies (slower)")
    batch.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    batch.set_defaults(run=_cmd_batch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
