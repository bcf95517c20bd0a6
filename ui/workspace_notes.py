"""The consultant's note on a question, in the questionnaire while a workspace assessment is open."""

from __future__ import annotations

import streamlit as st

from store.repo import NOTE_MAX
from ui import workspace_state as ws
from ui.state import t


def note_key(qid: str) -> str:
    """The note field's widget key (workspace-prefixed, so that locking drops it)."""
    return f"ws_note__{qid}"


def _store_note(qid: str) -> None:
    ws.save_note(qid, st.session_state.get(note_key(qid)) or "")


def note_field(qid: str) -> None:
    """A small text area under the question, seeded from the open assessment's notes and saved on change."""
    text = st.session_state.get(ws.NOTES, {}).get(qid, "")
    st.session_state[note_key(qid)] = text
    with st.expander(t("ws_note_has") if text else t("ws_note_add"), icon=":material/edit_note:"):
        st.text_area(
            t("ws_note_label"),
            key=note_key(qid),
            on_change=_store_note,
            args=(qid,),
            max_chars=NOTE_MAX,
            height=90,
            placeholder=t("ws_note_placeholder"),
        )
