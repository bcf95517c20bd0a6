"""The About page: what pirisk does, how it scores (from the method data), its limits, privacy, disclaimer."""

from __future__ import annotations

import streamlit as st

from scoring.axes import AXES, LEVELS, LIKELIHOOD_LABELS, SEVERITY_LABELS
from ui import state, widgets
from ui.present import colon, md
from ui.state import t


def _matrix(lang: str) -> str:
    """The likelihood x severity matrix of method.yaml as a markdown table: level and base score per cell."""
    method = state.law().method
    head = [md(t("grid_likelihood")) + " \\\\ " + md(t("grid_severity"))] + [md(s.get(lang)) for s in SEVERITY_LABELS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    levels = {lv.key: lv.label.get(lang) for lv in LEVELS}
    for lik in (4, 3, 2, 1):
        cells = [f"{md(levels[method.level(lik, sev)])} ({method.base(lik, sev)})" for sev in (1, 2, 3, 4)]
        lines.append(f"| **{md(LIKELIHOOD_LABELS[lik - 1].get(lang))}** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def about_page() -> None:
    """Method, coverage, limits and privacy, with figures read from the method and the data."""
    law = state.law()
    lang = state.lang()
    method = law.method
    st.title(t("about_title"), anchor=state.page_anchor("about"))
    st.markdown(md(t("about_intro")))

    st.header(t("about_axes"))
    st.markdown("\n".join(f"- **{md(a.label.get(lang))}**{colon(lang)}{md(a.description.get(lang))}" for a in AXES))

    st.header(t("about_method"))
    st.markdown(md(t("about_method_text", extra=method.per_extra_finding)))
    st.markdown(_matrix(lang))
    bands = []
    floor = 0
    for lv in sorted(LEVELS, key=lambda x: x.rank):
        ceiling = method.level_ceiling[lv.key]
        bands.append(f"{lv.label.get(lang)} {floor}–{ceiling}")
        floor = ceiling + 1
    st.caption(md(t("about_bands", bands=" · ".join(bands))))

    st.header(t("about_coverage"))
    st.markdown(
        md(
            t(
                "about_coverage_text",
                start=method.coverage_from.isoformat(),
                reviewed=method.reviewed.isoformat(),
                article=method.article_date.isoformat(),
                rules=method.rules_version,
                bank=law.bank.version,
                instruments=len(law.instruments),
                provisions=len(law.provisions),
                n_rules=len(law.rules),
                remedies=len(law.remedies),
                questions=len(law.bank.questions),
            )
        )
    )

    st.header(t("about_limits"))
    st.markdown("\n".join(f"- {md(t(f'about_limit_{i}'))}" for i in range(1, 6)))

    st.header(t("about_privacy"))
    st.markdown(md(t("about_privacy_text")))

    st.header(t("about_disclaimer"))
    widgets.disclaimer(prominent=True)
