"""The `pirisk` command (installed by `pip install .`): the browser app and every command line, as
subcommands. The `python -m scoring|report|store` forms keep working; this only dispatches to them.

    pirisk app [streamlit options]        the browser app on http://127.0.0.1:8501
    pirisk score FILE [--as-of --lang --format]
    pirisk report FILE -o OUT.pdf [--lang --as-of --format --template --white-label]
    pirisk batch IN.csv -o OUT.csv [--as-of --remedies]
    pirisk sources [--as-of --lang --format]
    pirisk check
    pirisk db upgrade|info|backup|restore|hash-password   (also: pirisk store ...; needs pirisk[workspace])

A mistake in what is passed is one line on stderr and exit code 2, as for every pirisk command line.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCORING = ("score", "sources", "check", "batch")
DATABASE = ("db", "store")
COMMANDS = ("app", *SCORING, "report", *DATABASE)
DATA_DIR_ENV = "PIRISK_DATA_DIR"  # read by store/db.py
LOOPBACK = "127.0.0.1"


def _fail(message: str) -> int:
    from cli import fail

    return fail(message)


def in_checkout() -> bool:
    """Whether pirisk runs from a source checkout (its pyproject.toml beside app.py), not an install."""
    return (HERE / "pyproject.toml").is_file()


def use_user_data_dir() -> None:
    """An installed pirisk keeps its workspace database in the user's data directory (platformdirs);
    a checkout keeps `data/` (store/db.py's default). PIRISK_DATA_DIR, if set, wins either way."""
    if os.environ.get(DATA_DIR_ENV) or in_checkout():
        return
    from platformdirs import user_data_dir

    os.environ[DATA_DIR_ENV] = user_data_dir("pirisk", appauthor=False)


def streamlit_flags() -> list[str]:
    """pirisk's Streamlit settings (assets/streamlit.toml, which .streamlit/config.toml links to) as
    command-line flags, so that an install applies them from any folder; the app listens on the
    loopback address unless told otherwise."""
    settings = tomllib.loads(resources.files("assets").joinpath("streamlit.toml").read_text(encoding="utf-8"))
    flags = [f"--server.address={LOOPBACK}"]
    for section, values in settings.items():
        for name, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{name}={text}")
    return flags


APP_HELP = f"""usage: pirisk app [streamlit options]

Starts the browser app on http://{LOOPBACK}:8501 (this computer only). Nothing is sent anywhere: no usage
statistics, no fonts or scripts from elsewhere. Streamlit's own options may follow, for example
--server.port 8502; `streamlit run --help` lists them all.
"""


def run_app(args: Sequence[str]) -> int:
    if any(a in ("-h", "--help") for a in args):  # pirisk's own help, not Streamlit's thousands of lines
        print(APP_HELP, end="")
        return 0
    from streamlit.web import cli as streamlit_cli

    from ui import serving

    use_user_data_dir()
    serving.harden()  # before the server starts: its first WebSocket may come before any script run
    command = ["run", str(HERE / "app.py"), *streamlit_flags(), *args]  # later flags win: the user's come last
    streamlit_cli.main.main(args=command, prog_name="pirisk app")  # exits with Streamlit's own code
    return 0


def version() -> str:
    try:
        return metadata.version("pirisk")
    except metadata.PackageNotFoundError:
        return tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def usage() -> str:
    return (__doc__ or "").split("\n\n", 1)[1].split("\n\nA mistake")[0]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        text = f"usage: pirisk COMMAND [options]   (pirisk COMMAND --help for each)\n\n{usage()}"
        print(text, file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    if args[0] == "--version":
        print(f"pirisk {version()}")
        return 0
    command, rest = args[0], args[1:]
    if command == "app":
        return run_app(rest)
    if command in SCORING:
        from scoring.__main__ import main as scoring_main

        return scoring_main([command, *rest])
    if command == "report":
        from report.__main__ import main as report_main

        return report_main(rest)
    if command in DATABASE:
        from ui.nav import workspace_available

        if not workspace_available():
            return _fail("the workspace database needs the workspace extra: pip install 'pirisk[workspace]'")
        use_user_data_dir()
        from store.__main__ import main as store_main

        return store_main(rest)
    return _fail(f"unknown command {command!r} (commands: {', '.join(COMMANDS)})")


if __name__ == "__main__":
    sys.exit(main())
