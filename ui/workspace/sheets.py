"""The Spreadsheets page: the blank template, importing a filled one as an assessment, and exporting with scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from questions.locales import LOCALE_NAMES, LOCALES
from store import repo, spreadsheet
from store.errors import StoreError
from ui import state
from ui.present import md
from ui.workspace import access
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

TEMPLATE_LANG = "ws_template_lang"
IMPORT_CLIENT, IMPORT_TITLE, IMPORT_DATE, IMPORT_LANG = "ws_import_client", "ws_import_title", "ws_import_date", "ws_import_lang"
IMPORT_ROUND = "ws_import_round"  # bumped to clear the uploader after a successful import
IMPORT_PROBLEMS = "ws_import_problems"  # [(row, question id, message)] of the last refused file
EXPORT_SCOPE, EXPORT_ARCHIVED = "ws_export_scope", "ws_export_archived"
PORTFOLIO = 0  # the export scope "every client"
MAX_SHEET_MB = 5  # the same ceiling store.spreadsheet applies, in Streamlit's unit


def import_file(
    db: Engine, client_id: int, title: str, law_as_of: dt.date, lang: str, data: bytes
) -> tuple[repo.SavedAssessment | None, list[spreadsheet.SheetProblem]]:
    """Import a filled template as a new draft of `client_id`; if any cell is bad, save nothing and return them all.

    Raises StoreError for a file that is not a usable workbook, or a title, date or language the store refuses."""
    answers, problems = spreadsheet.import_xlsx(data)
    if problems:
        return None, problems
    return repo.create_assessment(db, client_id, title, law_as_of, lang, answers=answers), []


def export_table(db: Engine, client_id: int | None, *, include_archived: bool = False) -> pd.DataFrame:
    """A client's assessments (None: every client's) with their axis levels (in the screen's language) and scores."""
    rows = repo.list_assessments(db, client_id, include_archived=include_archived)
    return spreadsheet.export_assessments(rows, state.lang())


def export_file_name(scope: str, kind: str) -> str:
    """A download's name: pirisk-<scope>-<date>.<kind>, with the scope reduced to safe characters."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in scope).strip("-")[:40] or "export"
    return f"pirisk-{safe}-{state.today().isoformat()}.{kind}"


# -- screen ------------------------------------------------------------------------------------------------


def _template() -> None:
    st.subheader(t("ws_template_title"), anchor=False)
    st.caption(md(t("ws_template_intro")))
    lang = st.selectbox(
        t("ws_report_lang"),
        list(LOCALES),
        format_func=LOCALE_NAMES.__getitem__,
        key=TEMPLATE_LANG,
        index=list(LOCALES).index(state.lang()),
    )
    st.download_button(
        t("ws_template_download"),
        data=lambda: spreadsheet.template_xlsx(lang),
        file_name=f"pirisk-answers-template-{lang}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ws_template_download",
        on_click="ignore",
        icon=":material/download:",
    )


def _import(db: Engine, clients: list[repo.Client]) -> None:
    ss = st.session_state
    st.subheader(t("ws_import_title"), anchor=False)
    st.caption(md(t("ws_import_intro")))
    if not clients:
        st.info(md(t("ws_no_clients")))
        return
    names = {c.id: c.name for c in clients}
    if ss.get(IMPORT_CLIENT) not in names:
        ss[IMPORT_CLIENT] = ss.get(ws.CLIENT) if ss.get(ws.CLIENT) in names else clients[0].id
    st.selectbox(t("ws_client"), list(names), format_func=names.__getitem__, key=IMPORT_CLIENT)
    st.text_input(t("ws_title_label"), key=IMPORT_TITLE, max_chars=repo.NAME_MAX, placeholder=t("ws_title_placeholder"))
    left, right = st.columns(2)
    left.date_input(t("law_as_of"), value=state.today(), key=IMPORT_DATE, format="YYYY-MM-DD", min_value=dt.date(1990, 1, 1))
    right.selectbox(
        t("ws_report_lang"),
        list(LOCALES),
        format_func=LOCALE_NAMES.__getitem__,
        key=IMPORT_LANG,
        index=list(LOCALES).index(state.lang()),
    )
    uploader = f"ws_import_file_{ss.get(IMPORT_ROUND, 0)}"
    uploaded = st.file_uploader(t("ws_import_file"), type=["xlsx"], key=uploader, max_upload_size=MAX_SHEET_MB)
    clicked = st.button(
        t("ws_import"), key="ws_import", type="primary", disabled=uploaded is None or ws.read_only(), icon=":material/upload:"
    )
    if clicked and uploaded is not None:  # (the button is disabled without a file)
        ss.pop(IMPORT_PROBLEMS, None)
        day: Any = ss.get(IMPORT_DATE)  # the widgets' values, as they are: the store refuses a missing one
        lang: Any = ss.get(IMPORT_LANG)
        try:
            saved, problems = import_file(db, ss[IMPORT_CLIENT], ss.get(IMPORT_TITLE) or "", day, lang, uploaded.getvalue())
        except StoreError as err:
            st.error(md(t("ws_import_refused", reason=msg.reason(err))), icon=":material/error:")
            return
        if problems:
            ss[IMPORT_PROBLEMS] = [(p.row, p.question_id, p.text(state.lang())) for p in problems]
        elif saved is not None:
            ss[ws.SELECTED] = saved.id
            ss[IMPORT_ROUND] = ss.get(IMPORT_ROUND, 0) + 1  # a fresh uploader for the next file
            msg.flash("success", t("ws_imported", title=saved.title, n=len(saved.answers)))
            st.rerun()
    problem_rows = ss.get(IMPORT_PROBLEMS)
    if problem_rows:
        st.error(md(t("ws_import_problems", n=len(problem_rows))), icon=":material/table_chart:")
        table = pd.DataFrame(problem_rows, columns=[t("ws_col_row"), t("ws_col_question_id"), t("ws_col_problem")])
        st.dataframe(table, hide_index=True, key="ws_import_problem_table")


def _export(db: Engine, clients: list[repo.Client]) -> None:
    ss = st.session_state
    st.subheader(t("ws_export_title"), anchor=False)
    st.caption(md(t("ws_export_intro")))
    names = {PORTFOLIO: t("ws_portfolio"), **{c.id: c.name for c in clients}}
    if ss.get(EXPORT_SCOPE) not in names:
        ss[EXPORT_SCOPE] = PORTFOLIO
    scope = st.selectbox(t("ws_export_scope"), list(names), format_func=names.__getitem__, key=EXPORT_SCOPE)
    archived = st.checkbox(t("ws_export_archived"), key=EXPORT_ARCHIVED)
    table = export_table(db, None if scope == PORTFOLIO else scope, include_archived=archived)
    if table.empty:
        st.info(md(t("ws_export_empty")))
        return
    st.dataframe(table, hide_index=True, key="ws_export_table")
    label = "portfolio" if scope == PORTFOLIO else f"client-{scope}"
    xlsx_col, csv_col = st.columns(2)
    xlsx_col.download_button(
        t("ws_export_xlsx"),
        data=lambda: spreadsheet.to_xlsx(table),
        file_name=export_file_name(label, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ws_export_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
        width="stretch",
    )
    csv_col.download_button(
        t("ws_export_csv"),
        data=lambda: spreadsheet.to_csv(table),
        file_name=export_file_name(label, "csv"),
        mime="text/csv",
        key="ws_export_csv",
        on_click="ignore",
        icon=":material/csv:",
        width="stretch",
    )


def spreadsheets_page() -> None:
    """Template, import and export, in three blocks."""
    db = access.require()
    st.title(t("nav_spreadsheets"))
    msg.show_flash()
    with msg.store_errors():
        clients = repo.list_clients(db)
        with st.container(border=True, key="ws_template_box"):
            _template()
        with st.container(border=True, key="ws_import_box"):
            _import(db, clients)
        with st.container(border=True, key="ws_export_box"):
            _export(db, clients)
