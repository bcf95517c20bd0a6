"""The Results page: axis cards, radar and risk grid, cited findings, remedies with a what-if view,
the comparison with 2012, and downloads. It only presents: every score and legal text comes from assess()."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from functools import partial
from typing import Any

import streamlit as st

from questions.answers import AnswerSet, answer_words
from questions.model import Bank
from questions.strings import tr
from scoring.assessment import Assessment, AxisScore, Finding, PlanStep, RemedyEffect
from scoring.axes import AXES, LIKELIHOOD_LABELS, SEVERITY_LABELS
from scoring.engine import Incomplete, assess, assess_answers
from scoring.errors import AnswersError
from scoring.loader import Law
from ui import charts, link, nav, state, widgets
from ui.citations import sources as _sources
from ui.present import LEVEL_BADGES, colon, level_label, md
from ui.state import t
from ui.transfer_card import transfer_card


def _toggle_remedy(remedy_id: str) -> None:
    ticked = [r for r in st.session_state[state.WHAT_IF] if r != remedy_id]
    if st.session_state.get(f"remedy__{remedy_id}"):
        ticked.append(remedy_id)
    st.session_state[state.WHAT_IF] = ticked


def card_headlines(assessment: Assessment, lang: str) -> dict[str, str]:
    """Each axis card's headline: its main finding (the engine's reason). A finding that is already the
    headline of a card to its left is named as that card's, so no two cards read the same."""
    first: dict[str, str] = {}  # a main finding's rule -> the axis whose card shows it
    out: dict[str, str] = {}
    for axis in AXES:
        r = assessment.axes[axis.key]
        rule = r.top_rule
        if rule is not None and rule in first:
            out[axis.key] = t("card_same_finding", axis=first[rule], title=r.reason.get(lang))
        else:
            out[axis.key] = r.reason.get(lang)
            if rule is not None:
                first[rule] = axis.label.get(lang)
    return out


def _axis_cards(assessment: Assessment, law: Law, lang: str) -> None:
    """The four scores, each with its band on the scale, its reason, and its caveat behind "why"."""
    headlines = card_headlines(assessment, lang)
    for column, axis in zip(st.columns(len(AXES)), AXES, strict=True):
        r = assessment.axes[axis.key]
        low, high = law.method.band(r.level)
        with column.container(border=True, key=f"axis__{axis.key}", height="stretch"):
            st.metric(axis.label.get(lang), f"{r.score}/100", help=axis.description.get(lang))
            st.badge(level_label(r.level, lang), color=LEVEL_BADGES[r.level])
            scale = t(
                "scale_line",
                likelihood=LIKELIHOOD_LABELS[r.likelihood - 1].get(lang),
                severity=SEVERITY_LABELS[r.severity - 1].get(lang),
            )
            st.caption(md(t("card_band", level=level_label(r.level, lang), low=low, high=high)) + "  \n" + md(scale))
            st.markdown(md(headlines[axis.key]))
            if r.rests_on_unknowns and r.known_level is not None:
                st.caption(f":orange[{md(t('card_rests_on_unknowns', level=level_label(r.known_level, lang)))}]")
            if r.caveat is not None:  # whose exposure the criminal score is; that the reputational one is a judgement
                why = st.expander(t("card_why"), key=f"why__{axis.key}", on_change="rerun")
                if why.open:
                    why.caption(md(r.caveat.get(lang)))


def _changes(before: Mapping[str, AxisScore], after: Mapping[str, AxisScore], lang: str) -> str:
    """The axes whose score moves (those `after` names, or all of them), as "Civil 49 → Low 16", joined."""
    return " · ".join(
        f"{a.label.get(lang)} {before[a.key].score} → {level_label(after[a.key].level, lang)} {after[a.key].score}"
        for a in AXES
        if a.key in after and after[a.key].score != before[a.key].score
    )


def _scores(assessment: Assessment) -> dict[str, AxisScore]:
    return {k: AxisScore(v.level, v.score) for k, v in assessment.axes.items()}


SHOWN_STEPS = 3  # the steps shown under the cards; the rest behind "all steps"


def _step(n: int, step: PlanStep, titles: Mapping[str, RemedyEffect], before: Mapping[str, AxisScore], lang: str) -> None:
    with st.container(border=True, key=f"plan_step__{n}"):
        lowered = ", ".join(a.label.get(lang) for a in AXES if a.key in step.lowered)
        head = t("plan_step_lowers", n=n, axes=lowered) if lowered else t("plan_step", n=n)
        lines = [f"**{md(head)}**"]
        for m in step.measures:
            line = f"- {md(titles[m].title.get(lang))}"
            if titles[m].past_remains:
                line += f" — _{md(tr('common', 'unchanged_past', lang))}_"
            lines.append(line)
        lines.append(f"_{md(t('plan_after', changes=_changes(before, step.after, lang)))}_")
        st.markdown("\n".join(lines[:-1]) + "\n\n" + lines[-1])


def _plan(assessment: Assessment, lang: str) -> None:
    """What to do first: the plan's steps (the first few here, all behind a toggle), each with the scores
    after it, then the measures that lower no score with the reason said once."""
    plan = assessment.plan
    if plan is None or (all(r.level == "low" for r in assessment.axes.values()) and not plan.steps):
        return
    # What a step is, in the heading's help: on a phone the steps then start a few lines higher.
    st.header(t("plan_title"), anchor=state.page_anchor("plan"), help=t("plan_intro"))
    titles = {r.remedy: r for r in assessment.remedies}
    if not plan.steps:
        st.info(md(t("plan_none")), icon=":material/history:")
    else:
        afters = [_scores(assessment), *(s.after for s in plan.steps)]
        for n, step in enumerate(plan.steps[:SHOWN_STEPS], 1):
            _step(n, step, titles, afters[n - 1], lang)
        rest = plan.steps[SHOWN_STEPS:]
        if rest:
            box = st.expander(t("plan_more", n=len(rest)), key="plan_more", on_change="rerun")
            if box.open:
                with box:
                    for n, step in enumerate(rest, SHOWN_STEPS + 1):
                        _step(n, step, titles, afters[n - 1], lang)
    if plan.still_called_for:
        _also_required([titles[m] for m in plan.still_called_for], st, lang)


def _find_out(assessment: Assessment, law: Law, lang: str) -> None:
    """The "I don't know" answers that could move a score, most at stake first, with how far."""
    if not assessment.find_out:
        return
    now = _scores(assessment)
    with st.container(border=True, key="find_out"):
        st.subheader(t("find_out_title"), anchor=False)
        st.caption(md(t("find_out_intro")))
        st.markdown(
            "\n".join(
                f"- **{md(law.bank.questions[q].text.get(lang))}** — {md(_changes(now, after, lang))}"
                for q, after in assessment.find_out.items()
            )
        )


def _fired_by(f: Finding, bank: Bank, lang: str) -> str:
    lines = []
    for a in f.answers:
        q = bank.questions[a.question]
        if a.assumed:  # "I don't know", and what it was taken as, said once
            line = f"- {md(q.text.get(lang))} — :orange[**{md(t('assumed_cautious'))}**]"
        else:
            line = f"- {md(q.text.get(lang))} — **{md(answer_words(q, a.value, lang))}**"
        lines.append(line)
    return "\n".join(lines)


def _finding(f: Finding, axis: str, law: Law, lang: str) -> None:
    """One finding: its title and level, expanding (drawn once opened) to the explanation, the answers
    it rests on and its sources."""
    imp = f.impacts[axis]
    lv = imp.level
    label = f":{LEVEL_BADGES[lv]}-badge[{md(level_label(lv, lang))}] {md(f.title.get(lang))}"
    if f.uncertain:
        label += " :orange[?]"
    box = st.expander(label, key=f"finding__{axis}__{f.rule}", on_change="rerun")
    if not box.open:
        return
    with box:
        scale = t(
            "scale_line",
            likelihood=LIKELIHOOD_LABELS[imp.likelihood - 1].get(lang),
            severity=SEVERITY_LABELS[imp.severity - 1].get(lang),
        )
        parts = [md(scale)]
        if f.uncertain:
            parts.append(f":orange[{md(t('finding_uncertain'))}]")
        parts.append(md(f.explain.get(lang)))
        if f.answers:
            parts.append(f"{md(t('fired_by'))}\n\n{_fired_by(f, law.bank, lang)}")
        st.markdown("\n\n".join(parts))  # one element per finding: the page has many
        _sources(f.citations, f"sources__{axis}__{f.rule}", lang)


def _findings(assessment: Assessment, law: Law, lang: str) -> None:
    st.header(t("findings_title"))
    labels = [f"{a.label.get(lang)} ({len(assessment.findings_for(a.key))})" for a in AXES]
    # The most exposed axis opens first. Only the open tab is drawn (a tab click reruns the page).
    first = max(range(len(AXES)), key=lambda i: assessment.axes[AXES[i].key].score)
    tabs = st.tabs(labels, key="findings_axis", default=labels[first], on_change="rerun")
    for tab, axis in zip(tabs, AXES, strict=True):
        if not tab.open:
            continue
        with tab:
            st.caption(md(axis.description.get(lang)))
            exposure = assessment.axes[axis.key].exposure
            if exposure:
                st.markdown(f"**{md(t('exposure_title'))}**\n\n" + "\n".join(f"- {md(e.text.get(lang))}" for e in exposure))
            found = assessment.findings_for(axis.key)
            if not found:
                st.info(md(assessment.axes[axis.key].reason.get(lang)))
            for f in found:
                _finding(f, axis.key, law, lang)


def _unknowns(assessment: Assessment, lang: str) -> None:
    if not assessment.unknowns:
        return
    st.header(t("unknowns_title"))
    st.caption(md(t("unknowns_intro")))
    for u in assessment.unknowns:
        with st.container(border=True):
            st.markdown(f"**{md(u.title.get(lang))}**")
            st.markdown(md(u.explain.get(lang)))


def _score_table(rows: list[tuple[str, Any, Any]], head: tuple[str, str, str], lang: str) -> str:
    """A markdown table of axis | before | after | change, from (axis label, (level, score), (level, score))."""
    out = [f"| {md(t('axis'))} | {md(head[0])} | {md(head[1])} | {md(head[2])} |", "|---|---|---|---|"]
    for label, (lv_a, sc_a), (lv_b, sc_b) in rows:
        delta = sc_b - sc_a
        change = "±0" if delta == 0 else (f":green[{delta}]" if delta < 0 else f":red[+{delta}]")
        out.append(f"| {md(label)} | {md(level_label(lv_a, lang))} {sc_a} | {md(level_label(lv_b, lang))} {sc_b} | {change} |")
    return "\n".join(out)


@st.fragment
def _remedies(assessment: Assessment, law: Law, lang: str) -> None:
    """The ranked measures with what-if boxes. A fragment: ticking a box reruns only this part."""
    st.header(t("remedies_title"))
    if not assessment.remedies:
        st.info(md(t("remedies_none")))
        return
    st.caption(md(t("remedies_intro")))
    ss = st.session_state
    offered = {r.remedy for r in assessment.remedies}
    ticked = [r for r in ss[state.WHAT_IF] if r in offered]
    day = assessment.law_as_of
    projected = assess(assessment.answers, day, apply_remedies=ticked, rank_remedies=False, law=law) if ticked else None
    listing, what_if = st.columns([3, 2], gap="large")
    with what_if.container(border=True, key="what_if"):
        if projected is not None:
            st.markdown(f"**{md(t('what_if_title', n=len(ticked)))}**")
            cells = st.columns(2)
            for i, a in enumerate(AXES):
                now, then = assessment.axes[a.key], projected.axes[a.key]
                with cells[i % 2]:
                    st.metric(a.label.get(lang), f"{then.score}/100", delta=then.score - now.score, delta_color="inverse")
                    st.caption(
                        md(
                            f"{t('now')}{colon(lang)}{level_label(now.level, lang)} {now.score} → {level_label(then.level, lang)} {then.score}"
                        )
                    )
            series = [(t("now"), assessment), (t("with_measures"), projected)]
            charts.draw(charts.radar_svg(series, lang, compact=True), "what_if_radar")
        else:
            st.caption(md(t("what_if_hint")))
    plan = assessment.plan
    order = plan.measures if plan is not None else tuple(r.remedy for r in assessment.remedies if r.lowers_a_score)
    by_id = {r.remedy: r for r in assessment.remedies}
    for i, r in enumerate((by_id[m] for m in order), 1):
        with listing.container(border=True, key=f"remedy_card__{r.remedy}"):
            ss[f"remedy__{r.remedy}"] = r.remedy in ticked
            st.checkbox(f"{i}. {r.title.get(lang)}", key=f"remedy__{r.remedy}", on_change=_toggle_remedy, args=(r.remedy,))
            parts = [md(r.description.get(lang))]
            if r.lowers_a_score:
                parts.insert(0, f"_{md(t('remedy_reduction', n=r.reduction))}_")
            if r.past_remains:
                parts.append(f"_{md(tr('common', 'unchanged_past', lang))}_")
            after = " · ".join(
                f"{a.label.get(lang)} {assessment.axes[a.key].score} → {r.after[a.key].score}"
                for a in AXES
                if r.after[a.key].score != assessment.axes[a.key].score
            )
            if after:
                parts.append(f"_{md(t('remedy_after', changes=after))}_")
            st.markdown("\n\n".join(parts))
            _sources(r.citations, f"sources__remedy__{r.remedy}", lang)


def _also_required(measures: list[RemedyEffect], where: Any, lang: str) -> None:
    """The measures that lower no score, even with every other measure done: grouped as still called
    for, the reason said once for the group (and for a measure whose finding rests on a past event, that
    the past event remains), never listed as "0 points" and not offered in the what-if."""
    if not measures:
        return
    with where.container(key="also_required"):
        st.subheader(tr("common", "also_required_title", lang), anchor=False)
        st.caption(md(tr("common", "also_required_intro", lang)))
        for r in measures:
            with st.container(border=True, key=f"also_required__{r.remedy}"):
                text = f"**{md(r.title.get(lang))}**\n\n{md(r.description.get(lang))}"
                if r.past_remains:
                    text += f"\n\n_{md(tr('common', 'unchanged_past', lang))}_"
                st.markdown(text)
                _sources(r.citations, f"sources__remedy__{r.remedy}", lang)


def _compare(assessment: Assessment, then: Assessment, law: Law, lang: str) -> None:
    article_date = law.method.article_date
    day = assessment.law_as_of
    st.header(t("compare_title", year=article_date.year))
    if day == article_date:
        st.info(md(t("compare_same")))
        return
    st.caption(md(t("compare_intro", then=article_date.isoformat(), now=day.isoformat())))
    rows = [
        (
            a.label.get(lang),
            (then.axes[a.key].level, then.axes[a.key].score),
            (assessment.axes[a.key].level, assessment.axes[a.key].score),
        )
        for a in AXES
    ]
    st.markdown(_score_table(rows, (article_date.isoformat(), day.isoformat(), t("change_col")), lang))
    new, gone = assessment.changes_since(then)
    st.markdown(f"**{md(t('compare_new', then=article_date.isoformat(), now=day.isoformat(), n=len(new)))}**")
    if new:
        for f in new:
            axes = ", ".join(a.label.get(lang) for a in AXES if a.key in f.impacts)
            box = st.expander(f"{f.title.get(lang)} ({axes})", key=f"new__{f.rule}", on_change="rerun")
            if box.open:  # drawn once opened, like the sources
                box.markdown("\n\n".join([md(f.explain.get(lang)), *(f"- {md(c.label(lang))}" for c in f.legal_citations)]))
    else:
        st.caption(md(t("compare_none_new")))
    if gone:
        st.markdown(f"**{md(t('compare_gone', then=article_date.isoformat(), n=len(gone)))}**")
        st.markdown("\n".join(f"- {md(f.title.get(lang))}" for f in gone))


def _downloads(assessment: Assessment, answer_set: AnswerSet, law: Law) -> None:
    """The answers file, then each report template's downloads (the report, then the PIPIA) a row each."""
    from report.formats import downloads, file_name  # the writers load only when a file is asked for

    (report, offered), *others = downloads(workspace=False)  # the workbook is a consultant's

    branding = link.current().branding()  # e.g. the consultancy's cover while a workspace assessment is open
    columns = st.columns(1 + len(offered))
    columns[0].download_button(
        t("download_answers"),
        data=state.answers_download(),  # built when clicked, as the reports are
        file_name=f"pirisk-answers-{state.today().isoformat()}.json",
        mime="application/json",
        key="download_answers",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    rows = [(report, offered, columns[1:])] + [(tpl, more, st.columns(1 + len(more))[1:]) for tpl, more in others]
    for template, buttons, cells in rows:
        for column, (fmt, label) in zip(cells, buttons, strict=True):
            parts = () if template.is_default else (template.key,)
            column.download_button(
                t(label),
                data=partial(fmt.build, assessment, answer_set, branding, law=law, template=template.key),  # built when clicked
                file_name=file_name(fmt, assessment.law_as_of, answer_set.lang, *parts),
                mime=fmt.mime,
                key=label,
                on_click="ignore",
                icon=fmt.icon,
                width="stretch",
            )


def _not_ready(law: Law, lacking: Incomplete, lang: str) -> None:
    """Say which sections still need answers, with a way back."""
    index = {section.id: i for i, section in enumerate(law.bank.sections)}
    listed = "\n".join(
        f"- {md(law.bank.section(sid).title.get(lang))} ({md(t('n_missing', n=len(ids)))})"
        for sid, ids in lacking.missing.items()
    )
    st.warning(f"{md(t('results_not_ready'))}\n\n{listed}", icon=":material/pending_actions:")
    if st.button(t("continue_questionnaire"), key="continue_questionnaire", type="primary"):
        st.session_state[state.STEP] = index[next(iter(lacking.missing))]
        nav.go("assess")


_ASSESSED = "results_assessed"  # session state: the last assessment this page made, and what it was made from


def _assessed(answer_set: AnswerSet, day: dt.date, law: Law) -> Assessment | Incomplete:
    """`assess_answers` for the page, made once per answers, law date and law: the page runs again each time
    a finding, a tab or a "why" box opens, and at today's law the ranked plan's search is most of its run
    (25-48 ms for the examples, docs/performance.md). The session keeps only its latest result."""
    made_from = (
        id(law),
        law.method.rules_version,
        law.bank.version,
        day,
        json.dumps(answer_set.answers, sort_keys=True, default=str),
    )
    kept = st.session_state.get(_ASSESSED)
    if kept is not None and kept[0] == made_from:
        return kept[1]
    assessment = assess_answers(answer_set, day, law=law)
    st.session_state[_ASSESSED] = (made_from, assessment)
    return assessment


def results_page() -> None:
    """Scores, findings, remedies and comparisons for the session's answers, as of the chosen date."""
    law = state.law()
    lang = state.lang()
    ss = st.session_state
    day: dt.date = ss[state.LAW_AS_OF]
    st.title(t("results_title"), anchor=state.page_anchor("results"))
    link.current().banner()
    if ss[state.COMPANY]:
        st.header(md(ss[state.COMPANY]), anchor=False)
    st.markdown(md(t("law_as_of_line", date=day.isoformat(), rules=law.method.rules_version, bank=law.bank.version)))
    widgets.disclaimer(prominent=True)

    problem = widgets.law_date_error(day)
    if problem:
        st.error(problem, icon=":material/event_busy:")
        return
    answer_set = state.answer_set()
    try:
        assessment = _assessed(answer_set, day, law)
    except AnswersError as err:  # a value the bank does not take (should not happen from the screens); say so plainly
        st.error(md(t("answers_problem", problems="; ".join(err.problems))))
        return
    if isinstance(assessment, Incomplete):
        _not_ready(law, assessment, lang)
        return

    _axis_cards(assessment, law, lang)
    _plan(assessment, lang)
    transfer_card(assessment.transfer_route, law, lang)
    _downloads(assessment, answer_set, law)  # after the plan: on a phone its buttons stack four deep
    _find_out(assessment, law, lang)
    for note in assessment.notes:
        st.info(md(note.get(lang)), icon=":material/info:")
    _findings(assessment, law, lang)
    radar, grid = st.columns(2)
    series = [(t("now"), assessment)]
    radar.markdown(f"**{md(t('radar_title'))}**")
    charts.draw(charts.radar_svg(series, lang), "radar", radar)
    grid.markdown(f"**{md(t('grid_title'))}**")
    charts.draw(charts.grid_svg(assessment, law.method, lang), "grid", grid)
    _unknowns(assessment, lang)
    _remedies(assessment, law, lang)
    then = assess(assessment.answers, law.method.article_date, rank_remedies=False, law=law)
    _compare(assessment, then, law, lang)
    st.divider()
    widgets.disclaimer(day)
