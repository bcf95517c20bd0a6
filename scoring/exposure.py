"""Renders exposure statements: fills their placeholders from the cited provisions' figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from questions.locales import style
from questions.model import UNKNOWN, Text
from scoring.loader import PLACEHOLDER, Law
from scoring.model import ExposureStatement


def money(amount: float, lang: str) -> str:
    """An RMB amount in the reader's convention (questions.locales): 'RMB 50,000,000' or '5000万元'."""
    return style(lang).money(amount)


def number(value: float, lang: str = "en") -> str:
    return style(lang).number(value)


def _range(values: list[float], lang: str, fmt: Callable[[float], str]) -> str:
    low, high = values
    return style(lang).range(fmt(low), fmt(high))


def _figure(law: Law, ref: str) -> float:
    provision_id, _, figure = ref.rpartition(".")
    value = law.provisions[provision_id].figures[figure]
    assert not isinstance(value, list)  # the loader checks that turnover_cap names single figures
    return float(value)


def _share_of(law: Law, qid: str, pct: float, answers: Mapping[str, Any], lang: str) -> str:
    value = answers.get(qid)
    if value is None or value == UNKNOWN:
        return law.texts["band_unknown"].get(lang)
    band = law.bank.questions[qid].choice(value)
    low = (band.min or 0) * pct / 100  # the loader checks that share_of names a banded question
    if band.max is None:
        return law.texts["at_least"].get(lang).format(amount=money(low, lang))
    return _range([low, band.max * pct / 100], lang, lambda v: money(v, lang))


def _turnover_cap(law: Law, qid: str, fixed: float, pct: float, answers: Mapping[str, Any], lang: str) -> str:
    """A fine of up to a fixed amount or a percentage of turnover (PIPL Art 66(2)): both figures, and which one
    is the higher for the company's turnover band. The percentage exceeds the fixed amount only above
    fixed * 100 / pct of turnover, a figure derived from the two in the data."""
    crossover = fixed * 100 / pct
    words = {"fixed": money(fixed, lang), "pct": number(pct, lang), "crossover": money(crossover, lang)}
    value = answers.get(qid)
    if value is None or value == UNKNOWN:
        return law.texts["turnover_cap_unknown"].get(lang).format(**words)
    band = law.bank.questions[qid].choice(value)
    if band.max is not None and band.max <= crossover:
        return law.texts["turnover_cap_fixed"].get(lang).format(share=money(band.max * pct / 100, lang), **words)
    key = "turnover_cap_share" if (band.min or 0) >= crossover else "turnover_cap_either"
    return law.texts[key].get(lang).format(share=_share_of(law, qid, pct, answers, lang), **words)


def render(law: Law, template: str, answers: Mapping[str, Any], lang: str) -> str:
    """Fill a statement's placeholders (checked by the loader: each names a figure of the right shape)."""

    def fill(match: re.Match[str]) -> str:
        kind, arg = match.group(1), match.group(2)
        if kind == "turnover_cap":
            qid, fixed_ref, pct_ref = arg.split(":")
            return _turnover_cap(law, qid, _figure(law, fixed_ref), _figure(law, pct_ref), answers, lang)
        qid = ""
        if kind == "share_of":
            qid, arg = arg.split(":", 1)
        provision_id, _, figure = arg.rpartition(".")
        value = law.provisions[provision_id].figures[figure]
        if isinstance(value, list) and kind == "times_range":  # the loader checks a range's shape
            low, high = value
            return law.texts["times_range"].get(lang).format(low=number(low, lang), high=number(high, lang))
        if isinstance(value, list):
            fmt = (lambda v: money(v, lang)) if kind == "money_range" else (lambda v: number(v, lang))
            return _range([float(v) for v in value], lang, fmt)
        if kind == "money":
            return money(value, lang)
        if kind == "number":
            return number(value, lang)
        return _share_of(law, qid, value, answers, lang)

    return PLACEHOLDER.sub(fill, template)


def render_statement(law: Law, statement: ExposureStatement, answers: Mapping[str, Any]) -> Text:
    return statement.text.map(lambda lang, template: render(law, template, answers, lang))
