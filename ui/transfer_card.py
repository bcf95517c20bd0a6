"""The cross-border route card on the Results page: the route the law requires as of the date, why,
the figures it applied, and whether the route in place meets it (`Assessment.transfer_route`, worded
by `scoring.transfer.route_words`)."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from questions.answers import answer_words
from scoring.assessment import TransferRoute
from scoring.loader import Law
from scoring.transfer import route_words
from ui.citations import sources
from ui.present import md
from ui.state import t

_BADGE: dict[str, Literal["green", "red"]] = {
    "transfer_met": "green",
    "transfer_nothing_needed": "green",
    "transfer_missing": "red",
}


def transfer_card(route: TransferRoute | None, law: Law, lang: str, key: str = "transfer_route") -> None:
    """Draw the card; nothing when no personal information leaves China. `key` names the card on a
    page that may show more than one assessment."""
    if route is None or not route.applies:
        return
    words = route_words(route, law, lang)
    with st.container(border=True, key=key):
        st.subheader(md(words.title), anchor=False)
        st.badge(md(words.status), color=_BADGE[words.status_key])
        lines = [md(words.because), md(words.in_place)]
        if words.thresholds:
            lines.append(md(words.thresholds))
        if words.unknowns:
            lines.append(f":orange[{md(words.unknowns)}]")
        st.markdown("\n\n".join(lines))
        if route.answers:  # which answers decided it, drawn once opened
            box = st.expander(t("transfer_answers", n=len(route.answers)), key=f"{key}__answers", on_change="rerun")
            if box.open:
                box.markdown("\n".join(_answer_line(law, a.question, a.value, a.assumed, lang) for a in route.answers))
        sources(route.citations, f"{key}__sources", lang)


def _answer_line(law: Law, qid: str, value: object, assumed: bool, lang: str) -> str:
    q = law.bank.questions[qid]
    said = t("assumed_cautious") if assumed else answer_words(q, value, lang)
    return f"- {md(q.text.get(lang))} — **{md(said)}**"
