"""The locales pirisk speaks, as one registry read from assets/locales.yaml, and each one's
formatting of money, numbers and ranges. Everything that depends on the language iterates `LOCALES`
or asks `style(lang)`; no other module branches on a language code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from questions.content import content_path
from questions.errors import DataError
from questions.yamlfile import display_path, read_yaml, validation_error


class Style(Protocol):
    """A language's conventions for figures. Words (colons, list separators) are locale strings, not code."""

    def money(self, amount: float) -> str: ...
    def number(self, value: float) -> str: ...
    def range(self, low: str, high: str) -> str: ...


class _English:
    """RMB 1,000,000; 5,000; 1–10."""

    def money(self, amount: float) -> str:
        return f"RMB {round(amount):,}"

    def number(self, value: float) -> str:
        return f"{value:g}" if not float(value).is_integer() else f"{int(value):,}"

    def range(self, low: str, high: str) -> str:
        return f"{low}–{high}"


class _Chinese:
    """No thousands separators; 亿 for hundred millions and 万 for ten thousands: 5亿元, 100万元; 5000.
    Ranges as the statutes write them, both ends included: 1万元以上10万元以下."""

    def money(self, amount: float) -> str:
        amount = round(amount)
        if amount >= 100_000_000 and amount % 10_000 == 0:
            yi = amount / 100_000_000
            return f"{yi:.4f}".rstrip("0").rstrip(".") + "亿元"
        if amount >= 10_000 and amount % 1_000 == 0:
            return f"{amount / 10_000:g}万元"  # 100万元, 1.5万元
        return f"{amount}元"

    def number(self, value: float) -> str:
        return f"{value:g}" if not float(value).is_integer() else f"{int(value)}"

    def range(self, low: str, high: str) -> str:
        return f"{low}以上{high}以下"


STYLES: dict[str, Style] = {"en": _English(), "zh": _Chinese()}


class _LocaleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    name: str = Field(min_length=1)
    html_lang: str = Field(min_length=2)
    style: str


@dataclass(frozen=True)
class Locale:
    code: str  # the key of every text in this language ("en", "zh")
    name: str  # the language's own name, for the language switch
    html_lang: str  # BCP 47, for the page's lang attribute
    style: str  # a key of STYLES


def _load() -> tuple[Locale, ...]:
    path = content_path("assets", "locales.yaml")
    name = display_path(path)
    raw = read_yaml(path)
    if not isinstance(raw, list) or not raw:
        raise DataError(name, "", "must be a non-empty list of locales")
    out: list[Locale] = []
    for i, item in enumerate(raw):
        try:
            entry = _LocaleEntry.model_validate(item)
        except ValidationError as err:
            raise validation_error(name, err, f"[{i}]") from None
        if entry.style not in STYLES:
            raise DataError(name, f"[{i}].style", f"unknown style '{entry.style}' (styles: {', '.join(STYLES)})")
        if any(loc.code == entry.code for loc in out):
            raise DataError(name, f"[{i}].code", f"duplicate locale '{entry.code}'")
        out.append(Locale(entry.code, entry.name, entry.html_lang, entry.style))
    return tuple(out)


REGISTRY: tuple[Locale, ...] = _load()
LOCALES: tuple[str, ...] = tuple(loc.code for loc in REGISTRY)
DEFAULT_LOCALE: str = LOCALES[0]  # the fallback for an unknown code
LOCALE_NAMES: dict[str, str] = {loc.code: loc.name for loc in REGISTRY}


def locale(code: str) -> Locale:
    """The registered locale with this code, else the default one."""
    for loc in REGISTRY:
        if loc.code == code:
            return loc
    return REGISTRY[0]


def style(code: str) -> Style:
    """The formatting conventions of a language."""
    return STYLES[locale(code).style]


def pick(requested: str | None) -> str | None:
    """The registered locale a language tag asks for ('zh-CN' -> 'zh'), or None if none matches."""
    if not requested:
        return None
    tag = requested.strip().replace("_", "-").lower()
    for loc in REGISTRY:
        if tag == loc.code.lower() or tag == loc.html_lang.lower():
            return loc.code
    primary = tag.split("-", 1)[0]
    for loc in REGISTRY:
        if primary == loc.code.split("-", 1)[0].lower():
            return loc.code
    return None
