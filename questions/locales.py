"""The locales pirisk speaks, as one registry read from assets/locales.yaml, and each one's
formatting of money, numbers and ranges. Everything that depends on the language iterates `LOCALES`
or asks `style(lang)`; no other module branches on a language code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

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


TAG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"  # a language tag: zh, zh-TW, zh-Hant-HK


def _language_tag(value: str) -> str:
    if not re.fullmatch(TAG_PATTERN, value):
        raise ValueError(f"'{value}' is not a language tag (a lower-case language, then subtags: zh-TW, zh-Hant)")
    return value


class _LocaleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=TAG_PATTERN)
    name: str = Field(min_length=1)
    html_lang: str = Field(min_length=2)
    style: str
    aliases: list[Annotated[str, AfterValidator(_language_tag)]] = []


@dataclass(frozen=True)
class Locale:
    code: str  # the key of every text in this language ("en", "zh")
    name: str  # the language's own name, for the language switch
    html_lang: str  # BCP 47, for the page's lang attribute
    style: str  # a key of STYLES
    aliases: tuple[str, ...] = ()  # other browser language tags this locale answers ("zh-TW" -> zh)

    def tags(self) -> tuple[str, ...]:
        """Every language tag that names this locale, lower-cased: its code, `html_lang` and aliases."""
        return tuple(dict.fromkeys(t.lower() for t in (self.code, self.html_lang, *self.aliases)))


def _check_tags(name: str, locales: list[Locale]) -> None:
    """Each language tag routes to one locale: an alias names no other locale's code, `html_lang` or
    alias, and is not its own locale's code or `html_lang` again."""
    owner: dict[str, str] = {}
    for i, loc in enumerate(locales):
        for tag in (loc.code, loc.html_lang):
            other = owner.setdefault(tag.lower(), loc.code)
            if other != loc.code:
                raise DataError(name, f"[{i}]", f"'{tag}' also names the locale '{other}'")
    for i, loc in enumerate(locales):
        for alias in loc.aliases:
            other = owner.setdefault(alias.lower(), loc.code)
            if other == loc.code and alias.lower() in (loc.code.lower(), loc.html_lang.lower()):
                raise DataError(name, f"[{i}].aliases", f"'{alias}' is already the code or html_lang of '{loc.code}'")
            if other != loc.code:
                raise DataError(
                    name,
                    f"[{i}].aliases",
                    f"'{alias}' already names the locale '{other}': a language tag routes to one locale, so list it under one of them",
                )
        if len({a.lower() for a in loc.aliases}) != len(loc.aliases):
            raise DataError(name, f"[{i}].aliases", "lists an alias twice")


def load_registry(path: Path) -> tuple[Locale, ...]:
    """The locales listed in a locales.yaml, checked: known styles, unique codes and language tags."""
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
        out.append(Locale(entry.code, entry.name, entry.html_lang, entry.style, tuple(entry.aliases)))
    _check_tags(name, out)
    return tuple(out)


REGISTRY: tuple[Locale, ...] = load_registry(content_path("assets", "locales.yaml"))
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


def _shorter(tag: str) -> Iterator[str]:
    """A tag, then each shorter one (RFC 4647 lookup): zh-hant-tw, zh-hant, zh. A one-letter subtag is
    never left last (zh-x-abc goes to zh)."""
    parts = tag.split("-")
    while parts:
        yield "-".join(parts)
        parts.pop()
        if parts and len(parts[-1]) == 1:
            parts.pop()


def pick(requested: str | None, registry: tuple[Locale, ...] | None = None) -> str | None:
    """The registered locale a language tag (`?lang=`, the browser's) asks for, or None if none
    matches. The tag, then each shorter form of it, is looked up among the locales' codes, `html_lang`
    and `aliases` (so 'zh-TW' goes wherever assets/locales.yaml lists it); failing that, the first
    locale of the same primary language ('zh-Hant' for 'zh' when no 'zh' is registered)."""
    if not requested:
        return None
    locales = REGISTRY if registry is None else registry
    tag = requested.strip().replace("_", "-").lower()
    for wanted in _shorter(tag):
        for loc in locales:
            if wanted in loc.tags():
                return loc.code
    primary = tag.split("-", 1)[0]
    for loc in locales:
        if primary == loc.code.split("-", 1)[0].lower():
            return loc.code
    return None
