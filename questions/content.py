"""Where pirisk's data lives: the bank, the legal data, the locale strings and the fonts, found through
the packages that ship them (importlib.resources), so that a checkout and an installed wheel read the
same files.

`PIRISK_CONTENT` names another content tree laid out the same way (`questions/bank`, `scoring/...`,
`assets/locale`, ...). Tests and translators use it to load a modified copy, for example one with a
third language added, without touching the shipped files.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

CONTENT_ENV = "PIRISK_CONTENT"


def content_path(package: str, *parts: str) -> Path:
    """A file or folder shipped inside one of pirisk's packages (`questions`, `scoring`, `assets`)."""
    override = os.environ.get(CONTENT_ENV)
    if override:
        return Path(override, package, *parts)
    return Path(str(resources.files(package).joinpath(*parts)))


def project_root() -> Path:
    """The folder that holds the packages: paths in error messages are shown relative to it."""
    override = os.environ.get(CONTENT_ENV)
    return Path(override) if override else Path(str(resources.files("questions"))).parent
