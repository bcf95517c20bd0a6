"""The workspace's session state: the unlocked session, the database, and the assessment open in the questionnaire.

Every workspace key in session state starts with `ws_`, so that locking (or an expired session) can drop
them all at once. Opening a workspace assessment puts the self-assessment aside (answers, company, law
date, step) and loads the stored answers into the one answers dict; closing it, or locking, brings the
self-assessment back. While one is open, each answer given is saved to the database as it is given, on
top of the version the session holds (optimistic locking): a save refused because someone else saved
first is undone on screen and reported, never written over.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import importlib.util
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import streamlit as st

from store.access import AccessError, RateLimiter, password_hash_configured
from store.errors import ConflictError, StoreError
from ui import state
from ui.present import md, resume_step
from ui.state import t

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class LazyModule:
    """A module imported on first use. The workspace's database stack (SQLAlchemy) then costs nothing
    to a founder who never opens the workspace. (Not put in sys.modules, so that tools which walk
    the loaded modules, as Streamlit's do, cannot import it by accident.)"""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


repo: Any = LazyModule("store.repo")
db: Any = LazyModule("store.db")

PREFIX = "ws_"  # every workspace key in session state starts with this; locking drops them all
UNLOCKED = "ws_unlocked"  # fingerprint of the password hash the session was unlocked with
SEEN = "ws_seen"  # clock() of the session's last activity
AUTHOR = "ws_author"  # the name written into the answer history
OPEN = state.WORKSPACE_OPEN  # the assessment open in the questionnaire: {id, version, title, client, status}
NOTES = "ws_notes"  # {question id: note text} of the open assessment
STASH = "ws_stash"  # the self-assessment put aside while a workspace assessment is open
CONFLICT = "ws_conflict"  # {id, question}: a save refused because someone else saved first
FLASH = "ws_flash"  # [(kind, text)] said once at the top of the next workspace screen
CLIENT = "ws_client"  # the client picked on the Clients page
SELECTED = "ws_selected"  # the assessment shown on the Assessment and Workshop pages
COMPARE_A, COMPARE_B = "ws_compare_a", "ws_compare_b"  # the two assessments compared
NOTICE = "workspace_notice"  # "expired" or "locked": outside the prefix, so that it survives locking

SESSION_MINUTES_ENV = "PIRISK_WORKSPACE_SESSION_MINUTES"
DEFAULT_SESSION_MINUTES = 30.0
MAX_SESSION_MINUTES = 24 * 60.0
# Failed unlocks: at most 5 in 5 minutes per browser session and per client address, 50 in 5 minutes
# over the whole process (so that opening new sessions does not buy more guesses).
PER_CLIENT_FAILURES, GLOBAL_FAILURES, FAILURE_WINDOW = 5, 50, 300.0
_STASHED = (state.ANSWERS, state.COMPANY, state.LAW_AS_OF, state.STEP, state.WHAT_IF, state.BLOCKED)


def clock() -> float:
    """Seconds on a monotonic clock. The session expiry and the rate limiter read it; tests replace it."""
    return time.monotonic()


def _clock() -> float:
    return clock()  # looked up at each call, so that replacing `clock` reaches the cached limiters


# -- configuration -----------------------------------------------------------------------------------


def secrets() -> Mapping[str, Any] | None:
    """Streamlit's secrets, or None when there is no secrets file (reading st.secrets then would raise)."""
    try:
        return st.secrets if st.secrets.load_if_toml_exists() else None
    except Exception:  # a secrets file that cannot be parsed counts as none; Streamlit logs why
        return None


def configured_hash() -> str | None:
    """The workspace password hash from env or secrets; None if not set. Raises AccessError if it is not a hash."""
    return password_hash_configured(secrets())


def session_minutes() -> float:
    """Minutes of inactivity after which an unlocked session locks itself (env PIRISK_WORKSPACE_SESSION_MINUTES)."""
    raw = os.environ.get(SESSION_MINUTES_ENV, "")
    try:
        minutes = float(raw)
    except ValueError:
        return DEFAULT_SESSION_MINUTES
    if not minutes > 0:  # also refuses NaN
        return DEFAULT_SESSION_MINUTES
    return min(minutes, MAX_SESSION_MINUTES)


def fingerprint(hashed: str) -> str:
    """A digest of the configured hash: a session unlocked under an old password is locked when it changes."""
    return hashlib.sha256(hashed.encode("utf-8")).hexdigest()


@st.cache_resource(show_spinner=False)
def limiters() -> tuple[RateLimiter, RateLimiter]:
    """The process-wide failed-unlock limiters: (per session and per client address, whole process)."""
    return (
        RateLimiter(PER_CLIENT_FAILURES, FAILURE_WINDOW, clock=_clock),
        RateLimiter(GLOBAL_FAILURES, FAILURE_WINDOW, clock=_clock),
    )


@st.cache_resource(show_spinner=False)
def _engine_for(url: str | None, data_dir: str | None) -> Engine:
    # One engine (and connection pool) per database per process, migrated once. `data_dir` is part of
    # the cache key only: the default SQLite file lives in it.
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def engine() -> Engine:
    """The workspace database, created and migrated on first use in this process. Raises StoreError."""
    return _engine_for(db.database_url(None, secrets()), os.environ.get("PIRISK_DATA_DIR"))


# -- the unlocked session ----------------------------------------------------------------------------


def active() -> bool:
    """Whether this session is unlocked, not expired, and unlocked under the password configured now."""
    ss = st.session_state
    if UNLOCKED not in ss:
        return False
    if clock() - float(ss.get(SEEN, float("-inf"))) > session_minutes() * 60:
        return False
    try:
        hashed = configured_hash()
    except AccessError:
        return False
    return hashed is not None and ss[UNLOCKED] == fingerprint(hashed)


def check_session() -> bool:
    """Once per run, before navigation: lock an expired session (saying so), else note the activity."""
    ss = st.session_state
    if UNLOCKED not in ss:
        return False
    if not active():
        clear()
        ss[NOTICE] = "expired"
        return False
    ss[SEEN] = clock()
    return True


def unlock(hashed: str, author: str) -> None:
    """Mark this session unlocked (after the password was checked)."""
    ss = st.session_state
    ss[UNLOCKED] = fingerprint(hashed)
    ss[SEEN] = clock()
    ss[AUTHOR] = " ".join(author.split())[: repo.NAME_MAX]
    ss.pop(NOTICE, None)


def clear() -> None:
    """Lock: bring back the self-assessment put aside, and drop every workspace key from the session."""
    ss = st.session_state
    if OPEN in ss:
        close()
    for key in [k for k in ss if isinstance(k, str) and k.startswith(PREFIX)]:
        del ss[key]


def author() -> str:
    return st.session_state.get(AUTHOR, "")


def status_label(status: str) -> str:
    """An assessment status in the current language."""
    labels = {"draft": t("ws_status_draft"), "final": t("ws_status_final"), "archived": t("ws_status_archived")}
    return labels.get(status, status)


# -- messages ------------------------------------------------------------------------------------------


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
    """Show a database problem (StoreError) on the page as one clear sentence, never a traceback."""
    try:
        yield
    except StoreError as err:
        st.error(md(t("ws_store_error", reason=str(err))), icon=":material/database:")


def act(action: Callable[[], str | None]) -> bool:
    """Run a database change from a callback: its message on success, a clear one on failure. True if done."""
    if not active():  # the session expired since the screen was drawn; this run will lock it
        return False
    try:
        message = action()
    except ConflictError as err:
        st.session_state[CONFLICT] = {"id": err.assessment_id, "question": None}
        return False
    except StoreError as err:
        flash("error", t("ws_store_error", reason=str(err)))
        return False
    if message:
        flash("success", message)
    return True


def show_conflict() -> None:
    """The "changed by someone else" message, with a button that reloads what is stored."""
    conflict = st.session_state.get(CONFLICT)
    if not conflict:
        return
    with st.container(border=True, key="ws_conflict_box"):
        st.error(md(t("ws_conflict")), icon=":material/sync_problem:")
        st.button(t("ws_reload"), key="ws_reload", on_click=reload_after_conflict, type="primary", icon=":material/refresh:")


def reload_after_conflict() -> None:
    """Re-read the assessment open in the questionnaire (other pages read the database on every run)."""
    ss = st.session_state
    ss.pop(CONFLICT, None)
    if OPEN in ss and active():
        try:
            reload()
        except StoreError as err:
            flash("error", t("ws_store_error", reason=str(err)))


# -- the assessment open in the questionnaire -------------------------------------------------------


def is_open(assessment_id: int | None = None) -> bool:
    opened = st.session_state.get(OPEN)
    return bool(opened) and (assessment_id is None or opened["id"] == assessment_id)


def _load(saved: repo.SavedAssessment, notes: Mapping[str, repo.Note]) -> None:
    ss = st.session_state
    ss[state.ANSWERS] = dict(saved.answers)
    ss[state.COMPANY] = saved.company
    ss[state.LAW_AS_OF] = saved.law_as_of
    ss[state.WHAT_IF] = []
    ss[state.BLOCKED] = []
    ss[OPEN] = {
        "id": saved.id,
        "version": saved.version,
        "title": saved.title,
        "client": saved.client_name,
        "status": saved.status,
    }
    ss[NOTES] = {qid: n.text for qid, n in notes.items()}
    ss.pop(CONFLICT, None)


def open_assessment(assessment_id: int) -> None:
    """Load a stored assessment into the questionnaire, putting the self-assessment aside. Raises StoreError."""
    db = engine()
    saved = repo.get_assessment(db, assessment_id)
    notes = repo.get_notes(db, assessment_id)
    ss = st.session_state
    if OPEN not in ss:
        ss[STASH] = {key: copy.deepcopy(ss.get(key)) for key in _STASHED}
    _load(saved, notes)
    ss[SELECTED] = saved.id
    law = state.law()
    from scoring.engine import visibility

    ss[state.STEP] = resume_step(law.bank, ss[state.ANSWERS], visibility(ss[state.ANSWERS], law))


def reload() -> None:
    """Re-read the open assessment (its answers, version, status and notes) from the database."""
    opened = st.session_state[OPEN]
    db = engine()
    _load(repo.get_assessment(db, opened["id"]), repo.get_notes(db, opened["id"]))


def close() -> None:
    """Stop editing the workspace assessment and bring back the self-assessment put aside."""
    ss = st.session_state
    stash = ss.pop(STASH, None) or {}
    for key in _STASHED:
        if key in stash:
            ss[key] = stash[key]
    ss.setdefault(state.ANSWERS, {})
    for key in (OPEN, NOTES, CONFLICT):
        ss.pop(key, None)


def refresh_if_open(assessment_id: int) -> None:
    """After this session changed an assessment elsewhere (workshop, history), bring the open copy up to date."""
    if is_open(assessment_id):
        reload()


def expected_version(saved: repo.SavedAssessment) -> int:
    """The version an edit of `saved` is based on: the questionnaire's if it is open here, else the one on screen."""
    opened = st.session_state.get(OPEN)
    return opened["version"] if opened and opened["id"] == saved.id else saved.version


def _put_back(qid: str, previous: Any) -> None:
    answers = st.session_state[state.ANSWERS]
    if previous is None:
        answers.pop(qid, None)
    else:
        answers[qid] = previous


def save_answer(qid: str, previous: Any, value: Any) -> None:
    """Save one answer just given in the questionnaire; on any refusal put the previous one back and say why."""
    ss = st.session_state
    opened = ss.get(OPEN)
    if not opened:
        return
    if not active():
        _put_back(qid, previous)  # this run locks the session; nothing is saved after it expired
        return
    try:
        opened["version"] = repo.set_answer(
            engine(), opened["id"], qid, value, expected_version=opened["version"], author=author()
        )
    except ConflictError:
        _put_back(qid, previous)
        ss[CONFLICT] = {"id": opened["id"], "question": qid}
    except StoreError as err:
        _put_back(qid, previous)
        flash("error", t("ws_not_saved", reason=str(err)))


def save_company(company: str) -> None:
    """Save the company name typed on the questionnaire's first step into the open assessment."""
    opened = st.session_state.get(OPEN)
    if not opened:
        return

    def write() -> None:
        repo.update_assessment(engine(), opened["id"], company=company)

    act(write)


def save_law_date(day: dt.date) -> None:
    """Save the law date picked in the sidebar into the open assessment (it is scored and reported at it)."""
    opened = st.session_state.get(OPEN)
    if not opened:
        return

    def write() -> None:
        repo.update_assessment(engine(), opened["id"], law_as_of=day)

    act(write)


def save_note(qid: str, text: str) -> None:
    """Save the note on one question of the open assessment."""
    opened = st.session_state.get(OPEN)
    if not opened:
        return

    def write() -> None:
        note = repo.set_note(engine(), opened["id"], qid, text, author=author())
        notes = st.session_state.setdefault(NOTES, {})
        if note.text:
            notes[qid] = note.text
        else:
            notes.pop(qid, None)

    act(write)


def branding() -> Any:
    """The consultancy's branding for the PDF cover while a workspace assessment is open, else None."""
    if not (is_open() and active()):
        return None
    try:
        from report import Branding

        return Branding.coerce(repo.get_branding(engine()))
    except (StoreError, ImportError):
        return None


def questionnaire_banner() -> None:
    """On the Assess and Results pages while a workspace assessment is open: which one, and any refusal."""
    opened = st.session_state.get(OPEN)
    if not opened:
        return
    with st.container(border=True, key="ws_banner"):
        st.markdown(
            md(
                t(
                    "ws_banner",
                    client=opened["client"],
                    title=opened["title"],
                    version=opened["version"],
                    status=status_label(opened["status"]),
                )
            )
        )
        if opened["status"] != repo.EDITABLE:
            st.warning(md(t("ws_read_only")), icon=":material/edit_off:")
        show_flash()
        show_conflict()


def score(answers: Mapping[str, Any], day: dt.date, *, rank_remedies: bool = False) -> tuple[Any, dict[str, Any], int]:
    """Assess stored answers as the Results page does (visible answers only), at their own law date.

    Returns (the Assessment or None while required answers are missing, the answers scored, how many
    required answers are missing)."""
    from scoring.engine import assess, visibility
    from scoring.errors import AnswersError, DateError
    from ui.present import section_status, visible_answers

    law = state.law()
    visible = visibility(answers, law)
    scored = visible_answers(answers, visible)
    missing = sum(len(s.missing) for s in section_status(law.bank, answers, visible))
    if missing:
        return None, scored, missing
    try:
        return assess(scored, day, rank_remedies=rank_remedies, law=law), scored, 0
    except (AnswersError, DateError):
        return None, scored, max(missing, 1)


def level_label(key: str) -> str:
    """A risk level's name in the current language."""
    from scoring.axes import level

    return level(key).label.get(state.lang())
