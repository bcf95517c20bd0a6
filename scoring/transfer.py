"""The cross-border route the law requires on a date, decided from the answers (`scoring/transfer.yaml`).

The decision is the table's: in the period covering the date, the first case whose test holds
decides; where "I don't know" leaves several cases able to decide, the most demanding route of them
does (the cautious reading). `deciding_case` makes that choice over arrays, for one answer set here and
for many in `scoring.frame`. The rules that score a missing route use
the conditions the loader generated from the same table, so `decide` only names the route, its reason
and figures, and whether the route in place meets it; `gap_rules` are the fired findings of the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from questions.conditions import FALSE, MAYBE, TRUE, Compiled, compile_node, parse
from questions.model import UNKNOWN
from scoring.assessment import FiredAnswer, Threshold, TransferRoute, base_rule_id
from scoring.loader import Law
from scoring.model import TransferCase, TransferPeriod
from scoring.plan import resolvable

State = Mapping[str, tuple[int, Any]]


@dataclass(frozen=True)
class _Case:
    case: TransferCase
    test: Compiled | None
    asks: frozenset[str]  # the questions its test reads


@lru_cache(maxsize=4)
def _compiled(law: Law) -> tuple[Compiled, dict[str, tuple[_Case, ...]]]:
    assert law.transfer is not None
    questions = law.bank.questions
    transfers = compile_node(parse({law.transfer.transfers: True}, questions), questions)
    periods: dict[str, tuple[_Case, ...]] = {}
    for period in law.transfer.periods:
        cases = []
        for case in period.cases:
            node = parse(case.when, questions, "", law.definitions) if case.when is not None else None
            cases.append(_Case(case, compile_node(node, questions) if node else None, node.questions() if node else frozenset()))
        periods[period.name] = tuple(cases)
    return transfers, periods


def period_on(law: Law, day: dt.date) -> TransferPeriod | None:
    """The period of the route decision covering `day`, or None before the first."""
    if law.transfer is None:
        return None
    return next((p for p in law.transfer.periods if p.in_force.covers(day)), None)


def decide(
    law: Law,
    day: dt.date,
    state: State,
    fired: Iterable[str],
) -> TransferRoute | None:
    """The route for one answer set. `state` is the engine's evaluation state (visibility, value per
    question) and `fired` the fired rule ids. None when the law has no route decision."""
    table = law.transfer
    if table is None:
        return None
    transfers, periods = _compiled(law)
    leaves = transfers(state)
    in_place_value = state.get(table.in_place, (FALSE, None))[1]
    in_place = tuple(in_place_value) if isinstance(in_place_value, list) else ()
    in_place_labels = tuple(law.bank.questions[table.in_place].choice(c).label for c in in_place)

    def route(
        route_id: str,
        reason: Any,
        *,
        case: TransferCase | None = None,
        uncertain: bool = False,
        unknowns: tuple[str, ...] = (),
        read: frozenset[str] = frozenset(),
    ) -> TransferRoute:
        kind = table.routes[route_id]
        if not kind.satisfied_by:
            met: bool | None = None
        else:
            met = in_place_value != UNKNOWN and any(c in kind.satisfied_by for c in in_place)
            if in_place_value == UNKNOWN:
                uncertain, unknowns = True, (*unknowns, table.in_place)
        gap = {case.gap} if case is not None and case.gap else set()
        citations = resolvable(law, case.cites, day) if case else ()
        return TransferRoute(
            as_of=day,
            route=route_id,
            label=kind.label,
            reason=reason,
            in_place=in_place,
            in_place_labels=in_place_labels,
            met=met,
            uncertain=uncertain,
            unknowns=unknowns,
            thresholds=_thresholds(law, case),
            citations=citations,
            gap_rules=tuple(r for r in fired if base_rule_id(r) in gap),
            answers=tuple(
                FiredAnswer(q, state[q][1], assumed=state[q][1] == UNKNOWN)
                for q in _in_bank_order(law, set(read))
                if state.get(q, (FALSE, None))[0] != FALSE and state[q][1] is not None
            ),
        )

    if leaves == FALSE:
        return route("no_transfer", table.no_transfer)
    period = period_on(law, day)
    if period is None:
        return route("not_required", table.no_period, uncertain=leaves == MAYBE)
    asked: set[str] = {table.transfers} if leaves == MAYBE else set()
    cases = periods[period.name]
    results = np.array([[c.test(state) if c.test is not None else TRUE for c in cases]], dtype=np.int8)
    index, several = deciding_case(np.array([leaves]), results, demand_of(law, period))
    chosen, result = cases[int(index[0])], int(results[0, index[0]])
    read = results[0] == TRUE
    for c in cases[: int(read.argmax()) + 1 if read.any() else len(cases)]:  # the cases tried: to the first that holds
        asked |= c.asks
    uncertain = leaves == MAYBE or result == MAYBE or bool(several[0])
    unknowns = tuple(q for q in _in_bank_order(law, asked) if _unknown(state, q)) if uncertain else ()
    return route(
        chosen.case.route, chosen.case.reason, case=chosen.case, uncertain=uncertain, unknowns=unknowns, read=frozenset(asked)
    )


def demand_of(law: Law, period: TransferPeriod) -> np.ndarray:
    """Per case of `period`, how demanding its route is: its place in the table's `routes`."""
    assert law.transfer is not None
    order = list(law.transfer.routes)
    return np.array([order.index(c.route) for c in period.cases], dtype=np.int64)


def deciding_case(leaves: np.ndarray, results: np.ndarray, demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The route decision over many answer sets at once, for both evaluators: `results` holds, per row,
    each case's test in order (FALSE, MAYBE or TRUE) and `leaves` whether information leaves China. A case
    could decide when its test is not FALSE and no earlier case holds; of those the most demanding decides,
    the first on a tie. Returns per row the deciding case's index (-1 where nothing leaves China) and
    whether more than one case could decide (the route then rests on unknowns)."""
    n, k = results.shape
    holds = results == TRUE
    held_before = np.zeros((n, k), dtype=bool)
    held_before[:, 1:] = np.cumsum(holds, axis=1)[:, :-1] > 0
    candidate = (leaves != FALSE)[:, None] & ~held_before & (results != FALSE)
    rank = np.where(candidate, demand[None, :] * k + (k - 1 - np.arange(k))[None, :], -1)
    return np.where(candidate.any(axis=1), rank.argmax(axis=1), -1), candidate.sum(axis=1) > 1


def _unknown(state: State, qid: str) -> bool:
    visible, value = state.get(qid, (FALSE, None))
    return visible != FALSE and value == UNKNOWN


def _in_bank_order(law: Law, qids: set[str]) -> list[str]:
    return [q for q in law.bank.questions if q in qids]


def _thresholds(law: Law, case: TransferCase | None) -> tuple[Threshold, ...]:
    if case is None:
        return ()
    out = []
    for t in case.thresholds:
        provision_id, _, figure = t.figure.rpartition(".")
        provision = law.provisions[provision_id]
        value = provision.figures[figure]
        assert isinstance(value, int | float)
        out.append(Threshold(provision_id, figure, int(value), provision.confidence, t.text))
    return tuple(out)


@dataclass(frozen=True)
class RouteWords:
    """The route as every surface words it (plain text; each surface escapes it its own way)."""

    title: str
    status: str
    status_key: str  # transfer_met, transfer_missing or transfer_nothing_needed
    because: str
    in_place: str
    thresholds: str | None
    unknowns: str | None


def route_words(route: TransferRoute, law: Law, lang: str) -> RouteWords:
    """The card's, the reports' and the terminal's sentences for a route, in one language."""
    from questions.locales import style
    from questions.strings import tr

    def say(key: str, **kw: Any) -> str:
        return tr("common", key, lang, **kw)

    status_key = "transfer_nothing_needed" if route.met is None else ("transfer_met" if route.met else "transfer_missing")
    routes = ", ".join(label.get(lang) for label in route.in_place_labels) or say("transfer_in_place_none")
    figures = "; ".join(
        f"{style(lang).number(th.value)} ({th.text.get(lang)}) {say('confidence_mark', mark=th.confidence)}"
        for th in route.thresholds
    )
    asked = ", ".join(law.bank.questions[q].text.get(lang) for q in route.unknowns)
    return RouteWords(
        title=say("transfer_title", date=route.as_of.isoformat(), route=route.label.get(lang)),
        status=say(status_key),
        status_key=status_key,
        because=say("transfer_because", reason=route.reason.get(lang)),
        in_place=say("transfer_in_place", routes=routes),
        thresholds=say("transfer_thresholds", figures=figures) if figures else None,
        unknowns=say("transfer_rests_on_unknowns", questions=asked) if route.uncertain and asked else None,
    )
