"""The respondent's page: one person answers the questions a consultant asked them, on their own phone,
through their personal link (`/respond?invite=<token>`).

It needs no workspace password and shows no workspace data: the link opens only its respondent's own
questions and answers, and the page's engine carries the "respondent" role, with which the store runs
nothing but what a link allows (store/invitations.py). The page is registered only when the address holds
an invitation (ui/nav.py); a link that does not open (unknown, expired, revoked, or its workshop closed)
gets a page that says so and nothing else. Guessing links is rate-limited per browser session and per
client address.

The questions are the questionnaire's own (ui/widgets.py), in the page's language, with their help and
"I don't know". Each answer is saved as it is given, naming the respondent and the version the page
showed: a save refused because the answers changed meanwhile (another tab, or the consultant) is said
plainly, and the page shows what is saved. `RespondentLink` is how the questionnaire's widgets reach
this (ui/link.py).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import streamlit as st

from questions.answers import answer_words
from questions.conditions import Visibility
from questions.model import Section
from questions.strings import load_strings, tr
from scoring.engine import visibility
from store.access import Limits, RateLimiter, as_role
from store.errors import StoreError
from ui import link, nav, state, widgets
from ui.local_time import local_date
from ui.present import md, neighbour, section_status
from ui.workspace import session as ws
from ui.workspace.messages import reason

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

repo = ws.repo

TOKEN = "rs_token"  # noqa: S105 - the session-state key of the token the page opened (not a secret itself)
WHO = "rs_who"  # the respondent the link opened: {"id", "assessment_id", "version"}
REFUSED = "rs_refused"  # (token, reason) of a link that did not open as unknown (not checked again)
STEP = "rs_step"  # the section on screen (the last step is the review, with Submit)
PICK = "rs_step_pick"
NOTICE = "rs_notice"  # [(kind, text)] said once at the top
LANG_SWITCH = "rs_lang_switch"
DRAWN = "rs_step_drawn"  # the step the whole page last drew: a fragment run that finds another runs the page
RELOAD = "rs_reload"  # something other than an accepted answer happened: the whole page runs again
# Unknown links: at most 10 per 5 minutes per browser session and per client address, and 100 over the
# whole process (so that new sessions or addresses buy no more). A link holds 256 random bits; the
# limits keep anyone from even trying many.
LINK_FAILURES, LINK_GLOBAL_FAILURES, LINK_WINDOW = 10, 100, 300.0
# Links not yet opened in their session are looked up one at a time per process. Each is counted as a
# failure until it proves real, so a room of people opening their links at once (one office address)
# would otherwise hold more than LINK_FAILURES reservations together and be told to wait. The lookup
# takes milliseconds; a session's later runs do not wait for it.
FIRST_OPENING = threading.Lock()


def t(key: str, **values: object) -> str:
    """A respondent-page string (assets/locale/respondent.yaml) in the page's language; the workspace's and
    the app's shared strings otherwise."""
    if key in load_strings("respondent"):
        return tr("respondent", key, state.lang(), **values)
    return ws.t(key, **values)


@st.cache_resource(show_spinner=False)
def link_limiter() -> Limits:
    """The process-wide limiters of unknown links: per browser session and client address, and overall."""
    return Limits(
        RateLimiter(LINK_FAILURES, LINK_WINDOW, clock=ws._clock),
        RateLimiter(LINK_GLOBAL_FAILURES, LINK_WINDOW, clock=ws._clock),
    )


def _engine() -> Engine:
    return as_role(ws.base_engine(), "respondent")


def _ref(who: dict[str, Any]) -> repo.Respondent:
    return repo.Respondent(who["id"], who["assessment_id"], "", "")


def _notice(kind: str, text: str) -> None:
    st.session_state.setdefault(NOTICE, []).append((kind, text))


# -- the questionnaire's link to the respondent's answers -------------------------------------------------


class RespondentLink(link.Detached):
    """While a respondent's link is open in this session: every answer is saved through the link."""

    def active(self) -> bool:
        return bool(st.session_state.get(WHO))

    def answer_changed(self, qid: str, previous: Any, value: Any) -> None:
        ss = st.session_state
        who, token = ss[WHO], ss.get(TOKEN, "")  # no token: "" is refused as any malformed token is
        try:
            who["version"] = repo.answer_by_link(_engine(), token, _ref(who), qid, value, expected_version=who["version"])
        except repo.LinkRefused:
            ss[RELOAD] = True
            state.put_back(qid, previous)  # the next run shows why the link no longer opens
        except repo.RespondentConflict:
            ss[RELOAD] = True
            q = state.law().bank.questions[qid]
            lang = state.lang()
            _notice("warning", t("rs_conflict", question=q.text.get(lang), answer=answer_words(q, value, lang)))
            state.put_back(qid, previous)  # the next run shows what is saved
        except StoreError as err:
            ss[RELOAD] = True
            _notice("error", t("rs_not_saved", reason=reason(err)))
            state.put_back(qid, previous)


LINK = RespondentLink()
link.register(LINK)


# -- the page -------------------------------------------------------------------------------------------


def _refused(why: str) -> None:
    """A link that does not open: say why, and show nothing else."""
    ss = st.session_state
    ss.pop(WHO, None)
    ss[state.ANSWERS] = {}
    st.title(t("rs_refused_title"), anchor=state.page_anchor("respond"))
    st.error(md(why), icon=":material/link_off:")
    st.caption(md(t("rs_refused_note")))


def _look_up(token: str, opened: bool) -> tuple[repo.RespondentView | None, str]:
    """The link's view, or None and why it does not open. A link this session has not opened yet is a
    possible guess: counted before the lookup (so that simultaneous guesses cannot all slip through),
    and given back if it was a real link."""
    if not opened:
        with FIRST_OPENING:
            return _counted_look_up(token, opened)
    return _counted_look_up(token, opened)


def _counted_look_up(token: str, opened: bool) -> tuple[repo.RespondentView | None, str]:
    ss = st.session_state
    limits = link_limiter()
    keys = ws.client_keys()
    wait = 0.0 if opened else limits.reserve(keys)
    if wait > 0:  # refused without looking the link up
        return None, t("rs_too_many", minutes=max(1, math.ceil(wait / 60)))
    try:
        view = repo.open_link(_engine(), token)
    except repo.LinkRefused as err:
        if err.reason == "unknown":
            ss[REFUSED] = (token, err.reason)  # stays counted
        elif not opened:
            limits.give_back(keys)  # a real link, expired or closed: not a guess
        return None, err.text(state.lang())
    except StoreError as err:
        if not opened:
            limits.give_back(keys)
        return None, t("rs_store_error", reason=reason(err))
    if not opened:
        limits.give_back(keys)
    return view, ""


def _open() -> repo.RespondentView | None:
    """Open the link in the address (checked again at every step), or draw the refusal and return None."""
    ss = st.session_state
    token = nav.invitation()
    earlier = ss.get(REFUSED)
    if earlier and earlier[0] == token:  # an unknown link, already counted: not looked up again
        _refused(repo.LinkRefused(earlier[1]).text(state.lang()))
        return None
    opened = bool(ss.get(WHO)) and ss.get(TOKEN) == token  # this session's link, checked again: not a guess
    view, why = _look_up(token, opened)
    if view is None:
        _refused(why)
        return None
    ss[TOKEN] = token
    ss[WHO] = {"id": view.respondent.id, "assessment_id": view.respondent.assessment_id, "version": view.respondent.version}
    ss[state.ANSWERS] = dict(view.answers)  # the page always shows what is saved
    ss.pop(REFUSED, None)
    return view


def _sections(view: repo.RespondentView) -> list[Section]:
    bank = state.law().bank
    asked = view.respondent.sections
    return [s for s in bank.sections if asked is None or s.id in asked]


def _go(step: int) -> None:
    st.session_state[STEP] = step
    state.move_to(f"#{_anchor(step)}")


def _pick() -> None:
    picked = st.session_state.get(PICK)
    if isinstance(picked, int):
        _go(picked)


def _anchor(step: int) -> str:
    return f"rs-step-{step}"


def _submit(reopen: bool) -> None:
    ss = st.session_state
    ss[RELOAD] = True  # the page changes from answering to answered (or back): drawn whole
    who = ss.get(WHO)
    if not who:
        return
    act = repo.reopen_by_link if reopen else repo.submit_by_link
    try:
        who["version"] = act(_engine(), ss.get(TOKEN, ""), _ref(who), expected_version=who["version"])
    except repo.LinkRefused:
        return  # the next run says why
    except repo.RespondentConflict:
        _notice("warning", t("rs_conflict_submit"))
        return
    except StoreError as err:
        _notice("error", t("rs_not_saved", reason=reason(err)))
        return
    if not reopen:
        _notice("success", t("rs_submitted_now"))
        state.move_to(f"#{state.page_anchor('respond')}")  # the thank-you is at the top; Submit was at the foot
    ss[STEP] = 0 if reopen else ss.get(STEP, 0)


def _review(sections: list[Section], visible: Mapping[str, Visibility], lang: str) -> list[str]:
    """Every question asked with the answer given (or "not answered"); returns the ids of those not answered."""
    answers = state.answers()
    open_ = []
    for section, asks in zip(sections, _asks(sections), strict=True):
        with st.container(border=True, key=f"rs_review__{section.id}"):
            st.markdown(f"**{md(section.title.get(lang))}**")
            if not asks:
                st.caption(md(t("section_not_asked")))
            for q in section.questions:
                if visible[q.id] == Visibility.HIDDEN:
                    continue
                value = answers.get(q.id)
                if not q.is_answered(value):
                    open_.append(q.id)
                shown = md(answer_words(q, value, lang))
                st.markdown(
                    f"{md(q.text.get(lang))}  \n**{shown}**"
                    if q.is_answered(value)
                    else f"{md(q.text.get(lang))}  \n:red[{shown}]"
                )
    return open_


def _asks(sections: list[Section]) -> list[bool]:
    """Whether each section asks anything (the questions `section_status` says it shows): the earlier
    answers can leave one without a question."""
    shown = {s.id: bool(s.shown) for s in section_status(state.law(), state.answers())}
    return [shown[s.id] for s in sections]


def _step(sections: list[Section], step: int, visible: Mapping[str, Visibility], lang: str) -> None:
    section = sections[step]
    asks = _asks(sections)
    st.header(t("rs_step_of", n=step + 1, total=len(sections), title=section.title.get(lang)), anchor=_anchor(step))
    st.caption(md(section.description.get(lang)))
    if not asks[step]:  # reached from the list of sections: say why it is empty
        st.info(md(t("section_not_asked")), icon=":material/do_not_disturb_on:")
    for q in section.questions:
        if visible[q.id] == Visibility.HIDDEN:
            continue
        with st.container(border=True, key=f"question__{q.id}"):
            widgets.question(q, visible[q.id], lang)
    back, forward = st.columns(2)
    back.button(
        t("back"),
        key="rs_back",
        on_click=_go,
        args=(neighbour(asks, step, -1),),
        disabled=step == 0,
        icon=":material/arrow_back:",
        width="stretch",
    )
    last = step == len(sections) - 1
    forward.button(
        t("rs_to_review") if last else t("next"),
        key="rs_next",
        on_click=_go,
        args=(neighbour(asks, step, 1),),
        type="primary",
        icon=":material/arrow_forward:",
        icon_position="right",
        width="stretch",
    )


def _progress(sections: list[Section], visible: Mapping[str, Visibility]) -> tuple[int, int]:
    law, answers = state.law(), state.answers()
    shown = [q.id for s in sections for q in s.questions if visible[q.id] != Visibility.HIDDEN]
    return sum(1 for qid in shown if law.bank.questions[qid].is_answered(answers.get(qid))), len(shown)


def respondent_page() -> None:
    """The questions a respondent was asked, one section at a time, then a review with Submit."""
    ss = st.session_state
    lang = state.lang()
    widgets.language_switch(LANG_SWITCH)
    ss.pop(RELOAD, None)  # this run is the whole page's: the link is checked and what is saved read
    view = _open()
    if view is None:
        return
    sections = _sections(view)
    st.title(t("rs_title"), anchor=state.page_anchor("respond"))
    who = f"{view.respondent.name} ({view.respondent.role})" if view.respondent.role else view.respondent.name
    st.caption(md(t("rs_for", client=view.client_name, name=who)))
    for kind, text in ss.pop(NOTICE, []):
        {"success": st.success, "warning": st.warning, "error": st.error}.get(kind, st.info)(md(text))

    if view.submitted or not view.editable:
        visible = visibility(state.answers(), state.law())
        _progress_line(sections, visible)
        if view.submitted:
            when = local_date(view.respondent.submitted_at).isoformat() if view.respondent.submitted_at else ""
            st.success(md(t("rs_submitted", date=when)), icon=":material/task_alt:")
        else:
            st.info(md(t("rs_read_only")), icon=":material/edit_off:")
        st.header(t("rs_your_answers"), anchor=_anchor(len(sections)))
        _review(sections, visible, lang)
        if view.submitted and view.editable:
            st.button(t("rs_reopen"), key="rs_reopen", on_click=_submit, args=(True,), icon=":material/edit:")
        return

    ss[DRAWN] = ss[STEP] = min(max(int(ss.get(STEP, 0)), 0), len(sections))
    _answering(sections, local_date(view.expires_at).isoformat())


def _progress_line(sections: list[Section], visible: Mapping[str, Visibility]) -> None:
    answered, shown = _progress(sections, visible)
    st.progress(answered / shown if shown else 0.0, text=t("rs_progress", answered=answered, total=shown))


@st.fragment
def _answering(sections: list[Section], expires_on: str) -> None:
    """The progress line, the step on screen and its buttons. An answer the store took reruns only this
    (a Streamlit fragment): not the page's header, nor the link's lookup and the read of the saved answers,
    which the save itself has just checked. Anything else (a move to another step, a refused save, a
    submit) runs the whole page again, which checks the link and shows what is saved."""
    ss = st.session_state
    if ss.get(RELOAD) or ss.get(STEP) != ss.get(DRAWN):
        st.rerun(scope="app")
    lang = state.lang()
    visible = visibility(state.answers(), state.law())
    _progress_line(sections, visible)
    st.caption(md(t("rs_intro", date=expires_on)))
    step = int(ss[STEP])
    names = [t("rs_step_name", n=i + 1, title=s.title.get(lang)) for i, s in enumerate(sections)] + [t("rs_review_title")]
    ss[PICK] = step
    st.selectbox(t("rs_jump"), list(range(len(sections) + 1)), format_func=names.__getitem__, key=PICK, on_change=_pick)
    if step < len(sections):
        _step(sections, step, visible, lang)
        return
    st.header(t("rs_review_title"), anchor=_anchor(step))
    open_ = _review(sections, visible, lang)
    if open_:
        st.warning(md(t("rs_open_left", n=len(open_))), icon=":material/help:")
    st.button(
        t("back"),
        key="rs_back",
        on_click=_go,
        args=(neighbour(_asks(sections), step, -1),),
        icon=":material/arrow_back:",
    )
    st.button(t("rs_submit"), key="rs_submit", on_click=_submit, args=(False,), type="primary", icon=":material/send:")
    st.caption(md(t("rs_submit_note")))
