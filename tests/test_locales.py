"""The locale registry: which locale a browser's language tag reaches, routed by the aliases in
assets/locales.yaml, and the loader's refusal of tags that would route two ways."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from questions.errors import DataError
from questions.locales import LOCALES, REGISTRY, load_registry, pick

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = yaml.safe_load((ROOT / "assets" / "locales.yaml").read_text(encoding="utf-8"))
HANT = {"code": "zh-Hant", "name": "繁體中文", "html_lang": "zh-Hant", "style": "zh", "aliases": ["zh-TW", "zh-HK", "zh-MO"]}


def registry(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "locales.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def with_hant() -> list[dict]:
    """The shipped registry plus a Traditional Chinese locale, the Traditional tags moved to it as the
    comment in assets/locales.yaml says."""
    moved = {"zh-TW", "zh-HK", "zh-MO", "zh-Hant"}
    entries = [{**e, "aliases": [a for a in e.get("aliases", []) if a not in moved]} for e in SHIPPED]
    return [*entries, HANT]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh-CN", "zh"),
        ("zh-SG", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh-TW", "zh"),  # Traditional Chinese browsers get Simplified while pirisk has no zh-Hant
        ("zh-HK", "zh"),
        ("zh-MO", "zh"),
        ("zh-Hant-TW", "zh"),
        ("zh_tw", "zh"),
        ("ZH-hk", "zh"),
        ("zh", "zh"),
        ("en-GB", "en"),
        ("en", "en"),
        ("fr-FR", None),
        ("", None),
        (None, None),
    ],
)
def test_the_shipped_locales_answer_these_tags(tag: str | None, expected: str | None) -> None:
    assert pick(tag) == expected


def test_every_tag_a_locale_lists_reaches_it() -> None:
    routed = {tag: pick(tag) for loc in REGISTRY for tag in (loc.code, loc.html_lang, *loc.aliases)}
    assert routed == {tag: loc.code for loc in REGISTRY for tag in (loc.code, loc.html_lang, *loc.aliases)}
    assert set(routed.values()) == set(LOCALES)


def test_a_traditional_chinese_locale_takes_its_tags_by_data_alone(tmp_path: Path) -> None:
    locales = load_registry(registry(tmp_path, with_hant()))
    routed = {tag: pick(tag, locales) for tag in ("zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-HK", "zh-CN", "zh", "en-US")}
    assert routed == {
        "zh-TW": "zh-Hant",
        "zh-HK": "zh-Hant",
        "zh-MO": "zh-Hant",
        "zh-Hant": "zh-Hant",
        "zh-Hant-HK": "zh-Hant",  # shortened to zh-Hant
        "zh-CN": "zh",
        "zh": "zh",
        "en-US": "en",
    }


def test_a_tag_of_an_unlisted_region_falls_back_to_its_language(tmp_path: Path) -> None:
    only_hant = [SHIPPED[0], HANT]
    locales = load_registry(registry(tmp_path, only_hant))
    assert pick("zh-CN", locales) == "zh-Hant"  # the first locale of the same primary language
    assert pick("fr", locales) is None


@pytest.mark.parametrize(
    ("what", "entries", "message"),
    [
        (
            "an alias of two locales",
            lambda: [*SHIPPED, {**HANT, "code": "yue", "html_lang": "yue"}],
            "'zh-TW' already names the locale 'zh'",
        ),
        ("a new locale whose code another lists", lambda: [*SHIPPED, HANT], "'zh-Hant' already names the locale 'zh-Hant'"),
        ("an alias that is another locale's code", lambda: [{**SHIPPED[0], "aliases": ["zh"]}, SHIPPED[1]], "'zh' already names"),
        (
            "an html_lang of two locales",
            lambda: [*SHIPPED, {**HANT, "html_lang": "zh-CN", "aliases": []}],
            "'zh-CN' also names the locale 'zh'",
        ),
        (
            "an alias that repeats its own html_lang",
            lambda: [SHIPPED[0], {**SHIPPED[1], "aliases": ["zh-CN"]}],
            "already the code",
        ),
        ("an alias listed twice", lambda: [SHIPPED[0], {**SHIPPED[1], "aliases": ["zh-SG", "zh-sg"]}], "lists an alias twice"),
        (
            "an alias that is not a language tag",
            lambda: [SHIPPED[0], {**SHIPPED[1], "aliases": ["Chinese"]}],
            "[1].aliases.0: 'Chinese' is not a language tag",
        ),
        (
            "an alias with an underscore",
            lambda: [SHIPPED[0], {**SHIPPED[1], "aliases": ["zh_TW"]}],
            "'zh_TW' is not a language tag",
        ),
        (
            "aliases as a single string",
            lambda: [SHIPPED[0], {**SHIPPED[1], "aliases": "zh-TW"}],
            "[1].aliases: Input should be a valid list",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_tags_that_would_route_two_ways_are_refused(tmp_path: Path, what: str, entries, message: str) -> None:
    with pytest.raises(DataError) as err:
        load_registry(registry(tmp_path, entries()))
    assert message in str(err.value), f"{what}: {err.value}"
    assert "locales.yaml" in str(err.value)
