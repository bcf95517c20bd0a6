"""Citations on a page: one provision as Markdown with its confidence mark, and the drawer that holds
a finding's, a measure's or the transfer route's citations, drawn only once opened."""

from __future__ import annotations

import streamlit as st

from scoring.assessment import Citation
from ui.present import md
from ui.state import t


def citation_markdown(c: Citation, lang: str) -> str:
    """One cited provision as Markdown: its label, confidence mark, summary and what is not modelled."""
    color = "gray" if c.confidence == "V" else "orange"  # every citation shows its mark, V included
    mark = f" :{color}-badge[{md(t('confidence_' + c.confidence))}]"
    text = f"**{md(c.label(lang))}**{mark}\n\n{md(c.summary.get(lang))}"
    if c.not_modelled is not None:
        text += f"\n\n_{md(t('not_modelled', text=c.not_modelled.get(lang)))}_"
    return text


def sources(citations: tuple[Citation, ...], key: str, lang: str) -> None:
    """The citations behind a finding or a measure, in an expander drawn only once it is opened: the
    results page holds dozens of them, and drawing them all made it slow to show."""
    if not citations:
        return
    box = st.expander(t("sources_n", n=len(citations)), icon=":material/gavel:", key=key, on_change="rerun")
    if box.open:
        box.markdown("\n\n".join(citation_markdown(c, lang) for c in citations))
