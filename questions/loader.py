"""The strict loader of the question bank, and the strict YAML reader every data loader shares."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questions.errors import ConditionError, DataError
from questions.model import Bank, BankIndex, Section, SectionFile

BANK_DIR = Path(__file__).resolve().parent / "bank"
ROOT = Path(__file__).resolve().parents[1]


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """A SafeLoader that refuses duplicate mapping keys instead of silently keeping the last."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def display_path(path: Path) -> str:
    """A path as people see it in the repo (relative when inside it)."""
    try:
        return str(path.resolve().relative_to(ROOT))
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


def load_bank(directory: Path | None = None) -> Bank:
    """Load and validate the question bank: index, sections in order, unique ids, and `show_if`
    conditions that refer only to earlier questions."""
    from scoring.conditions import parse  # the one condition language; imported lazily (no cycle)

    directory = directory or BANK_DIR
    index_path = directory / "index.yaml"
    index_name = display_path(index_path)
    raw_index = read_yaml(index_path)
    try:
        index = BankIndex.model_validate(raw_index)
    except ValidationError as err:
        raise validation_error(index_name, err) from None

    sections: list[Section] = []
    seen: dict[str, str] = {}
    seen_sections: set[str] = set()
    for entry in index.sections:
        if entry.id in seen_sections:
            raise DataError(index_name, f"sections.{entry.id}", "duplicate section id")
        seen_sections.add(entry.id)
        path = directory / entry.file
        name = display_path(path)
        raw = read_yaml(path)
        try:
            section_file = SectionFile.model_validate(raw)
        except ValidationError as err:
            raise validation_error(name, err) from None
        if section_file.section != entry.id:
            raise DataError(name, "section", f"is '{section_file.section}' but index.yaml lists this file as '{entry.id}'")
        for i, q in enumerate(section_file.questions):
            if q.id in seen:
                raise DataError(name, f"questions[{i}].id", f"duplicate question id '{q.id}' (also in {seen[q.id]})")
            if q.show_if is not None:
                earlier = {qid: question for s in sections for qid, question in ((x.id, x) for x in s.questions)}
                earlier.update({x.id: x for x in section_file.questions[:i]})
                try:
                    parse(q.show_if, earlier, "show_if")
                except ConditionError as err:
                    hint = " (show_if may only refer to earlier questions)" if "unknown question id" in err.message else ""
                    raise DataError(name, f"questions[{i}] ({q.id}).{err.path}", err.message + hint) from None
            seen[q.id] = name
        sections.append(Section(entry.id, entry.title, entry.description, section_file.questions))
    return Bank(index.version, tuple(sections))


@cache
def default_bank() -> Bank:
    """The shipped bank, loaded once per process."""
    return load_bank()
