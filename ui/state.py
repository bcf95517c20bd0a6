"""Session state: the one answers dict, language, law date and step, and the session's answers as an AnswerSet.

Answers live only in `st.session_state[ANSWERS]`, never only in widget state: Streamlit drops the state
of widgets that are not on screen. Widgets are seeded from this dict and write back through callbacks.
`answer_set()` is the one way to read the session's answers as the AnswerSet the engine and reports
take, and `load_answer_set()` the one way to put one into the session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import streamlit as st
from streamlit.runtime.state import SessionStateProxy

from questions.answers import AnswerSet
from questions.locales import DEFAULT_LOCALE, pick
from questions.strings import tr
from scoring.answers_file import MAX_BYTES, AnswersFileError, dump_answers, parse_answers
from scoring.loader import Law, default_law
from ui import link, local_time

# The session's state, or a plain dict standing in for it (in tests, and for code that runs outside a session).
State = Mapping[str, Any] | SessionStateProxy
MutableState = MutableMapping[str, Any] | SessionStateProxy

# Session-state keys the app owns. No question id may equal one of these (tests check it).
ANSWERS = "answers"  # {question id: value}: the only place answers are kept
LANG = "lang"  # "en" | "zh"
LAW_AS_OF = "law_as_of"  # the date the law is applied as of
STEP = "step"  # index into the questionnaire's steps (sections, then the review)
COMPANY = "company"  # optional company or project name, saved in the answers file
WHAT_IF = "what_if"  # remedy ids ticked in the what-if view
BLOCKED = "blocked"  # question ids that stopped "Next" on the last click
UPLOAD_ERROR = "upload_error"  # (file name, AnswersFileError): why the last answers file was refused
UPLOAD_OK = "upload_ok"  # summary of the last answers file loaded
UPLOADER_ROUND = "uploader_round"  # bumped to clear the file uploader after each upload
STARTED = "started"  # the welcome is behind the user (the start button, or answers loaded or restored)
KEEP = "keep"  # opted in: the browser keeps the answers in its own storage (ui/browser.py)
FORGET = "forget"  # opted out after opting in: the browser deletes what it kept
RESTORED = "restored"  # the answers the browser kept were offered to this session (so: at most once)
MOVE = "move"  # counts the moves (Next, Back, a jump, a page change); after each the browser lands on FOCUS
FOCUS = "focus"  # a CSS selector of what the last move lands on (a heading): the view scrolls to it and it takes the focus
PAGE = "page"  # the page the last run showed, to tell a page change
KEPT_LOADED = "kept_loaded"  # how many answers the browser's kept copy brought back (said once)
CLEARED_AT_SIGN_IN = "cleared_at_sign_in"  # this sign-in already cleared what the browser kept (ui/browser.py)
STATE_KEYS = (
    ANSWERS, LANG, LAW_AS_OF, STEP, COMPANY, WHAT_IF, BLOCKED, UPLOAD_ERROR, UPLOAD_OK, UPLOADER_ROUND,
    STARTED, KEEP, FORGET, RESTORED, MOVE, FOCUS, PAGE, KEPT_LOADED,
)  # fmt: skip
KEPT_FORMAT = "pirisk-kept"  # what the browser keeps: {"format", "step", "file": an answers file}

DEFAULT_LANG = DEFAULT_LOCALE


def law() -> Law:
    """The shipped law and question bank (loaded once per process)."""
    return default_law()


def today() -> dt.date:
    """Today in the app's time zone (PIRISK_TIMEZONE): the screens, not the engine, read the clock."""
    return local_time.today()


def choose_lang(asked: str | None, browser: str | None) -> str:
    """The session's first language: `?lang=` if it names a language pirisk speaks, else the browser's
    (matched by the locale registry's `pick`, through the codes and aliases of assets/locales.yaml),
    else the default."""
    return pick(asked) or pick(browser) or DEFAULT_LANG


def drop_forged_widget_states() -> int:
    """Drop the widget values a browser sent under an id Streamlit never makes (every widget id starts with
    "$$ID-"); returns how many. Left in place, such a value (a made-up id, or a session key's name)
    makes Streamlit's own state check raise KeyError at the page's first widget, in the sender's run, with a
    traceback in the log. Streamlit keeps the values it received on its session state's widget store."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.state.common import is_element_id

    ctx = get_script_run_ctx()
    widgets = getattr(getattr(getattr(ctx, "session_state", None), "_state", None), "_new_widget_state", None)
    states = getattr(widgets, "states", None)
    if not isinstance(states, dict):
        return 0
    forged = [key for key in states if not (isinstance(key, str) and is_element_id(key))]
    for key in forged:
        del states[key]
    return len(forged)


def init_state() -> None:
    """Give every key a value on a session's first run; `?lang=zh`, else the browser's language, picks
    the starting language. First, drop any widget value sent under a forged id (a clean error instead of a
    traceback)."""
    ss = st.session_state
    forged = drop_forged_widget_states()
    if LANG not in ss:
        ss[LANG] = choose_lang(st.query_params.get("lang"), st.context.locale)
    ss.setdefault(ANSWERS, {})
    ss.setdefault(LAW_AS_OF, today())
    ss.setdefault(STEP, 0)
    ss.setdefault(COMPANY, "")
    ss.setdefault(WHAT_IF, [])
    ss.setdefault(BLOCKED, [])
    ss.setdefault(UPLOADER_ROUND, 0)
    for flag in (STARTED, KEEP, FORGET, RESTORED):
        ss.setdefault(flag, False)
    ss.setdefault(MOVE, 0)
    ss.setdefault(FOCUS, "")
    ss.setdefault(PAGE, "")
    # Keep the language in the address, so a reload or a shared link opens in the same language.
    if st.query_params.get("lang") != ss[LANG]:
        st.query_params["lang"] = ss[LANG]
    if forged:
        st.error(t("forged_widget"), icon=":material/block:")


def lang() -> str:
    return st.session_state.get(LANG, DEFAULT_LANG)


def t(key: str, **values: object) -> str:
    """A screen string from assets/locale/ui.yaml in the current language."""
    return tr("ui", key, lang(), **values)


def answers() -> dict[str, Any]:
    """The live answers dict (mutating it changes the session's answers)."""
    return st.session_state[ANSWERS]


def set_answer(qid: str, value: Any) -> None:
    """Store one answer; None removes it (unanswered). The record the questionnaire is linked to, if
    any, is told at once (and may put the previous answer back, with a message, if it refuses it)."""
    previous = st.session_state[ANSWERS].get(qid)
    if value is None:
        st.session_state[ANSWERS].pop(qid, None)
    else:
        st.session_state[ANSWERS][qid] = value
    if previous != value:
        link.current().answer_changed(qid, previous, value)


def answer_set(state: State | None = None, law: Law | None = None) -> AnswerSet:
    """The session's answers as an AnswerSet (company, language, law date and the linked record's notes)."""
    ss = st.session_state if state is None else state
    return AnswerSet(
        answers=dict(ss.get(ANSWERS, {})),
        company=ss.get(COMPANY, "") or "",
        lang=ss.get(LANG, DEFAULT_LANG),
        law_as_of=ss.get(LAW_AS_OF),
        notes=link.current().notes() if state is None else {},
        bank_version=(law or default_law()).bank.version,
    )


def load_answer_set(answers: AnswerSet, state: MutableState | None = None) -> None:
    """Put an answer set into the session: its answers, company and (if it has one) law date."""
    ss = st.session_state if state is None else state
    ss[ANSWERS] = dict(answers.answers)
    ss[COMPANY] = answers.company
    if answers.law_as_of is not None:
        ss[LAW_AS_OF] = answers.law_as_of
    ss[WHAT_IF] = []
    ss[BLOCKED] = []


def answers_json(state: State, law: Law) -> str:
    """The "Download answers" file: pirisk's JSON answers format."""
    return dump_answers(answer_set(state, law))


def answers_download(state: State | None = None, law: Law | None = None) -> Callable[[], bytes]:
    """The "Download answers" button's data, built only when it is clicked (as the reports are): no copy of
    the answers sits at a /media address that anyone could fetch without the session.

    The answers are captured now, as they are on screen: the function runs outside the session, so it
    never reads st.session_state."""
    captured = answer_set(state, law)

    def build() -> bytes:
        return dump_answers(captured).encode("utf-8", "replace")

    return build


def apply_answers_file(state: MutableState, data: bytes, law: Law) -> AnswersFileError | None:
    """Resume from an answers file. On success replace the answers (and company and law date) and
    return None; on any problem return the error (say it with `scoring.errors.error_text` in the
    session's language) and leave `state` exactly as it was."""
    try:
        file = parse_answers(data, law=law)
    except AnswersFileError as err:
        return err
    load_answer_set(file, state)
    return None


# -- moving between steps and pages ------------------------------------------------------------------


def step_anchor(step: int) -> str:
    """The id of a questionnaire step's heading (the review is the step after the last section)."""
    return f"step-{step}"


def page_anchor(page: str) -> str:
    """The id of a page's title."""
    return f"page-{page}"


def move_to(target: str) -> None:
    """Record a move: after this run the browser scrolls to `target` (a CSS selector) and gives it the focus."""
    ss = st.session_state
    ss[MOVE] = int(ss.get(MOVE, 0)) + 1
    ss[FOCUS] = target


def go_to_step(step: int) -> None:
    """Open a step of the questionnaire and land on its heading."""
    st.session_state[STEP] = step
    st.session_state[BLOCKED] = []
    move_to(f"#{step_anchor(step)}")


# -- answers kept in the browser (opt-in) ------------------------------------------------------------


def put_back(qid: str, previous: Any) -> None:
    """Undo an answer a link refused: the session holds `previous` again (None: no answer)."""
    answers = st.session_state[ANSWERS]
    if previous is None:
        answers.pop(qid, None)
    else:
        answers[qid] = previous


def unsaved(state: State) -> bool:
    """Whether the session holds answers that nothing keeps: not kept in the browser, not in a record."""
    return bool(state.get(ANSWERS)) and not state.get(KEEP) and link.current() is link.DETACHED


def fingerprint(state: State) -> str:
    """A short digest of what an answers file saves (answers, company, law date), to tell whether the
    answers changed since they were last downloaded."""
    body = json.dumps(
        [state.get(ANSWERS, {}), state.get(COMPANY, ""), str(state.get(LAW_AS_OF, ""))], sort_keys=True, default=str
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def kept_text(state: State, law: Law) -> str:
    """What the browser keeps for a session that opted in: the answers file and the step it is on."""
    file = json.loads(answers_json(state, law))
    return json.dumps({"format": KEPT_FORMAT, "step": int(state.get(STEP, 0)), "file": file}, ensure_ascii=False)


def restore_kept(state: MutableState, text: Any, law: Law) -> bool:
    """Put what the browser kept back into a session that has no answers yet: the answers, company, law
    date and step, checked like an answers file. Returns False, leaving `state` as it was, for anything
    that is not a kept answer set (the browser is then told to forget it)."""
    if state.get(ANSWERS) or not isinstance(text, str) or len(text) > 2 * MAX_BYTES:
        return False
    try:
        kept = json.loads(text)
    except (ValueError, RecursionError):
        return False
    if not isinstance(kept, dict) or kept.get("format") != KEPT_FORMAT or not isinstance(kept.get("file"), dict):
        return False
    try:
        file = parse_answers(json.dumps(kept["file"], ensure_ascii=False), law=law)
    except AnswersFileError:
        return False
    step = kept.get("step")
    load_answer_set(file, state)
    state[STEP] = min(max(step, 0), len(law.bank.sections)) if isinstance(step, int) and not isinstance(step, bool) else 0
    state[KEEP] = True
    state[STARTED] = True
    state[KEPT_LOADED] = len(file.answers)
    return True
