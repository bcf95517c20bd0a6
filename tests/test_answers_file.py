"""The answers file format: round trip, and clear refusals that name the problem."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from questions.answers import AnswerSet
from scoring.answers_file import MAX_BYTES, AnswersFileError, dump_answers, parse_answers, read_answers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def test_there_are_at_least_four_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_are_valid_and_complete(path):
    from scoring.engine import assess

    file = read_answers(path)
    assess(file.answers, file.law_as_of or dt.date(2026, 11, 29))


def test_round_trip_keeps_everything(article_answers):
    original = AnswerSet(
        article_answers, "公司 <b>&amp;</b> 🚀", "zh", dt.date(2012, 9, 4), {"buys_data": "ask CTO"}, "2026.11.1"
    )
    text = dump_answers(original)
    assert json.loads(text)["format"] == "pirisk-answers"
    assert parse_answers(text) == original
    assert parse_answers(text.encode("utf-8")) == original


def test_a_half_finished_file_is_valid_to_resume():
    file = parse_answers('{"bank_version": "2026.11.1", "lang": "en", "answers": {"consumer_facing": true}}')
    assert file.answers == {"consumer_facing": True}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "other", "bank_version": "1", "lang": "en", "answers": {}}', "says it is “other”"),
        ('{"bank_version": "1", "lang": "fr", "answers": {}}', "(“lang”) is “fr”"),
        ('{"bank_version": 1, "lang": "en", "answers": {}}', "(“bank_version”) is not text"),
        ('{"bank_version": "1", "lang": "en", "answers": []}', "“answers” entry does not hold answers"),
        ('{"bank_version": "1", "lang": "en", "answers": {}, "extra": 1}', "an entry “extra” that pirisk does not know"),
        ('{"bank_version": "1", "lang": "en", "answers": {}, "law_as_of": "2012-13-01"}', "(“law_as_of”) is “2012-13-01”"),
        (
            '{"bank_version": "1", "lang": "en", "answers": {}, "notes": {"nope": "x"}}',
            "a note on a question pirisk does not have (“nope”)",
        ),
        (
            '{"bank_version": "1", "lang": "en", "answers": {"data_categories": ["health", "health"]}}',
            "lists the same option twice",
        ),
        ('{"bank_version": "1", "lang": "en", "answers": {"data_categories": "health"}}', "must be a list of its options"),
    ],
)
def test_bad_files_name_the_problem(text, message):
    with pytest.raises(AnswersFileError) as err:
        parse_answers(text)
    assert message in str(err.value)


def test_oversized_file_is_refused_before_parsing():
    with pytest.raises(AnswersFileError, match="at most 1,000,000 bytes"):
        parse_answers(b" " * (MAX_BYTES + 1))
