"""The store CLI: `python -m store upgrade|info|backup|restore|checkpoint|hash-password`. User mistakes exit 2 with one line."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from scoring.cli import OneLineParser as _Parser
from scoring.cli import fail as _fail
from scoring.cli import run_main

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _engine(args: argparse.Namespace) -> Engine:
    from store.db import make_engine

    return make_engine(args.url)


def _shown_url(engine: Engine) -> str:
    from store.db import shown_url

    return shown_url(engine.url)  # the password and any secret in the query masked


def _cmd_upgrade(args: argparse.Namespace) -> int:
    from store.db import current_revision, upgrade

    engine = _engine(args)
    upgrade(engine)
    print(f"ok: {_shown_url(engine)} is at schema version {current_revision(engine)}")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from store.db import current_revision, head_revision

    engine = _engine(args)
    current = current_revision(engine)
    print(f"database: {_shown_url(engine)}")
    print(f"schema version: {current or 'none (empty database)'} (this pirisk: {head_revision()})")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from store.backup import backup

    info = backup(_engine(args), args.out)
    print(f"ok: backed up {info.clients} clients and {info.assessments} assessments to {info.path}")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from store.backup import restore

    info, safety = restore(_engine(args), args.backup)
    print(
        f"ok: restored {info.clients} clients and {info.assessments} assessments from {info.path}; the replaced database is kept at {safety}"
    )
    return 0


def _cmd_checkpoint(args: argparse.Namespace) -> int:
    from store.records import checkpoint

    engine = _engine(args)
    try:
        if not checkpoint(engine):
            return _fail("the write-ahead log could not be emptied: a reader still holds an old snapshot; try again later")
    finally:
        engine.dispose()
    print(f"ok: {_shown_url(engine)} has nothing left in its write-ahead log")
    return 0


def _cmd_hash_password(args: argparse.Namespace) -> int:
    from store.access import hash_password

    if sys.stdin.isatty():
        first = getpass.getpass("Workspace password: ")
        if getpass.getpass("Same password again: ") != first:
            return _fail("the two passwords differ; nothing was printed")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    print(hash_password(first))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m store", description="Manage pirisk's workspace database.")
    parser.add_argument("--url", help="database URL (default: env DATABASE_URL, else the SQLite file in the data folder)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("upgrade", help="create or migrate the tables (the app also does this at start)").set_defaults(
        run=_cmd_upgrade
    )
    sub.add_parser("info", help="show which database is used and its schema version").set_defaults(run=_cmd_info)

    backup = sub.add_parser("backup", help="copy the SQLite database to OUT while the app runs")
    backup.add_argument("out", metavar="OUT", help="the backup file to create (must not exist)")
    backup.set_defaults(run=_cmd_backup)

    restore = sub.add_parser(
        "restore", help="replace the SQLite database with a verified backup (refused while the app has it open)"
    )
    restore.add_argument("backup", metavar="IN", help="a file made by `python -m store backup`")
    restore.set_defaults(run=_cmd_restore)

    sub.add_parser(
        "checkpoint", help="empty SQLite's write-ahead log (deleted data leaves the disk); safe while the app runs"
    ).set_defaults(run=_cmd_checkpoint)

    hashing = sub.add_parser(
        "hash-password", help="print the argon2id hash of a workspace password (asked twice, or read from stdin)"
    )
    hashing.set_defaults(run=_cmd_hash_password)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
