"""The rights review of issue 23 (tests/cases/review_rights.yaml, R1-R14): the fixes a scenario cannot pin."""

from __future__ import annotations

import re

import pytest
import yaml

from questions.loader import BANK_DIR
from scoring.loader import load_law

RIGHTS_PREFIXES = ("minors.", "rights.", "automated.")
RIGHTS_REMEDIES = (
    "guardian_consent_for_children_2019",
    "children_person_in_charge",
    "minors_request_channel",
    "minors_compliance_audit",
    "complete_privacy_notice",
    "service_without_optional_consent",
    "rights_request_handling",
    "automated_opt_out",
    "automated_fair_terms",
    "automated_explanation",
    "automated_impact_assessment",
)
# PIPL Arts 15 and 24 say 便捷 (convenient); "easy", and GDPR's "as easy as", say more than the law.
EASY = re.compile(r"\beas(y|ily|ier)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def law():
    return load_law()


def _rights_rules(law):
    return [r for r in law.rules if r.id.startswith(RIGHTS_PREFIXES)]


def test_rights_rules_and_remedies_say_convenient_not_easy(law):
    """R7, R10: Art 24's 便捷的拒绝方式 is 'a convenient way to refuse' in every title, explain and remedy."""
    texts = [(r.id, r.title["en"]) for r in _rights_rules(law)] + [(r.id, r.explain["en"]) for r in _rights_rules(law)]
    texts += [(rid, law.remedies[rid].title["en"]) for rid in RIGHTS_REMEDIES]
    texts += [(rid, law.remedies[rid].description["en"]) for rid in RIGHTS_REMEDIES]
    bank = yaml.safe_load((BANK_DIR / "rights.yaml").read_text(encoding="utf-8"))
    texts += [(q["id"], q["text"]["en"] + " " + q["help"]["en"]) for q in bank["questions"]]
    offending = [(where, text) for where, text in texts if EASY.search(text)]
    assert not offending, offending


def test_rights_rules_cite_nothing_published_after_their_start(law):
    """R6: a version in force from a date states no statistic published after it (stats.cac2022 on 2021-11-01)."""
    for rule in _rights_rules(law):
        for pid in rule.cites:
            published = law.provisions[pid].published
            assert published is None or published <= rule.in_force.from_, (rule.id, pid)


@pytest.mark.parametrize(
    "rid",
    [
        "minors.guardian_consent@2019",
        "minors.person_in_charge@2019",
        "minors.no_request_channel@2024",
        "minors.no_audit@2024",
    ],
)
def test_penalty_borrowed_from_another_law_is_said_to_be_pirisks_reading(law, rid):
    """R1, R3, R4: the 2019 provisions and the 2024 regulations name no penalty pirisk's sources hold; which
    article's range applies is pirisk's own reading, in both languages."""
    rule = {r.id: r for r in law.rules}[rid]
    assert "pirisk's" in rule.explain["en"] and "reading" in rule.explain["en"], rid
    assert "pirisk" in rule.explain["zh"] and "理解" in rule.explain["zh"], rid


def test_request_rule_cites_the_pipl_articles_for_each_right(law):
    """R3: correction and completion are Art 46, deletion Art 47, not Arts 44-45 alone."""
    rule = {r.id: r for r in law.rules}["minors.no_request_channel@2024"]
    assert {"pipl.46", "pipl.47"} <= set(rule.cites)
    assert "Art 46" in rule.explain["en"] and "第四十六条" in rule.explain["zh"]


def test_pipia_basis_states_arts_55_and_56_in_full(law):
    """R12: the PIPIA's basis says what Art 56 makes the assessment cover and keeps 'at least' three years."""
    summary = law.provisions["pipl.55-56"].summary
    assert "at least 3 years" in summary["en"] and "至少保存3年" in summary["zh"]
    for words in ("lawful, legitimate and necessary", "security risks", "effective and proportionate", "major impact"):
        assert words in summary["en"], words
    for words in ("合法、正当、必要", "安全风险", "与风险程度相适应", "重大影响"):
        assert words in summary["zh"], words
    assert "显著方式、清晰易懂的语言" in law.provisions["pipl.17"].summary["zh"]
