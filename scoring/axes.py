"""The registries every presenter iterates: the four axes, the risk levels and the two scales,
read once from scoring/axes.yaml (their words are data, in every language)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from questions.content import content_path
from questions.model import Strict, Text
from questions.yamlfile import display_path, read_yaml, validation_error


@dataclass(frozen=True)
class Axis:
    key: str
    label: Text
    description: Text


@dataclass(frozen=True)
class Level:
    key: str
    label: Text
    rank: int


class _AxisEntry(Strict):
    key: str = Field(pattern=r"^[a-z]+$")
    label: Text
    description: Text


class _LevelEntry(Strict):
    key: str = Field(pattern=r"^[a-z]+$")
    label: Text


class _Registries(Strict):
    axes: tuple[_AxisEntry, ...] = Field(min_length=1)
    levels: tuple[_LevelEntry, ...] = Field(min_length=2)
    likelihood: tuple[Text, Text, Text, Text]
    severity: tuple[Text, Text, Text, Text]


def _load() -> _Registries:
    from pydantic import ValidationError

    path = content_path("scoring", "axes.yaml")
    try:
        return _Registries.model_validate(read_yaml(path))
    except ValidationError as err:
        raise validation_error(display_path(path), err) from None


_DATA = _load()
AXES: tuple[Axis, ...] = tuple(Axis(a.key, a.label, a.description) for a in _DATA.axes)
AXIS_KEYS: tuple[str, ...] = tuple(a.key for a in AXES)

LEVELS: tuple[Level, ...] = tuple(Level(lv.key, lv.label, rank) for rank, lv in enumerate(_DATA.levels))
LEVEL_KEYS: tuple[str, ...] = tuple(level.key for level in LEVELS)
LEVEL_RANK: dict[str, int] = {level.key: level.rank for level in LEVELS}

# GB/T 39335-2020 rates likelihood and impact on four levels each. These are their labels.
LIKELIHOOD_LABELS: tuple[Text, ...] = _DATA.likelihood
SEVERITY_LABELS: tuple[Text, ...] = _DATA.severity


def axis(key: str) -> Axis:
    for a in AXES:
        if a.key == key:
            return a
    raise KeyError(key)


def level(key: str) -> Level:
    for lv in LEVELS:
        if lv.key == key:
            return lv
    raise KeyError(key)
