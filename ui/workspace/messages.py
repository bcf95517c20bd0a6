"""The workspace's messages: said once on the next screen, database problems as one sentence, and
changes made from callbacks with their outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import streamlit as st

from questions.errors import PiriskError
from scoring.errors import error_text
from store.errors import ConflictError, StoreError
from ui import state
from ui.present import md
from ui.workspace.session import active, t

FLASH = "ws_flash"  # [(kind, text)] said once at the top of the next workspace screen
CONFLICT = "ws_conflict"  # {id, question, and a form's kept values}: a save refused because someone else saved first


def flash(kind: str, text: str) -> None:
    """Say `text` (plain text: it is escaped when shown) at the top of the next workspace screen."""
    st.session_state.setdefault(FLASH, []).append((kind, text))


def show_flash() -> None:
    """Show and forget the pending messages."""
    shown = {"success": st.success, "error": st.error, "warning": st.warning, "info": st.info}
    for kind, text in st.session_state.pop(FLASH, []):
        shown.get(kind, st.info)(md(text))


@contextmanager
def store_errors() -> Iterator[None]:
    """Show a database problem (StoreError), or stored data the engine refuses (any PiriskError), on the
    page as one clear sentence, never a traceback."""
    try:
        yield
    except PiriskError as err:
        st.error(md(t("ws_store_error", reason=reason(err))), icon=":material/database:")


def reason(err: BaseException) -> str:
    """An error as the page says it: in the session's language when it has a message key, else as it is."""
    return error_text(err, state.lang())


def act(action: Callable[[], str | None], kept: Mapping[str, Any] | None = None) -> bool:
    """Run a database change from a callback: its message on success, a clear one on failure. True if done.
    A change refused because someone else saved first keeps `kept` (ui/workspace/forms.py: the form and the
    user's values) for Reload."""
    if not active():  # the session expired since the screen was drawn; this run will lock it
        return False
    try:
        message = action()
    except ConflictError as err:
        st.session_state[CONFLICT] = {"id": err.assessment_id, "question": None, **(kept or {})}
        return False
    except StoreError as err:
        flash("error", t("ws_store_error", reason=reason(err)))
        return False
    if message:
        flash("success", message)
    return True
