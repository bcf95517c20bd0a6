"""The Assess page: the guided questionnaire, one bank section per step, then a review of every answer."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from questions.answers import answer_words
from questions.conditions import Visibility
from questions.model import Bank, Section
from scoring.answers_file import MAX_COMPANY
from scoring.engine import visibility
from ui import browser, link, nav, state, welcome, widgets
from ui.present import SectionStatus, colon, md, neighbour, progress, section_status
from ui.state import t

COMPANY_WIDGET = "company_input"
_PAGE_DATE = "assess_page_date"  # the law date the page (its sidebar) was last drawn with


def _goto(step: int) -> None:
    state.go_to_step(step)


def _neighbour(statuses: list[SectionStatus], step: int, direction: int) -> int:
    """The next (1) or previous (-1) step that asks something (`ui.present.neighbour`)."""
    return neighbour([bool(s.shown) for s in statuses], step, direction)


def _next(step: int) -> None:
    """Advance, unless a required question of this section is unanswered: then say which."""
    statuses = section_status(state.law(), state.answers())
    if statuses[step].missing:
        st.session_state[state.BLOCKED] = [step, *statuses[step].missing]
        state.move_to(".st-key-blocked_notice")  # the list of what is missing takes the focus
        return
    _goto(_neighbour(statuses, step, 1))


def _back(step: int) -> None:
    _goto(_neighbour(section_status(state.law(), state.answers()), step, -1))


def _store_company() -> None:
    st.session_state[state.COMPANY] = (st.session_state.get(COMPANY_WIDGET) or "").strip()[:MAX_COMPANY]
    link.current().company_changed(st.session_state[state.COMPANY])


def _icon(i: int, step: int, status: SectionStatus | None) -> str:
    if i == step:
        return ":material/radio_button_checked:"
    if status is None:  # the review step
        return ":material/fact_check:"
    if status.done:
        return ":material/check_circle:"
    return ":material/timelapse:" if status.started else ":material/radio_button_unchecked:"


def _status_text(i: int, step: int, status: SectionStatus | None) -> str | None:
    """A section's status in words (the review, when not open, has none): part of its entry's label, so a
    screen reader says it too (a tooltip is not tied to its button)."""
    if i == step:
        return t("entry_current")
    if status is None:
        return None
    if status.done:
        return t("entry_done")
    return t("entry_started") if status.started else t("entry_to_do")


def _section_list(bank: Bank, statuses: list[SectionStatus], step: int, lang: str) -> None:
    st.markdown(f"**{md(t('sections'))}**")
    entries: list[tuple[str, SectionStatus | None]] = [(s.title.get(lang), statuses[i]) for i, s in enumerate(bank.sections)]
    entries.append((t("review_title"), None))
    for i, (title, status) in enumerate(entries):
        name = f"{i + 1}. {title}" if status is not None else title
        said = _status_text(i, step, status)
        st.button(
            t("section_entry", name=name, status=said) if said else name,
            key=f"goto__{i}",
            on_click=_goto,
            args=(i,),
            icon=_icon(i, step, status),
            type="primary" if i == step else "tertiary",
            width="stretch",
            wrap=True,
        )
    st.caption(md(t("sections_legend")))


def _company_field() -> None:
    st.session_state[COMPANY_WIDGET] = st.session_state[state.COMPANY]
    st.text_input(
        t("company_label"),
        key=COMPANY_WIDGET,
        on_change=_store_company,
        max_chars=MAX_COMPANY,
        placeholder=t("company_placeholder"),
    )


def _section(
    bank: Bank, section: Section, step: int, visible: Mapping[str, Visibility], status: SectionStatus, complete: bool, lang: str
) -> None:
    st.header(t("step_of", n=step + 1, total=len(bank.sections), title=section.title.get(lang)), anchor=state.step_anchor(step))
    st.caption(md(section.description.get(lang)))
    if step == 0:
        _company_field()
    blocked = st.session_state[state.BLOCKED]
    flagged = set(blocked[1:]) & set(status.missing) if blocked and blocked[0] == step else set()
    if not status.shown:  # reached from the section list: say why it is empty
        st.info(md(t("section_not_asked")), icon=":material/do_not_disturb_on:")
    for q in section.questions:
        if visible[q.id] == Visibility.HIDDEN:
            continue
        with st.container(border=True, key=f"question__{q.id}"):
            widgets.question(q, visible[q.id], lang, missing=q.id in flagged)
    if flagged:
        names = "\n".join(f"- {md(bank.questions[qid].text.get(lang))}" for qid in status.missing if qid in flagged)
        with st.container(key="blocked_notice"):
            st.error(f"{md(t('blocked'))}\n\n{names}", icon=":material/warning:")
    back, forward, review = st.columns([1, 1, 2])
    back.button(
        t("back"),
        key="nav_back",
        on_click=_back,
        args=(step,),
        disabled=step == 0,
        icon=":material/arrow_back:",
        width="stretch",
    )
    last = step == len(bank.sections) - 1
    forward.button(
        t("to_review") if last else t("next"),
        key="nav_next",
        on_click=_next,
        args=(step,),
        type="primary",
        icon=":material/arrow_forward:",
        icon_position="right",
        width="stretch",
    )
    if complete and not last:
        review.button(t("to_review"), key="nav_review", on_click=_goto, args=(len(bank.sections),), type="tertiary")


def _review(bank: Bank, statuses: list[SectionStatus], visible: Mapping[str, Visibility], lang: str) -> None:
    answers = state.answers()
    st.header(t("review_title"), anchor=state.step_anchor(len(bank.sections)))
    st.caption(md(t("review_intro")))
    company = st.session_state[state.COMPANY]
    # The colon stays outside the bold: "**Company:** x", never "**Company: **x" (which Markdown leaves as it is).
    st.markdown(f"**{md(t('company_short'))}**{colon(lang)}{md(company) if company else md(t('company_none'))}")
    for i, (section, status) in enumerate(zip(bank.sections, statuses, strict=True)):
        with st.container(border=True, key=f"review__{section.id}"):
            head, edit = st.columns([4, 1], vertical_alignment="center")
            mark = "" if status.done else f" — :orange[{md(t('review_incomplete', n=len(status.shown) - len(status.answered)))}]"
            head.markdown(f"**{i + 1}. {md(section.title.get(lang))}**{mark}")
            if not status.shown:
                st.caption(md(t("section_not_asked")))
            edit.button(
                t("change_section", n=i + 1),
                key=f"edit__{section.id}",
                on_click=_goto,
                args=(i,),
                type="tertiary",
                icon=":material/edit:",
            )
            # Each answer under its question, in one list: the section's one button changes any of them
            # (a button per answer went to the same place, and drew the review six times as heavy).
            lines = []
            for q in section.questions:
                if visible[q.id] == Visibility.HIDDEN:
                    continue
                value = answers.get(q.id)
                shown = md(answer_words(q, value, lang))
                lines.append(f"- {md(q.text.get(lang))}  \n  " + (f"**{shown}**" if q.is_answered(value) else f":red[{shown}]"))
            if lines:
                st.markdown("\n".join(lines))
    incomplete = [(i, bank.sections[i]) for i, s in enumerate(statuses) if s.missing]
    back, forward = st.columns([1, 3])
    back.button(t("back"), key="nav_back", on_click=_back, args=(len(bank.sections),), icon=":material/arrow_back:")
    if incomplete:
        listed = "\n".join(f"- {md(s.title.get(lang))}" for _, s in incomplete)
        st.warning(f"{md(t('review_missing'))}\n\n{listed}", icon=":material/warning:")
    else:
        # A link, not a button: it opens the results page in one run (a button's click reran the step
        # only to switch page, and the browser redrew the whole review in between: 60-150 ms).
        with forward.container(key="see_results"):
            st.page_link(nav.page("results"), label=t("see_results"), icon=":material/monitoring:")


def assess_page() -> None:
    """The questionnaire: its title, then the step (a fragment: `_step_view`) and the disclaimer."""
    if welcome.shown():
        welcome.welcome()
        return
    st.title(t("assess_title"), anchor=state.page_anchor("assess"))
    st.session_state[_PAGE_DATE] = st.session_state[state.LAW_AS_OF]
    _step_view()
    widgets.disclaimer()


@st.fragment
def _step_view() -> None:
    """The progress bar, the current step (or the review) with its buttons, the list of sections, and the
    browser code that lands the focus on the new heading. A Next, a Back, a jump or an answer reruns only
    this (a Streamlit fragment): the page's title, sidebar and navigation, which none of them changes, are
    neither run nor drawn again, which was a fifth of the elements the browser drew on each Next. The
    workspace's banner is in it (an answer saved or refused says so at once), and a change the sidebar
    shows (a stored assessment reloaded with another law date) runs the whole page instead."""
    if st.session_state[state.LAW_AS_OF] != st.session_state.get(_PAGE_DATE):
        st.rerun(scope="app")
    link.current().banner()
    if state.KEPT_LOADED in st.session_state:  # said once, after the browser gave back what it kept
        st.success(md(t("kept_restored", n=st.session_state.pop(state.KEPT_LOADED))), icon=":material/history:")
    law = state.law()
    bank = law.bank
    lang = state.lang()
    answers = state.answers()
    visible = visibility(answers, law)
    statuses = section_status(law, answers)
    step = min(max(int(st.session_state[state.STEP]), 0), len(bank.sections))
    st.session_state[state.STEP] = step
    answered, shown = progress(statuses)
    pct = round(100 * answered / shown) if shown else 0
    st.progress(pct / 100, text=t("progress", pct=pct, answered=answered, total=shown))

    # The step first and the list of sections beside it (after it, on a phone): the first question is
    # on the first screen, and the keyboard reaches the step before the list.
    body, side = st.columns([3, 1], gap="large")
    with body:
        if step == len(bank.sections):
            _review(bank, statuses, visible, lang)
        else:
            complete = not any(s.missing for s in statuses)
            _section(bank, bank.sections[step], step, visible, statuses[step], complete, lang)
    with side.container(key="section_list"):
        _section_list(bank, statuses, step, lang)
    browser.sync("assess")  # in the fragment: a move within it lands the focus without a whole run
