"""Renders exposure statements: fills their placeholders from the cited provisions' figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from questions.model import UNKNOWN, Text
from scoring.loader import PLACEHOLDER, Law
from scoring.model import ExposureStatement


def money(amount: float, lang: str) -> str:
    """An RMB amount in the reader's convention: 'RMB 50,000,000' or '5,000万元'."""
    amount = round(amount)
    if lang == "zh":  # Chinese convention: no thousands separators, 万 for ten thousands
        if amount >= 10_000 and amount % 10_000 == 0:
            return f"{amount // 10_000}万元"
        return f"{amount}元"
    return f"RMB {amount:,}"


def number(value: float, lang: str = "en") -> str:
    if not float(value).is_integer():
        return f"{value:g}"
    return f"{int(value)}" if lang == "zh" else f"{int(value):,}"


def _range(values: list[float], lang: str, fmt) -> str:
    low, high = values
    return f"{fmt(low)}至{fmt(high)}" if lang == "zh" else f"{fmt(low)}–{fmt(high)}"


def _share_of(law: Law, qid: str, pct: float, answers: Mapping[str, Any], lang: str) -> str:
    value = answers.get(qid)
    if value is None or value == UNKNOWN:
        return law.texts["band_unknown"].get(lang)
    band = law.bank.questions[qid].choice(value)
    low = band.min * pct / 100
    if band.max is None:
        return law.texts["at_least"].get(lang).format(amount=money(low, lang))
    return _range([low, band.max * pct / 100], lang, lambda v: money(v, lang))


def render(law: Law, template: str, answers: Mapping[str, Any], lang: str) -> str:
    def fill(match) -> str:
        kind, arg = match.group(1), match.group(2)
        qid = None
        if kind == "share_of":
            qid, arg = arg.split(":", 1)
        provision_id, _, figure = arg.rpartition(".")
        value = law.provisions[provision_id].figures[figure]
        if kind == "money":
            return money(value, lang)
        if kind == "money_range":
            return _range(value, lang, lambda v: money(v, lang))
        if kind == "number":
            return number(value, lang)
        if kind == "number_range":
            return _range(value, lang, lambda v: number(v, lang))
        return _share_of(law, qid, value, answers, lang)

    return PLACEHOLDER.sub(fill, template)


def render_statement(law: Law, statement: ExposureStatement, answers: Mapping[str, Any]) -> Text:
    return Text(en=render(law, statement.text.en, answers, "en"), zh=render(law, statement.text.zh, answers, "zh"))
