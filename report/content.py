"""What the report says, in one language: built once from an Assessment (and, for a consultant's report, the
branding and the extras of deliverable/extras.py) and handed to every writer of the export registry (report/formats.py).

Client-facing text carries no internal ids: rule and provision ids are only in the optional Trace appendix."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deliverable.actions import ActionInput, projected, status_label
from deliverable.branding import Branding
from deliverable.extras import ComparisonInput, ReportExtras, RulesDrift, WorkshopInput
from questions.answers import ANSWERED, HIDDEN, UNANSWERED, UNKNOWN_ANSWER, AnswerSet, answer_state, answer_words
from questions.conditions import FALSE
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from questions.strings import load_strings, tr
from scoring.answers_file import MAX_COMPANY
from scoring.assessment import ActionPlan, Assessment, AxisResult, AxisScore, Citation, Finding
from scoring.axes import AXES, LIKELIHOOD_LABELS, SEVERITY_LABELS, level
from scoring.engine import visibility
from scoring.loader import Law, default_law
from scoring.model import Method
from scoring.transfer import route_words

__all__ = ["ANSWERED", "HIDDEN", "UNANSWERED", "UNKNOWN_ANSWER", "ReportContent", "build_content"]


@dataclass(frozen=True)
class AnswerView:
    """One question and the answer given, as words in the report's language."""

    question_id: str
    question: str
    answer: str
    status: str
    note: str = ""  # the consultant's note on this question, as typed


@dataclass(frozen=True)
class FindingView:
    """One fired rule, numbered F1, F2, … in the assessment's order (most serious first)."""

    ref: str
    rule: str
    title: str
    explain: str
    uncertain: bool
    answers: tuple[AnswerView, ...]
    cited: tuple[str, ...]
    article: tuple[str, ...]
    axes: tuple[str, ...]


@dataclass(frozen=True)
class AxisFinding:
    """A finding as it bears on one axis. `first` is where the report explains it in full."""

    finding: FindingView
    likelihood: int
    severity: int
    level: str
    impact: str
    first: bool
    explained_under: str


@dataclass(frozen=True)
class ExposureView:
    text: str
    cited: tuple[str, ...]


@dataclass(frozen=True)
class AxisView:
    key: str
    label: str
    description: str
    level: str
    level_label: str
    score: int
    likelihood: int
    severity: int
    likelihood_label: str
    severity_label: str
    reason: str
    caveat: str
    exposure: tuple[ExposureView, ...]
    findings: tuple[AxisFinding, ...]


@dataclass(frozen=True)
class AfterView:
    axis: str
    level: str
    level_label: str
    score: int
    text: str


@dataclass(frozen=True)
class MeasureView:
    """A measure. Ranked ones lower a score; the others are "also required by law", with `why`."""

    rank: int
    remedy: str
    title: str
    description: str
    reduction: int
    after: tuple[AfterView, ...]
    addresses: tuple[str, ...]
    cited: tuple[str, ...]
    why: str = ""  # why its effect does not show in the scores (past event; outweighed); "" for a ranked one
    past_note: str = ""  # for a ranked measure that also meets a past event: that event remains
    owner: str = ""  # from its tracked action, if any
    due: str = ""


@dataclass(frozen=True)
class ActionView:
    """A tracked action, in words. Owner and evidence are user text, kept raw."""

    remedy: str
    measure: str
    owner: str
    due: str
    status: str
    status_label: str  # with the reason, for one not being done
    evidence: str
    due_on: dt.date | None = None  # the due date itself, for a spreadsheet's date cell
    status_word: str = ""  # the status alone, without the reason
    reason: str = ""  # why it is not being done (user text, raw)


@dataclass(frozen=True)
class TableView:
    """A plain table: headings, rows of text, relative column widths, and rows to emphasise."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    emphasis: tuple[int, ...] = ()


@dataclass(frozen=True)
class Block:
    """One part of an appendix: a sub-heading, then a paragraph, a table or a list (any may be empty)."""

    heading: str = ""
    text: str = ""
    table: TableView | None = None
    items: tuple[str, ...] = ()
    key: str = ""  # what it holds, for writers that take parts of an appendix (the workbook)
    blanks: tuple[str, ...] = ()  # what the reader must still write in, each already marked as a blank


@dataclass(frozen=True)
class AppendixView:
    """An appendix after the answers and the sources: workshop, comparison, projection or trace."""

    key: str
    title: str
    intro: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SourceView:
    id: str
    label: str
    summary: str
    not_modelled: str
    commentary: bool


@dataclass(frozen=True)
class SectionAnswers:
    title: str
    rows: tuple[AnswerView, ...]


@dataclass(frozen=True)
class UnknownView:
    title: str
    explain: str


@dataclass(frozen=True)
class StepView:
    """One step of the plan: the measures to take together, and every axis's score once it and the steps
    before it are done."""

    number: int
    measures: tuple[MeasureView, ...]
    after: tuple[AfterView, ...]
    lowered: tuple[str, ...]  # the axes (keys) whose level this step lowers
    effect: str  # what the step does, in words


@dataclass(frozen=True)
class StillGroup:
    """Measures still called for that lower no score for one reason, said once for them all."""

    reason: str
    measures: tuple[MeasureView, ...]


@dataclass(frozen=True)
class PlanView:
    """ "What to do first": the ordered steps of the assessment's plan, then the measures in none of them."""

    steps: tuple[StepView, ...]
    still: tuple[StillGroup, ...]


@dataclass(frozen=True)
class TransferView:
    """The cross-border route as of the date (issue 23), worded as the Results card words it
    (`scoring.transfer.route_words`), with the labels of the provisions it rests on."""

    heading: str
    lines: tuple[str, ...]
    cited: tuple[str, ...]


@dataclass(frozen=True)
class AxisDrift:
    """An axis whose score moved between the rules a saved assessment was scored under and today's."""

    label: str
    before: str
    now: str
    level_moved: bool
    because: tuple[str, ...] = ()  # the findings that explain it: new, gone, or bearing on it differently now


@dataclass(frozen=True)
class DriftView:
    """A saved assessment scored under older rules: what moved under the current rules, and why."""

    heading: str
    axes: tuple[AxisDrift, ...]
    new: tuple[str, ...]  # titles of findings that fire now and did not then
    gone: tuple[str, ...]  # titles of findings that fired then and do not now
    unchanged: str  # "" when something moved


@dataclass(frozen=True)
class ReportContent:
    """Everything the report prints, already in `lang`, so that a writer needs nothing else. User-typed text
    (company) is kept raw."""

    lang: str
    company: str
    assessed_on: dt.date
    law_as_of: dt.date
    rules_version: str
    bank_version: str
    what_if: str
    axes: tuple[AxisView, ...]
    findings: tuple[FindingView, ...]
    top: tuple[str, ...]
    first_measure: str
    unknowns: tuple[UnknownView, ...]
    notes: tuple[str, ...]
    measures: tuple[MeasureView, ...]  # the ones that lower a score, most effective first
    also_required: tuple[MeasureView, ...]  # the ones that lower none here, each with why
    answers: tuple[SectionAnswers, ...]
    sources: tuple[SourceView, ...]
    method: Method  # the scale the charts draw: the levels' ceilings and the likelihood x severity matrix
    title: str = ""  # the assessment's title (user text)
    client: str = ""  # the client's name (user text)
    display_name: str = ""  # the company, else the client, else "Company not named"
    kicker: str = ""  # the line above the cover's title: the consultancy, or what kind of report this is
    branding_name: str = ""
    cover: tuple[tuple[str, str], ...] = ()  # the cover's facts: (label, value)
    actions: tuple[ActionView, ...] = ()
    actions_table: TableView | None = None
    appendices: tuple[AppendixView, ...] = ()
    logo: bytes | None = None  # the consultancy's logo for the cover, when its bytes are a PNG or a JPEG
    plan: PlanView | None = None  # "What to do first", when the assessment carries a plan
    transfer: TransferView | None = None  # the cross-border route, when information leaves China
    white_label: bool = False  # no tool name, no internal notes: a report to send as it is
    summary_text: str = ""  # the consultant's executive summary (user text)
    scope_text: str = ""  # the consultant's scope of the assessment (user text)
    consultant_notes: tuple[AnswerView, ...] = ()  # the questions with a consultant's note, in the bank's order
    made_with: str = ""  # the line naming the tool and its versions ("" in a white-label report)
    drift: DriftView | None = None  # scored under other rules than today's: what moved
    counts: str = ""  # the summary's line of counts (findings, unknowns, measures or plan steps)
    doc_title: str = ""  # the document's title: "" for the report's own (see `document_title`)
    # A template other than the report (the PIPIA, report/pipia.py) gives its body here: the writers print the
    # cover, then these sections, instead of the report's summary, findings, plan, answers and sources.
    sections: tuple[AppendixView, ...] = ()

    def document_title(self) -> str:
        """The title on the cover, in the running header and in the file's properties."""
        return self.doc_title or self.t("doc_title")

    def t(self, key: str, **values: object) -> str:
        """A report string in this report's language (without the tool's name in a white-label report)."""
        text = load_strings("report")[key].get(self.lang)
        if self.white_label:
            text = unbranded(text, self.lang)
        return text.format(**values) if values else text

    def common(self, key: str) -> str:
        """A string shared with the screens, in this report's language."""
        text = tr("common", key, self.lang)
        return unbranded(text, self.lang) if self.white_label else text

    def block(self, appendix: str, key: str) -> Block | None:
        """One part of an appendix, by the appendix's and the part's keys; None when it is not in this report."""
        for a in self.appendices:
            if a.key == appendix:
                return next((b for b in a.blocks if b.key == key), None)
        return None


TOOL_NAME = "pirisk"
_TOOL_EN = re.compile(rf"(^|[.!?]\s+)?\b{TOOL_NAME}\b", re.IGNORECASE)
_TOOL_ZH = re.compile(rf"\s*{TOOL_NAME}\s*", re.IGNORECASE)  # no word boundary between Chinese characters
# Fields that hold only what a user typed: a white-label report prints them as typed.
_USER_FIELDS = frozenset(
    {
        "company",
        "title",
        "client",
        "display_name",
        "branding_name",
        "note",
        "owner",
        "due",
        "evidence",
        "summary_text",
        "scope_text",
    }
)


def unbranded(text: str, lang: str) -> str:
    """`text` without the tool's name: "pirisk" becomes "this assessment" (and a sentence starting with it
    starts with a capital), as the white-label report says it."""
    if TOOL_NAME not in text.lower():
        return text
    words = tr("report", "white_label_tool", lang)
    if lang == "zh":
        return _TOOL_ZH.sub(words, text)
    # At a sentence's start the words start with a capital.
    return _TOOL_EN.sub(lambda m: m.group(1) + words[:1].upper() + words[1:] if m.group(1) is not None else words, text)


def _unbranded_view(value: Any, lang: str, field: str = "") -> Any:
    """A view with the tool's name taken out of every text the tool wrote (user text is left as typed)."""
    if field in _USER_FIELDS or field == "method":
        return value
    if isinstance(value, str):
        return unbranded(value, lang)
    if isinstance(value, tuple):
        return tuple(_unbranded_view(v, lang) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _unbranded_view(getattr(value, f.name), lang, f.name) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


def check_lang(lang: str) -> str:
    if lang not in LOCALES:
        raise ValueError(f"unknown report language {lang!r}; expected one of {', '.join(LOCALES)}")
    return lang


def cite_label(c: Citation, lang: str) -> str:
    """A pinpoint citation with its confidence mark: [V], [PV] or [U]."""
    return c.marked(lang)


def answer_text(q: Question, value: Any, lang: str) -> tuple[str, str]:
    """The words for an answer, and its state (answered, unknown or unanswered). "I don't know" says
    that it was scored as the cautious case."""
    words, state = answer_words(q, value, lang), answer_state(q, value)
    if state == UNKNOWN_ANSWER:
        words = tr("report", "answer_unknown_scored", lang, answer=words)
    return words, state


def _finding_view(n: int, f: Finding, law: Law, lang: str, notes: Mapping[str, str]) -> FindingView:
    questions = law.bank.questions
    answers = []
    for a in f.answers:
        q = questions.get(a.question)
        if q is None:  # the engine only fires on bank questions; keep the id rather than fail
            answers.append(AnswerView(a.question, a.question, str(a.value), ANSWERED, notes.get(a.question, "")))
            continue
        words, status = answer_text(q, UNKNOWN if a.assumed else a.value, lang)
        answers.append(AnswerView(q.id, q.text.get(lang), words, status, notes.get(q.id, "")))
    return FindingView(
        ref=tr("report", "finding_ref", lang, n=n),
        rule=f.rule,
        title=f.title.get(lang),
        explain=f.explain.get(lang),
        uncertain=f.uncertain,
        answers=tuple(answers),
        cited=tuple(cite_label(c, lang) for c in f.legal_citations),
        article=tuple(cite_label(c, lang) for c in f.article_sections),
        axes=tuple(a.key for a in AXES if a.key in f.impacts),
    )


def _appendix(law: Law, answers: Mapping[str, Any], lang: str, notes: Mapping[str, str]) -> tuple[SectionAnswers, ...]:
    try:
        shown = visibility(answers, law)
    except Exception:  # answers the engine cannot read: show every question rather than fail
        shown = {}
    sections = []
    for s in law.bank.sections:
        rows = []
        for q in s.questions:
            if shown.get(q.id) == FALSE:
                rows.append(AnswerView(q.id, q.text.get(lang), tr("common", "answer_hidden", lang), HIDDEN, notes.get(q.id, "")))
                continue
            words, status = answer_text(q, answers.get(q.id), lang)
            rows.append(AnswerView(q.id, q.text.get(lang), words, status, notes.get(q.id, "")))
        sections.append(SectionAnswers(s.title.get(lang), tuple(rows)))
    return tuple(sections)


def build_content(
    assessment: Assessment,
    answer_set: AnswerSet,
    *,
    assessed_on: dt.date | None = None,
    law: Law | None = None,
    branding: Branding | None = None,
    extras: ReportExtras | None = None,
) -> ReportContent:
    """Turn an Assessment and the answer set it was scored from into the report's words, in the answer
    set's language. The set's answers fill the appendix (hidden ones are shown as not asked), each with
    the set's note on it. `extras` adds what a consultant's report carries (see deliverable/extras.py)."""
    lang = check_lang(answer_set.lang)
    law = law or default_law()
    extras = extras or ReportExtras()
    white = bool(branding and branding.white_label)
    if white:  # rule and provision ids are the tool's, not the consultant's
        extras = dataclasses.replace(extras, trace=False)
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    company = answer_set.company
    notes = dict(answer_set.notes)

    findings = tuple(_finding_view(i, f, law, lang, notes) for i, f in enumerate(assessment.findings, 1))
    by_rule = {v.rule: v for v in findings}
    labels = {a.key: a.label.get(lang) for a in AXES}

    explained: dict[str, str] = {}
    axes = []
    for a in AXES:
        r = assessment.axes[a.key]
        rows = []
        for f in r.findings:
            view = by_rule[f.rule]
            imp = f.impacts[a.key]
            lv = imp.level
            first = f.rule not in explained
            explained.setdefault(f.rule, labels[a.key])
            rows.append(
                AxisFinding(
                    finding=view,
                    likelihood=imp.likelihood,
                    severity=imp.severity,
                    level=lv,
                    impact=t(
                        "finding_impact",
                        likelihood=LIKELIHOOD_LABELS[imp.likelihood - 1].get(lang),
                        severity=SEVERITY_LABELS[imp.severity - 1].get(lang),
                        level=level(lv).label.get(lang),
                    ),
                    first=first,
                    explained_under=explained[f.rule],
                )
            )
        axes.append(
            AxisView(
                key=a.key,
                label=labels[a.key],
                description=a.description.get(lang),
                level=r.level,
                level_label=level(r.level).label.get(lang),
                score=r.score,
                likelihood=r.likelihood,
                severity=r.severity,
                likelihood_label=LIKELIHOOD_LABELS[r.likelihood - 1].get(lang),
                severity_label=SEVERITY_LABELS[r.severity - 1].get(lang),
                reason=r.reason.get(lang),
                caveat=r.caveat.get(lang) if r.caveat else "",
                exposure=tuple(
                    ExposureView(e.text.get(lang), tuple(cite_label(c, lang) for c in e.citations)) for e in r.exposure
                ),
                findings=tuple(rows),
            )
        )

    top = []
    for f in assessment.findings[:3]:
        touched = t("finding_axes_join").join(
            t(
                "axis_level",
                axis=labels[k],
                level=level(f.impacts[k].level).label.get(lang),
            )
            for k in labels
            if k in f.impacts
        )
        top.append(t("summary_top_line", title=f.title.get(lang), axes=touched))

    refs = {v.rule: v.ref for v in findings}
    order = {v.rule: i for i, v in enumerate(findings)}
    common = lambda key: tr("common", key, lang)  # noqa: E731
    tracked = {a.remedy: a for a in extras.actions}
    ranked = [r for r in assessment.remedies if r.lowers_a_score]
    also = [r for r in assessment.remedies if not r.lowers_a_score]
    views = tuple(
        MeasureView(
            rank=i,
            remedy=r.remedy,
            title=r.title.get(lang),
            description=r.description.get(lang),
            reduction=r.reduction,
            after=tuple(_after_view(labels[k], r.after[k], lang) for k in labels if k in r.after),
            addresses=tuple(refs[rule] for rule in sorted((a for a in r.addresses if a in refs), key=order.__getitem__)),
            cited=tuple(cite_label(c, lang) for c in r.citations),
            why="" if r.lowers_a_score else common(f"unchanged_{r.unchanged_because}"),
            past_note=common("unchanged_past") if r.lowers_a_score and r.past_remains else "",
            owner=tracked[r.remedy].owner if r.remedy in tracked else "",
            due=_day(tracked[r.remedy].due) if r.remedy in tracked else "",
        )
        for i, r in enumerate([*ranked, *also], 1)
    )
    measures, also_required = views[: len(ranked)], views[len(ranked) :]
    first_measure = (
        t("summary_first_measure", title=measures[0].title, n=measures[0].reduction)
        if measures and measures[0].reduction > 0
        else ""
    )
    plan = _plan_view(assessment.plan, views, labels, lang) if assessment.plan is not None else None
    if plan is not None:
        first_measure = (
            t("summary_first_step", measures=tr("common", "list_sep", lang).join(m.title for m in plan.steps[0].measures))
            if plan.steps
            else ""
        )
        counts = t("summary_counts_plan", findings=len(findings), unknowns=len(assessment.unknowns), steps=len(plan.steps))
    else:
        counts = t("summary_counts", findings=len(findings), unknowns=len(assessment.unknowns), measures=len(measures))

    what_if = ""
    if assessment.applied_remedies:
        names = [law.remedies[rid].title.get(lang) if rid in law.remedies else rid for rid in assessment.applied_remedies]
        what_if = t("what_if_value", measures=tr("common", "list_sep", lang).join(names))

    sources = tuple(
        SourceView(
            id=c.id,
            label=cite_label(c, lang),
            summary=c.summary.get(lang),
            not_modelled=t("not_modelled", text=c.not_modelled.get(lang)) if c.not_modelled and not white else "",
            commentary=c.is_commentary,
        )
        for c in assessment.citations()
    )

    actions = tuple(_action_view(a, law, lang) for a in extras.actions)
    display_name = _clip(company.strip() or extras.client.strip()) or t("company_unnamed")
    branding_name = _clip(branding.name.strip()) if branding else ""
    day = assessed_on or dt.date.today()
    cover = [
        (t("cover_client"), _clip(extras.client)) if extras.client.strip() else None,
        (t("cover_title"), _clip(extras.title)) if extras.title.strip() else None,
        (t("cover_prepared_by"), branding_name) if branding_name else None,
        (t("cover_law_as_of"), assessment.law_as_of.isoformat()),
        (t("cover_assessed_on"), day.isoformat()),
        (t("cover_respondents"), _respondents(extras.workshop, lang))
        if extras.workshop and extras.workshop.respondents
        else None,
        (t("cover_language"), t("language_name")),
        (t("cover_versions"), t("versions_value", rules=assessment.rules_version, bank=assessment.bank_version)),
        (t("cover_what_if"), what_if) if what_if else None,
        (t("cover_signed_off"), t("signed_off_by", name=_clip(extras.signed_by), date=_day(extras.signed_on)))
        if extras.signed_by.strip()
        else None,
    ]
    consultant = bool(extras.client.strip() or extras.title.strip())
    appendices = _appendices(assessment, answer_set, law, lang, extras, findings, views, sources)
    answers = _appendix(law, answer_set.answers, lang, notes)

    content = ReportContent(
        lang=lang,
        company=company or "",
        assessed_on=assessed_on or dt.date.today(),
        law_as_of=assessment.law_as_of,
        rules_version=assessment.rules_version,
        bank_version=assessment.bank_version,
        what_if=what_if,
        axes=tuple(axes),
        findings=findings,
        top=tuple(top),
        first_measure=first_measure,
        unknowns=tuple(UnknownView(u.title.get(lang), u.explain.get(lang)) for u in assessment.unknowns),
        notes=tuple(n.get(lang) for n in assessment.notes),
        measures=measures,
        also_required=also_required,
        answers=answers,
        sources=sources,
        method=law.method,
        title=extras.title,
        client=extras.client,
        display_name=display_name,
        kicker=branding_name or t("cover_kicker_report" if consultant or white else "cover_kicker"),
        branding_name=branding_name,
        cover=tuple(row for row in cover if row is not None),
        actions=actions,
        actions_table=_actions_table(actions, lang) if actions else None,
        appendices=appendices,
        logo=branding.logo if branding and branding.logo_kind() else None,
        plan=plan,
        transfer=_transfer_view(assessment, law, lang),
        white_label=white,
        summary_text=extras.summary.strip(),
        scope_text=extras.scope.strip(),
        consultant_notes=tuple(a for s in answers for a in s.rows if a.note),
        made_with=""
        if white
        else t("about_made_with", rules=assessment.rules_version, bank=assessment.bank_version, date=day.isoformat()),
        drift=drift_view(extras.drift, assessment, labels, lang) if extras.drift is not None else None,
        counts=counts,
    )
    return _unbranded_view(content, lang) if white else content


def _transfer_view(assessment: Assessment, law: Law, lang: str) -> TransferView | None:
    route = assessment.transfer_route
    if route is None or not route.applies:
        return None
    words = route_words(route, law, lang)
    lines = (f"{words.status}. {words.because}", words.in_place, *(w for w in (words.thresholds, words.unknowns) if w))
    return TransferView(words.title, lines, tuple(c.marked(lang) for c in route.citations))


def _plan_view(plan: ActionPlan, views: tuple[MeasureView, ...], labels: Mapping[str, str], lang: str) -> PlanView:
    """The plan in words: each step's measures and the scores after it; the measures in no step grouped by
    why they lower no score, so that each reason is said once."""
    by_id = {m.remedy: m for m in views}
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    sep = tr("common", "list_sep", lang)
    steps = []
    for n, step in enumerate(plan.steps, 1):
        after = tuple(_after_view(labels[k], step.after[k], lang) for k in labels if k in step.after)
        lowered = tuple(k for k in labels if k in step.lowered)
        effect = t("plan_step_lowers", axes=sep.join(labels[k] for k in lowered)) if lowered else t("plan_step_scores_only")
        measures = tuple(_with_past_note(by_id[r], lang) for r in step.measures if r in by_id)
        steps.append(StepView(n, measures, after, lowered, effect))
    groups: dict[str, list[MeasureView]] = {}
    for r in plan.still_called_for:
        if r in by_id:
            m = by_id[r]
            # A past event that remains is the reason whenever the measure meets one (it may lower a score alone,
            # yet nothing once the steps are done); otherwise other findings hold each axis.
            reason = m.past_note or m.why or tr("common", "unchanged_outweighed", lang)
            groups.setdefault(reason, []).append(dataclasses.replace(m, past_note=""))
    return PlanView(tuple(steps), tuple(StillGroup(why, tuple(ms)) for why, ms in groups.items()))


def _with_past_note(m: MeasureView, lang: str) -> MeasureView:
    """A measure in a step that also meets a past event says that the event remains (whether or not it lowers a
    score on its own)."""
    past = tr("common", "unchanged_past", lang)
    return dataclasses.replace(m, past_note=past) if m.why == past and not m.past_note else m


def _after_view(label: str, score: AxisScore, lang: str) -> AfterView:
    words = level(score.level).label.get(lang)
    return AfterView(
        label, score.level, words, score.score, tr("report", "after_line", lang, axis=label, level=words, score=score.score)
    )


def drift_view(drift: RulesDrift, assessment: Assessment, labels: Mapping[str, str], lang: str) -> DriftView | None:
    """What moved between the rules the assessment was saved under and today's; None when they are the same.
    Each axis that moved comes with the findings that explain it: those that fire now and did not then, those
    that fired then and do not now, and those whose bearing on the axis changed."""
    if drift.rules_version == assessment.rules_version:
        return None
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    now_findings = {f.rule: f for f in assessment.findings}
    axes = []
    for k, label in labels.items():
        if k not in drift.axes:
            continue
        was_level, was_score = drift.axes[k]
        now = assessment.axes[k]
        if (was_level, was_score) == (now.level, now.score):
            continue
        because = []
        for rule, f in now_findings.items():
            bearing = (f.impacts[k].likelihood, f.impacts[k].severity) if k in f.impacts else None
            if bearing != drift.impacts.get(rule, {}).get(k) and (bearing is not None or rule in drift.findings):
                because.append(f.title.get(lang))
        because += [
            titles.get(lang) or rule
            for rule, titles in drift.findings.items()
            if rule not in now_findings and k in drift.impacts.get(rule, {})
        ]
        before = t("level_score", level=level(was_level).label.get(lang), score=was_score)
        axes.append(AxisDrift(label, before, _score(now, lang), was_level != now.level, tuple(because)))
    fired = {f.rule: f.title.get(lang) for f in assessment.findings}
    new = tuple(title for rule, title in fired.items() if rule not in drift.findings)
    gone = tuple(titles.get(lang) or rule for rule, titles in drift.findings.items() if rule not in fired)
    return DriftView(
        heading=t("drift_heading", old=drift.rules_version, new=assessment.rules_version),
        axes=tuple(axes),
        new=new,
        gone=gone,
        unchanged="" if axes or new or gone else t("drift_unchanged"),
    )


def _clip(text: str, limit: int = MAX_COMPANY) -> str:
    """User text for a cover or a heading: one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _respondents(workshop: WorkshopInput, lang: str) -> str:
    return tr("common", "list_sep", lang).join(
        tr("report", "respondent_with_role", lang, name=r.name, role=r.role) if r.role.strip() else r.name
        for r in workshop.respondents
    )


def _measure_title(remedy: str, law: Law, lang: str) -> str:
    return law.remedies[remedy].title.get(lang) if remedy in law.remedies else remedy


def _action_view(a: ActionInput, law: Law, lang: str) -> ActionView:
    label = status_label(a.status, lang)
    if a.reason.strip():
        label = tr("report", "action_status_why", lang, status=label, why=a.reason)
    return ActionView(
        a.remedy,
        a.title or _measure_title(a.remedy, law, lang),
        a.owner,
        _day(a.due),
        a.status,
        label,
        a.evidence,
        due_on=a.due,
        status_word=status_label(a.status, lang),
        reason=a.reason,
    )


def _actions_table(actions: tuple[ActionView, ...], lang: str) -> TableView:
    t = lambda key: tr("report", key, lang)  # noqa: E731
    return TableView(
        (t("col_measure"), t("col_owner"), t("col_due"), t("col_status"), t("col_evidence")),
        tuple((a.measure, a.owner, a.due, a.status_label, a.evidence) for a in actions),
        (34, 16, 13, 17, 20),
    )


def _score(axis: AxisResult, lang: str) -> str:
    return tr("report", "level_score", lang, level=level(axis.level).label.get(lang), score=axis.score)


def _change(before: int, after: int, lang: str) -> str:
    """A change of score in words ("12 lower"): no leading sign, which a spreadsheet would take for a formula."""
    delta = after - before
    if delta == 0:
        return tr("report", "change_none", lang)
    return tr("report", "change_up" if delta > 0 else "change_down", lang, n=abs(delta))


def _score_rows(first: Assessment, second: Assessment, lang: str) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            a.label.get(lang),
            _score(first.axes[a.key], lang),
            _score(second.axes[a.key], lang),
            _change(first.axes[a.key].score, second.axes[a.key].score, lang),
        )
        for a in AXES
    )


def _appendices(
    assessment: Assessment,
    answer_set: AnswerSet,
    law: Law,
    lang: str,
    extras: ReportExtras,
    findings: tuple[FindingView, ...],
    measures: tuple[MeasureView, ...],
    sources: tuple[SourceView, ...],
) -> tuple[AppendixView, ...]:
    """The appendices after the answers (A) and the sources (B), lettered on from C in this order."""
    made: list[tuple[str, str, str, tuple[Block, ...]]] = []
    if extras.workshop and extras.workshop.respondents:
        made.append(("workshop", *_workshop(extras.workshop, answer_set, law, lang)))
    if extras.comparison:
        made.append(("comparison", *_comparison(extras.comparison, assessment, answer_set, law, lang, extras.title)))
    if extras.projected:
        made.append(("projected", *_projection(assessment, extras.actions, law, lang)))
    if extras.trace:
        made.append(("trace", *_trace(findings, measures, sources, assessment, lang)))
    if extras.evidence or extras.action_history:
        made.append(("evidence", *_evidence(extras, law, lang)))
    letters = tr("report", "appendix_letters", lang).split()
    return tuple(
        AppendixView(key, tr("report", "appendix_title", lang, letter=letters[i], title=title), intro, blocks)
        for i, (key, title, intro, blocks) in enumerate(made)
    )


def _workshop(workshop: WorkshopInput, answer_set: AnswerSet, law: Law, lang: str) -> tuple[str, str, tuple[Block, ...]]:
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    questions = law.bank.questions
    asked = {qid for r in workshop.respondents for qid in r.answers}
    order = [q for q in questions.values() if q.id in asked]
    disputed = set(workshop.disputed)

    def words(qid: str, value: Any) -> str:
        return answer_text(questions[qid], value, lang)[0] if value is not None else ""

    rows, emphasis = [], []
    for i, q in enumerate(order):
        agreed = answer_set.answers.get(q.id)
        rows.append(
            (
                q.text.get(lang),
                *(words(q.id, r.answers.get(q.id)) for r in workshop.respondents),
                words(q.id, agreed) if agreed is not None else t("workshop_not_agreed"),
            )
        )
        if q.id in disputed:
            emphasis.append(i)
    n = len(workshop.respondents)
    table = TableView(
        (t("col_question"), *(r.name for r in workshop.respondents), t("col_agreed")),
        tuple(rows),
        (40, *([45 / n] * n), 15),
        tuple(emphasis),
    )
    people = tuple(
        t("respondent_with_role", name=r.name, role=r.role) if r.role.strip() else r.name for r in workshop.respondents
    )
    disagreed = tuple(
        t(
            "workshop_disputed_line",
            question=questions[qid].text.get(lang),
            agreed=words(qid, answer_set.answers.get(qid)) or t("workshop_not_agreed"),
        )
        for qid in workshop.disputed
        if qid in questions
    )
    blocks = (
        Block(heading=t("workshop_respondents"), items=people, key="respondents"),
        Block(
            heading=t("workshop_disputed", n=len(disagreed)),
            text="" if disagreed else t("workshop_no_disputes"),
            items=disagreed,
            key="disputed",
        ),
        Block(heading=t("workshop_answers"), text=t("workshop_answers_intro"), table=table, key="answers"),
    )
    return t("workshop_title"), t("workshop_intro"), blocks


def _comparison(
    other: ComparisonInput, assessment: Assessment, answer_set: AnswerSet, law: Law, lang: str, title: str
) -> tuple[str, str, tuple[Block, ...]]:
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    questions = law.bank.questions
    mine = answer_set.answers
    theirs = other.answers
    differ = [q for q in questions.values() if theirs.get(q.id) != mine.get(q.id)]
    answer_rows = tuple(
        (q.text.get(lang), answer_text(q, theirs.get(q.id), lang)[0], answer_text(q, mine.get(q.id), lang)[0]) for q in differ
    )
    new, resolved = assessment.changes_since(other.assessment)
    this = (
        t("comparison_this", title=_clip(title), date=assessment.law_as_of.isoformat())
        if title.strip()
        else t("comparison_this_untitled", date=assessment.law_as_of.isoformat())
    )
    blocks = (
        Block(
            heading=t("comparison_scores"),
            table=TableView(
                (t("col_axis"), "A", "B", t("col_change")), _score_rows(other.assessment, assessment, lang), (25, 30, 30, 15)
            ),
            key="scores",
        ),
        Block(
            heading=t("comparison_answers", n=len(answer_rows)),
            text="" if answer_rows else t("comparison_same_answers"),
            table=TableView((t("col_question"), "A", "B"), answer_rows, (50, 25, 25)) if answer_rows else None,
            key="answers",
        ),
        Block(
            heading=t("comparison_new", n=len(new)),
            text="" if new else t("comparison_none"),
            items=tuple(f.title.get(lang) for f in new),
            key="new",
        ),
        Block(
            heading=t("comparison_resolved", n=len(resolved)),
            text="" if resolved else t("comparison_none"),
            items=tuple(f.title.get(lang) for f in resolved),
            key="resolved",
        ),
    )
    intro = t("comparison_intro", a=_clip(other.label), b=this)
    return t("comparison_title"), intro, blocks


def _projection(
    assessment: Assessment, actions: tuple[ActionInput, ...], law: Law, lang: str
) -> tuple[str, str, tuple[Block, ...]]:
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    counted = [a for a in actions if a.counts]
    if not counted:
        return t("projected_title"), t("projected_intro"), (Block(text=t("projected_none")),)
    then = projected(assessment, counted, law)
    blocks = (
        Block(
            heading=t("projected_actions", n=len(counted)),
            items=tuple(
                tr(
                    "report",
                    "projected_action_line",
                    lang,
                    measure=_measure_title(a.remedy, law, lang),
                    status=status_label(a.status, lang),
                )
                for a in counted
            ),
        ),
        Block(
            heading=t("projected_scores"),
            table=TableView(
                (t("col_axis"), t("col_now"), t("col_if_done"), t("col_change")),
                _score_rows(assessment, then, lang),
                (25, 30, 30, 15),
            ),
            key="scores",
        ),
    )
    return t("projected_title"), t("projected_intro"), blocks


def _trace(
    findings: tuple[FindingView, ...],
    measures: tuple[MeasureView, ...],
    sources: tuple[SourceView, ...],
    assessment: Assessment,
    lang: str,
) -> tuple[str, str, tuple[Block, ...]]:
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    cited = {f.rule: ", ".join(c.id for c in f.citations) for f in assessment.findings}
    blocks = (
        Block(
            heading=t("trace_findings"),
            table=TableView(
                (t("col_ref"), t("col_finding"), t("col_rule"), t("col_provisions")),
                tuple((f.ref, f.title, f.rule, cited.get(f.rule, "")) for f in findings),
                (6, 28, 42, 24),  # room for the longest rule id on one line
            ),
        ),
        Block(
            heading=t("trace_measures"),
            table=TableView((t("col_measure"), t("col_remedy")), tuple((m.title, m.remedy) for m in measures), (60, 40)),
        ),
        Block(
            heading=t("trace_sources"),
            table=TableView((t("col_source"), t("col_provision")), tuple((s.label, s.id) for s in sources), (75, 25)),
        ),
    )
    return t("trace_title"), t("trace_intro"), blocks


def _evidence(extras: ReportExtras, law: Law, lang: str) -> tuple[str, str, tuple[Block, ...]]:
    """The files attached (name, what to, day, SHA-256) and the action plan's history, oldest change first."""
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    questions = law.bank.questions

    def attached_to(question: str, action: str) -> str:
        if question:
            return questions[question].text.get(lang) if question in questions else question
        return _measure_title(action, law, lang)

    def value(field: str, v: Any) -> str:
        if v is None or v == "":
            return "—"
        return status_label(v, lang) if field == "status" else str(v)

    blocks = []
    if extras.evidence:
        blocks.append(
            Block(
                heading=t("evidence_files"),
                table=TableView(
                    (t("col_file"), t("col_attached_to"), t("col_added"), t("col_sha256")),
                    tuple((f.name, attached_to(f.question, f.action), f.added_on.isoformat(), f.sha256) for f in extras.evidence),
                    (26, 30, 12, 32),
                ),
                key="files",
            )
        )
    if extras.action_history:
        blocks.append(
            Block(
                heading=t("evidence_history"),
                table=TableView(
                    (t("col_when"), t("col_action"), t("col_field"), t("col_before"), t("col_after_change"), t("col_by")),
                    tuple(
                        (
                            f"{c.changed_at.astimezone(dt.UTC):%Y-%m-%d %H:%M}",
                            _measure_title(c.action, law, lang),
                            t(f"action_field_{c.field}"),
                            value(c.field, c.old),
                            value(c.field, c.new),
                            c.author,
                        )
                        for c in extras.action_history
                    ),
                    (15, 25, 11, 19, 19, 11),
                ),
                key="history",
            )
        )
    return t("evidence_title"), t("evidence_intro"), tuple(blocks)
