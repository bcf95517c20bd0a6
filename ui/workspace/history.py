"""An assessment's answer history: each change (question, old → new, who, when), with a way to restore an earlier value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from questions.answers import answer_words
from questions.model import Question
from questions.strings import tr
from store import repo
from ui import state
from ui.present import md
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

HISTORY_LIMIT = 300  # changes shown; the database keeps them all


def when(moment: dt.datetime) -> str:
    """A stored time as people read it: UTC, to the minute."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def value_label(question: Question | None, value: Any, lang: str) -> str:
    """An answer from the history as it reads on screen (a question since removed shows its raw value)."""
    if question is None:
        return tr("common", "answer_unanswered", lang) if value is None else str(value)
    return answer_words(question, value, lang)


def _restore(assessment_id: int, change_id: int, expected: int) -> None:
    def write() -> str:
        repo.restore_answer(ws.engine(), change_id, expected_version=expected, author=ws.author())
        wl.refresh_if_open(assessment_id)
        return t("ws_restored")

    msg.act(write)


def history_section(db: Engine, saved: repo.SavedAssessment) -> None:
    """The timeline of `saved`'s answer changes with a Restore button on each (drafts only)."""
    changes = repo.history(db, saved.id, limit=HISTORY_LIMIT)
    if not changes:
        st.caption(md(t("ws_history_none")))
        return
    lang = state.lang()
    questions = state.law().bank.questions
    editable = saved.status == repo.EDITABLE
    expected = wl.expected_version(saved)
    st.caption(md(t("ws_history_intro", n=len(changes))))
    if not editable:
        st.caption(md(t("ws_history_read_only")))
    for change in changes:
        q = questions.get(change.question_id)
        before, after = value_label(q, change.old_value, lang), value_label(q, change.new_value, lang)
        with st.container(border=True, key=f"ws_change__{change.id}"):
            text, button = st.columns([5, 1], vertical_alignment="center")
            text.markdown(f"**{md(q.text.get(lang) if q else change.question_id)}**")
            text.markdown(f"{md(before)} → **{md(after)}**")
            text.caption(
                md(
                    t(
                        "ws_change_line",
                        version=change.version,
                        who=change.author or t("ws_unnamed"),
                        when=when(change.changed_at),
                    )
                )
            )
            button.button(
                t("ws_restore"),
                key=f"ws_restore__{change.id}",
                on_click=_restore,
                args=(saved.id, change.id, expected),
                disabled=not editable,
                help=md(t("ws_restore_help", value=before)),
                icon=":material/history:",
            )
