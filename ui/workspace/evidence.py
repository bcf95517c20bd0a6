"""The Assessment page's evidence files, the consultant's own actions, the sign-off box and the action plan's
history. The store decides who may do what (store/access.py); these parts only hide what the session's role
cannot do, and every name a user gave is shown through `md`."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from deliverable.actions import status_label
from store import repo
from store.access import allowed
from store.attachments import MB, check_size, max_bytes
from ui import state
from ui.present import md
from ui.workspace import history
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

HISTORY_SHOWN = 200  # the newest action changes shown on the page; the workbook and the report have all


def _keys(assessment_id: int) -> dict[str, str]:
    return {
        name: f"ws_evidence_{name}__{assessment_id}"
        for name in ("target", "file", "own_title", "new_title", "uploads")  # uploads: a counter that empties the uploader
    }


def editable(db: Engine, saved: repo.SavedAssessment) -> bool:
    """Whether this session may change the assessment's actions and files: an editing role, not signed off."""
    return allowed(db, "edit") and not saved.signed_off


def _action_name(action: repo.Action) -> str:
    if action.title:
        return action.title
    law, lang = state.law(), state.lang()
    remedy = action.remedy_id or ""
    return law.remedies[remedy].title.get(lang) if remedy in law.remedies else remedy


# -- callbacks -----------------------------------------------------------------------------------------


def _uploader_key(assessment_id: int) -> str:
    """The file uploader's key: a new one after each file attached, so that it comes back empty."""
    keys = _keys(assessment_id)
    return f"{keys['file']}_{st.session_state.get(keys['uploads'], 0)}"


def _attach(shown: repo.AssessmentRef) -> None:
    ss, keys = st.session_state, _keys(shown.id)
    upload, target = ss.get(_uploader_key(shown.id)), ss.get(keys["target"])
    if upload is None or not target:
        msg.flash("error", t("ws_evidence_pick_file"))
        return

    def write() -> str:
        check_size(upload.size)  # refused before the bytes are read
        kind, _, ident = str(target).partition(":")
        where = {"action_id": int(ident)} if kind == "action" else {"question_id": ident}
        saved = repo.add_attachment(ws.engine(), shown, upload.name, upload.getvalue(), author=ws.author(), **where)
        ss[keys["uploads"]] = ss.get(keys["uploads"], 0) + 1  # a new uploader, empty
        return t("ws_evidence_attached", name=saved.name)

    msg.act(write)


def _remove(shown: repo.AssessmentRef, attachment_id: int, name: str) -> None:
    def write() -> str:
        repo.delete_attachment(ws.engine(), shown, attachment_id)
        return t("ws_evidence_removed", name=name)

    msg.act(write)


def _add_own(shown: repo.AssessmentRef) -> None:
    ss, keys = st.session_state, _keys(shown.id)
    title = ss.get(keys["own_title"]) or ""

    def write() -> str:
        action = repo.create_own_action(ws.engine(), shown, title, author=ws.author())
        ss[keys["own_title"]] = ""
        return t("ws_own_action_added", title=action.title)

    msg.act(write)


def _sign_off(shown: repo.AssessmentRef, version: int) -> None:
    def write() -> str:
        saved = repo.sign_off(ws.engine(), shown, expected_version=version, reviewer=ws.author())
        wl.refresh_if_open(shown.id)
        return t("ws_signoff_done", name=saved.signed_by or "")

    msg.act(write)


def _new_version(shown: repo.AssessmentRef) -> None:
    ss, keys = st.session_state, _keys(shown.id)

    def write() -> str:
        draft = repo.start_new_version(ws.engine(), shown, ss.get(keys["new_title"]) or "", author=ws.author())
        ss[ws.SELECTED] = draft.id
        return t("ws_new_version_started", title=draft.title)

    msg.act(write)


# -- screen --------------------------------------------------------------------------------------------


def _file_bytes(assessment_id: int, attachment_id: int) -> bytes:
    return repo.attachment_data(ws.engine(), assessment_id, attachment_id)[1]


def evidence_section(db: Engine, saved: repo.SavedAssessment, actions: list[repo.Action]) -> None:
    """The files attached to the assessment's answers and actions, each to download (and remove), and the
    form that attaches one."""
    lang = state.lang()
    questions = state.law().bank.questions
    names = {a.id: _action_name(a) for a in actions}
    limit = max_bytes()
    st.caption(md(t("ws_evidence_intro", limit=f"{limit / MB:g}")))
    files = repo.list_attachments(db, saved.id)
    can_edit = editable(db, saved)
    if not files:
        st.caption(md(t("ws_evidence_none")))
    for f in files:
        if f.question_id is not None:
            q = questions.get(f.question_id)
            to = t("ws_evidence_answer", question=q.text.get(lang) if q else f.question_id)
        else:
            to = t("ws_evidence_action", action=names.get(f.action_id or 0, ""))
        with st.container(border=True, key=f"ws_evidence_card__{f.id}"):
            st.markdown(f"**{md(f.name)}**")
            st.caption(
                md(
                    t(
                        "ws_evidence_line",
                        to=to,
                        when=history.when(f.created_at),
                        who=f.author or t("ws_unnamed"),
                        size=f"{f.size / 1024:.1f}",
                        sha=f.sha256,
                    )
                )
            )
            left, right = st.columns(2)
            left.download_button(
                t("ws_evidence_download"),
                data=partial(_file_bytes, saved.id, f.id),  # read only when clicked
                file_name=f.name,
                mime=f.mime,
                key=f"ws_evidence_download__{f.id}",
                on_click="ignore",
                icon=":material/download:",
            )
            if can_edit:
                right.button(
                    t("ws_evidence_remove"),
                    key=f"ws_evidence_remove__{f.id}",
                    on_click=_remove,
                    args=(saved.ref, f.id, f.name),
                    icon=":material/delete:",
                )
    if not can_edit:
        st.caption(md(t("ws_evidence_read_only")))
        return
    keys = _keys(saved.id)
    targets = {
        f"answer:{qid}": t("ws_evidence_answer", question=questions[qid].text.get(lang))
        for qid in saved.answers
        if qid in questions
    }
    targets.update({f"action:{a.id}": t("ws_evidence_action", action=names[a.id]) for a in actions})
    with st.container(border=True, key="ws_evidence_form"):
        st.selectbox(t("ws_evidence_target"), list(targets), format_func=lambda k: md(targets[k]), key=keys["target"])
        st.file_uploader(
            t("ws_evidence_file"),
            type=None,  # the store checks the content; a name's ending proves nothing
            key=_uploader_key(saved.id),
            max_upload_size=max(1, -(-limit // MB)),
        )
        st.button(
            t("ws_evidence_attach"), key="ws_evidence_attach", on_click=_attach, args=(saved.ref,), icon=":material/attach_file:"
        )


def own_actions_section(db: Engine, saved: repo.SavedAssessment) -> None:
    """The form that adds an action of the consultant's own (the page lists them with the measures' ones)."""
    if not editable(db, saved):
        return
    keys = _keys(saved.id)
    with st.form(f"ws_own_action_form__{saved.id}", border=True):
        st.text_input(t("ws_own_action_title"), key=keys["own_title"], max_chars=repo.NAME_MAX)
        st.caption(md(t("ws_own_action_note")))
        st.form_submit_button(t("ws_own_action_add"), on_click=_add_own, args=(saved.ref,), icon=":material/add_task:")


def signoff_section(db: Engine, saved: repo.SavedAssessment) -> None:
    """Who signed this version off and when, or the button that signs it off (owners); and "Start a new version"."""
    with st.container(border=True, key="ws_signoff_box"):
        st.markdown(f"**{md(t('ws_signoff_title'))}**")
        if saved.signed_off and saved.signed_at is not None:
            st.success(
                md(t("ws_signed_off", name=saved.signed_by or "", date=history.when(saved.signed_at))), icon=":material/verified:"
            )
        elif not allowed(db, "sign_off"):
            st.caption(md(t("ws_signoff_owner_only")))
        elif not ws.author().strip():
            st.caption(md(t("ws_signoff_needs_name")))
        elif saved.status != "archived":
            st.caption(md(t("ws_signoff_intro")))
            st.button(
                md(t("ws_signoff_button", name=ws.author())),
                key="ws_sign_off",
                on_click=_sign_off,
                args=(saved.ref, saved.version),
                type="primary",
                icon=":material/verified:",
            )
        if not allowed(db, "edit"):
            return
        keys = _keys(saved.id)
        with st.form(f"ws_new_version_form__{saved.id}", border=False):
            st.caption(md(t("ws_new_version_intro")))
            default = t("ws_new_version_default", title=saved.title)[: repo.NAME_MAX]
            st.text_input(t("ws_title_label"), value=default, key=keys["new_title"], max_chars=repo.NAME_MAX)
            st.form_submit_button(t("ws_new_version"), on_click=_new_version, args=(saved.ref,), icon=":material/difference:")


def action_history_section(db: Engine, actions: list[repo.Action]) -> None:
    """Every change to the tracked actions, newest first, as a table (values as the history keeps them)."""
    st.markdown(f"**{md(t('ws_action_history'))}**")
    lang = state.lang()
    changes = sorted(
        ((a, c) for a in actions for c in repo.action_history(db, a.id)), key=lambda pair: pair[1].changed_at, reverse=True
    )
    if not changes:
        st.caption(md(t("ws_action_history_none")))
        return
    st.caption(md(t("ws_action_history_intro", n=len(changes))))

    def shown(field: str, value: object) -> str:
        if value in (None, ""):
            return t("ws_detail_empty")
        return status_label(str(value), lang) if field == "status" else str(value)

    head = [t(f"ws_action_history_{k}") for k in ("when", "action", "field", "before", "after", "by")]
    rows = [
        [
            history.when(c.changed_at),
            _action_name(a),
            t(f"ws_action_history_field_{c.field}"),
            shown(c.field, c.old_value),
            shown(c.field, c.new_value),
            c.author or t("ws_unnamed"),
        ]
        for a, c in changes[:HISTORY_SHOWN]
    ]
    # A data frame shows its cells as plain text: names and values as typed, nothing rendered.
    st.dataframe(pd.DataFrame(rows, columns=head, dtype=object), hide_index=True, key="ws_action_history_table")
