"""The result an assessment was last saved with: the rules version, each axis's level and score, and the
findings' titles, kept so that when the law data changes under saved work the assessment can say what moved
(issue 22, item 7).

The workspace records it when it first scores a version of the assessment's answers (`record_scored`): that
sitting was scored under the rules in force then. The record stays while the answers stay the same, so that
after the law data changes, the Assessment page and the report compare it with the result under the current
rules (`saved_result`, as a `deliverable.extras.RulesDrift`). Recording a result is not a change of the
assessment: no version bump and no history row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine

from deliverable.extras import RulesDrift
from questions.locales import LOCALES
from scoring.assessment import Assessment
from scoring.axes import LEVEL_KEYS
from store.db import reading, writing
from store.models import AssessmentRow
from store.records import Target, assessment_row, changed_rows, target_row


def scored_record(assessment: Assessment, version: int) -> dict[str, Any]:
    """What is kept of a result scored from `version` of the answers (JSON)."""
    return {
        "version": version,
        "rules_version": assessment.rules_version,
        "axes": {k: {"level": r.level, "score": r.score} for k, r in assessment.axes.items()},
        "findings": {f.rule: {lang: f.title.get(lang) for lang in LOCALES} for f in assessment.findings},
        "impacts": {f.rule: {k: [i.likelihood, i.severity] for k, i in f.impacts.items()} for f in assessment.findings},
    }


def record_scored(engine: Engine, target: Target, version: int, assessment: Assessment, *, replace: bool = False) -> bool:
    """Keep `assessment`, scored from `version` of the target's answers, as the result it was saved with, unless
    one is already kept for that version (`replace`: keep this one anyway, as when the consultant accepts the
    current rules). Nothing is written if the assessment has changed since that version. Returns whether it was
    written. Raises NotFound, or NotAllowed for a role that may not edit."""
    record = scored_record(assessment, version)
    with writing(engine) as s:
        row = target_row(s, target)
        if row.version != version:
            return False
        kept = row.scored if isinstance(row.scored, dict) else None
        if kept is not None and kept.get("version") == version and not replace:
            return False
        result = s.execute(
            update(AssessmentRow)
            .where(AssessmentRow.id == row.id, AssessmentRow.version == version)
            .values(scored=record)
            .execution_options(synchronize_session=False)
        )
        return changed_rows(result) == 1


def saved_result(engine: Engine, assessment_id: int, version: int) -> RulesDrift | None:
    """The result kept for `version` of the assessment's answers; None when none is kept for that version (or
    what is kept cannot be read, say from a hand-edited backup)."""
    with reading(engine) as s:
        kept = assessment_row(s, assessment_id).scored
    return _drift(kept, version)


def _drift(kept: Any, version: int) -> RulesDrift | None:
    if not isinstance(kept, dict) or kept.get("version") != version:
        return None
    try:
        rules = kept["rules_version"]
        axes = {str(k): (str(v["level"]), int(v["score"])) for k, v in kept["axes"].items()}
        findings = {
            str(rule): {str(lang): str(title) for lang, title in titles.items()} for rule, titles in kept["findings"].items()
        }
        impacts = {
            str(rule): {str(k): (int(v[0]), int(v[1])) for k, v in bearing.items()}
            for rule, bearing in (kept.get("impacts") or {}).items()
        }
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if not isinstance(rules, str) or any(lv not in LEVEL_KEYS for lv, _ in axes.values()):
        return None
    return RulesDrift(rules, axes, findings, impacts)
