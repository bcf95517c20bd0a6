"""The Settings page: the consultancy's name and logo for report covers (the logo checked before it is saved),
and, for owners, the named accounts (add one, change a role, disable or enable, set a new password). The
store refuses account changes to anyone but an owner (store/access.py): the page only saves a click."""

from __future__ import annotations

import io
from typing import Any

import streamlit as st

from store import repo
from store.access import MAX_PASSWORD
from ui.present import md
from ui.workspace import access
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

NAME, LOGO, REMOVE_LOGO = "ws_brand_name", "ws_brand_logo", "ws_brand_remove_logo"
WHITE_LABEL = "ws_brand_white_label"
NEW_ACCOUNT, NEW_ROLE, NEW_PASSWORD, NEW_AGAIN = "ws_account_name", "ws_account_role", "ws_account_password", "ws_account_again"
PICKED, PICKED_ROLE, PICKED_PASSWORD = "ws_account_picked", "ws_account_new_role", "ws_account_new_password"
ROLES = ("owner", "consultant", "viewer")
LOGO_MAX_BYTES = 1_000_000  # a cover logo; the store would take 5 MB, but nobody needs that on a cover
LOGO_MAX_SIDE = 4_000  # pixels; also keeps a decompression bomb out
LOGO_UPLOAD_MB = 2  # Streamlit refuses larger uploads before pirisk sees them


def logo_problem(data: bytes) -> str | None:
    """Why `data` cannot be the cover logo (translated), or None: PNG or JPEG, small, and an image that decodes."""
    if len(data) > LOGO_MAX_BYTES:
        return t("ws_logo_too_big", size=f"{len(data):,}", limit=f"{LOGO_MAX_BYTES:,}")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        return t("ws_logo_not_image")
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with fpdf2; without it the signature check above is all there is
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                return t("ws_logo_not_image")
            width, height = image.size
            if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                return t("ws_logo_too_large", width=width, height=height, limit=LOGO_MAX_SIDE)
            image.verify()
    except Exception:  # Pillow raises many kinds for a damaged or disguised file; the user needs one sentence
        return t("ws_logo_damaged")
    return None


def _save() -> None:
    ss = st.session_state
    name = ss.get(NAME) or ""
    uploaded = ss.get(LOGO)
    remove = bool(ss.get(REMOVE_LOGO))

    def write() -> str | None:
        db = ws.engine()
        current = repo.get_branding(db)
        logo = None if remove else current.logo
        if uploaded is not None and not remove:
            data = uploaded.getvalue()
            problem = logo_problem(data)
            if problem:
                msg.flash("error", problem)
                return None
            logo = data
        saved = repo.set_branding(db, name, logo, bool(ss.get(WHITE_LABEL)))
        return t("ws_branding_saved", name=saved.name or t("ws_no_name"))

    msg.act(write)


def _add_account() -> None:
    ss = st.session_state
    name, role = ss.get(NEW_ACCOUNT) or "", ss.get(NEW_ROLE) or "consultant"
    password, again = ss.get(NEW_PASSWORD) or "", ss.get(NEW_AGAIN) or ""
    ss[NEW_PASSWORD], ss[NEW_AGAIN] = "", ""  # passwords are never kept in the session
    if password != again:
        msg.flash("error", t("ws_passwords_differ"))
        return

    def write() -> str:
        added = repo.add_account(ws.engine(), name, role, password)
        ss[NEW_ACCOUNT] = ""
        return t("ws_account_added", name=added.name, role=access.role_name(added.role))

    msg.act(write)


def _change_account(what: str) -> None:
    ss = st.session_state
    name = ss.get(PICKED) or ""
    password = ss.get(PICKED_PASSWORD) or ""
    ss[PICKED_PASSWORD] = ""

    def write() -> str:
        db, me = ws.engine(), ws.author() if ws.signed_in_account() else None
        if what == "role":
            changed = repo.set_role(db, name, ss.get(PICKED_ROLE) or "viewer", actor=me)
            return t("ws_account_role_set", name=changed.name, role=access.role_name(changed.role))
        if what == "password":
            changed = repo.set_password(db, name, password)
            return t("ws_account_password_set", name=changed.name)
        current = next((a for a in repo.list_accounts(db) if a.name == name), None)
        changed = repo.set_disabled(db, name, not (current and current.disabled), actor=me)
        if changed.disabled:
            return t("ws_account_disabled", name=changed.name)
        return t("ws_account_enabled", name=changed.name)

    msg.act(write)


def _accounts(db: Any) -> None:
    st.subheader(t("ws_accounts_title"), anchor=False)
    st.caption(md(t("ws_accounts_intro")))
    if ws.role() != "owner":
        st.info(md(t("ws_accounts_owner_only")), icon=":material/admin_panel_settings:")
        return
    accounts = repo.list_accounts(db)
    if accounts:
        st.dataframe(
            [
                {
                    t("ws_account_col_name"): a.name,
                    t("ws_account_col_role"): access.role_name(a.role),
                    t("ws_account_col_state"): t("ws_account_off") if a.disabled else t("ws_account_on"),
                    t("ws_account_col_since"): a.created_at.date().isoformat(),
                }
                for a in accounts
            ],
            hide_index=True,
            key="ws_accounts_table",
        )
    else:
        st.caption(md(t("ws_no_accounts")))
    with st.form("ws_account_form", border=True):
        st.markdown(f"**{md(t('ws_account_add_title'))}**")
        st.text_input(t("ws_account_name_label"), key=NEW_ACCOUNT, max_chars=repo.NAME_MAX)
        st.selectbox(t("ws_account_role_label"), ROLES, index=1, format_func=access.role_name, key=NEW_ROLE)
        st.text_input(t("ws_account_password_label"), type="password", key=NEW_PASSWORD, max_chars=MAX_PASSWORD)
        st.text_input(t("ws_account_again_label"), type="password", key=NEW_AGAIN, max_chars=MAX_PASSWORD)
        st.form_submit_button(t("ws_account_add"), key="ws_account_add", on_click=_add_account, icon=":material/person_add:")
    if not accounts:
        return
    with st.form("ws_account_change_form", border=True):
        st.markdown(f"**{md(t('ws_account_change_title'))}**")
        st.selectbox(t("ws_account_pick"), [a.name for a in accounts], key=PICKED)
        st.selectbox(t("ws_account_role_label"), ROLES, format_func=access.role_name, key=PICKED_ROLE)
        st.text_input(t("ws_account_new_password_label"), type="password", key=PICKED_PASSWORD, max_chars=MAX_PASSWORD)
        role, state_, password = st.columns(3)
        with role:
            st.form_submit_button(t("ws_account_set_role"), key="ws_account_set_role", on_click=_change_account, args=("role",))
        with state_:
            st.form_submit_button(t("ws_account_toggle"), key="ws_account_toggle", on_click=_change_account, args=("disabled",))
        with password:
            st.form_submit_button(
                t("ws_account_set_password"), key="ws_account_set_password", on_click=_change_account, args=("password",)
            )


def settings_page() -> None:
    """The consultancy's branding: a name and a logo for the PDF cover, with a preview."""
    db = access.require()
    st.title(t("nav_settings"))
    msg.show_flash()
    with msg.store_errors():
        current = repo.get_branding(db)
        st.subheader(t("ws_branding_title"), anchor=False)
        st.caption(md(t("ws_branding_intro")))
        with st.form("ws_branding_form", border=True):
            st.text_input(t("ws_brand_name_label"), value=current.name, key=NAME, max_chars=repo.NAME_MAX)
            st.file_uploader(
                t("ws_brand_logo_label"),
                type=["png", "jpg", "jpeg"],
                key=LOGO,
                max_upload_size=LOGO_UPLOAD_MB,
                help=t("ws_brand_logo_help", limit=f"{LOGO_MAX_BYTES:,}"),
            )
            st.checkbox(t("ws_brand_remove_logo"), key=REMOVE_LOGO, disabled=current.logo is None)
            st.checkbox(
                t("ws_brand_white_label"), value=current.white_label, key=WHITE_LABEL, help=t("ws_brand_white_label_help")
            )
            st.form_submit_button(
                t("ws_save"),
                key="ws_save_branding",
                on_click=_save,
                type="primary",
                icon=":material/save:",
                disabled=ws.read_only(),
            )
        st.markdown(f"**{md(t('ws_branding_now'))}**")
        with st.container(border=True, key="ws_branding_preview"):
            st.text(current.name or t("ws_no_name"))
            if current.logo:
                st.image(current.logo, width=160)
            else:
                st.caption(md(t("ws_no_logo")))
            if current.white_label:
                st.caption(md(t("ws_white_label_on")))
        _accounts(db)
