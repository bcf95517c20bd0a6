"""pirisk's browser app: page config and navigation. The pages live in ui/; run `make run`."""

from pathlib import Path

import streamlit as st

from ui import nav, state, widgets
from ui.workspace import access as workspace_access
from ui.workspace import link as workspace_link  # noqa: F401 - registers the workspace's link to the questionnaire
from ui.workspace import session as workspace_session

# No page_icon: a Material icon as favicon is fetched from fonts.gstatic.com; the default is served locally.
st.set_page_config(page_title="pirisk", layout="wide")
st.html(Path(__file__).resolve().parent / "assets" / "style.css")
state.init_state()
# Before navigation: an expired workspace session is locked here, so its pages are not even registered.
unlocked = workspace_session.check_session()
page = st.navigation(nav.pages(unlocked=unlocked), expanded=unlocked)  # expanded: every workspace page listed
widgets.sidebar()
workspace_access.sidebar()
page.run()
