"""Session state: the one answers dict, language, law date and step, and loading or saving an answers file.

Answers live only in `st.session_state[ANSWERS]`, never only in widget state: Streamlit drops the state
of widgets that are not on screen. Widgets are seeded from this dict and write back through callbacks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from typing import Any

import streamlit as st

from questions.model import LOCALES
from questions.strings import tr
from scoring.answers_file import AnswersFile, AnswersFileError, dump_answers, parse_answers
from scoring.loader import Law, default_law

# Session-state keys the app owns. No question id may equal one of these (tests check it).
ANSWERS = "answers"  # {question id: value}: the only place answers are kept
LANG = "lang"  # "en" | "zh"
LAW_AS_OF = "law_as_of"  # the date the law is applied as of
STEP = "step"  # index into the questionnaire's steps (sections, then the review)
COMPANY = "company"  # optional company or project name, saved in the answers file
WHAT_IF = "what_if"  # remedy ids ticked in the what-if view
BLOCKED = "blocked"  # question ids that stopped "Next" on the last click
UPLOAD_ERROR = "upload_error"  # one-line reason the last answers file was refused
UPLOAD_OK = "upload_ok"  # summary of the last answers file loaded
UPLOADER_ROUND = "uploader_round"  # bumped to clear the file uploader after each upload
WORKSPACE_OPEN = "ws_open"  # set (by ui.workspace_state) while a workspace assessment is in the questionnaire
STATE_KEYS = (ANSWERS, LANG, LAW_AS_OF, STEP, COMPANY, WHAT_IF, BLOCKED, UPLOAD_ERROR, UPLOAD_OK, UPLOADER_ROUND)

DEFAULT_LANG = "en"


def law() -> Law:
    """The shipped law and question bank (loaded once per process)."""
    return default_law()


def today() -> dt.date:
    # The screens, not the engine, read the clock.
    return dt.date.today()


def init_state() -> None:
    """Give every key a value on a session's first run; `?lang=zh` picks the starting language."""
    ss = st.session_state
    if LANG not in ss:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        ss[LANG] = wanted if wanted in LOCALES else DEFAULT_LANG
    ss.setdefault(ANSWERS, {})
    ss.setdefault(LAW_AS_OF, today())
    ss.setdefault(STEP, 0)
    ss.setdefault(COMPANY, "")
    ss.setdefault(WHAT_IF, [])
    ss.setdefault(BLOCKED, [])
    ss.setdefault(UPLOADER_ROUND, 0)
    # Keep the language in the address, so a reload or a shared link opens in the same language.
    if st.query_params.get("lang") != ss[LANG]:
        st.query_params["lang"] = ss[LANG]


def lang() -> str:
    return st.session_state.get(LANG, DEFAULT_LANG)


def t(key: str, **values: object) -> str:
    """A screen string from assets/locale/ui.yaml in the current language."""
    return tr("ui", key, lang(), **values)


def answers() -> dict[str, Any]:
    """The live answers dict (mutating it changes the session's answers)."""
    return st.session_state[ANSWERS]


def set_answer(qid: str, value: Any) -> None:
    """Store one answer; None removes it (unanswered). While a workspace assessment is open, the answer is
    also saved to the database at once (and put back, with a message, if the save is refused)."""
    previous = st.session_state[ANSWERS].get(qid)
    if value is None:
        st.session_state[ANSWERS].pop(qid, None)
    else:
        st.session_state[ANSWERS][qid] = value
    if WORKSPACE_OPEN in st.session_state and previous != value:
        from ui.workspace_state import save_answer  # only a session that opened a workspace assessment gets here

        save_answer(qid, previous, value)


def answers_file(state: Mapping[str, Any], law: Law) -> AnswersFile:
    """The session's answers as an AnswersFile (company, language and law date included)."""
    return AnswersFile(
        answers=dict(state.get(ANSWERS, {})),
        bank_version=law.bank.version,
        lang=state.get(LANG, DEFAULT_LANG),
        company=state.get(COMPANY, "") or "",
        law_as_of=state.get(LAW_AS_OF),
    )


def answers_json(state: Mapping[str, Any], law: Law) -> str:
    """The "Download answers" file: pirisk's JSON answers format."""
    return dump_answers(answers_file(state, law))


def apply_answers_file(state: MutableMapping[str, Any], data: bytes, law: Law) -> str | None:
    """Resume from an answers file. On success replace the answers (and company and law date) and
    return None; on any problem return the one-line reason and leave `state` exactly as it was."""
    try:
        file = parse_answers(data, law=law)
    except AnswersFileError as err:
        return str(err)
    state[ANSWERS] = {qid: value for qid, value in file.answers.items() if value is not None}
    state[COMPANY] = file.company
    if file.law_as_of is not None:
        state[LAW_AS_OF] = file.law_as_of
    state[WHAT_IF] = []
    state[BLOCKED] = []
    return None
