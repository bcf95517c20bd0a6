"""What every pirisk command line shares: one-line errors with exit code 2, dates, and the main loop."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence

from questions.errors import PiriskError

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SystemExit(fail(f"{self.prog}: {message}"))


def fail(message: str) -> int:
    """Print `error: <message>` as one line on stderr; return the usage exit code."""
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_USAGE


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date, for --as-of."""
    try:
        return dt.date.fromisoformat(text)
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"invalid date {text!r}; expected YYYY-MM-DD") from None


def today_or(as_of: dt.date | None) -> dt.date:
    # A command line is a presenter: it, not the engine, decides that "no date" means today.
    return as_of or dt.date.today()


def run_main(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, run: Callable[[argparse.Namespace], int] | None = None
) -> int:
    """Parse `argv` and run the command (`run`, or the parser's `run` default). A user's mistake
    (any PiriskError, a usage error, Ctrl-C, end of input) is one line and exit code 2; never a traceback."""
    try:
        args = parser.parse_args(argv)
        return (run or args.run)(args)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else fail(exit_.code)
    except PiriskError as err:
        return fail(str(err))
    except (KeyboardInterrupt, EOFError):
        return fail("interrupted")
    except BrokenPipeError:
        return 0
