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


def _share_of(law: Law, qid: str, pct: float, answers: Mapping[str, Any], lang: str) -> str:
    value = answers.get(qid)
    if value is None or value == UNKNOWN:
        return law.texts["band_unknown"].get(lang)
    band = law.bank.questions[qid].choice(value)
    low = (band.min or 0) * pct / 100  # the loader checks that share_of names a banded question
    if band.max is None:
        return law.texts["at_least"].get(lang).format(amount=money(low, lang))
    return _range([low, band.max * pct / 100], lang, lambda v: money(v, lang))


def render(law: Law, template: str, answers: Mapping[str, Any], lang: str) -> str:
    """Fill a statement's placeholders (checked by the loader: each names a figure of the right shape)."""

    def fill(match: re.Match[str]) -> str:
        kind, arg = match.group(1), match.group(2)
        qid = ""
        if kind == "share_of":
            qid, arg = arg.split(":", 1)
        provision_id, _, figure = arg.rpartition(".")
        value = law.provisions[provision_id].figures[figure]
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
