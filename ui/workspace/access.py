"""The workspace's door: the Workspace page with the sign-in form (the operator password, or a named
account's), the guard of every workspace page, and Lock."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NoReturn

import streamlit as st

from store.access import MAX_PASSWORD, AccessError, verify_password
from store.errors import StoreError
from ui import nav
from ui.present import md
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

repo = ws.repo

PASSWORD = "ws_password"  # noqa: S105 - a widget key; the field is emptied as soon as the form is submitted
AUTHOR_FIELD = "ws_author_field"
ATTEMPT = "ws_attempt"  # the last refused attempt: ("wrong" | "blocked", minutes to wait)

HASH_COMMAND = ".venv/bin/python -m store hash-password"
ACCOUNT_COMMAND = ".venv/bin/python -m store account add 'Ann Lee' --role owner"
ENV_EXAMPLE = "export PIRISK_WORKSPACE_PASSWORD_HASH='$argon2id$v=19$m=65536,t=3,p=4$...'"
SECRETS_EXAMPLE = '# .streamlit/secrets.toml\nworkspace_password_hash = "$argon2id$v=19$m=65536,t=3,p=4$..."'


def _check(name: str, password: str, hashed: str | None, accounts: bool) -> bool:
    """Check a sign-in (one argon2 check whichever way it goes) and, if it is right, unlock the session. A
    name that is an account's takes only that account's password: the operator password cannot sign in
    under an account's name."""
    if accounts:
        from store.accounts import is_account, sign_in

        db = ws.base_engine()
        if is_account(db, name) or hashed is None:
            account = sign_in(db, name, password)
            if account is None:
                return False
            ws.unlock_account(account)
            return True
    if hashed is None or not verify_password(password, hashed):
        return False
    ws.unlock(hashed, name)
    return True


def _try_unlock() -> None:
    """The sign-in form's callback: refuse while rate-limited, else check the password (argon2, constant time)."""
    ss = st.session_state
    password = ss.get(PASSWORD) or ""
    ss[PASSWORD] = ""  # the password is never kept in the session
    try:
        hashed = ws.configured_hash()
    except AccessError:
        return
    accounts = ws.accounts_enabled()
    if hashed is None and not accounts:
        return
    keys = ws.client_keys()
    limits = ws.limiters()
    wait = limits.reserve(keys)  # counted before the check: simultaneous tries cannot all slip through
    if wait > 0:  # refused without checking: no argon2 work for a blocked client
        ss[ATTEMPT] = ("blocked", max(1, math.ceil(wait / 60)))
        return
    try:
        ok = len(password) <= MAX_PASSWORD and _check(ss.get(AUTHOR_FIELD) or "", password, hashed, accounts)
    except StoreError:
        ok = False
    if ok:
        limits.succeeded(keys)
        ss.pop(ATTEMPT, None)
        return
    wait = limits.retry_after(keys)
    ss[ATTEMPT] = ("blocked", max(1, math.ceil(wait / 60))) if wait > 0 else ("wrong", 0)


def role_name(role: str) -> str:
    """A role in the page's language."""
    return {"owner": t("ws_role_owner"), "consultant": t("ws_role_consultant"), "viewer": t("ws_role_viewer")}.get(role, role)


def lock() -> None:
    """The Lock button: drop all workspace data from the session and bring back the self-assessment."""
    ws.clear()
    st.session_state[ws.NOTICE] = "locked"


def _how_to_enable() -> None:
    st.info(md(t("ws_off")), icon=":material/lock:")
    st.markdown(md(t("ws_off_step_hash")))
    st.code(HASH_COMMAND, language="bash")
    st.markdown(md(t("ws_off_step_env")))
    st.code(ENV_EXAMPLE, language="bash")
    st.markdown(md(t("ws_off_step_secrets")))
    st.code(SECRETS_EXAMPLE, language="toml")
    st.caption(md(t("ws_off_note")))
    st.markdown(md(t("ws_off_accounts")))
    st.code(ACCOUNT_COMMAND, language="bash")


def _unlock_form() -> None:
    attempt = st.session_state.get(ATTEMPT)
    if attempt and attempt[0] == "blocked":
        st.error(md(t("ws_too_many", minutes=attempt[1])), icon=":material/timer:")
    elif attempt:
        st.error(md(t("ws_wrong_password")), icon=":material/key_off:")
    accounts = ws.accounts_enabled()
    with st.form("ws_unlock_form", border=True):
        if accounts:
            st.text_input(t("ws_account_label"), key=AUTHOR_FIELD, max_chars=repo.NAME_MAX, help=t("ws_account_help"))
        else:
            st.text_input(t("ws_author_label"), key=AUTHOR_FIELD, max_chars=repo.NAME_MAX, help=t("ws_author_help"))
        st.text_input(t("ws_password_label"), key=PASSWORD, type="password", max_chars=MAX_PASSWORD)
        st.form_submit_button(t("ws_unlock"), key="ws_unlock", on_click=_try_unlock, type="primary", icon=":material/lock_open:")
    st.caption(md(t("ws_unlock_note", minutes=round(ws.session_minutes()))))


def _open_workspace(engine: Engine) -> None:
    st.success(md(t("ws_unlocked", minutes=round(ws.session_minutes()))), icon=":material/lock_open:")
    st.caption(md(t("ws_role_line", role=role_name(ws.role()))))
    st.caption(md(t("ws_database", url=ws.db.shown_url(engine.url))))  # password and query secrets masked
    clients = repo.list_clients(engine)
    st.markdown(md(t("ws_overview", clients=len(clients), assessments=sum(c.assessments for c in clients))))
    for name in nav.WORKSPACE_PAGES[1:]:
        st.page_link(nav.page(name), label=t(f"nav_{name}"), icon=":material/arrow_forward:")
    st.button(t("ws_lock"), key="ws_lock_page", on_click=lock, icon=":material/lock:")


def workspace_page() -> None:
    """The door: how to turn the workspace on, the password form, or (when open) an overview and Lock."""
    st.title(t("ws_title"))
    try:
        hashed = ws.configured_hash()
    except AccessError as err:
        st.error(md(t("ws_bad_hash", reason=msg.reason(err))), icon=":material/error:")
        _how_to_enable()
        return
    if hashed is None and not ws.accounts_enabled():
        _how_to_enable()
        return
    if not ws.active():
        if st.session_state.get(ws.NOTICE_NOW) == "expired":
            st.warning(md(t("ws_expired", minutes=round(ws.session_minutes()))), icon=":material/timer_off:")
        st.markdown(md(t("ws_intro")))
        _unlock_form()
        return
    msg.show_flash()
    try:
        _open_workspace(ws.engine())
    except StoreError as err:
        st.error(md(t("ws_store_error", reason=msg.reason(err))), icon=":material/database:")


def _locked() -> NoReturn:
    st.warning(md(t("ws_locked_page")), icon=":material/lock:")
    st.page_link(nav.page("workspace"), label=t("ws_go_unlock"), icon=":material/lock_open:")
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def require() -> Engine:
    """The first call of every workspace page: stop with a "locked" note unless this session is unlocked,
    then return the database (or stop with a clear message if it cannot be used)."""
    if not ws.active():
        _locked()
    if ws.role() == "viewer":
        st.caption(md(t("ws_viewer_note")), help=t("ws_viewer_help"))
    try:
        return ws.engine()
    except StoreError as err:
        st.error(md(t("ws_store_error", reason=msg.reason(err))), icon=":material/database:")
        st.stop()
        raise AssertionError("unreachable") from None


def _close() -> None:
    wl.close()


def sidebar() -> None:
    """While unlocked: who is signed in, the assessment open in the questionnaire (with Close), and Lock.
    Once after locking (by hand or after inactivity), on whatever page the session lands: that it happened."""
    ss = st.session_state
    notice = ss.pop(ws.NOTICE, None)
    ss[ws.NOTICE_NOW] = notice  # the door, on this run only, says it too
    if notice == "expired":
        st.sidebar.warning(md(t("ws_expired", minutes=round(ws.session_minutes()))), icon=":material/timer_off:")
    elif notice == "locked":
        st.sidebar.info(md(t("ws_locked_done")), icon=":material/lock:")
    if not ws.active():
        return
    with st.sidebar:
        st.divider()
        st.markdown(f"**{md(t('ws_sidebar_title'))}**")
        who = ws.author()
        role = role_name(ws.role())
        if ws.signed_in_account():
            st.caption(md(t("ws_signed_in_account", name=who, role=role)))
        elif who:
            st.caption(md(t("ws_signed_in_as", name=who)))
        opened = ss.get(wl.OPEN)
        if opened:
            with st.container(border=True, key="ws_open_box"):
                st.caption(md(t("ws_open_now")))
                st.text(f"{opened['client']} — {opened['title']}")
                st.caption(md(t("ws_version_line", version=opened["version"], status=ws.status_label(opened["status"]))))
                st.button(t("ws_close"), key="ws_close", on_click=_close, icon=":material/close:", width="stretch")
        st.button(t("ws_lock"), key="ws_lock", on_click=lock, icon=":material/lock:", width="stretch")


def chosen_assessment(db: Engine) -> repo.SavedAssessment | None:
    """The assessment a workspace page works on: the one picked on the Clients page, else the one open
    in the questionnaire. When there is none (or it was deleted), say so and return None."""
    ss = st.session_state
    chosen = ss.get(ws.SELECTED) or (ss[wl.OPEN]["id"] if wl.is_open() else None)
    if chosen is None:
        st.info(md(t("ws_pick_assessment")))
        st.page_link(nav.page("clients"), label=t("nav_clients"), icon=":material/arrow_forward:")
        return None
    try:
        saved = repo.get_assessment(db, chosen)
    except repo.NotFound:
        ss.pop(ws.SELECTED, None)
        ws.show_place(ss.get(ws.CLIENT))
        st.info(md(t("ws_assessment_gone")))
        return None
    ws.show_place(saved.client_id, saved.id)
    return saved
