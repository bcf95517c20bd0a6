"""The Compare page: two stored assessments side by side: answers, scores, findings resolved and new, and a
chart. Also the Snapshots part of an assessment's History tab: take named snapshots and compare two of them
(or one with the answers now) the same way."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from questions.answers import AnswerSet
from scoring.assessment import Assessment
from scoring.axes import AXES
from scoring.engine import Incomplete, assess_answers
from store import repo
from ui import charts, state
from ui.present import level_label, md
from ui.workspace import access
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.history import value_label, when
from ui.workspace.session import t


def option_label(a: repo.SavedAssessment) -> str:
    """How an assessment reads in the pickers (plain text: the select box shows it literally)."""
    return f"{a.client_name} — {a.title} ({a.law_as_of.isoformat()}, {ws.status_label(a.status)}, v{a.version})"


def answers_table(differences: dict[str, tuple[Any, Any]], lang: str) -> str:
    """The answers that differ as a Markdown table, each question in full (a table wraps its text)."""
    questions = state.law().bank.questions
    lines = [f"| {md(t('ws_col_question'))} | A | B |", "|---|---|---|"]
    for qid, (a, b) in differences.items():
        q = questions.get(qid)
        lines.append(f"| {md(q.text.get(lang) if q else qid)} | {md(value_label(q, a, lang))} | {md(value_label(q, b, lang))} |")
    return "\n".join(lines)


def score_table(first: Assessment, second: Assessment, lang: str) -> str:
    lines = [f"| {md(t('axis'))} | A | B | {md(t('change_col'))} |", "|---|---|---|---|"]
    for axis in AXES:
        a, b = first.axes[axis.key], second.axes[axis.key]
        delta = b.score - a.score
        change = "±0" if delta == 0 else (f":green[{delta}]" if delta < 0 else f":red[+{delta}]")
        lines.append(
            f"| {md(axis.label.get(lang))} | {md(level_label(a.level, lang))} {a.score} | {md(level_label(b.level, lang))} {b.score} | {change} |"
        )
    return "\n".join(lines)


def _findings(first: Assessment, second: Assessment, lang: str) -> None:
    new, resolved = second.changes_since(first)
    resolved_col, new_col = st.columns(2, gap="large")
    with resolved_col.container(key="ws_compare_resolved"):
        st.markdown(f"**{md(t('ws_compare_resolved', n=len(resolved)))}**")
        if resolved:
            st.markdown("\n".join(f"- {md(f.title.get(lang))}" for f in resolved))
        else:
            st.caption(md(t("ws_compare_none")))
    with new_col.container(key="ws_compare_new"):
        st.markdown(f"**{md(t('ws_compare_new', n=len(new)))}**")
        if new:
            st.markdown("\n".join(f"- {md(f.title.get(lang))}" for f in new))
        else:
            st.caption(md(t("ws_compare_none")))


def _pickers(rows: list[repo.SavedAssessment]) -> tuple[repo.SavedAssessment, repo.SavedAssessment]:
    ss = st.session_state
    by_id = {a.id: a for a in rows}
    ids = list(by_id)
    if ss.get(ws.COMPARE_B) not in by_id:  # by default, the assessment in hand...
        ss[ws.COMPARE_B] = ss.get(ws.SELECTED) if ss.get(ws.SELECTED) in by_id else ids[0]
    if ss.get(ws.COMPARE_A) not in by_id:  # ...against the same client's previous one (rows are newest first)
        b = by_id[ss[ws.COMPARE_B]]
        earlier = [a.id for a in rows if a.client_id == b.client_id and a.id != b.id and a.law_as_of <= b.law_as_of]
        ss[ws.COMPARE_A] = earlier[0] if earlier else next(i for i in ids if i != b.id)
    labels = {i: option_label(a) for i, a in by_id.items()}  # worked out now, not when the box asks
    left, right = st.columns(2)
    left.selectbox(t("ws_compare_first"), ids, format_func=labels.__getitem__, key=ws.COMPARE_A)
    right.selectbox(t("ws_compare_second"), ids, format_func=labels.__getitem__, key=ws.COMPARE_B)
    return by_id[ss[ws.COMPARE_A]], by_id[ss[ws.COMPARE_B]]


def compare_page() -> None:
    """Pick two assessments; see what changed in the answers, the scores and the findings."""
    db = access.require()
    st.title(t("nav_compare"))
    msg.show_flash()
    lang = state.lang()
    with msg.store_errors():
        rows = repo.list_assessments(db, include_archived=True)
        if len(rows) < 2:
            st.info(md(t("ws_compare_need_two")))
            return
        st.caption(md(t("ws_compare_intro")))
        first, second = _pickers(rows)
        if first.id == second.id:
            st.info(md(t("ws_compare_same")))
            return

        differences = repo.answer_differences(db, first.id, second.id)
        st.subheader(t("ws_compare_answers", n=len(differences)), anchor=False)
        if differences:
            st.markdown(answers_table(differences, lang))
        else:
            st.caption(md(t("ws_compare_no_answer_change")))

        st.subheader(t("ws_compare_scores"), anchor=False)
        st.caption(md(t("ws_compare_dates", a=first.law_as_of.isoformat(), b=second.law_as_of.isoformat())))
        result_a = assess_answers(first.answer_set(), rank_remedies=False, law=state.law())
        result_b = assess_answers(second.answer_set(), rank_remedies=False, law=state.law())
        if isinstance(result_a, Incomplete) or isinstance(result_b, Incomplete):
            for name, result in (("A", result_a), ("B", result_b)):
                if isinstance(result, Incomplete):
                    st.info(md(t("ws_compare_incomplete", which=name, n=result.count)), icon=":material/pending_actions:")
            return
        table, chart = st.columns([3, 2], gap="large")
        table.markdown(score_table(result_a, result_b, lang))
        names = (f"A · {first.law_as_of.isoformat()}", f"B · {second.law_as_of.isoformat()}")
        charts.draw(charts.bars_svg(result_a, result_b, names, lang, t("ws_compare_chart")), "ws_compare_chart", chart)
        st.subheader(t("ws_compare_findings"), anchor=False)
        _findings(result_a, result_b, lang)


# -- snapshots ------------------------------------------------------------------------------------------------

NOW = 0  # the snapshot picker's "the answers now"


def _keys(assessment_id: int) -> dict[str, str]:
    return {name: f"ws_{name}__{assessment_id}" for name in ("snapshot_name", "snapshot_a", "snapshot_b")}


def _take(target: repo.AssessmentRef) -> None:
    ss, keys = st.session_state, _keys(target.id)

    def write() -> str:
        taken = repo.take_snapshot(ws.engine(), target, ss.get(keys["snapshot_name"]) or "", author=ws.author())
        ss[keys["snapshot_name"]] = ""
        return t("ws_snapshot_taken", name=taken.name)

    msg.act(write)


def _delete(snapshot_id: int, name: str) -> None:
    def write() -> str:
        repo.delete_snapshot(ws.engine(), snapshot_id)
        return t("ws_snapshot_deleted", name=name)

    msg.act(write)


def _scores_of(saved: repo.SavedAssessment, answers: dict[str, Any]) -> Assessment | Incomplete:
    answer_set = AnswerSet(answers, saved.company, saved.lang, saved.law_as_of)
    return assess_answers(answer_set, rank_remedies=False, law=state.law())


def snapshots_section(db: Engine, saved: repo.SavedAssessment) -> None:
    """Take a named snapshot of the answers; list the snapshots; compare two of them, or one with now."""
    lang = state.lang()
    keys = _keys(saved.id)
    st.subheader(t("ws_snapshots_title"), anchor=False)
    st.caption(md(t("ws_snapshots_intro")))
    with st.form(f"ws_snapshot_form__{saved.id}", border=True):
        st.text_input(
            t("ws_snapshot_name"), key=keys["snapshot_name"], max_chars=repo.NAME_MAX, placeholder=t("ws_snapshot_placeholder")
        )
        st.form_submit_button(
            t("ws_snapshot_take"),
            key="ws_snapshot_take",
            on_click=_take,
            args=(saved.ref,),
            icon=":material/photo_camera:",
            disabled=ws.read_only(),
        )
    snapshots = repo.list_snapshots(db, saved.id)
    if not snapshots:
        st.caption(md(t("ws_snapshots_none")))
        return
    for snap in snapshots:
        with st.container(border=True, key=f"ws_snapshot__{snap.id}"):
            text, button = st.columns([5, 1], vertical_alignment="center")
            text.text(snap.name)
            text.caption(
                md(t("ws_snapshot_line", version=snap.version, who=snap.author or t("ws_unnamed"), when=when(snap.created_at)))
            )
            button.button(
                t("ws_snapshot_delete"),
                key=f"ws_snapshot_delete__{snap.id}",
                on_click=_delete,
                args=(snap.id, snap.name),
                icon=":material/delete:",
                disabled=ws.read_only(),
            )

    by_id = {s.id: s for s in snapshots}
    labels = {NOW: t("ws_snapshot_now", version=saved.version), **{s.id: f"{s.name} (v{s.version})" for s in snapshots}}
    ss = st.session_state
    if ss.get(keys["snapshot_a"]) not in labels:
        ss[keys["snapshot_a"]] = snapshots[0].id
    if ss.get(keys["snapshot_b"]) not in labels:
        ss[keys["snapshot_b"]] = NOW
    left, right = st.columns(2)
    a = left.selectbox(t("ws_compare_first"), list(labels), format_func=labels.__getitem__, key=keys["snapshot_a"])
    b = right.selectbox(t("ws_compare_second"), list(labels), format_func=labels.__getitem__, key=keys["snapshot_b"])
    answers_a = by_id[a].answers if a != NOW else saved.answers
    answers_b = by_id[b].answers if b != NOW else saved.answers
    differences = repo.differences(answers_a, answers_b)
    st.markdown(f"**{md(t('ws_compare_answers', n=len(differences)))}**")
    if differences:
        st.markdown(answers_table(differences, lang))
    else:
        st.caption(md(t("ws_compare_no_answer_change")))
    result_a, result_b = _scores_of(saved, answers_a), _scores_of(saved, answers_b)
    if isinstance(result_a, Assessment) and isinstance(result_b, Assessment):
        st.markdown(score_table(result_a, result_b, lang))
