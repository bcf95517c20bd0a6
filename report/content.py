"""What the report says, in one language: built once from an Assessment and shared by the PDF and Markdown writers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questions.answers import ANSWERED, HIDDEN, UNANSWERED, UNKNOWN_ANSWER, AnswerSet, answer_state, answer_words
from questions.conditions import FALSE
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from questions.strings import tr
from scoring.assessment import Assessment, Citation, Finding
from scoring.axes import AXES, LIKELIHOOD_LABELS, SEVERITY_LABELS, level
from scoring.engine import visibility
from scoring.loader import Law, default_law

__all__ = ["ANSWERED", "HIDDEN", "UNANSWERED", "UNKNOWN_ANSWER", "ReportContent", "build_content"]


@dataclass(frozen=True)
class AnswerView:
    """One question and the answer given, as words in the report's language."""

    question_id: str
    question: str
    answer: str
    status: str


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
class ReportContent:
    """Everything the report prints, already in `lang`. User-typed text (company) is kept raw."""

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

    def t(self, key: str, **values: object) -> str:
        """A report string in this report's language."""
        return tr("report", key, self.lang, **values)


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


def _finding_view(n: int, f: Finding, law: Law, lang: str) -> FindingView:
    questions = law.bank.questions
    answers = []
    for a in f.answers:
        q = questions.get(a.question)
        if q is None:  # the engine only fires on bank questions; keep the id rather than fail
            answers.append(AnswerView(a.question, a.question, str(a.value), ANSWERED))
            continue
        words, status = answer_text(q, UNKNOWN if a.assumed else a.value, lang)
        answers.append(AnswerView(q.id, q.text.get(lang), words, status))
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


def _appendix(law: Law, answers: Mapping[str, Any], lang: str) -> tuple[SectionAnswers, ...]:
    try:
        shown = visibility(answers, law)
    except Exception:  # answers the engine cannot read: show every question rather than fail
        shown = {}
    sections = []
    for s in law.bank.sections:
        rows = []
        for q in s.questions:
            if shown.get(q.id) == FALSE:
                rows.append(AnswerView(q.id, q.text.get(lang), tr("common", "answer_hidden", lang), HIDDEN))
                continue
            words, status = answer_text(q, answers.get(q.id), lang)
            rows.append(AnswerView(q.id, q.text.get(lang), words, status))
        sections.append(SectionAnswers(s.title.get(lang), tuple(rows)))
    return tuple(sections)


def build_content(
    assessment: Assessment,
    answer_set: AnswerSet,
    *,
    assessed_on: dt.date | None = None,
    law: Law | None = None,
) -> ReportContent:
    """Turn an Assessment and the answer set it was scored from into the report's words, in the answer
    set's language. The set's answers fill the appendix (hidden ones are shown as not asked)."""
    lang = check_lang(answer_set.lang)
    law = law or default_law()
    t = lambda key, **kw: tr("report", key, lang, **kw)  # noqa: E731
    company = answer_set.company

    findings = tuple(_finding_view(i, f, law, lang) for i, f in enumerate(assessment.findings, 1))
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
    ranked = [r for r in assessment.remedies if r.lowers_a_score]
    also = [r for r in assessment.remedies if not r.lowers_a_score]
    views = tuple(
        MeasureView(
            rank=i,
            remedy=r.remedy,
            title=r.title.get(lang),
            description=r.description.get(lang),
            reduction=r.reduction,
            after=tuple(
                AfterView(
                    labels[k],
                    r.after[k].level,
                    level(r.after[k].level).label.get(lang),
                    r.after[k].score,
                    t("after_line", axis=labels[k], level=level(r.after[k].level).label.get(lang), score=r.after[k].score),
                )
                for k in labels
                if k in r.after
            ),
            addresses=tuple(refs[rule] for rule in sorted((a for a in r.addresses if a in refs), key=order.__getitem__)),
            cited=tuple(cite_label(c, lang) for c in r.citations),
            why="" if r.lowers_a_score else common(f"unchanged_{r.unchanged_because}"),
            past_note=common("unchanged_past") if r.lowers_a_score and r.past_remains else "",
        )
        for i, r in enumerate([*ranked, *also], 1)
    )
    measures, also_required = views[: len(ranked)], views[len(ranked) :]
    first_measure = (
        t("summary_first_measure", title=measures[0].title, n=measures[0].reduction)
        if measures and measures[0].reduction > 0
        else ""
    )

    what_if = ""
    if assessment.applied_remedies:
        names = [law.remedies[rid].title.get(lang) if rid in law.remedies else rid for rid in assessment.applied_remedies]
        what_if = t("what_if_value", measures=tr("common", "list_sep", lang).join(names))

    sources = tuple(
        SourceView(
            id=c.id,
            label=cite_label(c, lang),
            summary=c.summary.get(lang),
            not_modelled=t("not_modelled", text=c.not_modelled.get(lang)) if c.not_modelled else "",
            commentary=c.is_commentary,
        )
        for c in assessment.citations()
    )

    return ReportContent(
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
        answers=_appendix(law, answer_set.answers, lang),
        sources=sources,
    )
