"""The Clients page: clients with their assessment counts (create, rename, delete) and each client's assessments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from questions.locales import LOCALE_NAMES, LOCALES
from store import repo
from ui import nav, state
from ui.present import md
from ui.workspace import access
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

NEW_CLIENT = "ws_new_client"
RENAME = "ws_rename_client"
DELETE_CONFIRM = "ws_delete_client_confirm"
NEW_TITLE, NEW_DATE, NEW_LANG = "ws_new_title", "ws_new_date", "ws_new_lang"
SHOW_ARCHIVED = "ws_show_archived"


# -- callbacks -----------------------------------------------------------------------------------------


def _create_client() -> None:
    ss = st.session_state
    name = ss.get(NEW_CLIENT) or ""

    def write() -> str:
        client = repo.create_client(ws.engine(), name)
        ss[ws.CLIENT] = client.id
        ss[NEW_CLIENT] = ""
        return t("ws_client_created", name=client.name)

    msg.act(write)


def _pick_client(client_id: int) -> None:
    st.session_state[ws.CLIENT] = client_id
    st.session_state.pop(DELETE_CONFIRM, None)


def _rename_client(client_id: int) -> None:
    ss = st.session_state
    name = ss.get(RENAME) or ""

    def write() -> str:
        client = repo.rename_client(ws.engine(), client_id, name)
        ss[RENAME] = ""
        return t("ws_client_renamed", name=client.name)

    msg.act(write)


def _delete_client(client_id: int, name: str) -> None:
    ss = st.session_state
    if (ss.get(DELETE_CONFIRM) or "").strip() != name:
        msg.flash("error", t("ws_confirm_mismatch"))
        return

    def write() -> str:
        db = ws.engine()
        doomed = {a.id for a in repo.list_assessments(db, client_id, include_archived=True)}
        counts = repo.delete_client(db, client_id)
        if wl.is_open() and ss[wl.OPEN]["id"] in doomed:
            wl.close()
        for key in (ws.CLIENT, ws.SELECTED, DELETE_CONFIRM):
            ss.pop(key, None)
        if not counts.complete:
            msg.flash("warning", t("ws_delete_residue"))
        return t("ws_client_deleted", name=name, assessments=counts.get("assessments", 0))

    msg.act(write)


def _create_assessment(client_id: int) -> None:
    ss = st.session_state
    day: Any = ss.get(NEW_DATE)  # the widget's value, as it is: the store refuses a missing one
    title, lang = ss.get(NEW_TITLE) or "", ss.get(NEW_LANG) or state.lang()

    def write() -> str:
        saved = repo.create_assessment(ws.engine(), client_id, title, day, lang)
        ss[ws.SELECTED] = saved.id
        ss[NEW_TITLE] = ""
        return t("ws_assessment_created", title=saved.title)

    msg.act(write)


# -- screen --------------------------------------------------------------------------------------------


def _client_list(clients: list[repo.Client], chosen: int | None) -> None:
    st.subheader(t("ws_clients_list"), anchor=False)
    for c in clients:
        with st.container(border=True, key=f"ws_client_card__{c.id}"):
            st.text(c.name)
            st.caption(md(t("ws_n_assessments", n=c.assessments)))
            st.button(
                t("ws_pick"),
                key=f"ws_pick_client__{c.id}",
                on_click=_pick_client,
                args=(c.id,),
                type="primary" if c.id == chosen else "secondary",
                icon=":material/folder_open:",
            )


def _new_assessment_form(client: repo.Client) -> None:
    with st.form("ws_new_assessment_form", border=True):
        st.markdown(f"**{md(t('ws_new_assessment'))}**")
        st.text_input(t("ws_title_label"), key=NEW_TITLE, max_chars=repo.NAME_MAX, placeholder=t("ws_title_placeholder"))
        left, right = st.columns(2)
        with left:
            st.date_input(t("law_as_of"), value=state.today(), key=NEW_DATE, format="YYYY-MM-DD", min_value=dt.date(1990, 1, 1))
        with right:
            st.selectbox(
                t("ws_report_lang"),
                list(LOCALES),
                index=list(LOCALES).index(state.lang()),
                format_func=LOCALE_NAMES.__getitem__,
                key=NEW_LANG,
            )
        st.form_submit_button(
            t("ws_create"),
            key="ws_create_assessment",
            on_click=_create_assessment,
            args=(client.id,),
            icon=":material/add:",
            disabled=ws.read_only(),
        )


def _assessment_row(a: repo.SavedAssessment) -> None:
    with st.container(border=True, key=f"ws_assessment_card__{a.id}"):
        st.markdown(f"**{md(a.title)}**")
        st.caption(
            md(
                t(
                    "ws_assessment_line",
                    date=a.law_as_of.isoformat(),
                    status=ws.status_label(a.status),
                    version=a.version,
                    n=len(a.answers),
                )
            )
        )
        open_col, details_col, workshop_col = st.columns(3)
        if open_col.button(
            t("ws_open"),
            key=f"ws_open__{a.id}",
            type="primary",
            icon=":material/edit:",
            width="stretch",
            help=t("ws_open_help"),
            disabled=ws.read_only(),
        ):
            wl.open_assessment(a.id)
            nav.go("assess")
        if details_col.button(t("ws_details"), key=f"ws_details__{a.id}", icon=":material/info:", width="stretch", wrap=True):
            st.session_state[ws.SELECTED] = a.id
            nav.go("assessment")
        if workshop_col.button(
            t("ws_workshop"), key=f"ws_to_workshop__{a.id}", icon=":material/groups:", width="stretch", wrap=True
        ):
            st.session_state[ws.SELECTED] = a.id
            nav.go("workshop")


def _manage_client(client: repo.Client) -> None:
    with st.expander(t("ws_manage_client"), icon=":material/settings:"):
        st.text_input(t("ws_rename_label"), key=RENAME, max_chars=repo.NAME_MAX)
        st.button(
            t("ws_rename"),
            key="ws_rename",
            on_click=_rename_client,
            args=(client.id,),
            icon=":material/edit:",
            disabled=ws.read_only(),
        )
        st.divider()
        st.warning(md(t("ws_delete_client_warning", n=client.assessments)), icon=":material/delete_forever:")
        st.text_input(t("ws_type_name_to_confirm"), key=DELETE_CONFIRM, max_chars=repo.NAME_MAX)
        typed = (st.session_state.get(DELETE_CONFIRM) or "").strip()
        st.button(
            t("ws_delete_client"),
            key="ws_delete_client",
            on_click=_delete_client,
            args=(client.id, client.name),
            disabled=typed != client.name or ws.read_only(),
            icon=":material/delete:",
        )


def _client_panel(db: Engine, client: repo.Client) -> None:
    st.subheader(md(client.name), anchor=False)
    _new_assessment_form(client)
    st.toggle(t("ws_show_archived"), key=SHOW_ARCHIVED)
    assessments = repo.list_assessments(db, client.id, include_archived=bool(st.session_state.get(SHOW_ARCHIVED)))
    if not assessments:
        st.info(md(t("ws_no_assessments")))
    for a in assessments:
        _assessment_row(a)
    _manage_client(client)


def clients_page() -> None:
    """Every client with its number of assessments; the chosen client's assessments and its management."""
    db = access.require()
    st.title(t("nav_clients"))
    msg.show_flash()
    wl.show_conflict()
    with msg.store_errors():
        with st.form("ws_new_client_form", border=True):
            st.text_input(t("ws_client_name"), key=NEW_CLIENT, max_chars=repo.NAME_MAX, placeholder=t("ws_client_placeholder"))
            st.form_submit_button(
                t("ws_add_client"),
                key="ws_create_client",
                on_click=_create_client,
                icon=":material/add:",
                disabled=ws.read_only(),
            )
        clients = repo.list_clients(db)
        if not clients:
            st.info(md(t("ws_no_clients")))
            return
        ids = {c.id: c for c in clients}
        chosen = st.session_state.get(ws.CLIENT)
        if chosen not in ids:
            chosen = clients[0].id
            st.session_state[ws.CLIENT] = chosen
        ws.show_place(chosen, st.session_state.get(ws.SELECTED))
        left, right = st.columns([1, 2], gap="large")
        with left:
            _client_list(clients, chosen)
        with right:
            _client_panel(db, ids[chosen])
