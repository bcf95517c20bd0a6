"""The Assessment page: one stored assessment's status, scores and progress, its report (PDF, Word, Markdown)
and workbook with the appendices chosen, its sign-off, action plan (own actions too), evidence files, history
and snapshots, notes, duplicate and delete."""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

import streamlit as st
from sqlalchemy.engine import Engine

from deliverable.actions import ACTION_STATUSES, NOT_DOING, projected, status_label
from deliverable.branding import Branding
from questions.locales import LOCALE_NAMES, LOCALES
from questions.strings import tr
from report.content import drift_view
from report.formats import ExportFormat, downloads, export_format, file_name
from scoring.assessment import Assessment, RemedyEffect
from scoring.axes import AXES
from scoring.engine import Incomplete, assess_answers
from store import repo
from store.access import allowed as access_allowed
from store.actions import FIELDS as ACTION_FIELDS
from ui import nav, state
from ui.present import LEVEL_BADGES, level_label, md
from ui.transfer_card import transfer_card
from ui.workspace import access, compare, evidence, forms, history
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t


def _keys(assessment_id: int) -> dict[str, str]:
    """Widget keys of one assessment's forms (per id, so that another assessment starts from its own values)."""
    return {
        name: f"ws_{name}__{assessment_id}"
        for name in (
            "edit_title",
            "edit_date",
            "edit_lang",
            "edit_company",
            "edit_summary",
            "edit_scope",
            "dup_title",
            "dup_date",
            "delete_confirm",
        )
    }


# -- callbacks -----------------------------------------------------------------------------------------


# Each callback gets the assessment as the screen showed it (its id, client and version): a write names
# them, so that a change made meanwhile by someone else is refused instead of overwritten.


def _set_status(shown: repo.AssessmentRef, version: int, status: str) -> None:
    def write() -> str:
        saved = repo.set_status(ws.engine(), shown, status, expected_version=version, author=ws.author())  # type: ignore[arg-type]
        wl.refresh_if_open(shown.id)
        return t("ws_status_changed", status=ws.status_label(saved.status))

    msg.act(write)


DETAIL_FIELDS = {
    "title": "edit_title",
    "company": "edit_company",
    "law_as_of": "edit_date",
    "lang": "edit_lang",
    "summary": "edit_summary",
    "scope": "edit_scope",
}


def _details_values(saved: repo.SavedAssessment) -> dict[str, Any]:
    return {
        "title": saved.title,
        "company": saved.company,
        "law_as_of": saved.law_as_of,
        "lang": saved.lang,
        "summary": saved.summary,
        "scope": saved.scope,
    }


def _details_form(assessment_id: int) -> forms.Form:
    """The Edit tab's details (title, company, law date, report language) as a versioned form."""
    keys = _keys(assessment_id)

    def read(after: int) -> forms.Stored:
        db = ws.engine()
        saved = repo.get_assessment(db, assessment_id)
        rows = [(c.question_id, c.version, c.author, c.changed_at) for c in repo.history(db, assessment_id) if c.kind == "detail"]
        return forms.Stored(_details_values(saved), saved.version, forms.latest_changes(rows, after))

    def words(name: str, value: Any) -> str:
        if value in (None, ""):
            return t("ws_detail_empty")
        if name == "lang":
            return LOCALE_NAMES.get(value, str(value))
        return value.isoformat() if name == "law_as_of" else str(value)

    return forms.Form(
        f"details__{assessment_id}", {f: keys[k] for f, k in DETAIL_FIELDS.items()}, read, history.detail_name, words
    )


def _save_details(shown: repo.AssessmentRef, version: int) -> None:
    form = _details_form(shown.id)
    mine = forms.current(form)
    expected = forms.based_on(form, version)

    def write() -> str:
        saved = repo.update_assessment(
            ws.engine(),
            shown,
            expected_version=expected,
            author=ws.author(),
            title=mine["title"] or "",
            law_as_of=mine["law_as_of"],
            lang=mine["lang"],
            company=mine["company"] or "",
            summary=mine["summary"] or "",
            scope=mine["scope"] or "",
        )
        forms.saved(form, _details_values(saved), saved.version)
        if wl.is_open(shown.id):
            wl.reload()
        return t("ws_details_saved", title=saved.title)

    msg.act(write, forms.refused(form, mine))


def _duplicate(shown: repo.AssessmentRef) -> None:
    ss, keys = st.session_state, _keys(shown.id)

    def write() -> str:
        copy = repo.duplicate_assessment(ws.engine(), shown, ss.get(keys["dup_title"]) or "", law_as_of=ss.get(keys["dup_date"]))
        ss[ws.SELECTED] = copy.id
        ss[ws.COMPARE_A], ss[ws.COMPARE_B] = shown.id, copy.id  # the Compare page opens on the pair
        return t("ws_duplicated", title=copy.title)

    msg.act(write)


def _delete(shown: repo.AssessmentRef, version: int, title: str) -> None:
    ss, keys = st.session_state, _keys(shown.id)
    if (ss.get(keys["delete_confirm"]) or "").strip() != title:
        msg.flash("error", t("ws_confirm_mismatch"))
        return

    def write() -> str:
        deleted = repo.delete_assessment(ws.engine(), shown, expected_version=version)
        if wl.is_open(shown.id):
            wl.close()
        for key in (ws.SELECTED, keys["delete_confirm"]):
            ss.pop(key, None)
        if not deleted.complete:
            msg.flash("warning", t("ws_delete_residue"))
        return t("ws_assessment_deleted", title=title)

    msg.act(write)


def report_file(
    saved: repo.SavedAssessment,
    branding: Branding | None,
    fmt: ExportFormat,
    *,
    compare_with: int | Literal["article"] | None = None,
    projected: bool = False,
    trace: bool = False,
    history: bool = False,
    template: str = "report",
) -> bytes:
    """A report (or the workbook) of a stored assessment, in its own language, with its notes, workshop and
    actions and evidence files, the consultancy's branding, and the appendices chosen (see `repo.report_inputs`);
    `template` "pipia" makes its impact assessment instead (report/formats.py TEMPLATES), branded alike."""
    got = repo.report_inputs(
        ws.engine(), saved.id, compare_with=compare_with, projected=projected, trace=trace, history=history, law=state.law()
    )
    return fmt.build(got.assessment, got.answer_set, branding, law=state.law(), extras=got.extras, template=template)


def report_pdf(saved: repo.SavedAssessment, branding: Branding | None) -> bytes:
    """The PDF report of a stored assessment (see `report_file`)."""
    return report_file(saved, branding, export_format("pdf"))


def _reload_open() -> None:
    msg.act(lambda: wl.reload())


# -- screen --------------------------------------------------------------------------------------------


def _header(saved: repo.SavedAssessment) -> None:
    st.subheader(md(saved.title), anchor=False)
    st.text(saved.client_name)
    st.caption(
        md(
            t(
                "ws_assessment_meta",
                status=ws.status_label(saved.status),
                date=saved.law_as_of.isoformat(),
                language=LOCALE_NAMES.get(saved.lang, saved.lang),
                version=saved.version,
                bank=saved.bank_version,
                updated=history.when(saved.updated_at),
            )
        )
    )
    if saved.company and saved.company != saved.client_name:  # a new assessment takes its client's name
        st.text(saved.company)
    opened = st.session_state.get(wl.OPEN)
    if opened and opened["id"] == saved.id and opened["version"] != saved.version:
        st.warning(md(t("ws_stale", mine=opened["version"], stored=saved.version)), icon=":material/sync_problem:")
        st.button(t("ws_reload"), key="ws_reload_stale", on_click=_reload_open, icon=":material/refresh:")


def _actions(saved: repo.SavedAssessment) -> None:
    open_col, workshop_col, status_col, archive_col = st.columns(4)
    if open_col.button(
        t("ws_open"),
        key="ws_open_here",
        type="primary",
        icon=":material/edit:",
        width="stretch",
        help=t("ws_open_help"),
        disabled=ws.read_only(),
    ):
        wl.open_assessment(saved.id)
        nav.go("assess")
    if workshop_col.button(t("ws_workshop"), key="ws_workshop_here", icon=":material/groups:", width="stretch", wrap=True):
        st.session_state[ws.SELECTED] = saved.id
        nav.go("workshop")
    # Each column holds one button, whose label and target status depend on the current status.
    if saved.status == "draft":
        status_choice = (t("ws_mark_final"), "ws_mark_final", "final", ":material/task_alt:")
    else:
        status_choice = (t("ws_reopen"), "ws_reopen", "draft", ":material/edit_note:")
    if saved.status == "archived":
        archive_choice = (t("ws_unarchive"), "ws_unarchive", "final", ":material/unarchive:")
    else:
        archive_choice = (t("ws_archive"), "ws_archive", "archived", ":material/archive:")
    for column, (label, key, target, icon) in ((status_col, status_choice), (archive_col, archive_choice)):
        if saved.signed_off and target == "draft":
            continue  # a signed-off version is not reopened: a new version starts from it (the Sign-off box)
        column.button(
            label,
            key=key,
            on_click=_set_status,
            args=(saved.ref, saved.version, target),
            icon=icon,
            width="stretch",
            wrap=True,
            disabled=ws.read_only(),
        )


def _scores(result: Assessment, actions: list[repo.Action]) -> None:
    """The four scores now and, while actions are tracked, each if every planned action were done."""
    lang = state.lang()
    then = projected(result, repo.action_inputs(actions), state.law()) if any(a.status != NOT_DOING for a in actions) else None
    for column, axis in zip(st.columns(len(AXES)), AXES, strict=True):
        r = result.axes[axis.key]
        with column.container(border=True, key=f"ws_score__{axis.key}"):
            st.metric(axis.label.get(lang), f"{r.score}/100")
            st.badge(level_label(r.level, lang), color=LEVEL_BADGES[r.level])
            if then is not None:
                done = then.axes[axis.key]
                st.caption(md(t("ws_if_done", level=level_label(done.level, lang), score=done.score)))


def _accept_rules(shown: repo.AssessmentRef, version: int) -> None:
    def write() -> str:
        saved = repo.get_assessment(ws.engine(), shown.id)
        result = assess_answers(saved.answer_set(), law=state.law())
        if not isinstance(result, Incomplete):
            repo.record_scored(ws.engine(), shown, version, result, replace=True)
        return t("ws_rules_accepted", rules=state.law().method.rules_version)

    msg.act(write)


def _rules_changed(db: Engine, saved: repo.SavedAssessment, result: Assessment) -> None:
    """Keep the result of this version of the answers (a new sitting is scored under the rules in force), and
    when the law data changed since it was kept, say what moved under the current rules and why."""
    if access_allowed(db, "edit"):
        repo.record_scored(db, saved.ref, saved.version, result)
    kept = repo.saved_result(db, saved.id, saved.version)
    if kept is None:
        return
    lang = state.lang()
    drift = drift_view(kept, result, {a.key: a.label.get(lang) for a in AXES}, lang)
    if drift is None:
        return
    with st.container(border=True, key="ws_rules_changed"):
        st.markdown(f"**{md(tr('report', 'sec_drift', lang))}**")
        st.warning(md(drift.heading), icon=":material/gavel:")
        lines = []
        for a in drift.axes:
            lines.append(f"- {md(tr('report', 'drift_axis_line', lang, axis=a.label, before=a.before, now=a.now))}")
            lines += [f"  - {md(x)}" for x in a.because]
        if drift.unchanged:
            lines.append(f"- {md(drift.unchanged)}")
        st.markdown("\n".join(lines))
        for key, titles in (("drift_new", drift.new), ("drift_gone", drift.gone)):
            if titles:
                st.markdown(f"**{md(tr('report', key, lang))}**")
                st.markdown("\n".join(f"- {md(x)}" for x in titles))
        if access_allowed(db, "edit"):
            st.button(
                t("ws_rules_accept"),
                key="ws_rules_accept",
                on_click=_accept_rules,
                args=(saved.ref, saved.version),
                help=t("ws_rules_accept_help"),
                icon=":material/done_all:",
            )


NO_COMPARISON = "none"  # the comparison picker's "no comparison"


def _report_keys(assessment_id: int) -> dict[str, str]:
    return {name: f"ws_report_{name}__{assessment_id}" for name in ("compare", "projected", "trace", "history")}


def _downloads(db: Engine, saved: repo.SavedAssessment) -> None:
    """The report in every export format (the workbook among them), with the optional appendices chosen here."""
    keys = _report_keys(saved.id)
    article = state.law().method.article_date
    others = [a for a in repo.list_assessments(db, saved.client_id, include_archived=True) if a.id != saved.id]
    choices: dict[Any, str] = {
        NO_COMPARISON: t("ws_report_compare_none"),
        repo.ARTICLE: t("ws_report_compare_article", date=article.isoformat()),
        **{a.id: compare.option_label(a) for a in others},
    }
    with st.container(border=True, key="ws_report_box"):
        st.markdown(f"**{md(t('ws_report_title'))}**")
        left, right = st.columns([3, 2])
        left.selectbox(t("ws_report_compare"), list(choices), format_func=choices.__getitem__, key=keys["compare"])
        right.checkbox(t("ws_report_projected"), key=keys["projected"])
        right.checkbox(t("ws_report_trace"), key=keys["trace"], help=t("ws_report_trace_help"))
        right.checkbox(t("ws_report_history"), key=keys["history"], help=t("ws_report_history_help"))
        ss = st.session_state
        chosen = ss.get(keys["compare"])
        options: dict[str, Any] = {  # report_file's keyword arguments
            "compare_with": None if chosen == NO_COMPARISON else chosen,
            "projected": bool(ss.get(keys["projected"])),
            "trace": bool(ss.get(keys["trace"])),
            "history": bool(ss.get(keys["history"])),
        }
        branding = repo.get_branding(db)
        parts = (saved.client_name, saved.title)
        width = max(len(offered) for _, offered in downloads(workspace=True))
        for template, offered in downloads(workspace=True):  # the report (and the workbook), then the PIPIA
            named = parts if template.is_default else (*parts, template.key)
            for column, (fmt, label) in zip(st.columns(width), offered, strict=False):
                column.download_button(
                    t(label),
                    data=partial(report_file, saved, branding, fmt, **options, template=template.key),  # built when clicked
                    file_name=file_name(fmt, saved.law_as_of, saved.lang, *named),
                    mime=fmt.mime,
                    key=label,
                    on_click="ignore",
                    icon=fmt.icon,
                    width="stretch",
                )
        if branding and branding.name:
            st.caption(md(t("ws_pdf_branded", name=branding.name)))


# -- the action plan -------------------------------------------------------------------------------------


def _action_keys(action_id: int) -> dict[str, str]:
    return {name: f"ws_action_{name}__{action_id}" for name in ("owner", "due", "status", "reason", "evidence")}


def _track(target: repo.AssessmentRef, remedy_id: str, title: str) -> None:
    def write() -> str:
        repo.create_action(ws.engine(), target, remedy_id, author=ws.author())
        return t("ws_action_tracked", measure=title)

    msg.act(write)


def _action_values(action: repo.Action) -> dict[str, Any]:
    return {f: getattr(action, f) for f in ACTION_FIELDS}


def _action_form_of(action_id: int) -> forms.Form:
    """One tracked action's owner, due date, status, reason and evidence as a versioned form."""
    lang = state.lang()
    labels = {
        "owner": t("ws_action_owner"),
        "due": t("ws_action_due"),
        "status": t("ws_action_status"),
        "reason": t("ws_action_reason"),
        "evidence": t("ws_action_evidence"),
    }

    def read(after: int) -> forms.Stored:
        db = ws.engine()
        action = repo.get_action(db, action_id)
        rows = [(c.field, c.version, c.author, c.changed_at) for c in repo.action_history(db, action_id)]
        return forms.Stored(_action_values(action), action.version, forms.latest_changes(rows, after))

    def words(name: str, value: Any) -> str:
        if value in (None, ""):
            return t("ws_detail_empty")
        if name == "status":
            return status_label(value, lang)
        return value.isoformat() if name == "due" else str(value)

    return forms.Form(f"action__{action_id}", _action_keys(action_id), read, labels.__getitem__, words)


def _save_action(action_id: int, expected: int, title: str) -> None:
    form = _action_form_of(action_id)
    mine = forms.current(form)
    status = mine["status"]
    changes = {
        "owner": mine["owner"] or "",
        "due": mine["due"],
        "status": status,
        "reason": (mine["reason"] or "") if status == NOT_DOING else "",
        "evidence": mine["evidence"] or "",
    }
    based_on = forms.based_on(form, expected)  # the version the form's values came from, not the one read last

    def write() -> str:
        saved = repo.update_action(ws.engine(), action_id, changes, expected_version=based_on, author=ws.author())
        forms.saved(form, _action_values(saved), saved.version)
        return t("ws_action_saved", measure=title)

    msg.act(write, forms.refused(form, mine))


def _apply_answers(assessment_id: int, action_id: int, expected: int) -> None:
    def write() -> str:
        before = repo.get_assessment(ws.engine(), assessment_id).version
        after = repo.apply_action_answers(ws.engine(), action_id, expected_version=expected, author=ws.author())
        wl.refresh_if_open(assessment_id)
        return t("ws_action_applied") if after != before else t("ws_action_nothing_to_apply")

    msg.act(write)


def _effect(r: RemedyEffect | None) -> str:
    if r is None:
        return t("ws_action_not_ranked")
    if r.lowers_a_score:
        return t("ws_action_lowers", n=r.reduction)
    return t("ws_action_lowers_none")


def _action_form(saved: repo.SavedAssessment, action: repo.Action, title: str) -> None:
    lang = state.lang()
    keys = _action_keys(action.id)
    form = _action_form_of(action.id)
    forms.fill(form, _action_values(action), action.version)
    forms.show_aside(form)
    with st.form(f"ws_action_form__{action.id}", border=False):
        left, middle, right = st.columns([2, 1, 1])
        left.text_input(t("ws_action_owner"), key=keys["owner"], max_chars=repo.NAME_MAX)
        middle.date_input(t("ws_action_due"), value=None, key=keys["due"], format="YYYY-MM-DD")
        right.selectbox(
            t("ws_action_status"), list(ACTION_STATUSES), format_func=lambda s: status_label(s, lang), key=keys["status"]
        )
        st.text_input(t("ws_action_reason"), key=keys["reason"], max_chars=repo.NAME_MAX)
        st.text_area(t("ws_action_evidence"), key=keys["evidence"], max_chars=repo.EVIDENCE_MAX, height=80)
        st.form_submit_button(
            t("ws_save"),
            key=f"ws_action_save__{action.id}",
            on_click=_save_action,
            args=(action.id, action.version, title),
            icon=":material/save:",
            disabled=ws.read_only(),
        )
    st.caption(md(t("ws_action_version", version=action.version, when=history.when(action.updated_at))))


def _offer(saved: repo.SavedAssessment, action: repo.Action) -> None:
    """For a done action whose measure would change answers: say which, and offer to change them."""
    if action.remedy_id is None:
        return  # an own action is no measure of the law: it changes no answer
    changes = repo.answers_done_would_set(action.remedy_id, saved.answers, saved.law_as_of)
    if action.status != "done" or not changes:
        return
    lang = state.lang()
    questions = state.law().bank.questions
    with st.container(border=True, key=f"ws_action_offer__{action.id}"):
        st.markdown(f"**{md(t('ws_action_offer', n=len(changes)))}**")
        st.markdown(
            "\n".join(
                f"- {md(questions[q].text.get(lang))}: {md(history.value_label(questions[q], saved.answers.get(q), lang))}"
                f" → **{md(history.value_label(questions[q], v, lang))}**"
                for q, v in changes.items()
                if q in questions
            )
        )
        editable = saved.status == repo.EDITABLE
        if not editable:
            st.caption(md(t("ws_action_offer_read_only")))
        st.button(
            t("ws_action_apply"),
            key=f"ws_action_apply__{action.id}",
            on_click=_apply_answers,
            args=(saved.id, action.id, wl.expected_version(saved)),
            disabled=not editable or ws.read_only(),
            type="primary",
            icon=":material/published_with_changes:",
        )


def _measure(saved: repo.SavedAssessment, remedy_id: str, title: str, r: RemedyEffect | None, action: repo.Action | None) -> None:
    with st.container(border=True, key=f"ws_measure__{remedy_id}"):
        st.markdown(f"**{md(title)}**")
        st.caption(md(_effect(r)))
        if action is None:
            st.button(
                t("ws_action_track"),
                key=f"ws_action_track__{remedy_id}",
                on_click=_track,
                args=(saved.ref, remedy_id, title),
                icon=":material/add_task:",
                disabled=ws.read_only(),
            )
            return
        _action_form(saved, action, title)
        _offer(saved, action)


def _progress(result: Assessment, actions: list[repo.Action]) -> None:
    lang = state.lang()
    counted = [a for a in actions if a.status != NOT_DOING]
    if not counted:
        return
    then = projected(result, repo.action_inputs(counted), state.law())
    lines = [f"| {md(t('axis'))} | {md(t('ws_progress_now'))} | {md(t('ws_progress_done'))} |", "|---|---|---|"]
    for axis in AXES:
        now, done = result.axes[axis.key], then.axes[axis.key]
        lines.append(
            f"| {md(axis.label.get(lang))} | {md(level_label(now.level, lang))} {now.score} | {md(level_label(done.level, lang))} {done.score} |"
        )
    st.markdown(f"**{md(t('ws_progress_title'))}**")
    st.caption(md(t("ws_progress_intro", n=len(counted))))
    st.markdown("\n".join(lines))


def _action_plan(saved: repo.SavedAssessment, result: Assessment | Incomplete, actions: list[repo.Action]) -> None:
    if isinstance(result, Incomplete):
        st.info(md(t("ws_incomplete", n=result.count)), icon=":material/pending_actions:")
        return
    lang = state.lang()
    law = state.law()
    st.caption(md(t("ws_actions_intro")))
    _progress(result, actions)
    by_remedy = {a.remedy_id: a for a in actions if a.remedy_id is not None}
    if not result.remedies:
        st.caption(md(t("ws_actions_none")))
    for r in result.remedies:
        _measure(saved, r.remedy, r.title.get(lang), r, by_remedy.pop(r.remedy, None))
    if by_remedy:
        st.markdown(f"**{md(t('ws_actions_other'))}**")
        for remedy_id, action in by_remedy.items():
            title = law.remedies[remedy_id].title.get(lang) if remedy_id in law.remedies else remedy_id
            _measure(saved, remedy_id, title, None, action)
    own = [a for a in actions if a.own]
    if own:
        st.markdown(f"**{md(t('ws_own_actions'))}**")
    for action in own:
        with st.container(border=True, key=f"ws_own_action__{action.id}"):
            st.markdown(f"**{md(action.title)}**")
            _action_form(saved, action, action.title)
    evidence.own_actions_section(ws.engine(), saved)


def _notes(db: Engine, saved: repo.SavedAssessment) -> None:
    notes = repo.get_notes(db, saved.id)
    if not notes:
        st.caption(md(t("ws_notes_none")))
        return
    lang = state.lang()
    questions = state.law().bank.questions
    for qid, note in notes.items():
        q = questions.get(qid)
        with st.container(border=True, key=f"ws_note_card__{qid}"):
            st.markdown(f"**{md(q.text.get(lang) if q else qid)}**")
            st.text(note.text)
            st.caption(md(t("ws_note_line", who=note.author or t("ws_unnamed"), when=history.when(note.updated_at))))


def _edit(saved: repo.SavedAssessment) -> None:
    keys = _keys(saved.id)
    form = _details_form(saved.id)
    forms.fill(form, _details_values(saved), saved.version)
    forms.show_aside(form)
    with st.form(f"ws_edit_form__{saved.id}", border=True):
        st.markdown(f"**{md(t('ws_edit_details'))}**")
        st.text_input(t("ws_title_label"), key=keys["edit_title"], max_chars=repo.NAME_MAX)
        st.text_input(t("company_label"), key=keys["edit_company"], max_chars=repo.NAME_MAX)
        left, right = st.columns(2)
        left.date_input(t("law_as_of"), value=None, key=keys["edit_date"], format="YYYY-MM-DD")
        right.selectbox(t("ws_report_lang"), list(LOCALES), format_func=LOCALE_NAMES.__getitem__, key=keys["edit_lang"])
        # The consultant's own words for the report: printed as typed (escaped by each format's writer).
        st.text_area(t("ws_summary_label"), key=keys["edit_summary"], max_chars=repo.NOTE_MAX, height=140)
        st.text_area(t("ws_scope_label"), key=keys["edit_scope"], max_chars=repo.NOTE_MAX, height=100)
        st.form_submit_button(
            t("ws_save"),
            key="ws_save_details",
            on_click=_save_details,
            args=(saved.ref, saved.version),
            icon=":material/save:",
            disabled=ws.read_only(),
        )

    with st.form(f"ws_duplicate_form__{saved.id}", border=True):
        st.markdown(f"**{md(t('ws_duplicate_title'))}**")
        st.caption(md(t("ws_duplicate_intro")))
        default = t("ws_copy_of", title=saved.title)[: repo.NAME_MAX]
        st.text_input(t("ws_title_label"), value=default, key=keys["dup_title"], max_chars=repo.NAME_MAX)
        st.date_input(t("law_as_of"), value=state.today(), key=keys["dup_date"], format="YYYY-MM-DD")
        st.form_submit_button(
            t("ws_duplicate"),
            key="ws_duplicate",
            on_click=_duplicate,
            args=(saved.ref,),
            icon=":material/content_copy:",
            disabled=ws.read_only(),
        )

    with st.container(border=True, key="ws_delete_box"):
        st.markdown(f"**{md(t('ws_delete_assessment_title'))}**")
        st.warning(md(t("ws_delete_assessment_warning")), icon=":material/delete_forever:")
        st.text_input(t("ws_type_title_to_confirm"), key=keys["delete_confirm"], max_chars=repo.NAME_MAX)
        typed = (st.session_state.get(keys["delete_confirm"]) or "").strip()
        st.button(
            t("ws_delete_assessment"),
            key="ws_delete_assessment",
            on_click=_delete,
            args=(saved.ref, saved.version, saved.title),
            disabled=typed != saved.title or ws.read_only(),
            icon=":material/delete:",
        )


def assessment_page() -> None:
    """The chosen assessment (or the one open in the questionnaire), with everything a consultant does to it."""
    db = access.require()
    st.title(t("nav_assessment"))
    msg.show_flash()
    wl.show_conflict()
    with msg.store_errors():
        saved = access.chosen_assessment(db)
        if saved is None:
            return
        _header(saved)
        _actions(saved)
        result = assess_answers(saved.answer_set(), law=state.law())
        actions = repo.list_actions(db, saved.id)
        if isinstance(result, Incomplete):
            st.info(md(t("ws_incomplete", n=result.count)), icon=":material/pending_actions:")
        else:
            _scores(result, actions)
            transfer_card(result.transfer_route, state.law(), state.lang(), key="ws_transfer_route")
            _rules_changed(db, saved, result)
            _downloads(db, saved)
        evidence.signoff_section(db, saved)
        plan_tab, evidence_tab, history_tab, notes_tab, edit_tab = st.tabs(
            [t("ws_tab_actions"), t("ws_tab_evidence"), t("ws_tab_history"), t("ws_tab_notes"), t("ws_tab_edit")]
        )
        with plan_tab:
            _action_plan(saved, result, actions)
        with evidence_tab:
            evidence.evidence_section(db, saved, actions)
        with history_tab:
            history.history_section(db, saved)
            evidence.action_history_section(db, actions)
            compare.snapshots_section(db, saved)
        with notes_tab:
            _notes(db, saved)
        with edit_tab:
            _edit(saved)
