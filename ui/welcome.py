"""The welcome: one short screen before the questionnaire. What pirisk does and gives, about how long
it takes, what "law as of" means and its two presets, where the answers stay, and a start button.

It shows until the user starts, or as soon as the session has answers (loaded from a file, or kept
in this browser and restored: a returning user goes straight back to where they were)."""

from __future__ import annotations

import streamlit as st

from ui import state, widgets
from ui.present import md, progress, section_status
from ui.state import t

# About how long one question takes, read and answered, with its help opened now and then.
SECONDS_PER_QUESTION = (10, 25)
LAW_CHOICE = "welcome_law"


def shown() -> bool:
    """Whether this run shows the welcome instead of the questionnaire."""
    ss = st.session_state
    return not ss[state.STARTED] and not ss[state.ANSWERS]


def minutes(questions: int) -> tuple[int, int]:
    """About how many minutes `questions` take, low and high, rounded to 5."""
    low, high = (max(5, round(questions * s / 60 / 5) * 5) for s in SECONDS_PER_QUESTION)
    return low, high


def _start() -> None:
    st.session_state[state.STARTED] = True
    state.go_to_step(int(st.session_state[state.STEP]))


def _set_law() -> None:
    picked = st.session_state.get(LAW_CHOICE)
    day = state.law().method.article_date if picked == "article" else state.today()
    widgets.set_law_date(day)


def welcome() -> None:
    law = state.law()
    ss = st.session_state
    with st.container(key="welcome"):
        st.title(t("welcome_title"), anchor=state.page_anchor("assess"))
        widgets.language_switch("lang_switch_welcome")
        _, questions = progress(section_status(law, {}))
        low, high = minutes(questions)
        st.markdown(
            md(t("welcome_intro")) + " " + md(t("welcome_time", low=low, high=high, n=questions, steps=len(law.bank.sections)))
        )
        st.button(
            t("welcome_start"),
            key="welcome_start",
            on_click=_start,
            type="primary",
            icon=":material/arrow_forward:",
            icon_position="right",
        )
        gives, law_date = st.columns(2, gap="large")
        with gives:
            st.header(t("welcome_gives_title"), anchor=False)
            st.markdown("\n".join(f"- {md(t(f'welcome_gives_{i}'))}" for i in (1, 2, 3)))
            st.header(t("welcome_privacy_title"), anchor=False)
            st.markdown(md(t("welcome_privacy_text")))
            widgets.keep_box("keep_welcome")
        with law_date:
            st.header(t("welcome_law_title"), anchor=False)
            article = law.method.article_date
            st.markdown(md(t("welcome_law_text", article=article.isoformat())))
            day = ss[state.LAW_AS_OF]
            ss[LAW_CHOICE] = "article" if day == article else "today" if day == state.today() else None
            labels = {
                "today": t("welcome_law_today", date=state.today().isoformat()),
                "article": t("welcome_law_article", date=article.isoformat()),
            }
            st.radio(
                t("law_as_of"),
                list(labels),
                index=None,
                format_func=labels.__getitem__,
                key=LAW_CHOICE,
                on_change=_set_law,
            )
        widgets.disclaimer()
