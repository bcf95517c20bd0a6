"""The action life-cycle: a ranked measure the client has taken on (planned, in progress, done, or not doing,
with the reason why), and the assessment re-scored as if every counted action were in place (`projected`).
The store keeps actions with these statuses; the report and the workspace's pages show them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from questions.strings import tr

if TYPE_CHECKING:
    from scoring.assessment import Assessment
    from scoring.loader import Law

# An action's life: planned, in progress, done, or not doing (with the reason why).
ACTION_STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "not_doing")
NOT_DOING = "not_doing"
DONE = "done"


@dataclass(frozen=True)
class ActionInput:
    """A ranked measure the client has taken on as an action, as tracked in the workspace; or an action of the
    consultant's own (`remedy` "", named by `title`, user text), which no projection counts."""

    remedy: str
    owner: str = ""
    due: dt.date | None = None
    status: str = "planned"
    reason: str = ""  # why not, when the status is "not doing"
    evidence: str = ""
    title: str = ""  # an own action's name

    @property
    def counts(self) -> bool:
        """Whether the projection counts it: every action but one the client decided not to take."""
        return self.status != NOT_DOING


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
