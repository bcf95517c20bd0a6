"""The Workshop page: respondents invited to answer on their own phones, the consultant's live view of
their answers (refreshing itself) with disagreements and a suggested agreed answer, and, for a projector,
one question at a time with each respondent's answer and the agreed answer.

Three tabs: "Live" (who started and who finished, per question the answers, any disagreement, the
suggestion and its rule, set in one click; closing the workshop), "Question by question" (the
projector's view), and "Respondents and links" (inviting people: a personal link and its QR code, drawn
here with segno; a new link, or revoking one). A link's token is shown once, in this session only: the
database keeps only its hash.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy.engine import Engine

from questions.answers import answer_key, answer_words, disagree
from questions.conditions import Visibility
from questions.model import UNKNOWN, Question
from report.formats import file_stem
from scoring.axes import AXES
from scoring.consensus import Suggestion, suggest
from scoring.engine import Incomplete, assess_answers, visibility
from scoring.plan import citation
from store import repo
from ui import charts, local_time, nav, state
from ui.local_time import local_date
from ui.present import LEVEL_BADGES, level_label, md, progress, section_status
from ui.widgets import option_names
from ui.workspace import access, forms
from ui.workspace import link as wl
from ui.workspace import messages as msg
from ui.workspace import session as ws
from ui.workspace.session import t

CURRENT = "ws_workshop_q"  # the question on screen, by id (so that branches opening do not shift it)
JUMP = "ws_workshop_jump"
RESPONDENT_NAME, RESPONDENT_ROLE = "ws_respondent_name", "ws_respondent_role"
RESPONDENT_SECTIONS, RESPONDENT_DAYS = "ws_respondent_sections", "ws_respondent_days"
LINKS = "ws_links"  # {respondent id: (token, expiry date)}: links made in this session, shown until hidden or locked
ONLY_DISPUTES = "ws_live_only_disputes"
TAB = "ws_workshop_tab"  # the tab on screen
LIVE_READ = "ws_live_read"  # (assessment id, version, when, what was read): the live view's last full read
LIVE_REREAD_SECONDS = 60.0  # read in full at least this often anyway: a link's expiry changes nothing in the database
LIVE_SECONDS = 3  # how often the live view reads the database again
PUBLIC_URL_ENV = "PIRISK_PUBLIC_URL"  # the address respondents reach the app at (docs/team.md)


def respondent_widget_key(respondent_id: int, qid: str) -> str:
    return f"ws_resp__{respondent_id}__{qid}"


def agreed_widget_key(qid: str) -> str:
    return f"ws_agreed__{qid}"


# -- answers as widgets ---------------------------------------------------------------------------------


def _answer_input(
    q: Question, key: str, value: Any, label: str, lang: str, *, on_change: Any, args: tuple, disabled: bool
) -> None:
    """A question's answer as one widget (radio, or a multiselect for tick-lists), seeded from `value`."""
    ss = st.session_state
    names = option_names(q, lang)
    if q.type == "multi":
        options: list[Any] = [c.id for c in q.choices] + ([UNKNOWN] if q.unknown else [])
        ss[key] = [UNKNOWN] if value == UNKNOWN else [v for v in value if v in options] if isinstance(value, list) else []
        st.multiselect(
            label,
            options,
            format_func=names.__getitem__,
            key=key,
            on_change=on_change,
            args=args,
            disabled=disabled,
            label_visibility="collapsed",
            placeholder=t("ws_choose"),
        )
        return
    options = [True, False] if q.type == "yes_no" else [c.id for c in q.choices]
    if q.unknown:
        options.append(UNKNOWN)
    ss[key] = value if not isinstance(value, list) and value in options else None
    st.radio(
        label,
        options,
        index=None,
        format_func=names.__getitem__,
        key=key,
        on_change=on_change,
        args=args,
        disabled=disabled,
        horizontal=True,
        label_visibility="collapsed",
    )


def widget_answer(q: Question, key: str) -> Any:
    """The answer a widget holds: None when empty; "I don't know" wins over ticks picked with it."""
    value = st.session_state.get(key)
    if q.type != "multi":
        return value
    if not value:
        return None
    if UNKNOWN in value:
        return UNKNOWN
    return [c.id for c in q.choices if c.id in value]


# -- callbacks ---------------------------------------------------------------------------------------------


def _go_to(qid: str) -> None:
    st.session_state[CURRENT] = qid


def _jump() -> None:
    qid = st.session_state.get(JUMP)
    if qid:
        st.session_state[CURRENT] = qid


def _set_respondent(respondent: repo.Respondent, qid: str) -> None:
    q = state.law().bank.questions[qid]
    value = widget_answer(q, respondent_widget_key(respondent.id, qid))

    def write() -> None:
        repo.set_respondent_answer(ws.engine(), respondent, qid, value, expected_version=respondent.version)

    msg.act(write)


def agreed_form(shown: repo.AssessmentRef, qid: str) -> forms.Form:
    """The agreed answer to one question as a versioned form; "Use mine" sets it here, from the workshop."""

    def apply(_: str, value: Any) -> None:
        _write_agreed(shown, qid, value, forms.based_on(agreed_form(shown, qid), 0), None)

    return wl.answer_form(shown, qid, apply)


def _source(assessment_id: int, questions: Any) -> dict[str, Any]:
    """Where agreed answers come from, for their history rows: each question's respondents' answers now."""
    given = repo.workshop_answers(ws.engine(), assessment_id)
    return {qid: {"workshop": dict(given[qid])} for qid in questions if given.get(qid)}


def _write_agreed(shown: repo.AssessmentRef, qid: str, value: Any, expected: int, shown_value: Any) -> None:
    """Make `value` the agreed answer on top of `expected`, its history saying it came from the workshop with
    the respondents' answers; if refused, keep it for Reload beside what was shown."""
    form = agreed_form(shown, qid)

    def write() -> None:
        db = ws.engine()
        repo.set_answer(db, shown, qid, value, expected_version=expected, author=ws.author(), source=_source(shown.id, [qid]))
        wl.refresh_if_open(shown.id)

    msg.act(write, forms.refused(form, {"value": value}, base={"value": shown_value}, version=expected))


def _set_agreed(shown: repo.AssessmentRef, qid: str, expected: int, shown_value: Any) -> None:
    q = state.law().bank.questions[qid]
    _write_agreed(shown, qid, widget_answer(q, agreed_widget_key(qid)), expected, shown_value)


def _days() -> int:
    days = st.session_state.get(RESPONDENT_DAYS)
    return int(days) if isinstance(days, int | float) and not isinstance(days, bool) else repo.DEFAULT_DAYS


def _keep_link(invited: repo.Invited) -> None:
    st.session_state.setdefault(LINKS, {})[invited.respondent.id] = (invited.token, local_date(invited.expires_at).isoformat())


def _add_respondent(shown: repo.AssessmentRef) -> None:
    """Add a respondent with their personal link (shown on the Respondents and links tab)."""
    ss = st.session_state
    name, role = ss.get(RESPONDENT_NAME) or "", ss.get(RESPONDENT_ROLE) or ""
    sections = ss.get(RESPONDENT_SECTIONS) or None

    def write() -> str:
        invited = repo.invite(ws.engine(), shown, name, role, sections, days=_days(), author=ws.author())
        _keep_link(invited)
        ss[RESPONDENT_NAME], ss[RESPONDENT_ROLE], ss[RESPONDENT_SECTIONS] = "", "", []
        return t("ws_respondent_added", name=invited.respondent.name)

    msg.act(write)


def _new_link(respondent: repo.Respondent) -> None:
    def write() -> str:
        invited = repo.make_link(ws.engine(), respondent, days=_days(), author=ws.author())
        _keep_link(invited)
        return t("ws_link_made", name=invited.respondent.name)

    msg.act(write)


def _revoke(respondent: repo.Respondent) -> None:
    def write() -> str:
        repo.revoke_links(ws.engine(), respondent)
        st.session_state.get(LINKS, {}).pop(respondent.id, None)
        return t("ws_link_revoked", name=respondent.name)

    msg.act(write)


def _hide_link(respondent_id: int) -> None:
    st.session_state.get(LINKS, {}).pop(respondent_id, None)


def _set_closed(shown: repo.AssessmentRef, closed: bool) -> None:
    def write() -> str:
        if closed:
            repo.close_workshop(ws.engine(), shown, author=ws.author())
            return t("ws_workshop_closed_now")
        repo.reopen_workshop(ws.engine(), shown, author=ws.author())
        return t("ws_workshop_reopened_now")

    msg.act(write)


def _use_suggestion(shown: repo.AssessmentRef, qid: str, value: Any, expected: int, shown_value: Any) -> None:
    _write_agreed(shown, qid, value, expected, shown_value)


# -- screen ------------------------------------------------------------------------------------------------


def _question_panel(saved: repo.SavedAssessment, q: Question, section_title: str, lang: str) -> None:
    law = state.law()
    with st.container(key="ws_workshop_question"):
        st.caption(md(section_title))
        st.title(md(q.text.get(lang)), anchor=False)  # the question in the largest type Streamlit has
        st.subheader(t("why_we_ask"), anchor=False)
        st.markdown(md(q.help.get(lang)))
        for aid in q.article:
            try:
                c = citation(law, aid, saved.law_as_of)
            except LookupError:  # an article section not published by the law date: not shown
                continue
            with st.container(border=True):
                st.markdown(f"**{md(c.label(lang))}**")
                st.markdown(md(c.summary.get(lang)))


def _respondents_panel(
    saved: repo.SavedAssessment,
    q: Question,
    respondents: list[repo.Respondent],
    given: dict[str, Any],
    disputed: bool,
    lang: str,
) -> None:
    editable = saved.status == repo.EDITABLE and not ws.read_only()
    st.subheader(t("ws_respondents_answers"), anchor=False)
    if not respondents:
        st.caption(md(t("ws_no_respondents")))
    if disputed:
        with st.container(border=True, key="ws_disagreement"):
            st.error(md(t("ws_disagree")), icon=":material/warning:")
            for r in respondents:
                if r.name in given:
                    st.text(f"{r.name}: {answer_words(q, given[r.name], lang)}")
    with st.container(key="ws_respondents"):
        for r in respondents:
            name_col, answer_col = st.columns([1, 3], vertical_alignment="center")
            with name_col:
                st.text(r.name)
                if r.role:
                    st.caption(md(r.role))
            with answer_col:
                _answer_input(
                    q,
                    respondent_widget_key(r.id, q.id),
                    given.get(r.name),
                    md(r.name),  # a label is Markdown, even a hidden one: a name is text
                    lang,
                    on_change=_set_respondent,
                    args=(r, q.id),  # with the version it was read at
                    disabled=not editable,
                )
    with st.container(border=True, key="ws_agreed_box"):
        st.markdown(f"**{md(t('ws_agreed'))}**")
        forms.show_aside(agreed_form(saved.ref, q.id))
        _answer_input(
            q,
            agreed_widget_key(q.id),
            saved.answers.get(q.id),
            t("ws_agreed"),
            lang,
            on_change=_set_agreed,
            args=(saved.ref, q.id, wl.expected_version(saved), saved.answers.get(q.id)),
            disabled=not editable,
        )
        st.caption(md(t("ws_agreed_help")))


def _live_results(saved: repo.SavedAssessment, lang: str) -> None:
    """Results on the agreed answers so far: partial status until every required answer is in."""
    law = state.law()
    with st.container(border=True, key="ws_live"):
        st.subheader(t("ws_live_title"), anchor=False)
        result = assess_answers(saved.answer_set(), rank_remedies=False, law=law)
        if isinstance(result, Incomplete):
            answered, shown = progress(section_status(law, saved.answers))
            st.progress(answered / shown if shown else 0.0, text=t("ws_live_partial", answered=answered, total=shown))
            st.caption(md(t("ws_live_missing", n=result.count)))
            return
        cells = st.columns(2)
        for i, axis in enumerate(AXES):
            r = result.axes[axis.key]
            with cells[i % 2]:
                st.metric(axis.label.get(lang), f"{r.score}/100")
                st.badge(level_label(r.level, lang), color=LEVEL_BADGES[r.level])
        charts.draw(charts.radar_svg([(t("ws_agreed"), result)], lang, compact=True), "ws_live_radar")


def _add_respondent_form(saved: repo.SavedAssessment, lang: str) -> None:
    sections = {s.id: s.title.get(lang) for s in state.law().bank.sections}
    with st.form("ws_respondent_form", border=True):
        st.markdown(f"**{md(t('ws_add_respondent_title'))}**")
        st.text_input(t("ws_respondent_name_label"), key=RESPONDENT_NAME, max_chars=repo.NAME_MAX)
        st.text_input(
            t("ws_respondent_role_label"), key=RESPONDENT_ROLE, max_chars=repo.NAME_MAX, placeholder=t("ws_role_placeholder")
        )
        st.multiselect(
            t("ws_respondent_sections_label"),
            list(sections),
            format_func=sections.__getitem__,
            key=RESPONDENT_SECTIONS,
            placeholder=t("ws_all_sections"),
            help=t("ws_respondent_sections_help"),
        )
        st.number_input(
            t("ws_respondent_days_label"),
            min_value=1,
            max_value=repo.MAX_DAYS,
            value=repo.DEFAULT_DAYS,
            step=1,
            key=RESPONDENT_DAYS,
            help=t("ws_respondent_days_help"),
        )
        st.form_submit_button(
            t("ws_add_respondent"),
            key="ws_add_respondent",
            on_click=_add_respondent,
            args=(saved.ref,),
            icon=":material/person_add:",
            disabled=ws.read_only(),
        )


def _disputes(disputed: list[str], lang: str) -> None:
    if not disputed:
        return
    questions = state.law().bank.questions
    with st.container(border=True, key="ws_disputes"):
        st.markdown(f"**{md(t('ws_disputes', n=len(disputed)))}**")
        for qid in disputed:
            st.button(questions[qid].text.get(lang), key=f"ws_goto_dispute__{qid}", on_click=_go_to, args=(qid,), type="tertiary")


@st.fragment(run_every=LIVE_SECONDS)
def question_view(assessment_id: int) -> None:
    """The projector's view, read from the database again every few seconds as the live view is, so that
    respondents' answers and disagreements appear here without a reload."""
    if not ws.active():
        st.rerun(scope="app")
    db = ws.engine()
    with msg.store_errors():
        _question_by_question(db, repo.get_assessment(db, assessment_id), state.lang())


def _question_by_question(db: Engine, saved: repo.SavedAssessment, lang: str) -> None:
    law = state.law()
    bank = law.bank
    respondents = repo.list_respondents(db, saved.id)
    answers = repo.workshop_answers(db, saved.id)
    disputed = repo.disagreements(db, saved.id)
    visible = visibility(saved.answers, law)
    order = [q for s in bank.sections for q in s.questions if visible[q.id] != Visibility.HIDDEN]
    section_of = {q.id: s.title.get(lang) for s in bank.sections for q in s.questions}
    ids = [q.id for q in order]
    ss = st.session_state
    current = ss[CURRENT] if ss.get(CURRENT) in ids else ids[0]
    ss[CURRENT] = current
    i = ids.index(current)
    q = bank.questions[current]

    main, side = st.columns([3, 2], gap="large")
    with main:
        back, where, forward = st.columns([1, 3, 1], vertical_alignment="bottom")
        back.button(
            t("ws_prev"),
            key="ws_prev",
            on_click=_go_to,
            args=(ids[i - 1],),
            disabled=i == 0,
            icon=":material/arrow_back:",
            width="stretch",
        )
        ss[JUMP] = current
        where.selectbox(
            t("ws_question_n", n=i + 1, total=len(ids)),
            ids,
            format_func=lambda qid: f"{ids.index(qid) + 1}. {bank.questions[qid].text.get(lang)}",
            key=JUMP,
            on_change=_jump,
        )
        forward.button(
            t("next"),
            key="ws_next",
            on_click=_go_to,
            args=(ids[min(i + 1, len(ids) - 1)],),
            disabled=i == len(ids) - 1,
            icon=":material/arrow_forward:",
            icon_position="right",
            width="stretch",
            wrap=True,
        )
        _question_panel(saved, q, section_of[q.id], lang)
        section_id = next(s.id for s in bank.sections if q.id in {x.id for x in s.questions})
        asked = [r for r in respondents if not r.sections or section_id in r.sections]
        _respondents_panel(saved, q, asked, answers.get(q.id, {}), q.id in disputed, lang)
        if len(asked) < len(respondents):  # the others were not asked this section: no empty answer buttons for them
            names = ", ".join(r.name for r in respondents if r not in asked)
            st.caption(md(t("ws_not_asked", names=names)))
    with side:
        _live_results(saved, lang)
        _disputes(disputed, lang)


# -- inviting respondents: links and QR codes -------------------------------------------------------------


def public_url() -> tuple[str, bool]:
    """The address respondents open the app at, and whether the operator configured it (PIRISK_PUBLIC_URL).
    Behind a reverse proxy the app cannot know its public address; without the setting, the address in
    the consultant's own browser is used."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if configured.startswith(("https://", "http://")):
        return configured, True
    try:
        seen = urlsplit(st.context.url or "")
    except Exception:  # no browser context (tests)
        seen = urlsplit("")
    if seen.scheme in ("http", "https") and seen.netloc:
        return f"{seen.scheme}://{seen.netloc}", False
    return "http://localhost:8501", False


def link_url(token: str) -> str:
    """A respondent's personal link: the token in the query string, which the recommended nginx
    configuration leaves out of its log."""
    return f"{public_url()[0]}/{nav.RESPOND}?{nav.INVITE}={token}"


def qr_svg(url: str) -> str:
    """The link as a QR code, drawn here (segno), as SVG: no service is asked, no file is served."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def _link_box(r: repo.Respondent, token: str, until: str) -> None:
    url = link_url(token)
    with st.container(border=True, key=f"ws_link_box__{r.id}"):
        st.caption(md(t("ws_link_once", date=until)))
        st.code(url, language=None, wrap_lines=True)
        st.image(qr_svg(url), width=200, caption=t("ws_qr_caption"))
        st.button(t("ws_link_hide"), key=f"ws_link_hide__{r.id}", on_click=_hide_link, args=(r.id,), type="tertiary")


def _link_state(p: repo.Progress) -> str:
    if p.link == "active" and p.expires_at is not None:
        return t("ws_link_active", date=local_date(p.expires_at).isoformat())
    return {"none": t("ws_link_none"), "expired": t("ws_link_expired"), "revoked": t("ws_link_revoked_state")}.get(p.link, p.link)


def _new_links_for(respondents: list[repo.Respondent]) -> None:
    def write() -> str:
        for r in respondents:
            _keep_link(repo.make_link(ws.engine(), r, days=_days(), author=ws.author()))
        return t("ws_links_made", n=len(respondents))

    msg.act(write)


def _links_sheet(saved: repo.SavedAssessment, progress: list[repo.Progress], closed: bool, lang: str) -> None:
    """Every respondent's link and QR code on one printable sheet (links are shown once: those made in this
    session), and a way to make links for the others first; which sections nobody is asked."""
    from report.link_sheet import LinkEntry, build_link_sheet  # fpdf2 loads only when a sheet is made

    links = st.session_state.get(LINKS, {})
    respondents = [p.respondent for p in progress]
    nobody = [
        s for s in state.law().bank.sections if respondents and not any(not r.sections or s.id in r.sections for r in respondents)
    ]
    if nobody:
        names = ", ".join(s.title.get(lang) for s in nobody)
        st.warning(md(t("ws_sections_nobody", sections=names)), icon=":material/person_off:")
    if closed:
        st.info(md(t("ws_links_frozen")), icon=":material/lock:")
        return
    without = [r for r in respondents if r.id not in links]
    with_link = [r for r in respondents if r.id in links]
    if without:
        st.caption(md(t("ws_links_sheet_missing", n=len(without))))
        st.button(
            t("ws_links_make_all"),
            key="ws_links_make_all",
            on_click=_new_links_for,
            args=(without,),
            icon=":material/link:",
            disabled=ws.read_only(),
            help=t("ws_links_make_all_help"),
        )
    if with_link:
        entries = [LinkEntry(r.name, r.role, link_url(links[r.id][0]), dt.date.fromisoformat(links[r.id][1])) for r in with_link]
        st.download_button(
            t("ws_links_sheet", n=len(entries)),
            data=lambda: build_link_sheet(saved.client_name, saved.title, entries, lang),
            file_name=file_stem(local_time.today(), lang, saved.client_name, saved.title, "links") + ".pdf",
            mime="application/pdf",
            key="ws_links_sheet",
            on_click="ignore",
            icon=":material/print:",
        )


def _invitations(db: Engine, saved: repo.SavedAssessment, lang: str) -> None:
    base, configured = public_url()
    if not configured:
        st.caption(md(t("ws_public_url_unset", url=base, env=PUBLIC_URL_ENV)))
    titles = {s.id: s.title.get(lang) for s in state.law().bank.sections}
    links = st.session_state.get(LINKS, {})
    closed = repo.get_workshop(db, saved.id).closed
    left, right = st.columns([3, 2], gap="large")
    with left:
        progress = repo.workshop_progress(db, saved.id)
        if not progress:
            st.caption(md(t("ws_no_respondents_yet")))
        _links_sheet(saved, progress, closed, lang)
        for p in progress:
            r = p.respondent
            with st.container(border=True, key=f"ws_invitee__{r.id}"):
                st.text(f"{r.name} — {r.role}" if r.role else r.name)
                asked = ", ".join(titles[s] for s in r.sections if s in titles) if r.sections else t("ws_all_sections")
                st.caption(md(t("ws_asked", sections=asked)))
                st.caption(md(t("ws_link_frozen") if closed and p.link == "active" else _link_state(p)))
                new, revoke = st.columns(2)
                new.button(
                    t("ws_new_link"),
                    key=f"ws_new_link__{r.id}",
                    on_click=_new_link,
                    args=(r,),
                    icon=":material/link:",
                    disabled=ws.read_only(),
                )
                revoke.button(
                    t("ws_revoke_link"),
                    key=f"ws_revoke__{r.id}",
                    on_click=_revoke,
                    args=(r,),
                    disabled=p.link != "active" or ws.read_only(),
                    icon=":material/link_off:",
                )
                if r.id in links:
                    _link_box(r, *links[r.id])
    with right:
        _add_respondent_form(saved, lang)


# -- the live view ------------------------------------------------------------------------------------------


def _status(p: repo.Progress) -> str:
    if p.finished:
        return t("ws_status_submitted")
    if p.started:
        return t("ws_status_answering", n=p.answered)
    return t("ws_status_opened") if p.opened_at is not None else t("ws_status_not_started")


def _rule(s: Suggestion) -> str:
    """The suggestion's rule, in words, with the counts (scoring/consensus.py says what each means)."""
    if s.rule == "cautious":
        return t("ws_rule_cautious", high=s.scores[0][1], low=s.scores[-1][1])
    if s.rule == "majority":
        return t("ws_rule_majority", n=s.counts[0][1], total=s.respondents)
    if s.rule == "tie":
        return t("ws_rule_tie", high=s.scores[0][1], low=s.scores[-1][1])
    if s.rule == "unanimous":
        return t("ws_rule_unanimous", total=s.respondents)
    return t("ws_rule_unscored")


def _counts(q: Question, s: Suggestion, lang: str) -> str:
    """How many respondents gave each answer: "Yes: 2 · No: 1"."""
    return " · ".join(f"{answer_words(q, value, lang)}: {n}" for value, n in s.counts)


def _accept_unanimous(shown: repo.AssessmentRef, values: dict[str, Any], expected: int) -> None:
    def write() -> str:
        repo.set_answers(
            ws.engine(), shown, values, expected_version=expected, author=ws.author(), source=_source(shown.id, values)
        )
        wl.refresh_if_open(shown.id)
        return t("ws_accepted_unanimous", n=len(values))

    msg.act(write)


def _live_question(
    saved: repo.SavedAssessment, qid: str, answers: dict[str, dict[str, Any]], suggestion: Suggestion | None, lang: str
) -> None:
    q = state.law().bank.questions[qid]
    given = answers[qid]
    disputed = disagree(given.values())
    agreed = saved.answers.get(qid)
    editable = saved.status == repo.EDITABLE and not ws.read_only()
    with st.container(border=True, key=f"ws_live_q__{qid}"):
        st.markdown(f"**{md(q.text.get(lang))}**")
        if disputed:
            st.badge(t("ws_live_disagree"), icon=":material/warning:", color="orange")
        for i, (name, value) in enumerate(given.items()):
            text, take = st.columns([5, 1], vertical_alignment="center")
            text.text(f"{name}: {answer_words(q, value, lang)}")
            if editable and value is not None and answer_key(value) != answer_key(agreed):
                take.button(
                    t("ws_take_answer"),
                    key=f"ws_take__{qid}__{i}",
                    on_click=_use_suggestion,
                    args=(saved.ref, qid, value, saved.version, agreed),
                    help=t("ws_take_answer_help"),
                    type="tertiary",
                )
        if suggestion is not None:
            st.markdown(md(t("ws_suggested", answer=answer_words(q, suggestion.value, lang))))
            st.caption(md(_rule(suggestion)))
            if suggestion.rule != "unanimous":
                st.caption(md(t("ws_answers_given", counts=_counts(q, suggestion, lang))))
        st.caption(md(t("ws_agreed_now", answer=answer_words(q, agreed, lang))))
        if suggestion is not None and editable and answer_key(agreed) != answer_key(suggestion.value):
            st.button(
                t("ws_use_suggestion"),
                key=f"ws_use__{qid}",
                on_click=_use_suggestion,
                args=(saved.ref, qid, suggestion.value, saved.version, agreed),
                icon=":material/done:",
            )


def _live_read(db: Engine, assessment_id: int) -> tuple[repo.SavedAssessment, list[repo.Progress], dict[str, dict[str, Any]]]:
    """The assessment, its respondents' progress and answers: read in full only when the workshop's version
    (one small query, repo.workshop_version) changed since this session last read them, or a minute passed."""
    ss = st.session_state
    version = repo.workshop_version(db, assessment_id)
    kept = ss.get(LIVE_READ)
    if kept and kept[:2] == (assessment_id, version) and time.monotonic() - kept[2] < LIVE_REREAD_SECONDS:
        return kept[3]
    read = (
        repo.get_assessment(db, assessment_id),
        repo.workshop_progress(db, assessment_id),
        repo.workshop_answers(db, assessment_id),
    )
    ss[LIVE_READ] = (assessment_id, version, time.monotonic(), read)
    return read


@st.fragment(run_every=LIVE_SECONDS)
def live_view(assessment_id: int) -> None:
    """Who has started and who has finished, and per question what each respondent answered, with any
    disagreement and the suggested agreed answer: read from the database again every few seconds, so
    that answers given on any replica appear here."""
    if not ws.active():  # the session expired or was locked: the whole page runs again, and locks
        st.rerun(scope="app")
    lang = state.lang()
    db = ws.engine()
    with msg.store_errors():
        saved, progress, answers = _live_read(db, assessment_id)
        with st.container(key="ws_live_progress"):
            finished = sum(1 for p in progress if p.finished)
            started = sum(1 for p in progress if p.started)
            st.markdown(md(t("ws_live_counts", started=started, finished=finished, total=len(progress))))
            for p in progress:
                st.text(f"{p.respondent.name}: {_status(p)}")
        suggestions = {qid: suggest(qid, answers, saved.answers, saved.law_as_of, law=state.law()) for qid in answers}
        unanimous = {
            qid: s.value
            for qid, s in suggestions.items()
            if s is not None and s.rule == "unanimous" and answer_key(saved.answers.get(qid)) != answer_key(s.value)
        }
        if unanimous and saved.status == repo.EDITABLE and not ws.read_only():
            st.button(
                t("ws_accept_unanimous", n=len(unanimous)),
                key="ws_accept_unanimous",
                on_click=_accept_unanimous,
                args=(saved.ref, unanimous, saved.version),
                type="primary",
                icon=":material/done_all:",
                help=t("ws_accept_unanimous_help"),
            )
        only = bool(st.session_state.get(ONLY_DISPUTES))
        shown = [qid for qid, given in answers.items() if not only or disagree(given.values())]
        if not shown:
            st.caption(md(t("ws_live_none")))
        for qid in shown:
            _live_question(saved, qid, answers, suggestions[qid], lang)


def _workshop(db: Engine, saved: repo.SavedAssessment) -> None:
    lang = state.lang()
    st.text(f"{saved.client_name} — {saved.title}")
    if saved.status != repo.EDITABLE:
        st.warning(md(t("ws_read_only")), icon=":material/edit_off:")
    # A key keeps the tab chosen across reruns (Add, a new link): the page stays where the consultant is.
    live, by_question, invitations = st.tabs(
        [t("ws_tab_live"), t("ws_tab_question"), t("ws_tab_invitations")], key=TAB, on_change="rerun"
    )
    with live:
        workshop = repo.get_workshop(db, saved.id)
        if workshop.closed:
            when = local_date(workshop.closed_at).isoformat() if workshop.closed_at else ""
            st.info(md(t("ws_workshop_closed", date=when)), icon=":material/lock:")
            st.button(
                t("ws_reopen_workshop"),
                key="ws_reopen_workshop",
                on_click=_set_closed,
                args=(saved.ref, False),
                disabled=ws.read_only(),
            )
        else:
            st.caption(md(t("ws_workshop_open")))
            st.button(
                t("ws_close_workshop"),
                key="ws_close_workshop",
                on_click=_set_closed,
                args=(saved.ref, True),
                icon=":material/lock:",
                help=t("ws_close_workshop_help"),
                disabled=ws.read_only(),
            )
        st.toggle(t("ws_live_only_disputes"), key=ONLY_DISPUTES)
        live_view(saved.id)
    with by_question:
        question_view(saved.id)
    with invitations:
        _invitations(db, saved, lang)


def workshop_page() -> None:
    """The facilitator's view of the chosen assessment (or the one open in the questionnaire)."""
    db = access.require()
    st.title(t("nav_workshop"))
    msg.show_flash()
    wl.show_conflict()
    with msg.store_errors():
        saved = access.chosen_assessment(db)
        if saved is None:
            return
        _workshop(db, saved)
