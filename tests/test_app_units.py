"""The app's pure parts: resuming from a file (good and bad), the answers file, progress and the
required-answer gate (checked against the engine), answer labels, escaping and screen strings (the charts: tests/test_charts.py)."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.answers import answer_words
from questions.locales import LOCALES
from questions.model import UNKNOWN, Question
from questions.strings import load_strings
from scoring.answers_file import parse_answers
from scoring.engine import assess, check_answers, scored_answers
from scoring.errors import AnswersError
from scoring.loader import default_law
from ui import present, state

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article-2012-internet-company.json"
LAW = default_law()
BANK = LAW.bank


def example_answers() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"]


def session() -> dict[str, Any]:
    return {
        state.ANSWERS: {"buys_data": True, "data_categories": ["health"], "company_sector": "finance"},
        state.COMPANY: "Keep Ltd",
        state.LAW_AS_OF: dt.date(2020, 1, 1),
        state.LANG: "zh",
        state.WHAT_IF: ["sourcing_control"],
        state.BLOCKED: [],
    }


# -- resuming from a file ---------------------------------------------------------------------------

# The page says what is wrong in plain words (the messages changed from parser wording with issue 11).
BAD_FILES = [
    (b"\xff\xfe\x00 binary", "not saved as UTF-8"),
    (b"{ not json", "not a pirisk answers file"),
    (b"[1, 2, 3]", "does not hold a set of answers"),
    (json.dumps({"format": "something-else", "bank_version": "1", "lang": "en", "answers": {}}).encode(), "“something-else”"),
    (json.dumps({"bank_version": "1", "lang": "en"}).encode(), "lacks “answers”"),
    (json.dumps({"bank_version": "1", "lang": "fr", "answers": {}}).encode(), "language (“lang”) is “fr”"),
    (
        json.dumps({"bank_version": "1", "lang": "en", "answers": {"favourite_colour": "blue"}}).encode(),
        "a question pirisk does not have (“favourite_colour”)",
    ),
    (
        json.dumps({"bank_version": "1", "lang": "en", "answers": {"buys_data": "yes"}}).encode(),
        "must be yes or no (true or false), not “yes” (buys_data)",
    ),
    (
        json.dumps({"bank_version": "1", "lang": "en", "answers": {"user_count": "lots"}}).encode(),
        "“lots” is not one of the options",
    ),
    (
        json.dumps({"bank_version": "1", "lang": "en", "law_as_of": "someday", "answers": {}}).encode(),
        "(“law_as_of”) is “someday”",
    ),
    (b"{" + b" " * 1_000_000 + b"}", "at most 1,000,000 bytes"),
]


@pytest.mark.parametrize(("data", "reason"), BAD_FILES, ids=[r for _, r in BAD_FILES])
def test_a_bad_file_is_refused_with_its_reason_and_the_session_is_untouched(data: bytes, reason: str) -> None:
    before = session()
    current = copy.deepcopy(before)
    error = state.apply_answers_file(current, data, LAW)
    assert error is not None and reason in str(error)
    assert current == before


def test_a_good_file_replaces_answers_company_and_date_but_not_the_language() -> None:
    current = session()
    assert state.apply_answers_file(current, EXAMPLE.read_bytes(), LAW) is None
    assert current[state.ANSWERS] == example_answers()
    assert current[state.COMPANY] == "Example Internet Co. (the article's company)"
    assert current[state.LAW_AS_OF] == dt.date(2012, 9, 4)
    assert current[state.LANG] == "zh"  # the person's chosen language stays
    assert current[state.WHAT_IF] == []  # what-if ticks belonged to the old answers


def test_a_half_finished_file_resumes() -> None:
    current = session()
    data = json.dumps({"bank_version": BANK.version, "lang": "en", "answers": {"consumer_facing": True}}).encode()
    assert state.apply_answers_file(current, data, LAW) is None
    assert current[state.ANSWERS] == {"consumer_facing": True}
    assert current[state.LAW_AS_OF] == dt.date(2020, 1, 1)  # the file gives no date: keep the chosen one


def test_download_answers_round_trips_through_resume() -> None:
    saved = session()
    text = state.answers_json(saved, LAW)
    body = json.loads(text)
    assert body == {
        "format": "pirisk-answers",
        "bank_version": BANK.version,
        "lang": "zh",
        "company": "Keep Ltd",
        "law_as_of": "2020-01-01",
        "answers": saved[state.ANSWERS],
    }
    parse_answers(text.encode(), law=LAW)  # a valid file
    resumed: dict[str, Any] = {state.ANSWERS: {}, state.COMPANY: "", state.LAW_AS_OF: dt.date(2026, 1, 1)}
    assert state.apply_answers_file(resumed, text.encode("utf-8"), LAW) is None
    assert resumed[state.ANSWERS] == saved[state.ANSWERS]
    assert resumed[state.COMPANY] == "Keep Ltd" and resumed[state.LAW_AS_OF] == dt.date(2020, 1, 1)


def test_no_question_id_or_widget_key_collides_with_the_apps_own_state() -> None:
    own = set(state.STATE_KEYS) | {"lang_switch", "law_date", "law_today", "law_article", "company_input"}
    for q in BANK.questions.values():
        assert q.id not in own
        assert "__" not in q.id  # tick boxes are keyed id__choice


# -- progress and the required-answer gate --------------------------------------------------------


def test_progress_counts_only_questions_on_screen() -> None:
    answers = example_answers()
    statuses = present.section_status(LAW, answers)
    answered, shown = present.progress(statuses)
    assert answered == shown == len(answers)
    assert all(s.done for s in statuses)
    empty = present.section_status(LAW, {})
    assert present.progress(empty)[0] == 0
    assert not any(s.done for s in empty)
    assert present.resume_step(LAW, {}) == 0
    assert present.resume_step(LAW, answers) == len(BANK.sections)


def _answer_strategy(q: Question) -> st.SearchStrategy[Any]:
    options: list[st.SearchStrategy[Any]] = [st.none()]
    if q.unknown:
        options.append(st.just(UNKNOWN))
    if q.type == "yes_no":
        options.append(st.booleans())
    elif q.type == "single":
        options.append(st.sampled_from([c.id for c in q.choices]))
    else:
        options.append(st.lists(st.sampled_from([c.id for c in q.choices]), unique=True))  # [] is "none of these"
    return st.one_of(options)


ANSWER_SETS = st.fixed_dictionaries({q.id: _answer_strategy(q) for q in BANK.questions.values()}).map(
    lambda d: {k: v for k, v in d.items() if v is not None}
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWER_SETS)
def test_the_screens_required_gate_agrees_with_the_engine(answers: dict[str, Any]) -> None:
    missing = {qid for s in present.section_status(LAW, answers) for qid in s.missing}
    scored = scored_answers(answers, LAW)
    if missing:
        with pytest.raises(AnswersError) as err:
            check_answers(scored, LAW)
        assert set(re.findall(r"[a-z0-9_]+", err.value.problems[-1].split(":", 1)[1])) == missing
    else:
        assess(scored, dt.date(2024, 1, 1), law=LAW)  # results can be shown: the engine accepts them


# -- labels, escaping, charts ---------------------------------------------------------------------


def test_answer_labels_in_both_languages() -> None:
    qs = BANK.questions
    assert answer_words(qs["buys_data"], True, "en") == "Yes"
    assert answer_words(qs["buys_data"], False, "zh") == "否"
    assert answer_words(qs["buys_data"], UNKNOWN, "zh") == "不确定"
    assert answer_words(qs["buys_data"], None, "en") == "Not answered"
    assert answer_words(qs["user_count"], "under_10k", "en") == "Fewer than 10,000"
    assert answer_words(qs["data_categories"], [], "en") == "None selected"
    both = answer_words(qs["data_categories"], ["health", "credit"], "en")
    assert both == "Health and physiological information; Credit information"


@given(st.text(alphabet=string.printable + "中文￥$", max_size=60))
def test_markdown_escaping_leaves_no_markup_character_bare(text: str) -> None:
    escaped = present.md(text)
    bare = re.sub(r"\\.", "", escaped.replace("&#58;", ""), flags=re.S)
    assert not re.search(r"[!-/:-@\[-`{-~]", bare.replace("&", "").replace(";", "").replace("#", ""))  # only the entity's own
    assert ":" not in escaped  # every colon is an entity: no emoji shortcode, icon or directive can start
    plain = re.sub(r"\\(.)", r"\1", escaped.replace("&#58;", ":"), flags=re.S).replace(present.WORD_JOINER, "")
    assert plain == text  # nothing lost


@given(st.text(alphabet=string.printable + "中文￥$", max_size=60))
def test_svg_escaping_leaves_no_markup_character_bare(text: str) -> None:
    """A chart's text (ui/charts.py) is HTML inside Markdown: no tag, entity, Markdown or directive may start."""
    escaped = present.svg_text(text)
    bare = re.sub(r"&(?:[a-z]+|#x?[0-9a-f]+);", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", bare)  # every ASCII punctuation character is an entity
    assert html.unescape(escaped).replace(present.WORD_JOINER, "") == text  # nothing lost


def test_data_shown_as_widget_labels_has_no_markdown_that_would_change_it() -> None:
    """Widget labels render markdown and cannot be escaped without screen readers reading the
    backslashes, so the texts used as labels must not contain markup characters."""
    markup = re.compile(r"[*`$~\\]|\[.*\]\(|^#|_[^_]+_")
    labels = []
    for q in BANK.questions.values():
        for lang in LOCALES:
            labels.append(q.text.get(lang))
            labels += [c.label.get(lang) for c in q.choices]
    labels += [r.title.get(lang) for r in LAW.remedies.values() for lang in LOCALES]
    bad = [text for text in labels if markup.search(text)]
    assert bad == []


# -- screen strings -----------------------------------------------------------------------------------

# Keys built at run time: f"nav_{page}", f"confidence_{c}", f"kind_{kind}", f"about_limit_{i}", f"welcome_gives_{i}".
DYNAMIC = re.compile(r"^(nav_|confidence_|kind_|about_limit_|welcome_gives_|ws_action_history_)")


def _used_keys() -> set[str]:
    from report.formats import downloads  # the download buttons' labels come from the export registry

    used = {label for page in (False, True) for _, offered in downloads(workspace=page) for _, label in offered}
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        src = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", src))
        used |= set(re.findall(r"""tr\(\s*"(?:ui|workspace)",\s*["']([a-z0-9_]+)["']\s*[,)]""", src))
    return used


def test_every_screen_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    workspace = load_strings("workspace")
    assert all(k.startswith("ws_") for k in workspace), "workspace strings are named ws_..."
    respondent = load_strings("respondent")
    assert all(k.startswith("rs_") for k in respondent), "the respondent page's strings are named rs_..."
    strings = {**load_strings("ui"), **workspace, **respondent}
    used = _used_keys()
    assert used - set(strings) == set(), (
        "strings used on screen but missing from assets/locale/ui.yaml, workspace.yaml or respondent.yaml"
    )
    unused = {k for k in set(strings) - used if not DYNAMIC.match(k)}
    assert unused == set(), "strings in ui.yaml, workspace.yaml or respondent.yaml that no screen uses"
    for key, text in strings.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(text.get(lang)) if f} for lang in LOCALES]
        assert all(f == fields[0] for f in fields), key  # every language's placeholders are English's
    from scoring.model import Confidence, SourceKind

    for kind in SourceKind.__args__:
        assert f"kind_{kind}" in strings
    for mark in Confidence.__args__:
        assert mark == "V" or f"confidence_{mark}" in strings
    for page in ("assess", "results", "sources", "about"):
        assert f"nav_{page}" in strings
