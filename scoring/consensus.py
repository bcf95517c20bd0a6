"""A workshop's suggested agreed answer to a question, from what each respondent answered, and the rule
that chose it. The engine decides what scores higher; nothing here scores.

The rules, in the order they are tried:

- **unanimous**: everyone who answered gave the same answer. It is suggested.
- **cautious**: the answers lead to different risk levels. The answer that scores higher is suggested,
  whatever the count: the sum of the four axis scores `scoring.engine.assess` gives with that answer in
  place. "I don't know" is never the less cautious choice (for it the engine counts every finding that
  some true answer could trigger).
- **majority**: the answers lead to the same level on every axis, and one answer was given more often
  than any other. It is suggested, with the counts.
- **tie**: the answers lead to the same level and two or more were given equally often. The cautious one
  among them is suggested, and the reason says it is a tie.
- **unscored**: the answers cannot be compared yet because the answer set cannot be scored (a profile
  question without "I don't know" has no answer anywhere). The most common answer is suggested, a tie
  going to "I don't know"; the consultant should settle the profile first.

"Cautious" orders answers by their total score, then by how many findings they fire, then "I don't know"
first; what is still equal is ordered by the answer itself (its canonical key), never by who answered
first, so the same answers always give the same suggestion.

Each answer is scored in the context of the agreed answers so far. A question the agreed answers leave
open is filled with the respondents' most common answer to it (a tie: "I don't know" if given, else the
first in canonical order), else with "I don't know" where it is offered: what the engine itself assumes
of an answer not given.
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

RULES = ("unanimous", "majority", "tie", "cautious", "unscored")
_FILL_ROUNDS = 8  # an answer can open further questions; each round fills those


@dataclass(frozen=True)
class Suggestion:
    """The suggested agreed answer, the rule that chose it (one of RULES), when answers were scored each
    answer given with its total score (the sum of the four axis scores), highest first, and how many
    respondents gave each answer, most first."""

    value: Any
    rule: str
    scores: tuple[tuple[Any, int], ...] = ()
    counts: tuple[tuple[Any, int], ...] = ()

    @property
    def respondents(self) -> int:
        """How many respondents answered."""
        return sum(n for _, n in self.counts)


def _canonical(key: Hashable) -> str:
    """An order of answers that does not depend on who answered first."""
    return repr(key)


def _most_common(values: list[Any]) -> list[Any]:
    """The answers given most often (several when tied), "I don't know" first, then in canonical order."""
    counts = Counter(answer_key(v) for v in values)
    top = max(counts.values())
    seen: dict[Hashable, Any] = {}
    for v in values:
        if counts[answer_key(v)] == top:
            seen.setdefault(answer_key(v), v)
    return [seen[k] for k in sorted(seen, key=lambda k: (k != UNKNOWN, _canonical(k)))]


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
    counts = Counter(answer_key(v) for v in given)
    order = sorted(distinct, key=lambda k: (-counts[k], k != UNKNOWN, _canonical(k)))
    tally = tuple((distinct[k], counts[k]) for k in order)
    if len(distinct) == 1:
        return Suggestion(given[0], "unanimous", counts=tally)

    fill = {qid: _most_common(list(by.values()))[0] for qid, by in workshop.items() if qid != question_id and by}
    base = {qid: v for qid, v in agreed.items() if qid != question_id and v is not None}
    results: dict[Hashable, tuple[int, int, tuple[str, ...]]] = {}
    for key, value in distinct.items():
        complete = _complete({**base, question_id: value}, fill, law)
        if complete is None:
            return Suggestion(_most_common(given)[0], "unscored", counts=tally)
        result = assess(scored_answers(complete, law), as_of, rank_remedies=False, law=law)
        levels = tuple(r.level for r in result.axes.values())
        results[key] = (sum(r.score for r in result.axes.values()), len(result.findings), levels)

    def caution(key: Hashable) -> tuple[int, int, bool]:
        total, findings, _ = results[key]
        return (total, findings, key == UNKNOWN)

    # Highest first; what is still equal, in canonical order (sorted is stable).
    ranked = sorted(sorted(distinct, key=_canonical), key=caution, reverse=True)
    scores = tuple((distinct[k], results[k][0]) for k in ranked)
    if len({levels for *_, levels in results.values()}) > 1:
        return Suggestion(distinct[ranked[0]], "cautious", scores, tally)
    top = max(counts.values())
    tied = [k for k in ranked if counts[k] == top]
    return Suggestion(distinct[tied[0]], "majority" if len(tied) == 1 else "tie", scores, tally)
