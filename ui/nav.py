"""The app's pages as one registry: st.Page objects with translated titles, and switching between them."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui import state

PAGES: tuple[str, ...] = ("assess", "results", "sources", "about")
# No page icons: a page's icon is also the tab's favicon, and Streamlit fetches a Material-icon favicon
# from fonts.gstatic.com (nothing may leave the machine), while emoji need an emoji font to show.


def _function(name: str) -> Callable[[], None]:
    # Imported here, not at module level: the pages import this module to switch pages.
    from ui.about import about_page
    from ui.assess import assess_page
    from ui.results import results_page
    from ui.sources import sources_page

    return {"assess": assess_page, "results": results_page, "sources": sources_page, "about": about_page}[name]


def page(name: str) -> StreamlitPage:
    """The st.Page for one of PAGES; its url path is its name, so it is stable across languages."""
    return st.Page(_function(name), title=state.t(f"nav_{name}"), url_path=name, default=name == PAGES[0])


def pages() -> list[StreamlitPage]:
    return [page(name) for name in PAGES]


def go(name: str) -> None:
    """Switch to a page, keeping the language in the address."""
    st.switch_page(page(name), query_params={"lang": state.lang()})
