"""Typed models of the legal data: instruments and dated provisions, rules, remedies, exposure
statements and the scoring method. Loaded strictly by `scoring.loader`."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from questions.model import Strict, Text
from scoring.axes import AXIS_KEYS, LEVEL_KEYS

_ID = r"^[a-z][A-Za-z0-9_.\-]*(@[0-9]{4})?$"
_RULE_ID = r"^[a-z][a-z0-9_.\-]*(@[0-9]{4})?$"
Confidence = Literal["V", "PV", "U"]
SourceKind = Literal[
    "statute", "interpretation", "regulation", "departmental_rule", "announcement", "standard", "contract", "commentary", "case"
]


class InForce(Strict):
    """A closed date range; `to` absent means still in force. Both ends are inclusive."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> InForce:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"in_force ends ({self.to}) before it starts ({self.from_})")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)

    def contains(self, other: InForce) -> bool:
        if other.from_ < self.from_:
            return False
        if self.to is None:
            return True
        return other.to is not None and other.to <= self.to

    def label(self) -> str:
        return f"{self.from_.isoformat()} to {self.to.isoformat()}" if self.to else f"{self.from_.isoformat()} onwards"


class Instrument(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_.\-]*$")
    kind: SourceKind
    title: Text
    issuer: Text | None = None
    reference: Text | None = None  # the official number, e.g. Fa Shi [2017] No. 10
    adopted: dt.date | None = None
    note: Text | None = None


class Provision(Strict):
    """One provision (or one dated version of it, `base@YYYY`), with its summary in our own words."""

    id: str = Field(pattern=_ID)
    article: Text
    in_force: InForce | None = None
    published: dt.date | None = None
    confidence: Confidence
    summary: Text
    figures: dict[str, float | int | list[float | int]] = {}
    not_modelled: Text | None = None
    # A provision that sets the sanction (a fine, an order, a suspension) rather than the duty.
    # Every rule with an administrative impact cites at least one (tests/test_legal_data.py).
    penalty: bool = False
    # Set by the loader from the instrument's kind: a commentary is read as of any date.
    _timeless: bool = PrivateAttr(default=False)

    @property
    def base(self) -> str:
        return self.id.split("@", 1)[0]

    def applies_on(self, day: dt.date) -> bool:
        """Whether this version applies on `day`: a law while in force; a commentary (the founding
        article) on any date, since its analysis is what findings cite; a case, or a contract, once
        published (a contract has no date: always)."""
        if self.in_force is not None:
            return self.in_force.covers(day)
        return self._timeless or self.published is None or self.published <= day


class SourceFile(Strict):
    instrument: Instrument
    provisions: tuple[Provision, ...]


class Definition(Strict):
    """A named condition that rules can `use`, so that one legal test is written once."""

    description: Text
    when: Any


class Impact(Strict):
    likelihood: int = Field(ge=1, le=4)
    severity: int = Field(ge=1, le=4)


class Rule(Strict):
    """A scored finding: when its condition holds, it places impacts on one or more axes."""

    id: str = Field(pattern=_RULE_ID)
    title: Text
    # What the title speaks of: question ids or named conditions, each an answer the title states;
    # a list inside is one statement of alternatives ("without a contract, or without supervision").
    title_about: tuple[str | tuple[str, ...], ...] = Field(min_length=1)
    when: Any
    impacts: dict[str, Impact]
    cites: tuple[str, ...] = Field(min_length=1)
    explain: Text
    remedy: str | None = None
    in_force: InForce | None = None
    # The finding describes conduct that has already happened (data already provided, an order already
    # refused): no measure taken now removes it. A rule that asks only about past events is so anyway.
    past: bool = False

    @property
    def base(self) -> str:
        """The stable id, the same for every version: `staff.supervision` for `staff.supervision@2021`."""
        return self.id.split("@", 1)[0]

    @field_validator("impacts")
    @classmethod
    def _known_axes(cls, value: dict[str, Impact]) -> dict[str, Impact]:
        unknown = sorted(set(value) - set(AXIS_KEYS))
        if unknown:
            raise ValueError(f"unknown axis {unknown[0]!r} (axes: {', '.join(AXIS_KEYS)})")
        if not value:
            raise ValueError("a rule must impact at least one axis")
        return value


class RuleVersion(Strict):
    """One period of a rule: its `in_force`, and the fields the law of that period changed (any
    field of the rule but `id`; the rule's own value holds where a version leaves a field out)."""

    in_force: InForce
    # The full id of this version's findings, only where it is not `<rule id>@<year>`: a finding
    # whose name predates versions keeps it (stored assessments and tests name it).
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_.\-]*@[0-9]{4}$")
    title: Any = None
    title_about: Any = None
    when: Any = None
    impacts: Any = None
    cites: Any = None
    explain: Any = None
    remedy: Any = None
    past: Any = None


class RuleEntry(Strict):
    """A rule as written in `scoring/rules/*.yaml`: one stable id and `when`, and, for a rule that
    applies only in some periods, `versions:`. Each version becomes the `Rule` named
    `<id>@<year its in_force starts>` (`staff.supervision@2021`); a rule without versions applies
    on every date and keeps its id. Types are checked on the expanded `Rule`s."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_.\-]*$")
    title: Any = None
    title_about: Any = None
    when: Any
    impacts: Any = None
    cites: Any = None
    explain: Any = None
    remedy: Any = None
    past: Any = None
    versions: tuple[RuleVersion, ...] | None = None
    in_force: Any = None  # refused: a rule's periods are its versions

    @field_validator("in_force")
    @classmethod
    def _period_in_versions(cls, value: Any) -> Any:
        raise ValueError("a rule's period goes under `versions:` (- in_force: {from: YYYY-MM-DD})")

    @field_validator("id", mode="before")
    @classmethod
    def _stable_id(cls, value: Any) -> Any:
        if isinstance(value, str) and "@" in value:
            raise ValueError(
                f"'{value}': a rule's id has no @YYYY; write each period under `versions:` "
                "(a version's findings are named id@<year its in_force starts>)"
            )
        return value

    @field_validator("versions")
    @classmethod
    def _some_versions(cls, value: tuple[RuleVersion, ...] | None) -> tuple[RuleVersion, ...] | None:
        if value is not None and not value:
            raise ValueError("`versions:` is empty: list at least one period, or leave `versions` out for a rule of every date")
        return value

    @model_validator(mode="after")
    def _versions_differ(self) -> RuleEntry:
        versions = self.versions or ()
        shared = self.model_fields_set - {"id", "versions"}
        for j, version in enumerate(versions):
            for key in sorted(version.model_fields_set & shared - {"in_force"}):
                if getattr(version, key) == getattr(self, key):
                    raise ValueError(f"versions[{j}].{key} repeats the rule's `{key}`: leave it out of the version")
            if "when" in version.model_fields_set:
                for k, other in enumerate(versions[:j]):
                    if "when" in other.model_fields_set and other.when == version.when:
                        raise ValueError(
                            f"versions[{j}].when repeats versions[{k}].when: "
                            "write a condition that versions share once, as the rule's `when`"
                        )
        for a, b in itertools.pairwise(range(len(versions))):
            span_a, span_b = versions[a].in_force, versions[b].in_force
            if span_b.from_ < span_a.from_:
                raise ValueError(f"versions are listed oldest first: versions[{b}] starts before versions[{a}]")
            if span_a.to is None or span_a.to >= span_b.from_:
                raise ValueError(f"versions[{b}] is in force from {span_b.from_} while versions[{a}] is still in force")
            if span_a.from_.year == span_b.from_.year:
                raise ValueError(
                    f"versions[{a}] and versions[{b}] both start in {span_a.from_.year}, so both would be named {self.id}@{span_a.from_.year}"
                )
        return self

    def expand(self) -> list[dict[str, Any]]:
        """The raw fields of each `Rule` this entry stands for, in the order written."""
        shared = {key: getattr(self, key) for key in self.model_fields_set - {"versions"}}
        if self.versions is None:
            return [shared]
        out = []
        for version in self.versions:
            fields = {**shared, **{key: getattr(version, key) for key in version.model_fields_set}}
            fields["id"] = version.id or f"{self.id}@{version.in_force.from_.year}"
            out.append(fields)
        return out


class TransferRouteKind(Strict):
    """A route the law may require for a transfer abroad: its label, and the routes in place (choice
    ids of the in-place question) that meet it; none: it asks for nothing in place."""

    label: Text
    satisfied_by: tuple[str, ...] = ()


class TransferThreshold(Strict):
    """A figure a case of the route decision compares answers with: `provision.figure`, and what it counts."""

    figure: str
    text: Text


class TransferCase(Strict):
    """One case of a period's route decision, tried in order: the first whose `when` is not false
    decides (no `when`: every transfer left). `gap` is the rule that scores the route missing."""

    route: str
    when: Any = None
    reason: Text
    cites: tuple[str, ...] = Field(min_length=1)
    thresholds: tuple[TransferThreshold, ...] = ()
    gap: str | None = None


class TransferPeriod(Strict):
    """The route decision under the law of one period; `name` names its generated conditions."""

    name: str = Field(pattern=r"^[0-9]{4}$")
    in_force: InForce
    cases: tuple[TransferCase, ...] = Field(min_length=1)


class TransferTable(Strict):
    """`scoring/transfer.yaml`: which cross-border route the law requires on a date (`scoring.transfer`)."""

    transfers: str  # the yes/no question: does personal information leave China
    in_place: str  # the tick-list question: the routes in place
    routes: dict[str, TransferRouteKind]
    no_transfer: Text  # the reason when nothing leaves China
    no_period: Text  # the reason on a date before any period: no route rule yet
    periods: tuple[TransferPeriod, ...] = Field(min_length=1)


class Remedy(Strict):
    """A measure that lowers exposure. `sets` gives the answers it would make true."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    description: Text
    sets: dict[str, Any] = Field(min_length=1)
    cites: tuple[str, ...] = Field(min_length=1)
    # The period in which the measure is what the law of the day asks for (absent: any date). A
    # rule may name it only if the remedy covers the rule's whole period.
    in_force: InForce | None = None


class ExposureStatement(Strict):
    """A concrete statement of what an axis exposes the company to, e.g. a fine ceiling.

    `text` may hold placeholders filled from the cited provisions' `figures`:
    `{money:pipl.66.unit_fine_max_rmb}`, `{money_range:pipl.66.person_fine_serious_rmb}`,
    `{number:crim.253-1@2015.serious_max_years}`, `{number_range:...}`, and
    `{turnover_share:pipl.66.turnover_pct}` (that percentage of the answered turnover band).
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_.\-]*$")
    axis: str
    cites: tuple[str, ...] = Field(min_length=1)
    when: Any = None
    text: Text

    @field_validator("axis")
    @classmethod
    def _known_axis(cls, value: str) -> str:
        if value not in AXIS_KEYS:
            raise ValueError(f"unknown axis {value!r} (axes: {', '.join(AXIS_KEYS)})")
        return value


class Method(Strict):
    """The scoring method: coverage, the likelihood x severity matrix and the score scale."""

    rules_version: str
    coverage_from: dt.date
    reviewed: dt.date
    article_date: dt.date
    matrix: dict[int, tuple[str, str, str, str]]
    base_score: dict[int, tuple[int, int, int, int]]
    level_ceiling: dict[str, int]
    per_extra_finding: int = Field(ge=0)
    source_allowlist: tuple[str, ...] = ()
    axis_caveats: dict[str, str] = {}  # axis -> key of a text printed beside that axis's score

    @model_validator(mode="after")
    def _complete(self) -> Method:
        for name, table in (("matrix", self.matrix), ("base_score", self.base_score)):
            if sorted(table) != [1, 2, 3, 4]:
                raise ValueError(f"{name} needs rows for likelihood 1, 2, 3 and 4")
        for row in self.matrix.values():
            for cell in row:
                if cell not in LEVEL_KEYS:
                    raise ValueError(f"matrix: unknown level {cell!r} (levels: {', '.join(LEVEL_KEYS)})")
        if sorted(self.level_ceiling) != sorted(LEVEL_KEYS):
            raise ValueError(f"level_ceiling needs exactly the levels {', '.join(LEVEL_KEYS)}")
        for lik in (1, 2, 3, 4):
            for sev in (1, 2, 3, 4):
                lv, base = self.matrix[lik][sev - 1], self.base_score[lik][sev - 1]
                floor = self.band(lv)[0]
                if not floor <= base <= self.level_ceiling[lv]:
                    raise ValueError(
                        f"base_score {base} at likelihood {lik}, severity {sev} is outside its level '{lv}' ({floor}–{self.level_ceiling[lv]})"
                    )
        return self

    def level(self, likelihood: int, severity: int) -> str:
        return self.matrix[likelihood][severity - 1]

    def band(self, level: str) -> tuple[int, int]:
        """The scores a level covers: from one above the level below's cap to its own cap."""
        floor = max([0] + [self.level_ceiling[k] + 1 for k in LEVEL_KEYS[: LEVEL_KEYS.index(level)]])
        return floor, self.level_ceiling[level]

    def base(self, likelihood: int, severity: int) -> int:
        return self.base_score[likelihood][severity - 1]
