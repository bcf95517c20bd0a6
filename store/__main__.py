"""The store CLI: `python -m store upgrade|info|backup|restore|checkpoint|hash-password|account ...`.
User mistakes exit 2 with one line."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cli import OneLineParser as _Parser
from cli import fail as _fail
from cli import run_main

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from store.backup_rows import RestorePreview


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
    from cli import terminal_safe
    from store.backup import restore
    from store.errors import StoreError

    def confirm(preview: RestorePreview) -> bool:
        """Show what the backup brings that opens the workspace; restore it only if the operator says so."""
        lines = preview.lines()
        if not lines:
            return True
        print("The backup brings these accounts and live links; whoever holds their passwords or links gets in:")
        for line in lines:
            print(f"  {terminal_safe(line)}")
        if args.yes:
            return True
        if not sys.stdin.isatty():
            raise StoreError("nothing was restored: confirm the accounts and live links listed above with --yes")
        return input("Restore them? [y/N] ").strip().lower() in ("y", "yes")

    info, safety = restore(_engine(args), args.backup, confirm=confirm)
    kept = f"the replaced database is kept at {safety}" if safety else "nothing was replaced (the database was empty)"
    print(f"ok: restored {info.clients} clients and {info.assessments} assessments from {info.path}; {kept}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from cli import terminal_safe
    from store.backup_rows import check_rows

    engine = _engine(args)
    try:
        preview = check_rows(engine, "the database", outcome="restore a sound backup, or correct that row")
    finally:
        engine.dispose()
    print(f"ok: every row of {_shown_url(engine)} is as pirisk writes it (every evidence file matches its SHA-256)")
    for line in preview.lines():
        print(f"  {terminal_safe(line)}")
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


def _read_password(prompt: str = "Workspace password: ") -> str | None:
    """A password asked twice on a terminal (None if the two differ), or the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Same password again: ") != first:
            return None
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _cmd_hash_password(args: argparse.Namespace) -> int:
    from store.access import hash_password

    first = _read_password()
    if first is None:
        return _fail("the two passwords differ; nothing was printed")
    print(hash_password(first))
    return 0


def _upgraded(args: argparse.Namespace) -> Engine:
    from store.db import upgrade

    engine = _engine(args)
    upgrade(engine)  # accounts live in the workspace database: make sure it has their table
    return engine


def _cmd_account_add(args: argparse.Namespace) -> int:
    from store.accounts import add_account

    engine = _upgraded(args)
    password = _read_password(f"Password for {args.name}: ")
    if password is None:
        return _fail("the two passwords differ; no account was added")
    account = add_account(engine, args.name, args.role, password)
    print(f"ok: added {account.name} ({account.role})")
    return 0


def _cmd_account_list(args: argparse.Namespace) -> int:
    from cli import terminal_safe
    from store.accounts import list_accounts

    accounts = list_accounts(_upgraded(args))
    if not accounts:
        print("no accounts (the workspace uses the operator password only)")
    for a in accounts:
        state = "disabled" if a.disabled else "enabled"
        print(f"{terminal_safe(a.name)}\t{a.role}\t{state}\tsince {a.created_at.date().isoformat()}")
    return 0


def _cmd_account_role(args: argparse.Namespace) -> int:
    from store.accounts import set_role

    account = set_role(_upgraded(args), args.name, args.role)
    print(f"ok: {account.name} is now {account.role}")
    return 0


def _cmd_account_disable(args: argparse.Namespace) -> int:
    from store.accounts import set_disabled

    account = set_disabled(_upgraded(args), args.name, args.run is _cmd_account_disable)
    print(f"ok: {account.name} is {'disabled' if account.disabled else 'enabled'}")
    return 0


def _cmd_account_enable(args: argparse.Namespace) -> int:
    return _cmd_account_disable(args)


def _cmd_account_password(args: argparse.Namespace) -> int:
    from store.accounts import set_password

    engine = _upgraded(args)
    password = _read_password(f"New password for {args.name}: ")
    if password is None:
        return _fail("the two passwords differ; the password was not changed")
    account = set_password(engine, args.name, password)
    print(f"ok: {account.name} has a new password; their open sessions lock")
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
    restore.add_argument(
        "--yes", action="store_true", help="restore the accounts and live links the backup brings without asking"
    )
    restore.set_defaults(run=_cmd_restore)

    sub.add_parser(
        "check",
        help="check every row as pirisk writes it, evidence files against their SHA-256 (say, after pg_restore)",
    ).set_defaults(run=_cmd_check)

    sub.add_parser(
        "checkpoint", help="empty SQLite's write-ahead log (deleted data leaves the disk); safe while the app runs"
    ).set_defaults(run=_cmd_checkpoint)

    hashing = sub.add_parser(
        "hash-password", help="print the argon2id hash of a workspace password (asked twice, or read from stdin)"
    )
    hashing.set_defaults(run=_cmd_hash_password)

    from store.models import ROLES

    account = sub.add_parser("account", help="manage named workspace accounts (besides the operator password)")
    actions = account.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = actions.add_parser("add", help="add an account (its password asked twice, or read from stdin)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, default="consultant", help="owner, consultant (default) or viewer")
    add.set_defaults(run=_cmd_account_add)
    actions.add_parser("list", help="list the accounts, their roles and whether they are enabled").set_defaults(
        run=_cmd_account_list
    )
    role = actions.add_parser("role", help="change an account's role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(run=_cmd_account_role)
    for name, run, text in (
        ("disable", _cmd_account_disable, "disable an account: it cannot sign in, its sessions lock"),
        ("enable", _cmd_account_enable, "enable a disabled account again"),
        ("password", _cmd_account_password, "give an account a new password (asked twice, or read from stdin)"),
    ):
        one = actions.add_parser(name, help=text)
        one.add_argument("name", metavar="NAME")
        one.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
