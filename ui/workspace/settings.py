"""The Settings page: the consultancy's name and logo for report covers (the logo checked before it is saved)."""

from __future__ import annotations

import io

import streamlit as st

from store import repo
from ui.present import md
from ui.workspace import access
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

NAME, LOGO, REMOVE_LOGO = "ws_brand_name", "ws_brand_logo", "ws_brand_remove_logo"
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
        saved = repo.set_branding(db, name, logo)
        return t("ws_branding_saved", name=saved.name or t("ws_no_name"))

    msg.act(write)


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
            st.form_submit_button(t("ws_save"), key="ws_save_branding", on_click=_save, type="primary", icon=":material/save:")
        st.markdown(f"**{md(t('ws_branding_now'))}**")
        with st.container(border=True, key="ws_branding_preview"):
            st.text(current.name or t("ws_no_name"))
            if current.logo:
                st.image(current.logo, width=160)
            else:
                st.caption(md(t("ws_no_logo")))
