"""What every pirisk command line shares: one-line errors with exit code 2, strict dates, text that is safe
in a terminal, atomic writes of output files, and the main loop."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from questions.errors import PiriskError

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SystemExit(fail(f"{self.prog}: {message}"))


# C0 and C1 control characters (ESC starts a terminal escape sequence; 0x9b is CSI on its own), and the
# bidirectional overrides that make text display in another order than it is stored.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def terminal_safe(text: str) -> str:
    """`text` with every control character and bidirectional override removed (tabs and newlines kept), and
    any broken character (a lone surrogate) replaced: safe to print to a terminal that runs escape sequences."""
    clean = _TERMINAL_UNSAFE.sub("", str(text))
    return clean.encode("utf-8", "replace").decode("utf-8")


def fail(message: str) -> int:
    """Print `error: <message>` as one line on stderr, with no control character; return the usage exit code."""
    print(f"error: {' '.join(terminal_safe(message).split())}", file=sys.stderr)
    return EXIT_USAGE


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date, for --as-of, and nothing else (not 20120904, not 2012W365)."""
    try:
        if not (isinstance(text, str) and _ISO_DATE.fullmatch(text)):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"invalid date {terminal_safe(repr(text))}; expected YYYY-MM-DD") from None


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (through links too); False when either does not exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_atomic(path: str | Path, data: bytes | Callable[[Path], object]) -> None:
    """Write `data` (bytes, or a function writing to the path it is given) to a new temporary file beside
    `path`, then rename it over `path`: a reader never sees half a file, and a failure, Ctrl-C, SIGTERM or
    SIGHUP leaves none behind. Raises OSError (the caller names the file)."""
    path = Path(path)
    with _stopping_raises():
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".partial")
        tmp = Path(name)
        try:
            if isinstance(data, bytes | bytearray):
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            else:
                os.close(fd)
                data(tmp)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


@contextmanager
def _stopping_raises() -> Iterator[None]:
    """While a temporary file exists, SIGTERM and SIGHUP raise SystemExit (as Ctrl-C raises
    KeyboardInterrupt) instead of ending the process at once, so that the file is removed. Only in the main
    thread (the only one Python delivers signals to), and not for a signal the process was told to ignore."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {}
    for stopping in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(stopping) is signal.SIG_DFL:
            previous[stopping] = signal.signal(stopping, stop)
    try:
        yield
    finally:
        for stopping, handler in previous.items():
            signal.signal(stopping, handler)


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
