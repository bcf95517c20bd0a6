"""Consistency of the data as a whole: citations resolve, sources are used, questions are reachable,
both languages are present everywhere, versions do not overlap, and everything is documented."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from questions.conditions import TRUE
from questions.locales import LOCALES
from questions.model import Text
from questions.strings import LOCALE_DIR, load_strings
from scoring.axes import AXES, LEVELS
from scoring.engine import _compiled, _state, assess, visibility

ROOT = Path(__file__).resolve().parents[1]


def _texts(obj, path="") -> list[tuple[str, Text]]:
    """Every Text inside a pydantic model or container, with where it is."""
    out = []
    if isinstance(obj, Text):
        return [(path, obj)]
    if hasattr(type(obj), "model_fields"):
        for name in type(obj).model_fields:
            out += _texts(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out += _texts(v, f"{path}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out += _texts(v, f"{path}[{i}]")
    return out


def _change_dates(law) -> list[dt.date]:
    dates = {law.method.coverage_from}
    for p in law.provisions.values():
        if p.in_force:
            dates.add(p.in_force.from_)
            if p.in_force.to:
                dates.add(p.in_force.to + dt.timedelta(days=1))
    for r in law.rules:
        if r.in_force:
            dates.add(r.in_force.from_)
            if r.in_force.to:
                dates.add(r.in_force.to + dt.timedelta(days=1))
    return sorted(d for d in dates if d >= law.method.coverage_from)


def test_every_rule_citation_resolves_on_every_day_the_rule_is_in_force(law):
    for day in _change_dates(law):
        for edge in (day, day - dt.timedelta(days=1)):
            if edge < law.method.coverage_from:
                continue
            for rule in law.rules:
                if rule.in_force and not rule.in_force.covers(edge):
                    continue
                for cite in rule.cites:
                    kind = law.kind(law.versions(cite)[0].id)
                    if kind == "case":
                        continue
                    assert law.resolve(cite, edge) is not None, f"{rule.id} cites {cite}, not in force on {edge}"


def test_every_source_is_cited_or_allowlisted(law):
    cited = set()
    for cites in itertools.chain(
        (r.cites for r in law.rules),
        (r.cites for r in law.remedies.values()),
        (s.cites for s in law.exposure),
        (c.cites for p in law.transfer.periods for c in p.cases),  # the transfer route card cites them
    ):
        for cite in cites:
            cited.update(p.id for p in law.versions(cite))
    unused = set(law.provisions) - cited - set(law.method.source_allowlist)
    assert not unused, f"sources neither cited nor on method.yaml's source_allowlist: {sorted(unused)}"


def test_allowlist_holds_only_uncited_sources(law):
    cited = {p.id for r in law.rules for c in r.cites for p in law.versions(c)}
    assert not set(law.method.source_allowlist) & cited


def test_no_two_versions_of_a_provision_overlap(law):
    by_base: dict[str, list] = {}
    for p in law.provisions.values():
        if p.in_force:
            by_base.setdefault(p.base, []).append(p.in_force)
    for base, ranges in by_base.items():
        ranges.sort(key=lambda r: r.from_)
        for a, b in itertools.pairwise(ranges):
            assert a.to is not None and a.to < b.from_, f"{base}: versions overlap"


def test_every_question_is_reachable(law):
    """For each question, some answers make it visible: try the answers that open each show_if."""
    questions = law.bank.questions
    everything = {}
    for q in questions.values():
        if q.type == "yes_no":
            everything[q.id] = True
        elif q.type == "single":
            everything[q.id] = q.choices[-1].id
        else:
            everything[q.id] = [c.id for c in q.choices]
    shown = visibility(everything, law)
    hidden = [qid for qid, v in shown.items() if v != TRUE]
    # A question hidden with every yes / top band / all choices must open some other way: try unknowns.
    unknowns = {qid: "unknown" for qid, q in questions.items() if q.unknown}
    shown_unknown = visibility({**everything, **unknowns}, law)
    unreachable = [qid for qid in hidden if shown_unknown[qid] == 0]
    assert not unreachable, f"questions no answers can reveal: {unreachable}"


def test_every_question_is_used_or_informational(law):
    used = set()
    for node in itertools.chain(law.conditions.values(), law.show_if.values(), law.exposure_conditions.values()):
        used |= node.questions()
    for r in law.remedies.values():
        used |= set(r.sets)
    for s in law.exposure:
        used |= {m.split(":")[1] for m in re.findall(r"\{(?:share_of|turnover_cap):[^}]+\}", s.text["en"])}
    unused = [q.id for q in law.bank.questions.values() if q.id not in used and not q.informational]
    assert not unused, f"questions no rule, show_if or remedy uses (mark them informational: true): {unused}"


def test_every_remedy_touches_the_questions_of_the_rules_it_fixes(law):
    for rule in law.rules:
        if rule.remedy:
            asked = law.conditions[rule.id].questions()
            assert asked & set(law.remedies[rule.remedy].sets), f"{rule.id}: remedy {rule.remedy} sets none of {sorted(asked)}"


def test_every_remedy_is_used(law):
    used = {r.remedy for r in law.rules if r.remedy}
    assert set(law.remedies) == used, f"remedies no rule names: {sorted(set(law.remedies) - used)}"


def test_remedies_show_a_citation_whenever_they_are_offered(law):
    for day in _change_dates(law):
        for rule in law.rules:
            if rule.remedy and (rule.in_force is None or rule.in_force.covers(day)):
                remedy = law.remedies[rule.remedy]
                assert any(law.resolve(c, day) for c in remedy.cites), f"{remedy.id} has no citation in force on {day}"


def test_every_data_text_has_both_languages(law):
    items = [("bank", s) for s in law.bank.sections] + [(q.id, q) for q in law.bank.questions.values()]
    items += [(r.id, r) for r in law.rules] + [(k, r) for k, r in law.remedies.items()]
    items += [(s.id, s) for s in law.exposure] + [(p.id, p) for p in law.provisions.values()]
    items += [(i.id, i) for i in law.instruments.values()] + [(k, t) for k, t in law.texts.items()]
    count = 0
    for where, item in items:
        for path, text in _texts(item) if not isinstance(item, Text) else [("", item)]:
            for lang in LOCALES:
                assert text[lang].strip(), f"{where}{path}: empty {lang}"
            assert re.search(r"[\u4e00-\u9fff]", text["zh"]) or not re.search(r"[A-Za-z]{4,}", text["en"]), (
                f"{where}{path}: zh has no Chinese: {text['zh']!r}"
            )
            count += 1
    assert count > 500


def test_every_locale_file_has_both_languages():
    files = sorted(LOCALE_DIR.glob("*.yaml"))
    assert files
    for path in files:
        strings = load_strings(path.stem)
        assert strings, path
        for key, text in strings.items():
            for lang in LOCALES:
                assert text[lang].strip(), f"{path.name}: {key}: empty {lang}"
                # The same placeholders in every language.
                assert sorted(re.findall(r"\{(\w+)\}", text["en"])) == sorted(re.findall(r"\{(\w+)\}", text[lang])), (
                    f"{path.name}: {key}: {lang}"
                )


def test_registries_have_both_languages():
    for lang in LOCALES:
        for axis in AXES:
            assert axis.label[lang] and axis.description[lang], (axis.key, lang)
        for level in LEVELS:
            assert level.label[lang], (level.key, lang)


def test_every_rule_field_and_axis_is_documented():
    doc = (ROOT / "docs" / "scoring-method.md").read_text(encoding="utf-8") + (ROOT / "docs" / "adding-rules.md").read_text(
        encoding="utf-8"
    )
    from scoring.model import Definition, ExposureStatement, Provision, Remedy, Rule

    for model in (Rule, Remedy, ExposureStatement, Provision, Definition):
        for name, field in model.model_fields.items():
            shown = field.alias or name
            assert f"`{shown}`" in doc, f"{model.__name__}.{shown} is not documented"
    for axis in AXES:
        assert f"`{axis.key}`" in doc
    from questions.conditions import COMBINATORS, OPERATORS

    for op in (*OPERATORS, *COMBINATORS):
        assert f"`{op}`" in doc, f"condition operator {op} is not documented"


@pytest.mark.parametrize("day", ["2012-09-04", "2026-11-29"])
def test_scores_and_levels_agree(law, article_answers, day):
    result = assess(article_answers, dt.date.fromisoformat(day))
    bands = {"low": (0, 24), "medium": (25, 49), "high": (50, 74), "severe": (75, 100)}
    for axis, r in result.axes.items():
        low, high = bands[r.level]
        assert low <= r.score <= high or (r.score == 0 and r.top_rule is None), (axis, r.level, r.score)
        assert r.level == law.method.level(r.likelihood, r.severity)


def test_state_puts_questions_in_bank_order(law):
    order = list(_state(_compiled(law), {}).keys())
    assert order == list(law.bank.questions)
