"""A workshop's suggested agreed answer to a question, from what each respondent answered, and the rule
that chose it. The engine decides what scores higher; nothing here scores.

The rules, in the order they are tried:

- **unanimous**: everyone who answered gave the same answer. It is suggested.
- **majority**: the answers differ, but with each of them in place the engine gives the same risk level
  on every axis (the respondents agree on the level). The answer most respondents gave is suggested;
  a tie goes to the one that scores higher, then to "I don't know".
- **cautious**: the answers lead to different levels. The answer that scores higher is suggested: the
  sum of the four axis scores `scoring.engine.assess` gives with that answer in place. A tie goes to
  "I don't know" when it is among the tied answers (for it the engine counts every finding that some
  true answer could trigger, so it is never the less cautious choice), then to the most common answer.
- **unscored**: the answers cannot be compared yet because the answer set cannot be scored (a profile
  question without "I don't know" has no answer anywhere). The most common answer is suggested, a tie
  going to "I don't know"; the consultant should settle the profile first.

Each answer is scored in the context of the agreed answers so far. A question the agreed answers leave
open is filled with the respondents' most common answer to it, else with "I don't know" where it is
offered: what the engine itself assumes of an answer not given.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from questions.answers import answer_key
from questions.model import UNKNOWN
from scoring.engine import assess, incomplete, scored_answers
from scoring.loader import Law, default_law

RULES = ("unanimous", "majority", "cautious", "unscored")
_FILL_ROUNDS = 8  # an answer can open further questions; each round fills those


@dataclass(frozen=True)
class Suggestion:
    """The suggested agreed answer, the rule that chose it (one of RULES), and, when answers were scored,
    each answer given with its total score (the sum of the four axis scores), highest first."""

    value: Any
    rule: str
    scores: tuple[tuple[Any, int], ...] = ()


def _most_common(values: list[Any]) -> list[Any]:
    """The answers given most often (several when tied), in the order first given."""
    counts = Counter(answer_key(v) for v in values)
    top = max(counts.values())
    seen: dict[Hashable, Any] = {}
    for v in values:
        if counts[answer_key(v)] == top:
            seen.setdefault(answer_key(v), v)
    return list(seen.values())


def _complete(answers: dict[str, Any], fill: Mapping[str, Any], law: Law) -> dict[str, Any] | None:
    """`answers` with each required question they show but leave open filled (from `fill`, else "I don't
    know" where offered); None if one cannot be filled."""
    out = dict(answers)
    for _ in range(_FILL_ROUNDS):
        missing = [qid for ids in incomplete(out, law).missing.values() for qid in ids]
        if not missing:
            return out
        for qid in missing:
            if qid in fill:
                out[qid] = fill[qid]
            elif law.bank.questions[qid].unknown:
                out[qid] = UNKNOWN
            else:
                return None
    return None


def suggest(
    question_id: str,
    workshop: Mapping[str, Mapping[str, Any]],
    agreed: Mapping[str, Any],
    as_of: dt.date,
    *,
    law: Law | None = None,
) -> Suggestion | None:
    """The suggested agreed answer to `question_id`, or None if no respondent answered it.

    `workshop` is what each respondent answered, {question_id: {respondent: value}} (the store's
    `workshop_answers`); `agreed` the assessment's agreed answers so far; `as_of` its law date."""
    law = law or default_law()
    given = [v for v in (workshop.get(question_id) or {}).values() if v is not None]
    if not given:
        return None
    distinct: dict[Hashable, Any] = {}
    for v in given:
        distinct.setdefault(answer_key(v), v)
    if len(distinct) == 1:
        return Suggestion(given[0], "unanimous")

    counts = Counter(answer_key(v) for v in given)
    fill = {qid: _most_common(list(by.values()))[0] for qid, by in workshop.items() if qid != question_id and by}
    base = {qid: v for qid, v in agreed.items() if qid != question_id and v is not None}
    results: dict[Hashable, tuple[int, tuple[str, ...]]] = {}
    for key, value in distinct.items():
        complete = _complete({**base, question_id: value}, fill, law)
        if complete is None:
            tied = _most_common(given)
            unknown = [v for v in tied if v == UNKNOWN]
            return Suggestion((unknown or tied)[0], "unscored")
        result = assess(scored_answers(complete, law), as_of, rank_remedies=False, law=law)
        results[key] = (sum(r.score for r in result.axes.values()), tuple(r.level for r in result.axes.values()))

    scores = tuple(sorted(((distinct[k], total) for k, (total, _) in results.items()), key=lambda p: -p[1]))

    def preference(key: Hashable) -> tuple[int, int, int]:
        total = results[key][0]
        return (total, key == UNKNOWN, counts[key])

    if len({levels for _, levels in results.values()}) == 1:  # they agree on the level: the majority
        top = max(counts.values())
        tied = [k for k in distinct if counts[k] == top]
        best = max(tied, key=lambda k: (results[k][0], k == UNKNOWN))
        return Suggestion(distinct[best], "majority", scores)
    best = max(distinct, key=preference)
    return Suggestion(distinct[best], "cautious", scores)
