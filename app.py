"""pirisk's browser app: page config and navigation. The pages live in ui/; run `make run`."""

from pathlib import Path

import streamlit as st

from ui import nav, state, widgets, workspace_access, workspace_state

# No page_icon: a Material icon as favicon is fetched from fonts.gstatic.com; the default is served locally.
st.set_page_config(page_title="pirisk", layout="wide")
st.html(Path(__file__).resolve().parent / "assets" / "style.css")
state.init_state()
# Before navigation: an expired workspace session is locked here, so its pages are not even registered.
unlocked = workspace_state.check_session()
page = st.navigation(nav.pages(unlocked=unlocked), expanded=unlocked)  # expanded: every workspace page listed
widgets.sidebar()
workspace_access.sidebar()
page.run()
