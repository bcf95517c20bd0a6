"""Widgets the pages share: a question driven by the bank, the sidebar (language, law date, save and
resume) and the disclaimer. Every widget is seeded from session state and writes back via on_change."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import streamlit as st

from questions.conditions import Visibility, parse
from questions.locales import LOCALE_NAMES, LOCALES
from questions.model import UNKNOWN, Question
from questions.strings import tr
from scoring.engine import check_date
from scoring.errors import DateError, error_text
from ui import link, state
from ui.present import md, resume_step
from ui.state import t

# The widest range the date picker offers; dates before the law's coverage get a clear message.
MIN_PICKABLE = dt.date(1990, 1, 1)
MAX_UPLOAD_MB = 2  # Streamlit's own cap; pirisk's 1 MB limit is checked by parse_answers with a clear message


def widget_key(qid: str, part: str | None = None) -> str:
    """The widget key of a question (its id) or of one of its tick boxes (id__choice)."""
    return qid if part is None else f"{qid}__{part}"


# -- questions ---------------------------------------------------------------------------------------


def _store(qid: str) -> None:
    state.set_answer(qid, st.session_state.get(widget_key(qid)))


def _store_tick(qid: str, choice: str) -> None:
    ticked = bool(st.session_state.get(widget_key(qid, choice)))
    current = state.answers().get(qid)
    if choice == UNKNOWN:
        state.set_answer(qid, UNKNOWN if ticked else None)
        return
    question = state.law().bank.questions[qid]
    chosen = set(current) if isinstance(current, list) else set()
    chosen = chosen | {choice} if ticked else chosen - {choice}
    ordered = [c.id for c in question.choices if c.id in chosen]  # bank order, so files diff cleanly
    state.set_answer(qid, ordered or None)


def answer_name(value: Any, lang: str) -> str:
    """The option label of yes, no or "I don't know" (the words every surface uses for an answer)."""
    key = {True: "answer_yes", False: "answer_no", UNKNOWN: "answer_unknown"}[value]
    return tr("common", key, lang)


def option_names(q: Question, lang: str) -> dict[Any, str]:
    """Every option a question's widget offers, as the words shown for it."""
    names: dict[Any, str] = {v: answer_name(v, lang) for v in (True, False, UNKNOWN)}
    names.update({c.id: c.label.get(lang) for c in q.choices})
    return names


@cache
def _depends_on(qid: str) -> frozenset[str]:
    """Every earlier question whose answer decides whether `qid` is shown, directly or through others."""
    bank = state.law().bank
    q = bank.questions[qid]
    if q.show_if is None:
        return frozenset()
    direct = parse(q.show_if, bank.questions).questions()
    return direct.union(*(_depends_on(d) for d in direct))


def _optional_note(q: Question, shown: int) -> str:
    """Why a question is optional: it is, or it is shown only because an answer it depends on is
    "I don't know", or because that answer is not given yet."""
    if shown != Visibility.MAYBE:
        return t("optional")
    answers = state.answers()
    marked = any(answers.get(d) == UNKNOWN for d in _depends_on(q.id))
    return t("optional_maybe") if marked else t("optional_pending")


def question(q: Question, shown: int, lang: str, *, missing: bool = False) -> None:
    """One question: its widget (seeded from the answers dict), a note if optional, and "why we ask"."""
    value = state.answers().get(q.id)
    ss = st.session_state
    label = q.text.get(lang)
    if q.type == "multi":
        st.markdown(f"**{md(label)}**")
        chosen = value if isinstance(value, list) else []
        for c in q.choices:
            ss[widget_key(q.id, c.id)] = c.id in chosen
            st.checkbox(c.label.get(lang), key=widget_key(q.id, c.id), on_change=_store_tick, args=(q.id, c.id))
        if q.unknown:
            ss[widget_key(q.id, UNKNOWN)] = value == UNKNOWN
            st.checkbox(answer_name(UNKNOWN, lang), key=widget_key(q.id, UNKNOWN), on_change=_store_tick, args=(q.id, UNKNOWN))
    else:
        options: list[Any] = [True, False] if q.type == "yes_no" else [c.id for c in q.choices]
        if q.unknown:
            options.append(UNKNOWN)
        names = option_names(q, lang)
        ss[widget_key(q.id)] = value if value in options else None
        st.radio(
            label,
            options,
            index=None,
            format_func=names.__getitem__,
            key=widget_key(q.id),
            on_change=_store,
            args=(q.id,),
            horizontal=q.type == "yes_no",
        )
    if missing:
        st.caption(f":red[{md(t('needs_answer'))}]")
    elif shown == Visibility.MAYBE or not q.required:
        st.caption(md(_optional_note(q, shown)))
    # Drawn once opened (a rerun of the step alone, which is a fragment): few are ever opened, and drawing
    # every box's text was about a tenth of the browser's work on each Next.
    why = st.expander(t("why_we_ask"), icon=":material/help_outline:", key=f"why__{q.id}", on_change="rerun")
    if why.open:
        why.markdown(md(q.help.get(lang)))
        for aid in q.article:
            provision = state.law().provisions.get(aid)
            if provision is not None:
                why.caption(md(t("article_context", section=provision.article.get(lang))))
    link.current().below_question(q.id)


# -- sidebar -----------------------------------------------------------------------------------------


def _set_lang(widget: str) -> None:
    choice = st.session_state.get(widget)
    if choice in LOCALES:
        st.session_state[state.LANG] = choice
        st.query_params["lang"] = choice


def language_switch(widget: str) -> None:
    """The language switch: every language in its own name, so that anyone finds theirs."""
    st.session_state[widget] = state.lang()
    st.radio(
        t("language_switch"),
        list(LOCALES),
        format_func=LOCALE_NAMES.__getitem__,
        key=widget,
        on_change=_set_lang,
        args=(widget,),
        horizontal=True,
    )


def _set_keep(widget: str) -> None:
    keep = bool(st.session_state.get(widget))
    st.session_state[state.KEEP] = keep
    st.session_state[state.FORGET] = not keep


def keep_box(widget: str) -> None:
    """The opt-in "Keep my answers in this browser", and exactly what it keeps and where. Not offered
    while the answers are kept in a record elsewhere (the workspace)."""
    if link.current() is not link.DETACHED:
        return
    st.session_state[widget] = bool(st.session_state[state.KEEP])
    st.checkbox(t("keep_label"), key=widget, on_change=_set_keep, args=(widget,))
    st.caption(md(t("keep_note")))


def _set_law_date() -> None:
    picked = st.session_state.get("law_date")
    if isinstance(picked, dt.date):
        set_law_date(picked)


def _set_law_preset(day: dt.date) -> None:
    set_law_date(day)


def set_law_date(day: dt.date) -> None:
    """Apply the law as of `day` (and tell the linked record, if any)."""
    st.session_state[state.LAW_AS_OF] = day
    link.current().law_date_changed(day)


def _load_file() -> None:
    ss = st.session_state
    key = f"resume_file_{ss[state.UPLOADER_ROUND]}"
    uploaded = ss.get(key)
    if uploaded is None:
        return
    law = state.law()
    error = state.apply_answers_file(ss, uploaded.getvalue(), law)
    ss.pop(state.UPLOAD_ERROR, None)
    ss.pop(state.UPLOAD_OK, None)
    ss[state.UPLOADER_ROUND] += 1  # a fresh uploader, so another (or the same) file can be loaded
    if error:
        ss[state.UPLOAD_ERROR] = (uploaded.name, error)
        return
    ss[state.UPLOAD_OK] = (uploaded.name, len(ss[state.ANSWERS]))
    # The questionnaire opens where the file leaves off, and the keyboard focus lands on that step's
    # heading (it stayed on the page's body, so a screen reader said nothing).
    state.go_to_step(resume_step(law, ss[state.ANSWERS]))


def law_date_error(day: dt.date) -> str | None:
    """A clear, translated message if the law cannot be applied as of `day`, else None."""
    law = state.law()
    try:
        check_date(day, law)
    except DateError:
        return t("date_out_of_coverage", date=day.isoformat(), start=law.method.coverage_from.isoformat())
    return None


def sidebar(self_assessment: bool = True, *, welcome: bool = False) -> None:
    """The language on every page; on the self-assessment's pages also the law date and saving or resuming
    answers (the workspace's pages have their own dates and no answers file). On the `welcome` only the
    language and resuming from a file: the welcome offers the law's two dates and the keep box itself, and
    there are no answers yet to download. Each choice is then on the first screen once, and the browser has
    less to draw before the welcome can be used (docs/performance.md)."""
    with st.sidebar:
        language_switch("lang_switch")
        if not self_assessment:
            return
        if welcome:
            _resume_field()
            return
        _law_date_fields()
        st.divider()
        st.markdown(f"**{md(t('save_resume'))}**")
        st.download_button(
            t("download_answers"),
            data=state.answers_download(),  # built when clicked: no /media copy of the answers
            file_name=f"pirisk-answers-{state.today().isoformat()}.json",
            mime="application/json",
            key="download_answers_sidebar",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
        _resume_field()
        keep_box("keep_sidebar")
        st.caption(md(t("privacy_note")))


def _law_date_fields() -> None:
    """The law date's field, its two presets and what the date means (or why it cannot be used)."""
    ss = st.session_state
    law = state.law()
    st.markdown(f"**{md(t('law_as_of'))}**")
    day = ss[state.LAW_AS_OF]
    ss["law_date"] = day
    st.date_input(
        t("law_as_of"),
        min_value=min(MIN_PICKABLE, day),
        max_value=max(state.today(), day),
        key="law_date",
        on_change=_set_law_date,
        format="YYYY-MM-DD",
        label_visibility="collapsed",
    )
    left, right = st.columns(2)
    left.button(t("preset_today"), key="law_today", on_click=_set_law_preset, args=(state.today(),), width="stretch", wrap=True)
    right.button(
        t("preset_article"),
        key="law_article",
        on_click=_set_law_preset,
        args=(law.method.article_date,),
        width="stretch",
        help=t("preset_article_help"),
        wrap=True,
    )
    problem = law_date_error(day)
    if problem:
        st.error(problem, icon=":material/event_busy:")
    else:
        st.caption(md(t("law_as_of_note", start=law.method.coverage_from.isoformat())))


def _resume_field() -> None:
    """Resuming from an answers file (unless the record open now refuses it), and what the last file did."""
    ss = st.session_state
    blocked = link.current().resume_block()
    if blocked:  # e.g. a file would replace a stored assessment's answers without saving them
        st.caption(md(blocked))
    else:
        st.file_uploader(
            t("resume_from_file"),
            type=["json"],
            key=f"resume_file_{ss[state.UPLOADER_ROUND]}",
            on_change=_load_file,
            max_upload_size=MAX_UPLOAD_MB,
            help=t("resume_help"),
        )
        st.caption(md(t("uploader_note")))  # pirisk's own words beside Streamlit's (untranslated) drop zone
    if state.UPLOAD_ERROR in ss:
        name, error = ss[state.UPLOAD_ERROR]  # said in the language on screen now, in plain words
        st.error(t("upload_refused", name=md(name), reason=md(error_text(error, state.lang()))), icon=":material/error:")
    elif state.UPLOAD_OK in ss:
        name, count = ss.pop(state.UPLOAD_OK)  # said once; the next click clears it
        st.success(t("upload_loaded", name=md(name), count=count), icon=":material/check_circle:")


def disclaimer(as_of: dt.date | None = None, *, prominent: bool = False) -> None:
    """The disclaimer, with the law date when there is one."""
    text = t("disclaimer")
    if as_of is not None:
        text = f"{text} {t('law_applied_as_of', date=as_of.isoformat())}"
    if prominent:
        st.info(md(text), icon=":material/gavel:")
    else:
        st.caption(md(text))
