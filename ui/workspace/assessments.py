"""The Assessment page: one stored assessment's status, scores, branded PDF, history, notes, duplicate and delete."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from questions.locales import LOCALE_NAMES, LOCALES
from report.branding import Branding
from report.formats import FORMATS, ExportFormat, export_format, file_name
from scoring.axes import AXES
from scoring.engine import Incomplete, assess_answers
from store import repo
from store.errors import StoreError
from ui import nav, state
from ui.present import LEVEL_BADGES, level_label, md
from ui.workspace import access, history
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t


def _keys(assessment_id: int) -> dict[str, str]:
    """Widget keys of one assessment's forms (per id, so that another assessment starts from its own values)."""
    return {
        name: f"ws_{name}__{assessment_id}"
        for name in ("edit_title", "edit_date", "edit_lang", "edit_company", "dup_title", "dup_date", "delete_confirm")
    }


# -- callbacks -----------------------------------------------------------------------------------------


# Each callback gets the assessment as the screen showed it (its id, client and version): a write names
# them, so that a change made meanwhile by someone else is refused instead of overwritten.


def _set_status(shown: repo.AssessmentRef, version: int, status: str) -> None:
    def write() -> str:
        saved = repo.set_status(ws.engine(), shown, status, expected_version=version, author=ws.author())  # type: ignore[arg-type]
        wl.refresh_if_open(shown.id)
        return t("ws_status_changed", status=ws.status_label(saved.status))

    msg.act(write)


def _save_details(shown: repo.AssessmentRef, version: int) -> None:
    ss, keys = st.session_state, _keys(shown.id)

    def write() -> str:
        saved = repo.update_assessment(
            ws.engine(),
            shown,
            expected_version=version,
            author=ws.author(),
            title=ss.get(keys["edit_title"]) or "",
            law_as_of=ss.get(keys["edit_date"]),
            lang=ss.get(keys["edit_lang"]),
            company=ss.get(keys["edit_company"]) or "",
        )
        if wl.is_open(shown.id):
            wl.reload()
        return t("ws_details_saved", title=saved.title)

    msg.act(write)


def _duplicate(shown: repo.AssessmentRef) -> None:
    ss, keys = st.session_state, _keys(shown.id)

    def write() -> str:
        copy = repo.duplicate_assessment(ws.engine(), shown, ss.get(keys["dup_title"]) or "", law_as_of=ss.get(keys["dup_date"]))
        ss[ws.SELECTED] = copy.id
        ss[ws.COMPARE_A], ss[ws.COMPARE_B] = shown.id, copy.id  # the Compare page opens on the pair
        return t("ws_duplicated", title=copy.title)

    msg.act(write)


def _delete(shown: repo.AssessmentRef, version: int, title: str) -> None:
    ss, keys = st.session_state, _keys(shown.id)
    if (ss.get(keys["delete_confirm"]) or "").strip() != title:
        msg.flash("error", t("ws_confirm_mismatch"))
        return

    def write() -> str:
        deleted = repo.delete_assessment(ws.engine(), shown, expected_version=version)
        if wl.is_open(shown.id):
            wl.close()
        for key in (ws.SELECTED, keys["delete_confirm"]):
            ss.pop(key, None)
        if not deleted.complete:
            msg.flash("warning", t("ws_delete_residue"))
        return t("ws_assessment_deleted", title=title)

    msg.act(write)


def report_file(saved: repo.SavedAssessment, branding: Branding | None, fmt: ExportFormat) -> bytes:
    """A report of a stored assessment, in its own language, with its notes and the consultancy's branding."""
    db = ws.engine()
    notes = {qid: n.text for qid, n in repo.get_notes(db, saved.id).items()}
    answer_set = saved.answer_set(notes)
    result = assess_answers(answer_set, law=state.law())
    if isinstance(result, Incomplete):  # the buttons are only offered once the assessment is complete
        raise StoreError(key="store_incomplete", id=saved.id)
    return fmt.build(result, answer_set, branding, law=state.law())


def report_pdf(saved: repo.SavedAssessment, branding: Branding | None) -> bytes:
    """The PDF report of a stored assessment (see `report_file`)."""
    return report_file(saved, branding, export_format("pdf"))


def _reload_open() -> None:
    msg.act(lambda: wl.reload())


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
    opened = st.session_state.get(wl.OPEN)
    if opened and opened["id"] == saved.id and opened["version"] != saved.version:
        st.warning(md(t("ws_stale", mine=opened["version"], stored=saved.version)), icon=":material/sync_problem:")
        st.button(t("ws_reload"), key="ws_reload_stale", on_click=_reload_open, icon=":material/refresh:")


def _actions(saved: repo.SavedAssessment) -> None:
    open_col, workshop_col, status_col, archive_col = st.columns(4)
    if open_col.button(
        t("ws_open"), key="ws_open_here", type="primary", icon=":material/edit:", width="stretch", help=t("ws_open_help")
    ):
        wl.open_assessment(saved.id)
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
        column.button(
            label, key=key, on_click=_set_status, args=(saved.ref, saved.version, target), icon=icon, width="stretch", wrap=True
        )


def _scores(db: Engine, saved: repo.SavedAssessment) -> None:
    lang = state.lang()
    result = assess_answers(saved.answer_set(), rank_remedies=False, law=state.law())
    if isinstance(result, Incomplete):
        st.info(md(t("ws_incomplete", n=result.count)), icon=":material/pending_actions:")
        return
    for column, axis in zip(st.columns(len(AXES)), AXES, strict=True):
        r = result.axes[axis.key]
        with column.container(border=True):
            st.metric(axis.label.get(lang), f"{r.score}/100")
            st.badge(level_label(r.level, lang), color=LEVEL_BADGES[r.level])
    branding = repo.get_branding(db)
    for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        column.download_button(
            t(f"ws_{fmt.label}"),
            data=lambda fmt=fmt: report_file(saved, branding, fmt),  # built only when clicked
            file_name=file_name(fmt, saved.law_as_of, saved.lang, str(saved.id)),
            mime=fmt.mime,
            key=f"ws_{fmt.label}",
            on_click="ignore",
            icon=fmt.icon,
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
            t("ws_save"), key="ws_save_details", on_click=_save_details, args=(saved.ref, saved.version), icon=":material/save:"
        )

    with st.form(f"ws_duplicate_form__{saved.id}", border=True):
        st.markdown(f"**{md(t('ws_duplicate_title'))}**")
        st.caption(md(t("ws_duplicate_intro")))
        default = t("ws_copy_of", title=saved.title)[: repo.NAME_MAX]
        st.text_input(t("ws_title_label"), value=default, key=keys["dup_title"], max_chars=repo.NAME_MAX)
        st.date_input(t("law_as_of"), value=state.today(), key=keys["dup_date"], format="YYYY-MM-DD")
        st.form_submit_button(
            t("ws_duplicate"), key="ws_duplicate", on_click=_duplicate, args=(saved.ref,), icon=":material/content_copy:"
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
            args=(saved.ref, saved.version, saved.title),
            disabled=typed != saved.title,
            icon=":material/delete:",
        )


def assessment_page() -> None:
    """The chosen assessment (or the one open in the questionnaire), with everything a consultant does to it."""
    db = access.require()
    st.title(t("nav_assessment"))
    msg.show_flash()
    wl.show_conflict()
    with msg.store_errors():
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
