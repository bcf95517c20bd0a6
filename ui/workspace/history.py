"""An assessment's history as people read it: one entry per sitting (one person's run of changes), in local
time, each expanding to its changes of an answer, a detail (title, law date, language, company, status) or a
note (what, old → new, who, when) with a way to restore an earlier value. The time zone is PIRISK_TIMEZONE
(default Asia/Shanghai; ui/local_time.py, docs/team.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from questions.answers import answer_words
from questions.locales import LOCALE_NAMES
from questions.model import Question
from questions.strings import tr
from store import repo
from ui import state
from ui.local_time import offset, when, zone
from ui.present import md
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

HISTORY_LIMIT = 300  # changes shown; the database keeps them all


def _span(start: dt.datetime, end: dt.datetime) -> str:
    """From one time to another as people read it: "2026-12-01 14:05–14:40 UTC+08:00"."""
    first, last = start.astimezone(zone()), end.astimezone(zone())
    if first.date() != last.date():
        return f"{when(start)} – {when(end)}"
    until = f"–{last:%H:%M}" if f"{last:%H:%M}" != f"{first:%H:%M}" else ""
    return f"{first:%Y-%m-%d %H:%M}{until} {offset(end)}"


def value_label(question: Question | None, value: Any, lang: str) -> str:
    """An answer from the history as it reads on screen (a question since removed shows its raw value)."""
    if question is None:
        return tr("common", "answer_unanswered", lang) if value is None else str(value)
    return answer_words(question, value, lang)


def _restore(shown: repo.AssessmentRef, change_id: int, expected: int) -> None:
    def write() -> str:
        repo.restore_answer(ws.engine(), shown, change_id, expected_version=expected, author=ws.author())
        wl.refresh_if_open(shown.id)
        return t("ws_restored")

    msg.act(write)


def change_labels(change: repo.AnswerChange, questions: dict[str, Question], lang: str) -> tuple[str, str, str]:
    """What a history row changed, and its value before and after, as plain text (escaped when shown)."""
    q = questions.get(change.question_id)
    if change.kind == "detail":
        what = detail_name(change.question_id)

        def shown(value: Any) -> str:
            if value in (None, ""):
                return t("ws_detail_empty")
            if change.question_id == "lang":
                return LOCALE_NAMES.get(value, str(value))
            if change.question_id == "status":
                return ws.status_label(str(value))
            return str(value)

        return what, shown(change.old_value), shown(change.new_value)
    if change.kind == "note":
        question = q.text.get(lang) if q else change.question_id
        return (
            t("ws_note_on", question=question),
            change.old_value or t("ws_detail_empty"),
            change.new_value or t("ws_detail_empty"),
        )
    question = q.text.get(lang) if q else change.question_id
    return question, value_label(q, change.old_value, lang), value_label(q, change.new_value, lang)


def detail_name(field: str) -> str:
    """An assessment detail's name on screen (the history's "what")."""
    names = {
        "title": t("ws_detail_title"),
        "law_as_of": t("ws_detail_law_as_of"),
        "lang": t("ws_detail_lang"),
        "company": t("ws_detail_company"),
        "status": t("ws_detail_status"),
        "signed_by": t("ws_detail_signed_by"),
        "summary": t("ws_detail_summary"),
        "scope": t("ws_detail_scope"),
    }
    return names.get(field, field)


def _change(saved: repo.SavedAssessment, change: repo.AnswerChange, expected: int, editable: bool) -> None:
    what, before, after = change_labels(change, state.law().bank.questions, state.lang())
    with st.container(border=True, key=f"ws_change__{change.id}"):
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"**{md(what)}**")
        text.markdown(f"{md(before)} → **{md(after)}**")
        text.caption(
            md(t("ws_change_line", version=change.version, who=change.author or t("ws_unnamed"), when=when(change.changed_at)))
        )
        workshop = (change.source or {}).get("workshop")
        if change.kind == "answer" and isinstance(workshop, dict):
            question = state.law().bank.questions.get(change.question_id)
            given = " · ".join(f"{name}: {value_label(question, value, state.lang())}" for name, value in workshop.items())
            text.caption(md(t("ws_change_from_workshop", answers=given)))
        button.button(
            t("ws_restore"),
            key=f"ws_restore__{change.id}",
            on_click=_restore,
            args=(saved.ref, change.id, expected),
            disabled=(not editable and change.kind == "answer") or ws.read_only(),
            help=md(t("ws_restore_help", value=before)),
            icon=":material/history:",
        )


def history_section(db: Engine, saved: repo.SavedAssessment) -> None:
    """The answer changes of `saved` as sittings, newest first, each expanding to its changes with a Restore
    button on each (drafts only)."""
    sittings = repo.sittings(db, saved.id, limit=HISTORY_LIMIT)
    if not sittings:
        st.caption(md(t("ws_history_none")))
        return
    editable = saved.status == repo.EDITABLE
    expected = wl.expected_version(saved)
    st.caption(md(t("ws_history_intro", n=sum(len(s.changes) for s in sittings))))
    st.caption(md(t("ws_history_zone", zone=offset(saved.updated_at))))
    if not editable:
        st.caption(md(t("ws_history_read_only")))
    for i, sitting in enumerate(sittings):
        first, last = sitting.versions
        label = md(  # the author's name is user text
            t(
                "ws_history_sitting",
                when=_span(sitting.started, sitting.ended),
                who=sitting.author or t("ws_unnamed"),
                n=len(sitting.changes),
                first=first,
                last=last,
            )
        )
        with st.expander(label, expanded=i == 0, icon=":material/edit_note:"):
            if sitting.rules_version:
                st.caption(md(t("ws_sitting_rules", rules=sitting.rules_version)))
            for change in sitting.changes:
                _change(saved, change, expected, editable)
