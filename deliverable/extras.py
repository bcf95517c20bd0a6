"""What a consultant's report carries beyond the assessment: the client and title, the workshop, the tracked
actions (deliverable/actions.py) with their history and evidence files, the sign-off, and the optional appendices. The workspace builds these from its records
(store/reporting.py) and the report takes them as plain data; the report never reads a database.

Also the comparison the deliverable may show: the same answers under the law of the founding article
(`article_comparison`), or another assessment (`assessment_comparison`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deliverable.actions import ActionInput
from questions.strings import tr

if TYPE_CHECKING:
    from scoring.assessment import Assessment
    from scoring.loader import Law


@dataclass(frozen=True)
class RespondentInput:
    """One workshop respondent and what they answered ({question id: value})."""

    name: str
    role: str = ""
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkshopInput:
    """The workshop: its respondents in the order they were added, and the questions (ids) they disagreed on."""

    respondents: tuple[RespondentInput, ...]
    disputed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComparisonInput:
    """Another result of the same company to compare with: an earlier assessment, or the same answers
    under older law. `label` names it in the report (plain text, as the user typed it)."""

    label: str
    assessment: Assessment
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class EvidenceInput:
    """A file attached to an answer (`question`, its id) or to an action (`action`, its measure's id or an own
    action's title): listed by name, the day it was added and its SHA-256, so that a reader can check the copy
    they were given. `name` and an own action's title are user text."""

    name: str
    added_on: dt.date
    sha256: str
    size: int
    question: str = ""
    action: str = ""


@dataclass(frozen=True)
class ActionChangeInput:
    """One change of a tracked action, for the action plan's history: which action (its measure's id or an own
    action's title), the field, its value before and after (as stored: dates as ISO text), who and when."""

    action: str
    field: str
    old: Any
    new: Any
    author: str
    changed_at: dt.datetime


@dataclass(frozen=True)
class RulesDrift:
    """What a saved assessment scored under the rules it was last saved with: the rules version, each axis's
    level and score ({axis: (level, score)}), its findings ({rule id: {lang: title}}) and their bearing on
    each axis ({rule id: {axis: (likelihood, severity)}}), to show what moved when the law data changed since."""

    rules_version: str
    axes: Mapping[str, tuple[str, int]]
    findings: Mapping[str, Mapping[str, str]]
    impacts: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportExtras:
    """Everything beyond the assessment that a report may carry. The defaults give a founder's report."""

    client: str = ""
    title: str = ""
    workshop: WorkshopInput | None = None
    actions: tuple[ActionInput, ...] = ()
    comparison: ComparisonInput | None = None  # the comparison appendix, when chosen
    projected: bool = False  # the appendix of scores if the planned actions are done
    trace: bool = False  # the appendix of rule and provision ids
    evidence: tuple[EvidenceInput, ...] = ()  # the files attached, listed in the evidence appendix
    action_history: tuple[ActionChangeInput, ...] = ()  # the action plan's changes, oldest first
    signed_by: str = ""  # the reviewer who signed this version off ("" while it is not)
    signed_on: dt.date | None = None
    summary: str = ""  # the consultant's executive summary (user text)
    scope: str = ""  # the consultant's scope of the assessment (user text)
    drift: RulesDrift | None = None  # the scores as saved under other rules than today's


def article_comparison(assessment: Assessment, lang: str, law: Law | None = None) -> ComparisonInput:
    """The same answers as of the founding article's date, to compare with."""
    from scoring.engine import assess
    from scoring.loader import default_law

    law = law or default_law()
    day = law.method.article_date
    then = assess(assessment.answers, day, rank_remedies=False, law=law)
    return ComparisonInput(tr("report", "comparison_article_label", lang, date=day.isoformat()), then, assessment.answers)


def assessment_comparison(
    title: str, law_as_of: dt.date, other: Assessment, answers: Mapping[str, Any], lang: str
) -> ComparisonInput:
    """Another assessment (say last year's, titled `title`) to compare with."""
    return ComparisonInput(tr("report", "comparison_other_label", lang, title=title, date=law_as_of.isoformat()), other, answers)
