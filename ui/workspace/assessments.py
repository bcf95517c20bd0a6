"""The Assessment page: one stored assessment's status, scores, branded PDF, history, notes, duplicate and delete."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from questions.model import LOCALE_NAMES, LOCALES
from scoring.axes import AXES
from store import repo
from store.errors import StoreError
from ui import nav, state
from ui import workspace_access as access
from ui import workspace_history as history
from ui import workspace_state as ws
from ui.present import LEVEL_BADGES, md
from ui.state import t


def _keys(assessment_id: int) -> dict[str, str]:
    """Widget keys of one assessment's forms (per id, so that another assessment starts from its own values)."""
    return {
        name: f"ws_{name}__{assessment_id}"
        for name in ("edit_title", "edit_date", "edit_lang", "edit_company", "dup_title", "dup_date", "delete_confirm")
    }


# -- callbacks -----------------------------------------------------------------------------------------


def _set_status(assessment_id: int, status: str) -> None:
    def write() -> str:
        saved = repo.set_status(ws.engine(), assessment_id, status)  # type: ignore[arg-type]
        ws.refresh_if_open(assessment_id)
        return t("ws_status_changed", status=ws.status_label(saved.status))

    ws.act(write)


def _save_details(assessment_id: int) -> None:
    ss, keys = st.session_state, _keys(assessment_id)

    def write() -> str:
        saved = repo.update_assessment(
            ws.engine(),
            assessment_id,
            title=ss.get(keys["edit_title"]) or "",
            law_as_of=ss.get(keys["edit_date"]),
            lang=ss.get(keys["edit_lang"]),
            company=ss.get(keys["edit_company"]) or "",
        )
        if ws.is_open(assessment_id):
            ws.reload()
        return t("ws_details_saved", title=saved.title)

    ws.act(write)


def _duplicate(assessment_id: int) -> None:
    ss, keys = st.session_state, _keys(assessment_id)

    def write() -> str:
        copy = repo.duplicate_assessment(
            ws.engine(), assessment_id, ss.get(keys["dup_title"]) or "", law_as_of=ss.get(keys["dup_date"])
        )
        ss[ws.SELECTED] = copy.id
        ss[ws.COMPARE_A], ss[ws.COMPARE_B] = assessment_id, copy.id  # the Compare page opens on the pair
        return t("ws_duplicated", title=copy.title)

    ws.act(write)


def _delete(assessment_id: int, title: str) -> None:
    ss, keys = st.session_state, _keys(assessment_id)
    if (ss.get(keys["delete_confirm"]) or "").strip() != title:
        ws.flash("error", t("ws_confirm_mismatch"))
        return

    def write() -> str:
        repo.delete_assessment(ws.engine(), assessment_id)
        if ws.is_open(assessment_id):
            ws.close()
        for key in (ws.SELECTED, keys["delete_confirm"]):
            ss.pop(key, None)
        return t("ws_assessment_deleted", title=title)

    ws.act(write)


def report_pdf(saved: repo.SavedAssessment, branding: Any) -> bytes:
    """The PDF report of a stored assessment, in its own language, with the consultancy's branding on the cover."""
    from report import build_pdf

    result, scored, _ = ws.score(saved.answers, saved.law_as_of, rank_remedies=True)
    if result is None:  # the button is only offered once the assessment is complete
        raise StoreError(f"assessment {saved.id} is missing required answers")
    return build_pdf(result, scored, saved.lang, branding=branding, company=saved.company, law=state.law())


def _reload_open() -> None:
    ws.act(lambda: ws.reload())


# -- screen --------------------------------------------------------------------------------------------


def _header(saved: repo.SavedAssessment) -> None:
    st.subheader(md(saved.title), anchor=False)
    st.text(saved.client_name)
    st.caption(
        md(
            t(
                "ws_assessment_meta",
                status=ws.status_label(saved.status),
                date=saved.law_as_of.isoformat(),
                language=LOCALE_NAMES.get(saved.lang, saved.lang),
                version=saved.version,
                bank=saved.bank_version,
                updated=history.when(saved.updated_at),
            )
        )
    )
    if saved.company:
        st.text(saved.company)
    opened = st.session_state.get(ws.OPEN)
    if opened and opened["id"] == saved.id and opened["version"] != saved.version:
        st.warning(md(t("ws_stale", mine=opened["version"], stored=saved.version)), icon=":material/sync_problem:")
        st.button(t("ws_reload"), key="ws_reload_stale", on_click=_reload_open, icon=":material/refresh:")


def _actions(saved: repo.SavedAssessment) -> None:
    open_col, workshop_col, status_col, archive_col = st.columns(4)
    if open_col.button(
        t("ws_open"), key="ws_open_here", type="primary", icon=":material/edit:", width="stretch", help=t("ws_open_help")
    ):
        ws.open_assessment(saved.id)
        nav.go("assess")
    if workshop_col.button(t("ws_workshop"), key="ws_workshop_here", icon=":material/groups:", width="stretch", wrap=True):
        st.session_state[ws.SELECTED] = saved.id
        nav.go("workshop")
    # Each column holds one button, whose label and target status depend on the current status.
    if saved.status == "draft":
        status_choice = (t("ws_mark_final"), "ws_mark_final", "final", ":material/task_alt:")
    else:
        status_choice = (t("ws_reopen"), "ws_reopen", "draft", ":material/edit_note:")
    if saved.status == "archived":
        archive_choice = (t("ws_unarchive"), "ws_unarchive", "final", ":material/unarchive:")
    else:
        archive_choice = (t("ws_archive"), "ws_archive", "archived", ":material/archive:")
    for column, (label, key, target, icon) in ((status_col, status_choice), (archive_col, archive_choice)):
        column.button(label, key=key, on_click=_set_status, args=(saved.id, target), icon=icon, width="stretch", wrap=True)

def _scores(db: Engine, saved: repo.SavedAssessment) -> None:
    lang = state.lang()
    result, _, missing = ws.score(saved.answers, saved.law_as_of)
    if result is None:
        st.info(md(t("ws_incomplete", n=missing)), icon=":material/pending_actions:")
        return
    for column, axis in zip(st.columns(len(AXES)), AXES, strict=True):
        r = result.axes[axis.key]
        with column.container(border=True):
            st.metric(axis.label.get(lang), f"{r.score}/100")
            st.badge(ws.level_label(r.level), color=LEVEL_BADGES[r.level])
    try:
        from report import Branding
    except ImportError:
        st.caption(md(t("report_unavailable")))
        return
    branding = Branding.coerce(repo.get_branding(db))
    st.download_button(
        t("ws_download_pdf"),
        data=lambda: report_pdf(saved, branding),  # built only when clicked
        file_name=f"pirisk-report-{saved.id}-{saved.law_as_of.isoformat()}-{saved.lang}.pdf",
        mime="application/pdf",
        key="ws_download_pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    if branding and branding.name:
        st.caption(md(t("ws_pdf_branded", name=branding.name)))


def _notes(db: Engine, saved: repo.SavedAssessment) -> None:
    notes = repo.get_notes(db, saved.id)
    if not notes:
        st.caption(md(t("ws_notes_none")))
        return
    lang = state.lang()
    questions = state.law().bank.questions
    for qid, note in notes.items():
        q = questions.get(qid)
        with st.container(border=True, key=f"ws_note_card__{qid}"):
            st.markdown(f"**{md(q.text.get(lang) if q else qid)}**")
            st.text(note.text)
            st.caption(md(t("ws_note_line", who=note.author or t("ws_unnamed"), when=history.when(note.updated_at))))


def _edit(saved: repo.SavedAssessment) -> None:
    keys = _keys(saved.id)
    with st.form(f"ws_edit_form__{saved.id}", border=True):
        st.markdown(f"**{md(t('ws_edit_details'))}**")
        st.text_input(t("ws_title_label"), value=saved.title, key=keys["edit_title"], max_chars=repo.NAME_MAX)
        st.text_input(t("company_label"), value=saved.company, key=keys["edit_company"], max_chars=repo.NAME_MAX)
        left, right = st.columns(2)
        left.date_input(t("law_as_of"), value=saved.law_as_of, key=keys["edit_date"], format="YYYY-MM-DD")
        right.selectbox(
            t("ws_report_lang"),
            list(LOCALES),
            index=list(LOCALES).index(saved.lang) if saved.lang in LOCALES else 0,
            format_func=LOCALE_NAMES.__getitem__,
            key=keys["edit_lang"],
        )
        st.form_submit_button(
            t("ws_save"), key="ws_save_details", on_click=_save_details, args=(saved.id,), icon=":material/save:"
        )

    with st.form(f"ws_duplicate_form__{saved.id}", border=True):
        st.markdown(f"**{md(t('ws_duplicate_title'))}**")
        st.caption(md(t("ws_duplicate_intro")))
        default = t("ws_copy_of", title=saved.title)[: repo.NAME_MAX]
        st.text_input(t("ws_title_label"), value=default, key=keys["dup_title"], max_chars=repo.NAME_MAX)
        st.date_input(t("law_as_of"), value=state.today(), key=keys["dup_date"], format="YYYY-MM-DD")
        st.form_submit_button(
            t("ws_duplicate"), key="ws_duplicate", on_click=_duplicate, args=(saved.id,), icon=":material/content_copy:"
        )

    with st.container(border=True, key="ws_delete_box"):
        st.markdown(f"**{md(t('ws_delete_assessment_title'))}**")
        st.warning(md(t("ws_delete_assessment_warning")), icon=":material/delete_forever:")
        st.text_input(t("ws_type_title_to_confirm"), key=keys["delete_confirm"], max_chars=repo.NAME_MAX)
        typed = (st.session_state.get(keys["delete_confirm"]) or "").strip()
        st.button(
            t("ws_delete_assessment"),
            key="ws_delete_assessment",
            on_click=_delete,
            args=(saved.id, saved.title),
            disabled=typed != saved.title,
            icon=":material/delete:",
        )


def assessment_page() -> None:
    """The chosen assessment (or the one open in the questionnaire), with everything a consultant does to it."""
    db = access.require()
    st.title(t("nav_assessment"))
    ws.show_flash()
    ws.show_conflict()
    with ws.store_errors():
        saved = access.chosen_assessment(db)
        if saved is None:
            return
        _header(saved)
        _actions(saved)
        _scores(db, saved)
        history_tab, notes_tab, edit_tab = st.tabs([t("ws_tab_history"), t("ws_tab_notes"), t("ws_tab_edit")])
        with history_tab:
            history.history_section(db, saved)
        with notes_tab:
            _notes(db, saved)
        with edit_tab:
            _edit(saved)
