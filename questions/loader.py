"""The strict loader of the question bank."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ValidationError

from questions.conditions import parse
from questions.content import content_path
from questions.errors import ConditionError, DataError
from questions.model import Bank, BankIndex, Section, SectionFile
from questions.yamlfile import display_path, read_yaml, validation_error

BANK_DIR = content_path("questions", "bank")


def load_bank(directory: Path | None = None) -> Bank:
    """Load and validate the question bank: index, sections in order, unique ids, and `show_if`
    conditions that refer only to earlier questions."""
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
    for qid in index.retired:
        if qid in seen:
            raise DataError(index_name, f"retired.{qid}", f"is retired but still asked in {seen[qid]}")
    return Bank(index.version, tuple(sections), dict(index.retired))


@cache
def default_bank() -> Bank:
    """The shipped bank, loaded once per process."""
    return load_bank()
