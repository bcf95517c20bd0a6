"""Issue 22 on both backends: the consultant's executive summary and scope (versioned details, in the report as
typed), white-label branding kept in the settings, each change recording the rules it was made under, and a
saved assessment saying what moved when the law data changed under it (scored here under a modified copy of
the law, loaded from copied data files as tests/test_data_errors.py does)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from deliverable.branding import Branding
from questions.answers import AnswerSet
from questions.strings import tr
from report.content import build_content
from scoring.engine import assess_answers
from scoring.loader import SCORING_DIR, Law, default_law, load_law
from store import repo
from store.errors import ConflictError
from tests.exports import DOCX, MD, PDF, seen_text
from tests.test_data_errors import DATA

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
DAY = dt.date(2026, 12, 1)
NEW_RULES = "2027.1.1"
MOVED_RULE_TITLE = "Taking personal information from institution insiders is illegally obtaining it"


def new_assessment(engine):
    c = repo.create_client(engine, "Example Internet Co.")
    return repo.create_assessment(engine, c.id, "Annual review 2026", DAY, "en", None, ARTICLE)


@pytest.fixture(scope="module")
def changed_law(tmp_path_factory: pytest.TempPathFactory) -> Law:
    """The law with a new rules version, under which taking personal information from insiders is less likely prosecuted."""
    law_dir = tmp_path_factory.mktemp("law") / "scoring"
    law_dir.mkdir()
    for name in DATA:
        src = SCORING_DIR / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, law_dir / name)
    method = law_dir / "method.yaml"
    text = method.read_text(encoding="utf-8")
    old_version = f'rules_version: "{default_law().method.rules_version}"'
    assert old_version in text
    method.write_text(text.replace(old_version, f'rules_version: "{NEW_RULES}"'), encoding="utf-8")
    rules = law_dir / "rules" / "sourcing.yaml"
    text = rules.read_text(encoding="utf-8")
    before = "criminal: {likelihood: 3, severity: 3}\n      cites: [crim.253-1@2015, interp.2017.art5"
    assert before in text
    rules.write_text(text.replace(before, before.replace("likelihood: 3", "likelihood: 1")), encoding="utf-8")
    return load_law(law_dir)


def test_summary_and_scope_are_versioned_details_with_history_and_locking(engine):
    saved = new_assessment(engine)
    summary = "Three risks.\nThe <b>sharing</b> first: =1+1 {PAGE}"
    changed = repo.update_assessment(
        engine, saved, expected_version=saved.version, author="Ann", summary=summary, scope="The app only"
    )
    assert (changed.summary, changed.scope, changed.version) == (summary, "The app only", saved.version + 1)
    kinds = {(c.kind, c.question_id) for c in repo.history(engine, saved.id)}
    assert {("detail", "summary"), ("detail", "scope")} <= kinds
    with pytest.raises(ConflictError):
        repo.update_assessment(engine, saved, expected_version=saved.version, author="Bo", scope="stale")
    got = repo.report_inputs(engine, saved.id)
    assert (got.extras.summary, got.extras.scope) == (summary, "The app only")
    copy = repo.duplicate_assessment(engine, changed, "Copy")
    assert (copy.summary, copy.scope) == (summary, "The app only")


def test_every_change_records_the_rules_it_was_made_under(engine):
    saved = new_assessment(engine)
    repo.set_answer(engine, saved, "buys_data", False, expected_version=saved.version, author="Ann")
    changes = repo.history(engine, saved.id)
    assert changes and {c.rules_version for c in changes} == {default_law().method.rules_version}


def test_white_label_is_a_branding_setting_kept_when_name_and_logo_change(engine):
    assert repo.get_branding(engine).white_label is False
    assert repo.set_branding(engine, "Acme", None, True).white_label is True
    assert repo.get_branding(engine) == Branding("Acme", None, True)
    assert repo.set_branding(engine, "Acme Advisory", None).white_label is True  # not given: as it was
    assert repo.set_branding(engine, "Acme Advisory", None, False).white_label is False


def test_a_saved_assessment_says_what_moved_under_the_current_rules(engine, changed_law):
    saved = new_assessment(engine)
    then = assess_answers(saved.answer_set(), law=default_law())
    assert repo.record_scored(engine, saved.ref, saved.version, then)
    assert not repo.record_scored(engine, saved.ref, saved.version, then)  # one record per version of the answers
    kept = repo.saved_result(engine, saved.id, saved.version)
    assert kept is not None and kept.rules_version == default_law().method.rules_version

    # The law data changes: the same answers, scored under the current (changed) rules.
    now = assess_answers(saved.answer_set(), law=changed_law)
    assert now.rules_version == NEW_RULES
    assert now.axes["criminal"].score < then.axes["criminal"].score
    got = repo.report_inputs(engine, saved.id, law=changed_law)
    assert got.extras.drift is not None
    for lang in ("en", "zh"):
        answer_set = AnswerSet(saved.answers, saved.company, lang, saved.law_as_of)
        content = build_content(got.assessment, answer_set, law=changed_law, extras=got.extras)
        drift = content.drift
        assert drift is not None
        assert drift.heading == tr("report", "drift_heading", lang, old=kept.rules_version, new=NEW_RULES)
        moved = {a.label: a for a in drift.axes}
        criminal = next(a for a in content.axes if a.key == "criminal")
        assert set(moved) == {criminal.label}  # only the criminal axis moved
        title = next(f.title.get(lang) for f in now.findings if f.rule == "sourcing.illegal_obtaining@2017")
        assert moved[criminal.label].because == (title,)
        if lang == "en":
            assert title == MOVED_RULE_TITLE
        for fmt in (PDF, DOCX, MD):
            text = " ".join(seen_text(fmt, fmt.write(content)).split())
            assert " ".join(drift.heading.split()) in text, fmt.key
            assert title in text
    # Accepting the current rules: nothing moved any more.
    assert repo.record_scored(engine, saved.ref, saved.version, now, replace=True)
    accepted = repo.saved_result(engine, saved.id, saved.version)
    assert accepted is not None and accepted.rules_version == NEW_RULES
    got = repo.report_inputs(engine, saved.id, law=changed_law)
    assert build_content(got.assessment, got.answer_set, law=changed_law, extras=got.extras).drift is None


def test_a_new_sitting_is_scored_under_the_rules_of_its_day(engine, changed_law):
    saved = new_assessment(engine)
    repo.record_scored(engine, saved.ref, saved.version, assess_answers(saved.answer_set(), law=default_law()))
    version = repo.set_answer(engine, saved, "staff_training", True, expected_version=saved.version, author="Ann")
    assert repo.saved_result(engine, saved.id, version) is None  # the kept result was of the answers before
    stale = assess_answers(saved.answer_set(), law=changed_law)
    assert not repo.record_scored(engine, saved.ref, saved.version, stale)  # an old version is never recorded
    fresh = repo.get_assessment(engine, saved.id)
    assert repo.record_scored(engine, fresh.ref, fresh.version, assess_answers(fresh.answer_set(), law=changed_law))
    kept = repo.saved_result(engine, saved.id, fresh.version)
    assert kept is not None and kept.rules_version == NEW_RULES


def test_a_sitting_says_the_rules_it_was_made_under(engine):
    saved = new_assessment(engine)
    repo.set_answer(engine, saved, "buys_data", False, expected_version=saved.version, author="Ann")
    (sitting,) = repo.sittings(engine, saved.id)
    assert sitting.rules_version == default_law().method.rules_version
