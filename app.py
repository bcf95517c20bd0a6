"""pirisk's browser app: page config and navigation. The pages live in ui/; run `make run` or `pirisk app`."""

from importlib import resources
from pathlib import Path

import streamlit as st

from ui import browser, nav, serving, state, welcome, widgets

serving.harden()  # no public-address look-up, downloads served once, no session id in the log (ui/serving.py)
# No page_icon: a Material icon as favicon is fetched from fonts.gstatic.com; the default is served locally.
st.set_page_config(page_title="pirisk", layout="wide")
st.html(Path(str(resources.files("assets").joinpath("style.css"))))
state.init_state()
browser.begin_run()
# The workspace is an optional extra (`pip install pirisk[workspace]`): a founder's install has no database stack.
workspace = nav.workspace_available()
if workspace and nav.invited():
    # A respondent's link: their page alone, with no navigation and no sidebar (ui/workspace/respondent.py).
    page = st.navigation(nav.respondent_pages(), position="hidden")
    page.run()
    browser.sync(nav.name_of(page))
    st.stop()
unlocked = False
if workspace:
    from ui.workspace import access as workspace_access
    from ui.workspace import link as workspace_link  # noqa: F401 - registers the workspace's link to the questionnaire
    from ui.workspace import session as workspace_session

    # Before navigation: an expired workspace session is locked here, so its pages are not even registered.
    unlocked = workspace_session.check_session()
    if unlocked:
        workspace_session.restore_place()  # after a reload: the client and assessment in the address
door = workspace and (unlocked or workspace_session.configured())
page = st.navigation(
    nav.pages(unlocked=unlocked, workspace=workspace, door=door), expanded=unlocked
)  # expanded: every page listed
widgets.sidebar(  # the workspace's pages have their own dates
    self_assessment=nav.name_of(page) in nav.PAGES, welcome=nav.name_of(page) == "assess" and welcome.shown()
)
if workspace:
    workspace_access.sidebar()
page.run()
browser.sync_after(nav.name_of(page))  # unless the page drew it (the questionnaire's step)
