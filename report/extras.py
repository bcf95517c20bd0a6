"""What a consultant's report carries beyond the assessment: the client and title, the workshop, the tracked
actions and the optional appendices. The caller (the workspace) builds these from its records and passes
them in as plain data; the report never reads a database. The store takes its action statuses from here.

Also the two re-assessments the deliverable shows: the scores if every planned action is done
(`projected`), and the same answers under the law of the founding article (`article_comparison`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from questions.strings import tr

if TYPE_CHECKING:
    from scoring.assessment import Assessment
    from scoring.loader import Law

# An action's life: planned, in progress, done, or not doing (with the reason why).
ACTION_STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "not_doing")
NOT_DOING = "not_doing"
DONE = "done"


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
class ActionInput:
    """A ranked measure the client has taken on as an action, as tracked in the workspace."""

    remedy: str
    owner: str = ""
    due: dt.date | None = None
    status: str = "planned"
    reason: str = ""  # why not, when the status is "not doing"
    evidence: str = ""

    @property
    def counts(self) -> bool:
        """Whether the projection counts it: every action but one the client decided not to take."""
        return self.status != NOT_DOING


@dataclass(frozen=True)
class ComparisonInput:
    """Another result of the same company to compare with: an earlier assessment, or the same answers
    under older law. `label` names it in the report (plain text, as the user typed it)."""

    label: str
    assessment: Assessment
    answers: Mapping[str, Any]


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


def status_label(status: str, lang: str) -> str:
    """An action's status in words."""
    return tr("report", f"action_status_{status}", lang)


def counted_remedies(actions: Iterable[ActionInput], day: dt.date, law: Law | None = None) -> tuple[str, ...]:
    """The remedies of the actions the projection counts, in force on `day` (others cannot be applied)."""
    from scoring.loader import default_law
    from scoring.plan import plan

    in_force = plan(law or default_law(), day).remedies
    return tuple(dict.fromkeys(a.remedy for a in actions if a.counts and a.remedy in in_force))


def projected(assessment: Assessment, actions: Iterable[ActionInput], law: Law | None = None) -> Assessment:
    """The assessment re-scored as if every counted action were in place. Findings that rest on past
    events stay, as in the what-if view (the engine decides that)."""
    from scoring.engine import assess
    from scoring.loader import default_law

    law = law or default_law()
    applied = (*assessment.applied_remedies, *counted_remedies(actions, assessment.law_as_of, law))
    return assess(
        assessment.answers, assessment.law_as_of, apply_remedies=tuple(dict.fromkeys(applied)), rank_remedies=False, law=law
    )


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
