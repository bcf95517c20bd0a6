"""The app's pages as one registry: st.Page objects with translated titles, and switching between them."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui import state

PAGES: tuple[str, ...] = ("assess", "results", "sources", "about")
# The consultant workspace. "workspace" (the door, with the password form) is always registered; the
# others only in an unlocked session. While locked, their addresses open the door (hidden from the menu),
# so that a reload (F5, which starts a new, locked session) signs in and lands where it was.
WORKSPACE_PAGES: tuple[str, ...] = ("workspace", "clients", "assessment", "compare", "workshop", "spreadsheets", "settings")
# A respondent's page, opened by their personal link (/respond?invite=<token>). It is registered only when
# the address holds an invitation, and then alone: a respondent sees no other page, and without a link
# its address falls back to the default page.
RESPOND = "respond"
INVITE = "invite"  # the query parameter holding a link's token (kept out of nginx's log: see deploy/nginx)
# Behind nginx, a link's first request is answered by nginx: a cookie holding the token, and a redirect to
# /respond without it, so that no request reaching (or failing to reach) a replica carries the token.
INVITE_COOKIE = "pirisk_invite"
# No page icons: a page's icon is also the tab's favicon, and Streamlit fetches a Material-icon favicon
# from fonts.gstatic.com (nothing may leave the machine), while emoji need an emoji font to show.


# Each page's module and function. Imported only when the page is registered, so that a founder's
# session never loads the workspace's database stack (SQLAlchemy, pandas).
_PAGE_FUNCTIONS: dict[str, tuple[str, str]] = {
    "assess": ("ui.assess", "assess_page"),
    "results": ("ui.results", "results_page"),
    "sources": ("ui.sources", "sources_page"),
    "about": ("ui.about", "about_page"),
    "workspace": ("ui.workspace.access", "workspace_page"),
    "clients": ("ui.workspace.clients", "clients_page"),
    "assessment": ("ui.workspace.assessments", "assessment_page"),
    "compare": ("ui.workspace.compare", "compare_page"),
    "workshop": ("ui.workspace.workshop", "workshop_page"),
    "spreadsheets": ("ui.workspace.sheets", "spreadsheets_page"),
    "settings": ("ui.workspace.settings", "settings_page"),
    RESPOND: ("ui.workspace.respondent", "respondent_page"),
}


# What the workspace needs beyond a founder's install: `pip install pirisk[workspace]` brings them.
WORKSPACE_MODULES: tuple[str, ...] = ("sqlalchemy", "alembic", "argon2")


def workspace_available() -> bool:
    """Whether the workspace's database stack is installed (the `workspace` extra). Without it a founder's
    pages run as they are, and the workspace is not offered."""
    return all(importlib.util.find_spec(module) is not None for module in WORKSPACE_MODULES)


def _function(name: str) -> Callable[[], None]:
    # Imported here, not at module level: the pages import this module to switch pages.
    module, function = _PAGE_FUNCTIONS[name]
    return getattr(importlib.import_module(module), function)


def page(name: str, *, listed: bool = True) -> StreamlitPage:
    """The st.Page for one of PAGES or WORKSPACE_PAGES; its url path is its name, so it is stable across
    languages. An unlisted page still opens at its address but is not in the navigation."""
    return st.Page(
        _function(name),
        title=state.t(f"nav_{name}"),
        url_path=name,
        default=name == PAGES[0],
        visibility="visible" if listed else "hidden",
    )


def pages(
    unlocked: bool = False, workspace: bool = True, door: bool = True
) -> list[StreamlitPage] | dict[str, list[StreamlitPage]]:
    """The pages to register: the self-assessment and the workspace's door (if the workspace is installed),
    which also answers, unlisted, at every workspace page's address; every workspace page once unlocked.
    Without `door` (nobody has configured a workspace here: a founder's own install) the door is not
    listed, though its address still explains how to set it up."""
    own = [page(name) for name in PAGES]
    if not workspace:
        return own
    if not unlocked:
        entrance = _function(WORKSPACE_PAGES[0])
        behind = [
            st.Page(entrance, title=state.t("nav_workspace"), url_path=name, visibility="hidden") for name in WORKSPACE_PAGES[1:]
        ]
        return [*own, page(WORKSPACE_PAGES[0], listed=door), *behind]
    return {
        state.t("nav_section_self"): own,
        state.t("nav_section_workspace"): [page(name) for name in WORKSPACE_PAGES],
    }


def invitation_in(query: Mapping[str, str], url: str | None, cookies: Mapping[str, str]) -> str:
    """The token of a respondent's link: the address's `?invite=`, else, on the respondent's own address
    (/respond), the cookie nginx exchanged it for; "" when neither. (The cookie counts on /respond only:
    a browser that once opened a link still gets the app everywhere else.)"""
    token = query.get(INVITE) or ""
    if token:
        return token
    path = urlsplit(url or "").path.rstrip("/")
    return (cookies.get(INVITE_COOKIE) or "") if path.endswith("/" + RESPOND) else ""


def invitation() -> str:
    """The token of the respondent's link this page was opened with ("" when none): see invitation_in."""
    try:
        url, cookie = st.context.url, st.context.cookies.get(INVITE_COOKIE)
    except Exception:  # no client context (a test's script run): the address alone
        url, cookie = None, None
    cookies = {INVITE_COOKIE: cookie} if isinstance(cookie, str) else {}
    return invitation_in(st.query_params, url if isinstance(url, str) else None, cookies)


def invited() -> bool:
    """Whether this page was opened with a respondent's invitation: then only the respondent's page runs."""
    return bool(invitation())


def respondent_pages() -> list[StreamlitPage]:
    """The respondent's page, registered alone for a respondent's link: at the link's own address
    (/respond), and as the default page (the app's root, /?invite=). A page registered alone is the
    default, served only at the root: the link's /respond was then an unknown page to the browser, which
    covered the respondent's page with a "Page not found" dialog and rewrote the address."""
    title = state.t(f"nav_{RESPOND}")
    function = _function(RESPOND)
    return [
        st.Page(function, title=title, url_path=RESPOND),
        st.Page(function, title=title, url_path=f"{RESPOND}-root", default=True),
    ]


def name_of(current: StreamlitPage) -> str:
    """The name (one of PAGES or WORKSPACE_PAGES) of a registered page; the default page's is PAGES[0]."""
    return current.url_path or PAGES[0]


def go(name: str) -> None:
    """Switch to a page, keeping the language in the address."""
    st.switch_page(page(name), query_params={"lang": state.lang()})
