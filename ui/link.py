"""The questionnaire's link to a record kept elsewhere: what it tells that record, and what it asks of it.

A founder's self-assessment keeps its answers in the browser session only. Another part of the app (the
consultant workspace) can attach the questionnaire to a record it keeps elsewhere by registering a
`Link`: while the link is active, the questionnaire reports every change to it and shows what it adds
(a banner, a field under each question), without knowing what the record is. The self-assessment
pages only ever call `current()`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from deliverable.branding import Branding


class Link(Protocol):
    def active(self) -> bool:
        """Whether this session's questionnaire is attached to this link's record now."""
        ...

    def signed_in(self) -> bool:
        """Whether this session is signed in to where this link's records are kept (then the browser keeps
        nothing: what it kept is cleared at sign-in, see ui/browser.py)."""
        ...

    def answer_changed(self, qid: str, previous: Any, value: Any) -> None:
        """An answer was just given (None: cleared). May put `previous` back, and say why, if refused."""
        ...

    def company_changed(self, company: str) -> None: ...

    def law_date_changed(self, day: dt.date) -> None: ...

    def banner(self) -> None:
        """Drawn at the top of the questionnaire and the results: which record is open, and any refusal."""
        ...

    def below_question(self, qid: str) -> None:
        """Drawn under each question (the workspace's note field)."""
        ...

    def resume_block(self) -> str | None:
        """Why an answers file may not replace the answers now (shown instead of the uploader), or None."""
        ...

    def branding(self) -> Branding | None:
        """The branding for the report cover, if the record has one."""
        ...

    def notes(self) -> dict[str, str]:
        """The record's notes on questions, for the report."""
        ...


class Detached:
    """The self-assessment on its own: nothing to tell, nothing to add. A link that adds less than the
    workspace (the respondent page) starts from it."""

    def active(self) -> bool:
        return True

    def signed_in(self) -> bool:
        return False

    def answer_changed(self, qid: str, previous: Any, value: Any) -> None:
        return None

    def company_changed(self, company: str) -> None:
        return None

    def law_date_changed(self, day: dt.date) -> None:
        return None

    def banner(self) -> None:
        return None

    def below_question(self, qid: str) -> None:
        return None

    def resume_block(self) -> str | None:
        return None

    def branding(self) -> Branding | None:
        return None

    def notes(self) -> dict[str, str]:
        return {}


DETACHED: Link = Detached()
_LINKS: list[Link] = []


def register(link: Link) -> None:
    """Make a link available to every session (once per process; registering twice is harmless)."""
    if link not in _LINKS:
        _LINKS.append(link)


def signed_in() -> bool:
    """Whether this session is signed in to any record keeper (the consultant workspace)."""
    return any(link.signed_in() for link in _LINKS)


def current() -> Link:
    """The link active in this session, else the detached self-assessment."""
    for link in _LINKS:
        if link.active():
            return link
    return DETACHED
