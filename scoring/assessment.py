"""The result of `assess()`: per-axis scores, cited findings, exposure statements and ranked remedies.

Everything a presenter (screens, PDF, CLI, workspace) needs is here, in both languages, so that no
presenter has to score, resolve a citation or hold legal text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questions.model import UNKNOWN, Text
from questions.strings import tr
from scoring.axes import AXIS_KEYS

TITLED_KINDS = ("statute", "interpretation", "regulation", "departmental_rule", "commentary")


@dataclass(frozen=True)
class Citation:
    """A cited provision, resolved to the version in force on the assessment date."""

    id: str
    cited_as: str
    instrument: str
    instrument_title: Text
    kind: str
    article: Text
    in_force_from: dt.date | None
    in_force_to: dt.date | None
    published: dt.date | None
    confidence: str
    summary: Text
    not_modelled: Text | None = None
    penalty: bool = False  # it sets a sanction (a fine, a sentence), not a duty

    @property
    def is_commentary(self) -> bool:
        return self.kind == "commentary"

    def label(self, lang: str) -> str:
        """A pinpoint citation, e.g. 'PIPL, Art 66, in force since 2021-11-01' (the wording is a locale string)."""
        # Book-title marks (in Chinese) belong to documents (laws, regulations, the article), not to a list of cases.
        key = "cite_titled" if self.kind in TITLED_KINDS else "cite_untitled"
        head = tr("common", key, lang, title=self.instrument_title.get(lang), article=self.article.get(lang))
        if self.kind == "announcement" and self.in_force_from is not None:  # issued, not brought into force
            return tr("common", "cite_issued", lang, head=head, date=self.in_force_from.isoformat())
        if self.in_force_from is None:
            return tr("common", "cite_published", lang, head=head, date=self.published.isoformat()) if self.published else head
        if self.in_force_to is None:
            # A recommended standard is put into effect (实施), not brought into force like a law (施行).
            key = "cite_standard_since" if self.kind == "standard" else "cite_since"
            return tr("common", key, lang, head=head, start=self.in_force_from.isoformat())
        return tr("common", "cite_span", lang, head=head, start=self.in_force_from.isoformat(), end=self.in_force_to.isoformat())

    def marked(self, lang: str) -> str:
        """The pinpoint citation with its confidence mark: V (verified), PV (partly verified) or U (unconfirmed)."""
        return f"{self.label(lang)} {tr('common', 'confidence_mark', lang, mark=self.confidence)}"

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "cited_as": self.cited_as,
            "instrument": self.instrument_title.get(lang),
            "article": self.article.get(lang),
            "kind": self.kind,
            "in_force_from": _iso(self.in_force_from),
            "in_force_to": _iso(self.in_force_to),
            "published": _iso(self.published),
            "confidence": self.confidence,
            "penalty": self.penalty,
            "summary": self.summary.get(lang),
            "label": self.label(lang),
        }


@dataclass(frozen=True)
class FiredAnswer:
    """An answer that a finding rests on. `assumed` marks "I don't know" scored as the cautious case."""

    question: str
    value: Any
    assumed: bool = False


@dataclass(frozen=True)
class AxisImpact:
    """What a rule places on one axis: a likelihood and a severity (1-4), and the base score and risk
    level the method gives that cell."""

    likelihood: int
    severity: int
    base: int
    level: str


@dataclass(frozen=True)
class Finding:
    """One fired rule (kind "rule"), or one unanswered or "I don't know" question (kind "unknown")."""

    rule: str
    kind: str
    title: Text
    explain: Text
    impacts: Mapping[str, AxisImpact]
    answers: tuple[FiredAnswer, ...]
    citations: tuple[Citation, ...]
    remedy: str | None = None
    uncertain: bool = False

    @property
    def legal_citations(self) -> tuple[Citation, ...]:
        return tuple(c for c in self.citations if not c.is_commentary)

    @property
    def article_sections(self) -> tuple[Citation, ...]:
        return tuple(c for c in self.citations if c.is_commentary)

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "title": self.title.get(lang),
            "explain": self.explain.get(lang),
            "answers": {a.question: a.value for a in self.answers},
            "assumed": sorted(a.question for a in self.answers if a.assumed),
            "impacts": {k: {"likelihood": v.likelihood, "severity": v.severity} for k, v in self.impacts.items()},
            "citations": [c.to_dict(lang) for c in self.citations],
            "remedy": self.remedy,
            "uncertain": self.uncertain,
        }


@dataclass(frozen=True)
class ExposureLine:
    """A concrete consequence: who can sue, the fine ceiling, the sentence range, what is published."""

    id: str
    text: Text
    citations: tuple[Citation, ...]

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {"id": self.id, "text": self.text.get(lang), "citations": [c.to_dict(lang) for c in self.citations]}


@dataclass(frozen=True)
class AxisResult:
    """One axis's score, with the findings that touch it, most serious first. Its reason is, by
    construction, its first finding."""

    axis: str
    likelihood: int
    severity: int
    level: str
    score: int
    findings: tuple[Finding, ...]
    no_finding: Text
    exposure: tuple[ExposureLine, ...] = ()
    caveat: Text | None = None  # e.g. whose exposure the criminal score is; that the reputational one is a judgement
    known_level: str | None = None  # the level the known answers alone give; lower than `level` when it rests on "I don't know"

    @property
    def rests_on_unknowns(self) -> bool:
        """Whether this level holds only because of answers marked "I don't know"."""
        return self.known_level is not None and self.known_level != self.level

    @property
    def top_rule(self) -> str | None:
        return self.findings[0].rule if self.findings else None

    @property
    def reason(self) -> Text:
        return self.findings[0].title if self.findings else self.no_finding

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "likelihood": self.likelihood,
            "severity": self.severity,
            "level": self.level,
            "score": self.score,
            "top_rule": self.top_rule,
            "reason": self.reason.get(lang),
            "caveat": self.caveat.get(lang) if self.caveat else None,
            "rests_on_unknowns": self.rests_on_unknowns,
            "exposure": [e.to_dict(lang) for e in self.exposure],
        }


@dataclass(frozen=True)
class AxisScore:
    level: str
    score: int


@dataclass(frozen=True)
class RemedyEffect:
    """A remedy and what re-assessing with it applied does to each axis."""

    remedy: str
    title: Text
    description: Text
    citations: tuple[Citation, ...]
    addresses: tuple[str, ...]
    sets: dict[str, Any]
    after: dict[str, AxisScore]
    reduction: int
    levels: int = 0  # risk levels lowered, summed over the axes
    past_remains: tuple[str, ...] = ()  # the addressed findings that rest on past events and stay

    @property
    def lowers_a_score(self) -> bool:
        return self.reduction > 0 or self.levels > 0

    @property
    def unchanged_because(self) -> str | None:
        """Why a measure lowers no score: "past" (what it addresses rests on past events) or
        "outweighed" (other findings keep each axis where it is); None when it lowers one."""
        if self.lowers_a_score:
            return None
        return "past" if self.past_remains else "outweighed"

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "id": self.remedy,
            "title": self.title.get(lang),
            "description": self.description.get(lang),
            "addresses": list(self.addresses),
            "reduction": self.reduction,
            "levels_lowered": self.levels,
            "unchanged_because": self.unchanged_because,
            "past_remains": list(self.past_remains),
            "after": {k: {"level": v.level, "score": v.score} for k, v in self.after.items()},
            "citations": [c.to_dict(lang) for c in self.citations],
        }


@dataclass(frozen=True)
class Threshold:
    """A figure a transfer-route decision compared an answer with: the provision that sets it, its
    value and how sure pirisk is of it (the provision's confidence mark)."""

    provision: str  # provision id
    figure: str  # the figure's name in the provision's `figures`
    value: int
    confidence: str
    text: Text  # what the figure counts, e.g. people whose non-sensitive PI went abroad this year

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "figure": self.figure,
            "value": self.value,
            "confidence": self.confidence,
            "text": self.text.get(lang),
        }


@dataclass(frozen=True)
class TransferRoute:
    """The cross-border route the law requires as of a date, decided from the answers
    (`scoring.transfer`), and whether the route in place meets it.

    `route` is one of the route ids in `scoring/transfer.yaml` (`no_transfer`, `not_required`,
    `exempt`, `any_route`, `assessment`, `contract_or_certification`). `met` is None when the route
    needs nothing in place. `uncertain` says the decision rests on "I don't know" answers (`unknowns`),
    read as the cautious case. `gap_rules` are the fired findings that score the gap."""

    as_of: dt.date
    route: str
    label: Text
    reason: Text
    in_place: tuple[str, ...]  # choice ids of xb_route_in_place
    in_place_labels: tuple[Text, ...]
    met: bool | None
    uncertain: bool
    unknowns: tuple[str, ...]
    thresholds: tuple[Threshold, ...]
    citations: tuple[Citation, ...]
    gap_rules: tuple[str, ...]
    # The answers the decision read, in bank order: those of every case tried up to the one that
    # decided (what made the earlier cases fail, and the deciding one hold).
    answers: tuple[FiredAnswer, ...] = ()

    @property
    def applies(self) -> bool:
        """Whether any personal information leaves China (or may: an "I don't know")."""
        return self.route != "no_transfer"

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "route": self.route,
            "label": self.label.get(lang),
            "reason": self.reason.get(lang),
            "in_place": list(self.in_place),
            "met": self.met,
            "uncertain": self.uncertain,
            "unknowns": list(self.unknowns),
            "thresholds": [t.to_dict(lang) for t in self.thresholds],
            "citations": [c.to_dict(lang) for c in self.citations],
            "gap_rules": list(self.gap_rules),
            "answers": [{"question": a.question, "value": a.value, "assumed": a.assumed} for a in self.answers],
        }


@dataclass(frozen=True)
class PlanStep:
    """Measures to take together, and the scores once they and the steps before them are done."""

    measures: tuple[str, ...]  # remedy ids, in the ranked order of `Assessment.remedies`
    after: Mapping[str, AxisScore]
    lowered: tuple[str, ...]  # the axes whose level this step lowers (none: it lowers scores only)

    def to_dict(self) -> dict[str, Any]:
        return {
            "measures": list(self.measures),
            "after": {k: {"level": v.level, "score": v.score} for k, v in self.after.items()},
            "levels_lowered": list(self.lowered),
        }


@dataclass(frozen=True)
class ActionPlan:
    """The ordered steps, and the measures in none of them (they lower no score, even together)."""

    steps: tuple[PlanStep, ...]
    still_called_for: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.steps)

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(m for s in self.steps for m in s.measures)

    def to_dict(self) -> dict[str, Any]:
        return {"steps": [s.to_dict() for s in self.steps], "still_called_for": list(self.still_called_for)}


@dataclass(frozen=True)
class Assessment:
    law_as_of: dt.date
    bank_version: str
    rules_version: str
    axes: dict[str, AxisResult]
    findings: tuple[Finding, ...]
    unknowns: tuple[Finding, ...]
    remedies: tuple[RemedyEffect, ...]
    answers: dict[str, Any]
    applied_remedies: tuple[str, ...] = ()
    notes: tuple[Text, ...] = field(default=())
    plan: ActionPlan | None = None  # with ranked remedies: the steps to take first (`scoring.actionplan`)
    # Per question answered "I don't know": the axes its answer could lower, and to what at most
    # (if the findings that hold only because of it fell away). The "find out first" list.
    find_out: Mapping[str, Mapping[str, AxisScore]] = field(default_factory=dict)
    # The cross-border route required as of the date, and the route in place (`scoring.transfer`).
    transfer_route: TransferRoute | None = None

    @property
    def fired_rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.findings)

    def changes_since(self, earlier: Assessment) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
        """(new, resolved): this assessment's findings that `earlier` lacks, and `earlier`'s findings
        this one lacks. Dated versions of one rule (`x@2015`, `x@2017`) count as the same finding."""
        before = {base_rule_id(f.rule) for f in earlier.findings}
        now = {base_rule_id(f.rule) for f in self.findings}
        new = tuple(f for f in self.findings if base_rule_id(f.rule) not in before)
        resolved = tuple(f for f in earlier.findings if base_rule_id(f.rule) not in now)
        return new, resolved

    def findings_for(self, axis: str) -> tuple[Finding, ...]:
        """The rule findings that touch an axis, most serious first (the plan's order)."""
        return self.axes[axis].findings

    def citations(self) -> tuple[Citation, ...]:
        """Every distinct citation in the findings, remedies and exposure, in a stable order."""
        seen: dict[str, Citation] = {}
        for f in self.findings:
            for c in f.citations:
                seen.setdefault(c.id, c)
        for a in self.axes.values():
            for e in a.exposure:
                for c in e.citations:
                    seen.setdefault(c.id, c)
        for r in self.remedies:
            for c in r.citations:
                seen.setdefault(c.id, c)
        return tuple(sorted(seen.values(), key=lambda c: (c.is_commentary, c.instrument, c.id)))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "law_as_of": self.law_as_of.isoformat(),
            "disclaimer": tr("common", "disclaimer", lang, as_of=self.law_as_of.isoformat()),
            "method_version": self.rules_version,
            "bank_version": self.bank_version,
            "rules_version": self.rules_version,
            "axes": {k: self.axes[k].to_dict(lang) for k in AXIS_KEYS},
            "findings": [f.to_dict(lang) for f in self.findings],
            "unknowns": [f.to_dict(lang) for f in self.unknowns],
            "remedies": [r.to_dict(lang) for r in self.remedies],
            "applied_remedies": list(self.applied_remedies),
            "plan": self.plan.to_dict() if self.plan is not None else None,
            "find_out": {
                q: {k: {"level": v.level, "score": v.score} for k, v in axes.items()} for q, axes in self.find_out.items()
            },
            "notes": [n.get(lang) for n in self.notes],
            "transfer_route": self.transfer_route.to_dict(lang) if self.transfer_route is not None else None,
        }


def base_rule_id(rule_id: str) -> str:
    """A rule's id without its dated version suffix: 'sharing.x@2017' -> 'sharing.x'."""
    return rule_id.split("@", 1)[0]


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def is_unknown(value: Any) -> bool:
    return value == UNKNOWN
