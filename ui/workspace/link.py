"""The workspace's link to the questionnaire: the stored assessment open in it.

Opening a workspace assessment puts the self-assessment aside (answers, company, law date, step) and
loads the stored answers into the one answers dict; closing it, or locking, brings the self-assessment
back. While one is open, each answer, the company name, the law date and each note are saved to the
database as they are given, naming the assessment, its client and the version the session holds
(optimistic locking): a save refused because someone else saved first is undone on screen and
reported, never written over; a save to an assessment that was deleted (or whose id now names another
client's record) is refused, and the assessment is closed. `WorkspaceLink` is how the questionnaire (which
knows nothing of the workspace) reaches all this: see ui/link.py.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from deliverable.branding import Branding
from questions.answers import answer_words
from store.errors import ConflictError, NotFound, StoreError
from ui import link, state
from ui.present import md, resume_step
from ui.workspace import forms
from ui.workspace.messages import CONFLICT, flash, reason, show_flash
from ui.workspace.session import SELECTED, UNLOCKED, active, author, engine, on_clear, repo, status_label, t

OPEN = "ws_open"  # the assessment open in the questionnaire: {id, client_id, version, title, client, status}
NOTES = "ws_notes"  # {question id: note text} of the open assessment
STASH = "ws_stash"  # the self-assessment put aside while a workspace assessment is open
_STASHED = (state.ANSWERS, state.COMPANY, state.LAW_AS_OF, state.STEP, state.WHAT_IF, state.BLOCKED)


def show_conflict() -> None:
    """The "changed by someone else" message, with a button that reloads what is stored."""
    conflict = st.session_state.get(CONFLICT)
    if not conflict:
        return
    with st.container(border=True, key="ws_conflict_box"):
        st.error(md(t("ws_conflict")), icon=":material/sync_problem:")
        st.button(t("ws_reload"), key="ws_reload", on_click=reload_after_conflict, type="primary", icon=":material/refresh:")


def reload_after_conflict() -> None:
    """Re-read the assessment open in the questionnaire (other pages read the database on every run), and
    bring the stored values into the form whose save was refused, keeping the user's beside it."""
    ss = st.session_state
    conflict = ss.pop(CONFLICT, None) or {}
    if not active():
        return
    try:
        if OPEN in ss:
            try:
                reload()
            except NotFound:
                close()
                raise
        if "form" in conflict:
            forms.reload(conflict)  # the stored values into the form, the user's kept beside it
    except StoreError as err:
        flash("error", t("ws_store_error", reason=reason(err)))


def is_open(assessment_id: int | None = None) -> bool:
    opened = st.session_state.get(OPEN)
    if not opened:
        return False
    return assessment_id is None or opened["id"] == assessment_id


def _load(saved: repo.SavedAssessment, notes: Mapping[str, repo.Note]) -> None:
    ss = st.session_state
    ss[state.ANSWERS] = dict(saved.answers)
    ss[state.COMPANY] = saved.company
    ss[state.LAW_AS_OF] = saved.law_as_of
    ss[state.WHAT_IF] = []
    ss[state.BLOCKED] = []
    ss[OPEN] = {
        "id": saved.id,
        "client_id": saved.client_id,
        "version": saved.version,
        "title": saved.title,
        "client": saved.client_name,
        "status": saved.status,
        "company": saved.company,
        "law_as_of": saved.law_as_of,
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
    ss[state.STEP] = resume_step(state.law(), ss[state.ANSWERS])


def reload() -> None:
    """Re-read the open assessment (its answers, version, status and notes) from the database. Raises NotFound
    if it was deleted, or if its id now names another client's record (say, after a restore)."""
    opened = st.session_state[OPEN]
    db = engine()
    saved = repo.get_assessment(db, opened["id"])
    if saved.client_id != opened.get("client_id"):
        raise NotFound(key="store_assessment_replaced", id=opened["id"])
    _load(saved, repo.get_notes(db, opened["id"]))


def target() -> repo.AssessmentRef:
    """The open assessment as a write names it: its id and the client it was opened under."""
    opened = st.session_state[OPEN]
    return repo.AssessmentRef(opened["id"], opened["client_id"])


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


def _gone(err: NotFound) -> None:
    """The open assessment was deleted or replaced: close it (the banner must not name a record that is not
    there) and say why; the self-assessment put aside comes back."""
    close()
    flash("error", t("ws_not_saved", reason=reason(err)))


def expected_version(saved: repo.SavedAssessment) -> int:
    """The version an edit of `saved` is based on: the questionnaire's if it is open here, else the one on screen."""
    opened = st.session_state.get(OPEN)
    return opened["version"] if opened and opened["id"] == saved.id else saved.version


def save_answer(qid: str, previous: Any, value: Any) -> None:
    """Save one answer just given in the questionnaire; on any refusal put the previous one back and say why."""
    ss = st.session_state
    opened = ss.get(OPEN)
    if not opened:
        return
    if not active():
        state.put_back(qid, previous)  # this run locks the session; nothing is saved after it expired
        return
    try:
        opened["version"] = repo.set_answer(engine(), target(), qid, value, expected_version=opened["version"], author=author())
    except ConflictError:
        state.put_back(qid, previous)
        form = answer_form(target(), qid, lambda _, mine: _reapply_answer(qid, mine))
        kept = forms.refused(form, {"value": value}, base={"value": previous}, version=opened["version"])
        ss[CONFLICT] = {"id": opened["id"], "question": qid, **kept}
    except NotFound as err:
        state.put_back(qid, previous)
        _gone(err)
    except StoreError as err:
        state.put_back(qid, previous)
        flash("error", t("ws_not_saved", reason=reason(err)))


def _save_detail(put_back: tuple[str, Any], **change: Any) -> None:
    """Save the company name or the law date of the open assessment, on top of the version the session holds.
    If refused, put the session's value back (`put_back`: its state key and previous value) and say why."""
    ss = st.session_state
    opened = ss.get(OPEN)
    if not opened:
        return
    key, previous = put_back
    if not active():
        ss[key] = previous
        return
    try:
        saved = repo.update_assessment(engine(), target(), expected_version=opened["version"], author=author(), **change)
        opened["version"] = saved.version
        opened.update(change)  # what the session now knows is stored
    except ConflictError:
        ss[key] = previous
        ss[CONFLICT] = {"id": opened["id"], "question": None}
    except NotFound as err:
        _gone(err)
    except StoreError as err:
        ss[key] = previous
        flash("error", t("ws_not_saved", reason=reason(err)))


def save_company(company: str) -> None:
    """Save the company name typed on the questionnaire's first step into the open assessment."""
    opened = st.session_state.get(OPEN)
    if opened:
        _save_detail((state.COMPANY, opened.get("company", "")), company=company)


def save_law_date(day: dt.date) -> None:
    """Save the law date picked in the sidebar into the open assessment (it is scored and reported at it)."""
    opened = st.session_state.get(OPEN)
    if opened:
        _save_detail((state.LAW_AS_OF, opened.get("law_as_of", day)), law_as_of=day)


def answer_form(shown: repo.AssessmentRef, qid: str, apply: Callable[[str, Any], None]) -> forms.Form:
    """The (agreed) answer to one question as a versioned form: its widget is drawn from the answers on every
    run, in the questionnaire as on the Workshop page; `apply` re-applies the user's value."""
    q = state.law().bank.questions[qid]
    lang = state.lang()

    def read(after: int) -> forms.Stored:
        db = engine()
        saved = repo.get_assessment(db, shown.id)
        rows = [("value", c.version, c.author, c.changed_at) for c in repo.history(db, shown.id, qid) if c.kind == "answer"]
        return forms.Stored({"value": saved.answers.get(qid)}, saved.version, forms.latest_changes(rows, after))

    return forms.Form(f"agreed__{qid}", {}, read, lambda _: t("ws_agreed"), lambda _, v: answer_words(q, v, lang), apply)


def _reapply_answer(qid: str, value: Any) -> None:
    """ "Use mine" under a question of the questionnaire: give the answer again, on top of what is stored now."""
    previous = state.answers().get(qid)
    state.put_back(qid, value)
    save_answer(qid, previous, value)


def note_form(qid: str) -> forms.Form:
    """The note on one question of the open assessment as a versioned form (saved as it is typed)."""
    assessment_id: int = st.session_state[OPEN]["id"]  # drawn and saved only while one is open

    def read(after: int) -> forms.Stored:
        db = engine()
        note = repo.get_notes(db, assessment_id).get(qid)
        rows = [("text", c.version, c.author, c.changed_at) for c in repo.history(db, assessment_id, qid) if c.kind == "note"]
        return forms.Stored(
            {"text": note.text if note else ""}, repo.get_assessment(db, assessment_id).version, forms.latest_changes(rows, after)
        )

    return forms.Form(
        f"note__{qid}",
        {},
        read,
        lambda _: t("ws_note_label"),
        lambda _, value: value or t("ws_detail_empty"),
        apply=lambda _, value: save_note(qid, value),
    )


def save_note(qid: str, text: str) -> None:
    """Save the note on one question of the open assessment, on top of the version the session holds. If
    someone else saved first, the text typed waits for Reload (ui/workspace/forms.py)."""
    ss = st.session_state
    opened = ss.get(OPEN)
    if not opened or not active():
        return
    try:
        opened["version"] = repo.set_note(engine(), target(), qid, text, expected_version=opened["version"], author=author())
    except ConflictError:
        shown = {"text": ss.get(NOTES, {}).get(qid, "")}
        kept = forms.refused(note_form(qid), {"text": text}, base=shown, version=opened["version"])
        ss[CONFLICT] = {"id": opened["id"], "question": qid, **kept}
        return
    except NotFound as err:
        _gone(err)
        return
    except StoreError as err:
        flash("error", t("ws_not_saved", reason=reason(err)))
        return
    notes = ss.setdefault(NOTES, {})
    clean = text.strip()
    if clean:
        notes[qid] = clean
    else:
        notes.pop(qid, None)


def branding() -> Branding | None:
    """The consultancy's branding for the PDF cover while a workspace assessment is open, else None."""
    if not (is_open() and active()):
        return None
    try:
        return repo.get_branding(engine())
    except StoreError:
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


# -- the consultant's note on a question, under it in the questionnaire -----------------------------


def note_key(qid: str) -> str:
    """The note field's widget key (workspace-prefixed, so that locking drops it)."""
    return f"ws_note__{qid}"


def _store_note(qid: str) -> None:
    save_note(qid, st.session_state.get(note_key(qid)) or "")


def note_field(qid: str) -> None:
    """A small text area under the question, seeded from the open assessment's notes and saved on change;
    after a refused save and a reload, what changed and the text that was refused beside it."""
    text = st.session_state.get(NOTES, {}).get(qid, "")
    st.session_state[note_key(qid)] = text
    forms.show_aside(answer_form(target(), qid, lambda _, mine: _reapply_answer(qid, mine)))
    forms.show_aside(note_form(qid))
    with st.expander(t("ws_note_has") if text else t("ws_note_add"), icon=":material/edit_note:"):
        st.text_area(
            t("ws_note_label"),
            key=note_key(qid),
            on_change=_store_note,
            args=(qid,),
            max_chars=repo.NOTE_MAX,
            height=90,
            placeholder=t("ws_note_placeholder"),
        )


def _close_on_lock() -> None:
    if OPEN in st.session_state:
        close()


on_clear(_close_on_lock)


class WorkspaceLink:
    """The questionnaire's link to the workspace assessment open in it (see ui/link.py)."""

    def active(self) -> bool:
        return is_open()

    def signed_in(self) -> bool:
        return UNLOCKED in st.session_state

    def answer_changed(self, qid: str, previous: Any, value: Any) -> None:
        save_answer(qid, previous, value)

    def company_changed(self, company: str) -> None:
        save_company(company)

    def law_date_changed(self, day: dt.date) -> None:
        save_law_date(day)

    def banner(self) -> None:
        questionnaire_banner()

    def below_question(self, qid: str) -> None:
        note_field(qid)

    def resume_block(self) -> str | None:
        return t("ws_resume_off")  # a file would replace a stored assessment's answers without saving them

    def branding(self) -> Branding | None:
        return branding()

    def notes(self) -> dict[str, str]:
        return dict(st.session_state.get(NOTES, {}))


WORKSPACE = WorkspaceLink()
link.register(WORKSPACE)
