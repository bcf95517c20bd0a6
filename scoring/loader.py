"""The strict loader of the legal data: sources, rules, remedies, exposure statements and method.

A rule written once with `versions:` is expanded here into one `Rule` per period, named
`<id>@<year the period starts>`, so that everything downstream sees dated rules as before.
Everything is checked at load time, so that the engine never meets a dangling id: unknown keys,
duplicate ids, versions of a rule that overlap or repeat a `when`, conditions naming unknown
questions, a title said to speak of a question its rule does not check (`title_about`), citations
that do not resolve, a rule dated outside the provisions it cites, overlapping versions of one
provision, remedies that set impossible answers, and placeholders naming figures that do not exist.
Each error names the file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from questions.conditions import Node, parse
from questions.content import content_path
from questions.errors import ConditionError, DataError
from questions.loader import default_bank
from questions.locales import LOCALES
from questions.model import UNKNOWN, Bank, Text
from questions.yamlfile import display_path, read_yaml, validation_error
from scoring.axes import AXIS_KEYS
from scoring.model import (
    Definition,
    ExposureStatement,
    InForce,
    Instrument,
    Method,
    Provision,
    Remedy,
    Rule,
    RuleEntry,
    SourceFile,
    TransferTable,
)

SCORING_DIR = content_path("scoring")
PLACEHOLDER = re.compile(r"\{(money|money_range|number|number_range|times_range|share_of|turnover_cap):([^}]+)\}")
UNDATED_KINDS = ("commentary", "case")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one Law per load
class Law:
    """Everything legal that pirisk knows, validated and cross-linked."""

    bank: Bank
    method: Method
    instruments: dict[str, Instrument]
    provisions: dict[str, Provision]
    instrument_of: dict[str, str]
    rules: tuple[Rule, ...]
    rule_file: dict[str, str]
    conditions: dict[str, Node]
    show_if: dict[str, Node]
    remedies: dict[str, Remedy]
    exposure: tuple[ExposureStatement, ...]
    exposure_conditions: dict[str, Node]
    texts: dict[str, Text]
    definitions: dict[str, Any]
    transfer: TransferTable | None = None  # the cross-border route decision (scoring/transfer.yaml)

    def versions(self, cite: str) -> tuple[Provision, ...]:
        """The provision versions a citation id can resolve to: itself, or every `cite@YYYY`."""
        if cite in self.provisions:
            return (self.provisions[cite],)
        return tuple(p for p in self.provisions.values() if p.base == cite and "@" in p.id)

    def resolve(self, cite: str, day: dt.date) -> Provision | None:
        """The version of a cited provision in force (or published) on `day`, or None."""
        return next((p for p in self.versions(cite) if p.applies_on(day)), None)

    def spoken_of(self, title_about: str) -> frozenset[str]:
        """The questions one id in a rule's `title_about` names: a question's own id, or every question
        of a named condition; empty for an unknown id."""
        if title_about in self.definitions:
            return parse(self.definitions[title_about], self.bank.questions, "", self.definitions).questions()
        return frozenset({title_about} & self.bank.questions.keys())

    def kind(self, provision_id: str) -> str:
        return self.instruments[self.instrument_of[provision_id]].kind


def _validate(model: Any, raw: Any, name: str, prefix: str = "") -> Any:
    try:
        return model.model_validate(raw) if hasattr(model, "model_validate") else TypeAdapter(model).validate_python(raw)
    except ValidationError as err:
        raise validation_error(name, err, prefix) from None


def _list_file(path: Path, model: type, what: str) -> list[tuple[Any, str, int]]:
    name = display_path(path)
    raw = read_yaml(path)
    if not isinstance(raw, list):
        raise DataError(name, "", f"must be a list of {what}")
    return [(_validate(model, item, name, _item_key(i, item)), name, i) for i, item in enumerate(raw)]


def _item_key(i: int, item: Any) -> str:
    """`[i] (id)`: where an entry of a list file is, named by its id when it has one."""
    entry_id = item.get("id") if isinstance(item, dict) else None
    return f"[{i}] ({entry_id})" if isinstance(entry_id, str) else f"[{i}]"


def _merged_ranges(versions: tuple[Provision, ...]) -> list[InForce]:
    ranges = sorted((p.in_force for p in versions if p.in_force is not None), key=lambda r: r.from_)
    merged: list[InForce] = []
    for r in ranges:
        if merged and merged[-1].to is not None and merged[-1].to + dt.timedelta(days=1) >= r.from_:
            last = merged[-1]
            end = None if last.to is None or r.to is None else max(last.to, r.to)
            merged[-1] = InForce.model_validate({"from": last.from_, "to": end})
        else:
            merged.append(r)
    return merged


def load_law(directory: Path | None = None, bank: Bank | None = None) -> Law:
    """Load and cross-validate all legal data under `directory` (default: the scoring package)."""
    directory = directory or SCORING_DIR
    bank = bank or default_bank()
    questions = bank.questions

    method_path = directory / "method.yaml"
    method_name = display_path(method_path)
    raw_method = read_yaml(method_path)
    if not isinstance(raw_method, dict):
        raise DataError(method_name, "", "must be a mapping")
    raw_texts = raw_method.pop("texts", {})
    method = _validate(Method, raw_method, method_name)
    texts = _validate(dict[str, Text], raw_texts, method_name, "texts")

    definitions_path = directory / "definitions.yaml"
    definitions_name = display_path(definitions_path)
    raw_definitions = read_yaml(definitions_path)
    definitions_models = _validate(dict[str, Definition], raw_definitions, definitions_name)
    definitions = {k: d.when for k, d in definitions_models.items()}
    for def_name, d in definitions_models.items():
        try:
            parse(d.when, questions, "", definitions, (def_name,))
        except ConditionError as err:
            raise DataError(definitions_name, f"{def_name}.when.{err.path}".rstrip("."), err.message) from None
    transfer = _load_transfer(directory / "transfer.yaml", questions, definitions)

    # Sources: one file per instrument.
    instruments: dict[str, Instrument] = {}
    provisions: dict[str, Provision] = {}
    instrument_of: dict[str, str] = {}
    provision_file: dict[str, str] = {}
    source_paths = sorted((directory / "sources").glob("*.yaml"))
    if not source_paths:
        raise DataError(display_path(directory / "sources"), "", "no source files")
    for path in source_paths:
        name = display_path(path)
        source = _validate(SourceFile, read_yaml(path), name)
        inst = source.instrument
        if inst.id in instruments:
            raise DataError(name, "instrument.id", f"duplicate instrument id '{inst.id}'")
        instruments[inst.id] = inst
        for i, p in enumerate(source.provisions):
            key = f"provisions[{i}] ({p.id})"
            if p.id in provisions:
                raise DataError(name, key, f"duplicate provision id (also in {provision_file[p.id]})")
            if inst.kind == "contract":
                # A user agreement is not a law: it has no in-force date of its own, and none is invented.
                if p.in_force is not None or p.published is not None:
                    raise DataError(name, key, "a contract has neither `in_force` nor `published`")
            elif inst.kind in UNDATED_KINDS:
                if p.in_force is not None or p.published is None:
                    raise DataError(name, key, f"a {inst.kind} has `published`, not `in_force`")
            elif p.in_force is None:
                raise DataError(name, key, "missing key 'in_force'")
            p._timeless = inst.kind == "commentary"
            provisions[p.id], instrument_of[p.id], provision_file[p.id] = p, inst.id, name

    # No two versions of one provision may overlap in time.
    by_base: dict[str, list[Provision]] = {}
    for p in provisions.values():
        by_base.setdefault(p.base, []).append(p)
    for _base, versions in by_base.items():
        dated = sorted(((p, p.in_force) for p in versions if p.in_force), key=lambda pair: pair[1].from_)
        for (a, a_span), (b, b_span) in itertools.pairwise(dated):
            if a_span.to is None or a_span.to >= b_span.from_:
                raise DataError(provision_file[b.id], b.id, f"in force from {b_span.from_} while {a.id} is still in force")

    law_stub = Law(bank, method, instruments, provisions, instrument_of, (), {}, {}, {}, {}, (), {}, texts, definitions)
    if transfer is not None:
        _check_transfer_sources(law_stub, transfer, display_path(directory / "transfer.yaml"))

    def check_cites(cites: tuple[str, ...], name: str, key: str, span: InForce | None) -> None:
        for cite in cites:
            versions = law_stub.versions(cite)
            if not versions:
                raise DataError(name, f"{key}.cites", f"unknown source id '{cite}'")
            if span is None:
                continue
            kind = law_stub.kind(versions[0].id)
            if kind in ("commentary", "contract"):  # cited on any date
                continue
            if kind == "case":  # a case is cited only from its date; earlier, it is simply not shown
                continue
            if not any(r.contains(span) for r in _merged_ranges(versions)):
                ranges = ", ".join(r.label() for r in _merged_ranges(versions))
                raise DataError(name, f"{key}.cites", f"'{cite}' is not in force for all of {span.label()} (in force: {ranges})")

    def parse_condition(raw: Any, name: str, key: str) -> Node:
        try:
            return parse(raw, questions, "", definitions)
        except ConditionError as err:
            raise DataError(name, f"{key}.{err.path}".rstrip("."), err.message) from None

    # Rules: one file per topic, each a list.
    rules: list[Rule] = []
    rule_file: dict[str, str] = {}
    conditions: dict[str, Node] = {}
    rule_paths = sorted((directory / "rules").glob("*.yaml"))
    if not rule_paths:
        raise DataError(display_path(directory / "rules"), "", "no rule files")
    entry_file: dict[str, str] = {}
    for path in rule_paths:
        for entry, name, i in _list_file(path, RuleEntry, "rules"):
            if entry.id in entry_file:
                raise DataError(name, f"[{i}] ({entry.id})", f"duplicate rule id (also in {entry_file[entry.id]})")
            entry_file[entry.id] = name
            for fields in entry.expand():  # one Rule per version, named id@YYYY
                key = f"[{i}] ({fields['id']})"
                rule = _validate(Rule, fields, name, key)
                if rule.id in rule_file:
                    raise DataError(name, key, f"duplicate rule id (also in {rule_file[rule.id]})")
                conditions[rule.id] = parse_condition(rule.when, name, f"{key}.when")
                checked = conditions[rule.id].questions()
                for about in rule.title_about:
                    for spoken in (about,) if isinstance(about, str) else about:
                        spoken_questions = law_stub.spoken_of(spoken)
                        if not spoken_questions:
                            raise DataError(name, f"{key}.title_about", f"unknown question id or named condition '{spoken}'")
                        if not spoken_questions & checked:
                            raise DataError(
                                name,
                                f"{key}.title_about",
                                f"the title speaks of '{spoken}', which the rule's `when` does not check",
                            )
                span = rule.in_force or InForce.model_validate({"from": method.coverage_from})
                if span.from_ < method.coverage_from:
                    raise DataError(name, f"{key}.in_force", f"starts before pirisk's coverage ({method.coverage_from})")
                check_cites(rule.cites, name, key, span)
                rules.append(rule)
                rule_file[rule.id] = name

    # Remedies.
    remedies: dict[str, Remedy] = {}
    for remedy, name, i in _list_file(directory / "remedies.yaml", Remedy, "remedies"):
        key = f"[{i}] ({remedy.id})"
        if remedy.id in remedies:
            raise DataError(name, key, "duplicate remedy id")
        for qid, value in remedy.sets.items():
            if qid not in questions:
                raise DataError(name, f"{key}.sets.{qid}", f"unknown question id '{qid}'")
            problem = questions[qid].check_value(value) if value != UNKNOWN else "cannot set 'I don't know'"
            if problem:
                raise DataError(name, f"{key}.sets.{qid}", problem)
        check_cites(remedy.cites, name, key, None)
        if remedy.in_force is not None:
            for cite in remedy.cites:  # a citation the remedy can never show is an error
                if not _in_force_within(law_stub, cite, remedy.in_force):
                    raise DataError(name, f"{key}.cites", f"'{cite}' is not in force at any time in {remedy.in_force.label()}")
        remedies[remedy.id] = remedy
    for rule in rules:
        if rule.remedy is not None and rule.remedy not in remedies:
            raise DataError(rule_file[rule.id], f"{rule.id}.remedy", f"unknown remedy id '{rule.remedy}'")
        remedy_span = remedies[rule.remedy].in_force if rule.remedy is not None else None
        if remedy_span is not None:
            span = rule.in_force or InForce.model_validate({"from": method.coverage_from})
            if not remedy_span.contains(span):
                raise DataError(
                    rule_file[rule.id],
                    f"{rule.id}.remedy",
                    f"remedy '{rule.remedy}' applies {remedy_span.label()}, not for all of the rule's {span.label()}",
                )

    # Exposure statements.
    exposure: list[ExposureStatement] = []
    exposure_conditions: dict[str, Node] = {}
    for statement, name, i in _list_file(directory / "exposure.yaml", ExposureStatement, "exposure statements"):
        key = f"[{i}] ({statement.id})"
        if any(s.id == statement.id for s in exposure):
            raise DataError(name, key, "duplicate exposure id")
        check_cites(statement.cites, name, key, None)
        if statement.when is not None:
            exposure_conditions[statement.id] = parse_condition(statement.when, name, f"{key}.when")
        for lang in LOCALES:
            for kind, arg in PLACEHOLDER.findall(statement.text.get(lang)):
                _check_placeholder(law_stub, kind, arg, name, f"{key}.text.{lang}")
        exposure.append(statement)

    for axis_key, text_key in method.axis_caveats.items():
        if axis_key not in AXIS_KEYS:
            raise DataError(method_name, f"axis_caveats.{axis_key}", f"unknown axis '{axis_key}' (axes: {', '.join(AXIS_KEYS)})")
        if text_key not in texts:
            raise DataError(method_name, f"axis_caveats.{axis_key}", f"no text '{text_key}' under texts")

    for sid in method.source_allowlist:
        if sid not in provisions:
            raise DataError(method_name, "source_allowlist", f"unknown source id '{sid}'")

    show_if = {q.id: parse(q.show_if, questions, "show_if") for q in questions.values() if q.show_if is not None}
    return Law(
        bank,
        method,
        instruments,
        provisions,
        instrument_of,
        tuple(rules),
        rule_file,
        conditions,
        show_if,
        remedies,
        tuple(exposure),
        exposure_conditions,
        texts,
        definitions,
        transfer,
    )


def _load_transfer(path: Path, questions: dict[str, Any], definitions: dict[str, Any]) -> TransferTable | None:
    """Read the route decision and add the conditions it generates to `definitions`, so that the rules
    scoring a missing route test exactly what the decision decides (`scoring/transfer.yaml` explains).
    A law directory without the file has no route decision."""
    if not path.exists():
        return None
    name = display_path(path)
    table = _validate(TransferTable, read_yaml(path), name)
    for key, qid, kind in (("transfers", table.transfers, "yes_no"), ("in_place", table.in_place, "multi")):
        if qid not in questions or questions[qid].type != kind:
            raise DataError(name, key, f"must name a {kind} question, got '{qid}'")
    choices = questions[table.in_place].choice_ids
    for route_id, route in table.routes.items():
        unknown = [c for c in route.satisfied_by if c not in choices]
        if unknown:
            raise DataError(name, f"routes.{route_id}.satisfied_by", f"'{table.in_place}' has no choice '{unknown[0]}'")
        if route.satisfied_by:
            definitions[f"xb_in_place_{route_id}"] = {table.in_place: {"any_of": list(route.satisfied_by)}}
    previous = None
    for p, period in enumerate(table.periods):
        if previous is not None and previous.in_force.to is not None and period.in_force.from_ <= previous.in_force.to:
            raise DataError(name, f"periods[{p}]", f"starts before period '{previous.name}' ends")
        if previous is not None and previous.in_force.to is None:
            raise DataError(name, f"periods[{p}]", f"period '{previous.name}' has no end, so no period may follow it")
        previous = period
        earlier: list[Any] = []
        by_route: dict[str, list[Any]] = {}
        for c, case in enumerate(period.cases):
            key = f"periods[{p}].cases[{c}]"
            if case.route not in table.routes:
                raise DataError(name, f"{key}.route", f"unknown route '{case.route}' (routes: {', '.join(table.routes)})")
            if case.when is not None:
                try:
                    parse(case.when, questions, "", definitions)
                except ConditionError as err:
                    raise DataError(name, f"{key}.when.{err.path}".rstrip("."), err.message) from None
            # This case decides when no earlier case holds and its own test does.
            test = [{table.transfers: True}, *({"not": w} for w in earlier), *([case.when] if case.when is not None else [])]
            by_route.setdefault(case.route, []).append({"all": test})
            if case.when is None:
                if c != len(period.cases) - 1:
                    raise DataError(name, key, "a case without `when` takes every transfer left, so it must come last")
            else:
                earlier.append(case.when)
        if period.cases[-1].when is not None:
            raise DataError(name, f"periods[{p}].cases", "the last case must have no `when`: it takes every transfer left")
        for route_id, tests in by_route.items():
            definitions[f"xb_route_{route_id}_{period.name}"] = tests[0] if len(tests) == 1 else {"any": tests}
    return table


def _check_transfer_sources(law: Law, table: TransferTable, name: str) -> None:
    """Every case cites provisions in force on some day of its period (the card shows those in force on
    its date, as remedies do), and names figures that exist."""
    for p, period in enumerate(table.periods):
        for c, case in enumerate(period.cases):
            key = f"periods[{p}].cases[{c}]"
            for cite in case.cites:
                versions = law.versions(cite)
                if not versions:
                    raise DataError(name, f"{key}.cites", f"unknown source id '{cite}'")
                if not _in_force_within(law, cite, period.in_force):
                    raise DataError(name, f"{key}.cites", f"'{cite}' is not in force at any time in {period.in_force.label()}")
            for t in case.thresholds:
                provision_id, _, figure = t.figure.rpartition(".")
                if provision_id not in law.provisions or figure not in law.provisions[provision_id].figures:
                    raise DataError(name, f"{key}.thresholds", f"unknown figure '{t.figure}'")


def _in_force_within(law: Law, cite: str, span: InForce) -> bool:
    """True if some version of `cite` applies on some day of `span` (commentary and contracts: always)."""
    versions = law.versions(cite)
    if law.kind(versions[0].id) in ("commentary", "contract"):
        return True
    for p in versions:
        if p.in_force is not None:
            if p.in_force.from_ <= (span.to or p.in_force.from_) and (p.in_force.to is None or p.in_force.to >= span.from_):
                return True
        elif p.published is None or span.to is None or p.published <= span.to:
            return True
    return False


# The method.yaml texts that word a placeholder kind (scoring/exposure.py reads them).
PLACEHOLDER_TEXTS = {
    "times_range": ("times_range",),
    "turnover_cap": ("turnover_cap_fixed", "turnover_cap_share", "turnover_cap_either", "turnover_cap_unknown", "at_least"),
}


def _check_placeholder(law: Law, kind: str, arg: str, name: str, key: str) -> None:
    parts = arg.split(":")
    for text in PLACEHOLDER_TEXTS.get(kind, ()):
        if text not in law.texts:
            raise DataError(name, key, f"'{kind}' needs the text '{text}' under texts in scoring/method.yaml")
    if kind == "turnover_cap":  # question:fixed ceiling figure:percentage figure
        if len(parts) != 3:
            raise DataError(name, key, f"turnover_cap needs 'question:provision.figure:provision.figure', got '{arg}'")
        _check_placeholder(law, "share_of", f"{parts[0]}:{parts[2]}", name, key)
        _check_placeholder(law, "money", parts[1], name, key)
        return
    if kind == "share_of":
        if len(parts) != 2 or parts[0] not in law.bank.questions:
            raise DataError(name, key, f"share_of needs 'question:provision.figure', got '{arg}'")
        question = law.bank.questions[parts[0]]
        if question.type != "single" or any(c.min is None for c in question.choices):
            raise DataError(name, key, f"share_of needs a banded single question, '{parts[0]}' is not")
        ref = parts[1]
    else:
        ref = arg
    provision_id, _, figure = ref.rpartition(".")
    provision = law.provisions.get(provision_id)
    if provision is None:
        raise DataError(name, key, f"placeholder names unknown provision '{provision_id}'")
    if figure not in provision.figures:
        raise DataError(
            name,
            key,
            f"provision '{provision_id}' has no figure '{figure}' (has: {', '.join(sorted(provision.figures)) or 'none'})",
        )
    value = provision.figures[figure]
    if kind.endswith("_range") != isinstance(value, list):
        raise DataError(name, key, f"'{kind}' does not fit figure '{figure}' = {value!r}")


@cache
def default_law() -> Law:
    """The shipped law data, loaded and validated once per process."""
    return load_law()
