"""The Sources page: every provision pirisk cites, grouped by instrument, filterable by axis and by date."""

from __future__ import annotations

import datetime as dt
from functools import cache

import streamlit as st

from scoring.axes import AXES, AXIS_KEYS
from scoring.loader import Law
from scoring.model import Provision
from ui import state, widgets
from ui.present import md
from ui.state import t


@cache
def cited_axes(law: Law) -> dict[str, frozenset[str]]:
    """Every cited provision version, with the axes of the rules, exposure statements and remedies citing it."""
    found: dict[str, set[str]] = {}

    def add(cites: tuple[str, ...], axes: set[str]) -> None:
        for cite in cites:
            for version in law.versions(cite):
                found.setdefault(version.id, set()).update(axes)

    remedy_axes: dict[str, set[str]] = {}
    for rule in law.rules:
        add(rule.cites, set(rule.impacts))
        if rule.remedy:
            remedy_axes.setdefault(rule.remedy, set()).update(rule.impacts)
    for statement in law.exposure:
        add(statement.cites, {statement.axis})
    for rid, remedy in law.remedies.items():
        add(remedy.cites, remedy_axes.get(rid, set()))
    return {pid: frozenset(axes) for pid, axes in found.items()}


def _span(p: Provision) -> str:
    if p.in_force is None:
        return t("published_on", date=p.published.isoformat()) if p.published else ""
    if p.in_force.to is None:
        return t("in_force_since", date=p.in_force.from_.isoformat())
    return t("in_force_between", start=p.in_force.from_.isoformat(), end=p.in_force.to.isoformat())


def sources_page() -> None:
    """The cited provisions, with their in-force dates, confidence and summary, from the source files."""
    law = state.law()
    lang = state.lang()
    st.title(t("sources_title"), anchor=state.page_anchor("sources"))
    st.caption(md(t("sources_intro")))
    cited = cited_axes(law)

    left, middle, right = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = left.multiselect(
        t("filter_axes"),
        list(AXIS_KEYS),
        default=list(AXIS_KEYS),
        key="src_axes",
        format_func=lambda k: next(a.label.get(lang) for a in AXES if a.key == k),
    )
    only_on = middle.toggle(t("filter_in_force"), value=True, key="src_only_date")
    law_day = st.session_state[state.LAW_AS_OF]
    day = right.date_input(
        t("filter_date"),
        value=law_day,
        min_value=min(widgets.MIN_PICKABLE, law_day),
        max_value=max(state.today(), law_day),
        key="src_date",
        format="YYYY-MM-DD",
        disabled=not only_on,
    )

    shown = 0
    for inst in law.instruments.values():
        rows = [
            p
            for pid, p in law.provisions.items()
            if law.instrument_of[pid] == inst.id
            and pid in cited
            and cited[pid] & set(chosen)
            and (not only_on or not isinstance(day, dt.date) or p.applies_on(day))
        ]
        if not rows:
            continue
        shown += len(rows)
        with st.expander(f"{inst.title.get(lang)} ({len(rows)})", key=f"instrument__{inst.id}"):
            about = [t("kind_" + inst.kind)]
            if inst.issuer is not None:
                about.append(inst.issuer.get(lang))
            if inst.reference:
                about.append(inst.reference.get(lang))
            st.caption(md(" · ".join(about)))
            if inst.note is not None:
                st.caption(md(inst.note.get(lang)))
            for p in rows:
                mark = "" if p.confidence == "V" else f" :orange-badge[{md(t('confidence_' + p.confidence))}]"
                axes = " ".join(f":gray-badge[{md(a.label.get(lang))}]" for a in AXES if a.key in cited[p.id])
                st.markdown(f"**{md(p.article.get(lang))}** — {md(_span(p))}{mark} {axes}")
                st.markdown(md(p.summary.get(lang)))
                if p.not_modelled is not None:
                    st.caption(md(t("not_modelled", text=p.not_modelled.get(lang))))
    total = len(cited)
    st.caption(md(t("sources_count", n=shown, total=total)))
    if not shown:
        st.info(md(t("sources_none")))
    widgets.disclaimer()
