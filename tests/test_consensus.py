"""The workshop's suggested agreed answer (scoring/consensus.py): the majority where the respondents agree
on the level, the cautious answer (the one the engine scores higher) where they do not, "I don't know" on a
tie, and the engine, not this module, deciding what scores higher."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from questions.model import UNKNOWN
from scoring.consensus import RULES, Suggestion, suggest
from scoring.engine import assess, incomplete
from scoring.loader import default_law

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
DAY = dt.date(2026, 11, 29)
LAW = default_law()


def total(answers: dict) -> tuple[int, tuple[str, ...]]:
    result = assess(answers, DAY, rank_remedies=False)
    return sum(r.score for r in result.axes.values()), tuple(r.level for r in result.axes.values())


def agreed_without(qid: str) -> dict:
    return {k: v for k, v in ARTICLE.items() if k != qid}


def test_nobody_answered_nothing_is_suggested() -> None:
    assert suggest("past_leak", {}, ARTICLE, DAY) is None
    assert suggest("past_leak", {"past_leak": {}}, ARTICLE, DAY) is None


def test_the_same_answer_from_everyone_is_suggested_even_a_tick_list_in_another_order() -> None:
    workshop = {"data_categories": {"Li": ["transactions", "health"], "Zhang": ["health", "transactions"]}}
    s = suggest("data_categories", workshop, ARTICLE, DAY)
    assert s == Suggestion(["transactions", "health"], "unanimous", counts=((["transactions", "health"], 2),))


def test_where_the_answers_lead_to_different_levels_the_one_that_scores_higher_is_suggested() -> None:
    agreed = {**agreed_without("past_leak"), "past_leak_public": UNKNOWN}  # the follow-up a leak opens (hidden otherwise)
    scored = {}
    for value in (True, False):
        answers = {**agreed, "past_leak": value}
        assert not incomplete(answers, LAW)  # the article's answers stay complete either way: score them directly
        scored[value] = total(answers)
    assert scored[True][1] != scored[False][1], "the test needs two answers that lead to different levels"
    higher = max(scored, key=lambda v: scored[v][0])
    # Two respondents say the less cautious thing, one the other: caution wins over the majority.
    lower = not higher
    workshop = {"past_leak": {"A": lower, "B": lower, "C": higher}}
    s = suggest("past_leak", workshop, agreed, DAY)
    assert (s.value, s.rule) == (higher, "cautious")
    assert dict(s.scores) == {True: scored[True][0], False: scored[False][0]}
    assert s.scores[0][1] >= s.scores[-1][1]  # highest first


def test_where_the_answers_agree_on_the_level_the_majority_is_suggested_and_a_tie_goes_to_i_dont_know() -> None:
    agreed = agreed_without("encryption")
    levels = {v: total({**agreed, "encryption": v}) for v in (True, UNKNOWN)}
    assert levels[True][1] == levels[UNKNOWN][1], "the test needs two answers that lead to the same levels"
    s = suggest("encryption", {"encryption": {"A": True, "B": True, "C": UNKNOWN}}, agreed, DAY)
    assert (s.value, s.rule) == (True, "majority")
    assert s.counts == ((True, 2), (UNKNOWN, 1)) and s.respondents == 3
    if levels[True][0] == levels[UNKNOWN][0]:
        s = suggest("encryption", {"encryption": {"A": True, "B": UNKNOWN}}, agreed, DAY)
        assert (s.value, s.rule) == (UNKNOWN, "tie")  # one each, the same scores: the cautious side


def test_an_answer_that_opens_further_questions_is_scored_with_them_taken_as_unknown() -> None:
    """Say one respondent reports a past leak and the agreed answers have none of its follow-up questions:
    the engine treats what is not answered as "I don't know", and so does the comparison."""
    agreed = {k: v for k, v in ARTICLE.items() if k not in ("past_leak",)}
    s = suggest("past_leak", {"past_leak": {"A": True, "B": False}}, agreed, DAY)
    assert s is not None and s.rule in ("cautious", "majority", "tie") and len(s.scores) == 2


def test_without_a_profile_the_answers_cannot_be_scored_and_the_most_common_is_suggested() -> None:
    # Nobody has said whether the company deals with consumers, which has no "I don't know".
    s = suggest("encryption", {"encryption": {"A": True, "B": UNKNOWN, "C": True}}, {}, DAY)
    assert (s.value, s.rule) == (True, "unscored")
    s = suggest("encryption", {"encryption": {"A": True, "B": UNKNOWN}}, {}, DAY)
    assert (s.value, s.rule) == (UNKNOWN, "unscored")
    assert set(RULES) == {"unanimous", "majority", "tie", "cautious", "unscored"}


def test_the_respondents_answers_to_other_questions_complete_the_context() -> None:
    """With no agreed profile yet, the respondents' own profile answers make the answers comparable."""
    profile = ("company_sector", "consumer_facing", "collects_directly")
    workshop = {q: {"A": ARTICLE[q]} for q in profile}
    workshop["past_leak"] = {"A": True, "B": False}
    s = suggest("past_leak", workshop, {}, DAY)
    assert s.rule in ("cautious", "majority", "tie") and len(s.scores) == 2


def test_a_tie_takes_the_answer_that_scores_higher_says_it_is_a_tie_and_does_not_depend_on_who_answered_first() -> None:
    """The field report: on a 1-1 tie the favourable answer was suggested "as most respondents gave"."""
    agreed = agreed_without("sourcing_approval_process")
    yes, no = (total({**agreed, "sourcing_approval_process": v}) for v in (True, False))
    assert yes[1] == no[1] and no[0] > yes[0], "the test needs a question whose answers share levels, No scoring higher"
    for order in ({"A": True, "B": False}, {"A": False, "B": True}):
        s = suggest("sourcing_approval_process", {"sourcing_approval_process": order}, agreed, DAY)
        assert (s.value, s.rule) == (False, "tie")
        assert s.scores == ((False, no[0]), (True, yes[0]))
        assert dict(s.counts) == {True: 1, False: 1}


def test_on_equal_scores_the_answer_that_fires_more_findings_is_the_cautious_one() -> None:
    agreed = agreed_without("privacy_notice")
    results = {v: assess({**agreed, "privacy_notice": v}, DAY, rank_remedies=False) for v in (True, False)}
    assert sum(r.score for r in results[True].axes.values()) == sum(r.score for r in results[False].axes.values())
    assert len(results[False].findings) > len(results[True].findings), "the test needs more findings for No"
    for order in ({"A": True, "B": False}, {"A": False, "B": True}):
        assert suggest("privacy_notice", {"privacy_notice": order}, agreed, DAY).value is False


def test_the_same_answers_give_the_same_suggestion_whatever_the_order_of_respondents_or_questions() -> None:
    agreed = {k: v for k, v in ARTICLE.items() if k not in ("past_leak", "consumer_facing")}
    answers = {"A": True, "B": False, "C": UNKNOWN}
    workshop = {"consumer_facing": {"A": True, "B": False}, "past_leak": answers}
    first = suggest("past_leak", workshop, agreed, DAY)
    backwards = {"past_leak": dict(reversed(answers.items())), "consumer_facing": {"B": False, "A": True}}
    assert suggest("past_leak", backwards, agreed, DAY) == first
