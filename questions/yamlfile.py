"""The strict YAML reader every data loader shares: duplicate keys refused, every problem a DataError naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questions.content import project_root
from questions.errors import DataError


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when available
    """A SafeLoader that refuses duplicate mapping keys instead of silently keeping the last. A merge
    (`<<: *anchor`) is allowed: the keys a mapping states itself override the merged ones."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def display_path(path: Path) -> str:
    """A path as people see it in the project (relative when inside it)."""
    try:
        return str(path.resolve().relative_to(project_root().resolve()))
    except ValueError:
        return str(path)


def read_yaml(path: Path) -> Any:
    """Read one YAML file strictly; any problem becomes a DataError naming the file and line."""
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(name, "", "file not found") from None
    except UnicodeDecodeError as err:
        raise DataError(name, "", f"not valid UTF-8 ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise DataError(name, "", f"cannot be read ({err.strerror})") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}" if mark else ""
        raise DataError(name, where, f"{err.problem or err.context}".strip()) from None
    except (yaml.YAMLError, ValueError) as err:  # e.g. a date like 2015-13-01
        raise DataError(name, "", f"invalid YAML: {err}") from None


def validation_error(name: str, err: ValidationError, prefix: str = "") -> DataError:
    """Turn the first pydantic error into a DataError naming the key path."""
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    key = ".".join(p for p in (prefix, loc) if p)
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = f"unknown key '{first['loc'][-1]}'"
    elif first["type"] == "missing":
        message = f"missing key '{first['loc'][-1]}'"
    return DataError(name, key, message.removeprefix("Value error, "))
