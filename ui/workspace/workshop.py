"""The Workshop page for a projector: one question at a time, respondents' answers, the agreed answer, live results."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from questions.answers import answer_words
from questions.model import UNKNOWN, Question
from scoring.axes import AXES
from scoring.engine import Incomplete, assess_answers, visibility
from scoring.plan import citation
from store import repo
from ui import charts, state
from ui.present import HIDDEN, LEVEL_BADGES, level_label, md, progress, section_status
from ui.widgets import option_names
from ui.workspace import access
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

CURRENT = "ws_workshop_q"  # the question on screen, by id (so that branches opening do not shift it)
JUMP = "ws_workshop_jump"
RESPONDENT_NAME, RESPONDENT_ROLE = "ws_respondent_name", "ws_respondent_role"


def respondent_key(respondent_id: int, qid: str) -> str:
    return f"ws_resp__{respondent_id}__{qid}"


def agreed_key(qid: str) -> str:
    return f"ws_agreed__{qid}"


# -- answers as widgets ---------------------------------------------------------------------------------


def _answer_input(
    q: Question, key: str, value: Any, label: str, lang: str, *, on_change: Any, args: tuple, disabled: bool
) -> None:
    """A question's answer as one widget (radio, or a multiselect for tick-lists), seeded from `value`."""
    ss = st.session_state
    names = option_names(q, lang)
    if q.type == "multi":
        options = [c.id for c in q.choices] + ([UNKNOWN] if q.unknown else [])
        ss[key] = [UNKNOWN] if value == UNKNOWN else [v for v in value if v in options] if isinstance(value, list) else []
        st.multiselect(
            label,
            options,
            format_func=names.__getitem__,
            key=key,
            on_change=on_change,
            args=args,
            disabled=disabled,
            label_visibility="collapsed",
            placeholder=t("ws_choose"),
        )
        return
    options: list[Any] = [True, False] if q.type == "yes_no" else [c.id for c in q.choices]
    if q.unknown:
        options.append(UNKNOWN)
    ss[key] = value if not isinstance(value, list) and value in options else None
    st.radio(
        label,
        options,
        index=None,
        format_func=names.__getitem__,
        key=key,
        on_change=on_change,
        args=args,
        disabled=disabled,
        horizontal=True,
        label_visibility="collapsed",
    )


def widget_answer(q: Question, key: str) -> Any:
    """The answer a widget holds: None when empty; "I don't know" wins over ticks picked with it."""
    value = st.session_state.get(key)
    if q.type != "multi":
        return value
    if not value:
        return None
    if UNKNOWN in value:
        return UNKNOWN
    return [c.id for c in q.choices if c.id in value]


# -- callbacks ---------------------------------------------------------------------------------------------


def _go_to(qid: str) -> None:
    st.session_state[CURRENT] = qid


def _jump() -> None:
    qid = st.session_state.get(JUMP)
    if qid:
        st.session_state[CURRENT] = qid


def _set_respondent(respondent_id: int, qid: str) -> None:
    q = state.law().bank.questions[qid]
    value = widget_answer(q, respondent_key(respondent_id, qid))
    msg.act(lambda: repo.set_respondent_answer(ws.engine(), respondent_id, qid, value))


def _set_agreed(shown: repo.AssessmentRef, qid: str, expected: int) -> None:
    q = state.law().bank.questions[qid]
    value = widget_answer(q, agreed_key(qid))

    def write() -> None:
        repo.set_answer(ws.engine(), shown, qid, value, expected_version=expected, author=ws.author())
        wl.refresh_if_open(shown.id)

    msg.act(write)


def _add_respondent(shown: repo.AssessmentRef) -> None:
    ss = st.session_state
    name, role = ss.get(RESPONDENT_NAME) or "", ss.get(RESPONDENT_ROLE) or ""

    def write() -> str:
        added = repo.add_respondent(ws.engine(), shown, name, role)
        ss[RESPONDENT_NAME], ss[RESPONDENT_ROLE] = "", ""
        return t("ws_respondent_added", name=added.name)

    msg.act(write)


# -- screen ------------------------------------------------------------------------------------------------


def _question_panel(saved: repo.SavedAssessment, q: Question, section_title: str, lang: str) -> None:
    law = state.law()
    with st.container(key="ws_workshop_question"):
        st.caption(md(section_title))
        st.title(md(q.text.get(lang)), anchor=False)  # the question in the largest type Streamlit has
        st.subheader(t("why_we_ask"), anchor=False)
        st.markdown(md(q.help.get(lang)))
        for aid in q.article:
            try:
                c = citation(law, aid, saved.law_as_of)
            except LookupError:  # an article section not published by the law date: not shown
                continue
            with st.container(border=True):
                st.markdown(f"**{md(c.label(lang))}**")
                st.markdown(md(c.summary.get(lang)))


def _respondents_panel(
    saved: repo.SavedAssessment,
    q: Question,
    respondents: list[repo.Respondent],
    given: dict[str, Any],
    disputed: bool,
    lang: str,
) -> None:
    editable = saved.status == repo.EDITABLE
    st.subheader(t("ws_respondents_answers"), anchor=False)
    if not respondents:
        st.caption(md(t("ws_no_respondents")))
    if disputed:
        with st.container(border=True, key="ws_disagreement"):
            st.error(md(t("ws_disagree")), icon=":material/warning:")
            for r in respondents:
                if r.name in given:
                    st.text(f"{r.name}: {answer_words(q, given[r.name], lang)}")
    with st.container(key="ws_respondents"):
        for r in respondents:
            name_col, answer_col = st.columns([1, 3], vertical_alignment="center")
            with name_col:
                st.text(r.name)
                if r.role:
                    st.caption(md(r.role))
            with answer_col:
                _answer_input(
                    q,
                    respondent_key(r.id, q.id),
                    given.get(r.name),
                    md(r.name),  # a label is Markdown, even a hidden one: a name is text
                    lang,
                    on_change=_set_respondent,
                    args=(r.id, q.id),
                    disabled=not editable,
                )
    with st.container(border=True, key="ws_agreed_box"):
        st.markdown(f"**{md(t('ws_agreed'))}**")
        _answer_input(
            q,
            agreed_key(q.id),
            saved.answers.get(q.id),
            t("ws_agreed"),
            lang,
            on_change=_set_agreed,
            args=(saved.ref, q.id, wl.expected_version(saved)),
            disabled=not editable,
        )
        st.caption(md(t("ws_agreed_help")))


def _live_results(saved: repo.SavedAssessment, lang: str) -> None:
    """Results on the agreed answers so far: partial status until every required answer is in."""
    law = state.law()
    with st.container(border=True, key="ws_live"):
        st.subheader(t("ws_live_title"), anchor=False)
        result = assess_answers(saved.answer_set(), rank_remedies=False, law=law)
        if isinstance(result, Incomplete):
            answered, shown = progress(section_status(law, saved.answers))
            st.progress(answered / shown if shown else 0.0, text=t("ws_live_partial", answered=answered, total=shown))
            st.caption(md(t("ws_live_missing", n=result.count)))
            return
        cells = st.columns(2)
        for i, axis in enumerate(AXES):
            r = result.axes[axis.key]
            with cells[i % 2]:
                st.metric(axis.label.get(lang), f"{r.score}/100")
                st.badge(level_label(r.level, lang), color=LEVEL_BADGES[r.level])
        st.plotly_chart(
            charts.radar_figure([(t("ws_agreed"), result)], lang, compact=True),
            key="ws_live_radar",
            config={"displayModeBar": False},
        )


def _add_respondent_form(saved: repo.SavedAssessment) -> None:
    with st.form("ws_respondent_form", border=True):
        st.markdown(f"**{md(t('ws_add_respondent_title'))}**")
        st.text_input(t("ws_respondent_name_label"), key=RESPONDENT_NAME, max_chars=repo.NAME_MAX)
        st.text_input(
            t("ws_respondent_role_label"), key=RESPONDENT_ROLE, max_chars=repo.NAME_MAX, placeholder=t("ws_role_placeholder")
        )
        st.form_submit_button(
            t("ws_add_respondent"),
            key="ws_add_respondent",
            on_click=_add_respondent,
            args=(saved.ref,),
            icon=":material/person_add:",
        )


def _disputes(disputed: list[str], lang: str) -> None:
    if not disputed:
        return
    questions = state.law().bank.questions
    with st.container(border=True, key="ws_disputes"):
        st.markdown(f"**{md(t('ws_disputes', n=len(disputed)))}**")
        for qid in disputed:
            st.button(questions[qid].text.get(lang), key=f"ws_goto_dispute__{qid}", on_click=_go_to, args=(qid,), type="tertiary")


def _workshop(db: Engine, saved: repo.SavedAssessment) -> None:
    law = state.law()
    lang = state.lang()
    bank = law.bank
    st.text(f"{saved.client_name} — {saved.title}")
    if saved.status != repo.EDITABLE:
        st.warning(md(t("ws_read_only")), icon=":material/edit_off:")
    respondents = repo.list_respondents(db, saved.id)
    answers = repo.workshop_answers(db, saved.id)
    disputed = repo.disagreements(db, saved.id)
    visible = visibility(saved.answers, law)
    order = [q for s in bank.sections for q in s.questions if visible[q.id] != HIDDEN]
    section_of = {q.id: s.title.get(lang) for s in bank.sections for q in s.questions}
    ids = [q.id for q in order]
    ss = st.session_state
    current = ss.get(CURRENT) if ss.get(CURRENT) in ids else ids[0]
    ss[CURRENT] = current
    i = ids.index(current)
    q = bank.questions[current]

    main, side = st.columns([3, 2], gap="large")
    with main:
        back, where, forward = st.columns([1, 3, 1], vertical_alignment="bottom")
        back.button(
            t("ws_prev"),
            key="ws_prev",
            on_click=_go_to,
            args=(ids[i - 1],),
            disabled=i == 0,
            icon=":material/arrow_back:",
            width="stretch",
        )
        ss[JUMP] = current
        where.selectbox(
            t("ws_question_n", n=i + 1, total=len(ids)),
            ids,
            format_func=lambda qid: f"{ids.index(qid) + 1}. {bank.questions[qid].text.get(lang)}",
            key=JUMP,
            on_change=_jump,
        )
        forward.button(
            t("next"),
            key="ws_next",
            on_click=_go_to,
            args=(ids[min(i + 1, len(ids) - 1)],),
            disabled=i == len(ids) - 1,
            icon=":material/arrow_forward:",
            icon_position="right",
            width="stretch",
            wrap=True,
        )
        _question_panel(saved, q, section_of[q.id], lang)
        _respondents_panel(saved, q, respondents, answers.get(q.id, {}), q.id in disputed, lang)
    with side:
        _live_results(saved, lang)
        _disputes(disputed, lang)
        _add_respondent_form(saved)


def workshop_page() -> None:
    """The facilitator's view of the chosen assessment (or the one open in the questionnaire)."""
    db = access.require()
    st.title(t("nav_workshop"))
    msg.show_flash()
    wl.show_conflict()
    with msg.store_errors():
        saved = access.chosen_assessment(db)
        if saved is None:
            return
        _workshop(db, saved)
