"""Screen and report strings in every locale, from assets/locale/*.yaml (one file per surface)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from questions.content import content_path
from questions.errors import DataError
from questions.model import Text
from questions.yamlfile import display_path, read_yaml, validation_error

LOCALE_DIR = content_path("assets", "locale")
_TEXT = TypeAdapter(Text)


@cache
def load_strings(surface: str, directory: Path | None = None) -> dict[str, Text]:
    """All strings of one surface (e.g. 'ui', 'report'), keyed by id; each has every locale."""
    path = (directory or LOCALE_DIR) / f"{surface}.yaml"
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise DataError(display_path(path), "", "must be a mapping of string id to a text per language")
    out: dict[str, Text] = {}
    for key, value in raw.items():
        try:
            out[str(key)] = _TEXT.validate_python(value)
        except ValidationError as err:
            raise validation_error(display_path(path), err, str(key)) from None
    return out


def tr(surface: str, key: str, lang: str, **values: object) -> str:
    """One string in `lang`, with `{name}` placeholders filled."""
    text = load_strings(surface)[key].get(lang)
    return text.format(**values) if values else text
