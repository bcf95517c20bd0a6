"""The deliverable's storage on both backends: tracked actions (history, optimistic locking, the answers a done
action changes), snapshots, sittings, the company taken from the client, report inputs, and migration 0003
keeping existing data."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from store import repo
from store.db import alembic_config, current_revision, head_revision, make_engine, migration_connection, upgrade
from store.errors import ConflictError, NotFound, StoreError

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = json.loads((ROOT / "examples" / "article-2012-internet-company.json").read_text(encoding="utf-8"))["answers"]
DAY = dt.date(2026, 12, 1)
REMEDY = "stop_buying_personal_data"  # sets buys_data: false for the article's company, which buys data


def new_assessment(engine, answers=None, client="Example Internet Co."):
    c = repo.create_client(engine, client)
    return repo.create_assessment(engine, c.id, "Annual review 2026", DAY, "en", None, ARTICLE if answers is None else answers)


# -- actions ---------------------------------------------------------------------------------------------


def test_an_action_is_created_edited_with_history_and_locked_like_answers(engine):
    a = new_assessment(engine)
    action = repo.create_action(engine, a, REMEDY, owner="  Li   Wei ", author="Ann")
    assert (action.version, action.status, action.owner, action.due, action.reason) == (1, "planned", "Li Wei", None, "")
    assert {(c.field, c.new_value, c.version) for c in repo.action_history(engine, action.id)} == {
        ("owner", "Li Wei", 1),
        ("status", "planned", 1),
    }
    due = dt.date(2027, 3, 31)
    v2 = repo.update_action(engine, action.id, {"due": due, "status": "in_progress"}, expected_version=1, author="Bob")
    assert (v2.version, v2.due, v2.status) == (2, due, "in_progress")
    newest = repo.action_history(engine, action.id)[:2]
    assert {(c.field, c.old_value, c.new_value, c.version, c.author) for c in newest} == {
        ("due", None, "2027-03-31", 2, "Bob"),
        ("status", "planned", "in_progress", 2, "Bob"),
    }
    # Saving what is there changes nothing; a stale version is refused and writes nothing.
    assert repo.update_action(engine, action.id, {"owner": "Li Wei"}, expected_version=2, author="Bob").version == 2
    with pytest.raises(ConflictError, match=r"(?i)action .* changed by someone else"):
        repo.update_action(engine, action.id, {"owner": "Someone"}, expected_version=1, author="Carol")
    assert repo.get_action(engine, action.id).owner == "Li Wei"
    assert len(repo.action_history(engine, action.id)) == 4
    assert [x.id for x in repo.list_actions(engine, a.id)] == [action.id]


def test_not_doing_needs_a_reason_which_goes_when_the_status_moves_on(engine):
    a = new_assessment(engine)
    action = repo.create_action(engine, a, REMEDY, author="Ann", reason="ignored while planned")
    assert action.reason == ""
    with pytest.raises(StoreError, match=r"(?i)say why"):
        repo.update_action(engine, action.id, {"status": "not_doing"}, expected_version=1, author="Ann")
    stopped = repo.update_action(
        engine, action.id, {"status": "not_doing", "reason": "Budget frozen"}, expected_version=1, author="Ann"
    )
    assert (stopped.status, stopped.reason, stopped.version) == ("not_doing", "Budget frozen", 2)
    back = repo.update_action(engine, action.id, {"status": "planned"}, expected_version=2, author="Ann")
    assert (back.status, back.reason) == ("planned", "")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "finished"}, "status is planned, in progress, done or not doing"),
        ({"due": "2027-01-01"}, "due date must be a date"),
        ({"owner": "x" * 201}, "limit is 200"),
        ({"evidence": "x" * 20_001}, "limit is 20000"),
        ({"colour": "red"}, "has no field"),
    ],
)
def test_bad_action_values_are_refused_with_one_line(engine, changes, message):
    a = new_assessment(engine)
    action = repo.create_action(engine, a, REMEDY, author="Ann")
    with pytest.raises(StoreError, match=message):
        repo.update_action(engine, action.id, changes, expected_version=1, author="Ann")
    assert repo.get_action(engine, action.id).version == 1


def test_one_action_per_measure_and_only_known_measures(engine):
    a = new_assessment(engine)
    repo.create_action(engine, a, REMEDY, author="Ann")
    with pytest.raises(StoreError, match="already tracked"):
        repo.create_action(engine, a, REMEDY, author="Bob")
    with pytest.raises(StoreError, match="There is no measure"):
        repo.create_action(engine, a, "build_a_moat", author="Bob")
    with pytest.raises(NotFound):
        repo.create_action(engine, repo.AssessmentRef(999, a.client_id), REMEDY, author="Bob")


def test_two_people_saving_an_action_on_the_same_version_one_wins(engine):
    a = new_assessment(engine)
    action = repo.create_action(engine, a, REMEDY, author="Ann")
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def save(owner: str) -> None:
        barrier.wait(timeout=10)
        try:
            outcome[owner] = repo.update_action(engine, action.id, {"owner": owner}, expected_version=1, author=owner).version
        except ConflictError as err:
            outcome[owner] = err

    threads = [threading.Thread(target=save, args=(o,)) for o in ("Ann", "Bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(type(v).__name__ for v in outcome.values()) == ["ActionConflict", "int"]
    winner = next(o for o, v in outcome.items() if v == 2)
    assert repo.get_action(engine, action.id).owner == winner
    assert [c.author for c in repo.action_history(engine, action.id) if c.version == 2] == [winner]


def test_marking_done_changes_no_answer_until_the_consultant_agrees(engine):
    a = new_assessment(engine)
    action = repo.create_action(engine, a, REMEDY, author="Ann")
    assert repo.answers_done_would_set(REMEDY, a.answers, a.law_as_of) == {"buys_data": False}
    with pytest.raises(StoreError, match="Only an action marked done"):
        repo.apply_action_answers(engine, action.id, expected_version=1, author="Ann")
    repo.update_action(engine, action.id, {"status": "done"}, expected_version=1, author="Ann")
    assert repo.get_assessment(engine, a.id).answers["buys_data"] is True  # never silently
    with pytest.raises(ConflictError):
        repo.apply_action_answers(engine, action.id, expected_version=7, author="Ann")
    assert repo.apply_action_answers(engine, action.id, expected_version=1, author="Ann") == 2
    stored = repo.get_assessment(engine, a.id)
    assert stored.answers["buys_data"] is False and stored.version == 2
    change = repo.history(engine, a.id)[0]
    assert (change.question_id, change.old_value, change.new_value, change.author) == ("buys_data", True, False, "Ann")
    assert repo.answers_done_would_set(REMEDY, stored.answers, stored.law_as_of) == {}
    back = repo.set_answer(engine, stored, "buys_data", True, expected_version=stored.version, author="Ann")
    final = repo.set_status(engine, stored, "final", expected_version=back, author="Ann")
    with pytest.raises(StoreError, match="reopen it as a draft"):
        repo.apply_action_answers(engine, action.id, expected_version=final.version, author="Ann")


def test_a_measure_never_changes_an_answer_about_a_past_event(engine):
    from scoring.loader import default_law
    from scoring.plan import plan

    past = {q.id for q in default_law().bank.questions.values() if getattr(q, "past", False)}
    assert past
    for remedy in plan(default_law(), DAY).remedies:
        assert not set(repo.answers_done_would_set(remedy, {}, DAY)) & past, remedy


# -- snapshots and sittings --------------------------------------------------------------------------------


def test_snapshots_keep_the_answers_as_they_were_and_compare(engine):
    a = new_assessment(engine)
    first = repo.take_snapshot(engine, a, "after workshop 1", author="Ann")
    repo.set_answer(engine, a, "buys_data", False, expected_version=1, author="Ann")
    second = repo.take_snapshot(engine, a, "after workshop 2", author="Bob")
    assert [s.name for s in repo.list_snapshots(engine, a.id)] == ["after workshop 2", "after workshop 1"]
    assert (first.version, second.version) == (1, 2)
    assert repo.get_snapshot(engine, first.id).answers["buys_data"] is True
    assert repo.differences(first.answers, second.answers) == {"buys_data": (True, False)}
    assert repo.snapshot_answers(engine, a.id, None)["buys_data"] is False
    with pytest.raises(StoreError, match="already has a snapshot named"):
        repo.take_snapshot(engine, a, "after workshop 1", author="Ann")
    with pytest.raises(StoreError, match="cannot be empty"):
        repo.take_snapshot(engine, a, "  ", author="Ann")
    other = new_assessment(engine, client="Other Co")
    with pytest.raises(NotFound):
        repo.snapshot_answers(engine, other.id, first.id)
    repo.delete_snapshot(engine, first.id)
    assert [s.name for s in repo.list_snapshots(engine, a.id)] == ["after workshop 2"]
    with pytest.raises(NotFound):
        repo.delete_snapshot(engine, first.id)


def test_one_sittings_changes_make_one_entry(engine):
    a = new_assessment(engine, answers={})
    version = 1
    for q, v in (("company_sector", "finance"), ("consumer_facing", True), ("buys_data", False)):
        version = repo.set_answer(engine, a, q, v, expected_version=version, author="Ann")
    version = repo.set_answer(engine, a, "biometrics", True, expected_version=version, author="Bob")
    sittings = repo.sittings(engine, a.id)
    assert [(s.author, len(s.changes), s.versions) for s in sittings] == [("Bob", 1, (5, 5)), ("Ann", 3, (2, 4))]


def test_sittings_split_on_a_pause_and_on_another_author():
    t0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def change(i: int, minutes: int, author: str) -> repo.AnswerChange:
        return repo.AnswerChange(i, 1, f"q{i}", None, True, i + 1, author, t0 + dt.timedelta(minutes=minutes))

    newest_first = [
        change(6, 200, "Ann"),
        change(5, 190, "Ann"),
        change(4, 100, "Ann"),
        change(3, 75, "Bob"),
        change(2, 10, "Ann"),
        change(1, 0, "Ann"),
    ]
    groups = repo.group_sittings(newest_first)
    assert [[c.id for c in g.changes] for g in groups] == [[6, 5], [4], [3], [2, 1]]
    assert groups[0].started == t0 + dt.timedelta(minutes=190) and groups[0].ended == t0 + dt.timedelta(minutes=200)
    assert len(repo.group_sittings(newest_first, dt.timedelta(hours=2))) == 3


# -- the company, report inputs -----------------------------------------------------------------------------


def test_a_new_assessment_takes_the_company_name_from_its_client(engine):
    c = repo.create_client(engine, "Example Internet Co.")
    assert repo.create_assessment(engine, c.id, "2026", DAY, "en").company == "Example Internet Co."
    assert repo.create_assessment(engine, c.id, "2027", DAY, "en", company="Example Subsidiary").company == "Example Subsidiary"
    assert repo.create_assessment(engine, c.id, "2028", DAY, "en", company="").company == ""


def test_report_inputs_carry_notes_workshop_actions_and_the_appendices_chosen(engine):
    a = new_assessment(engine)
    previous = repo.create_assessment(
        engine, a.client_id, "Review 2025", dt.date(2025, 6, 1), "en", None, dict(ARTICLE, buys_data=False)
    )
    repo.set_note(engine, a, "buys_data", "The CTO confirmed the purchases", expected_version=a.version, author="Ann")
    cto, legal = repo.add_respondent(engine, a, "Li Wei", "CTO"), repo.add_respondent(engine, a, "Zhang Min", "Legal")
    repo.set_respondent_answer(engine, cto, "buys_data", True, expected_version=cto.version)
    repo.set_respondent_answer(engine, legal, "buys_data", False, expected_version=legal.version)
    repo.create_action(engine, a, REMEDY, owner="Li Wei", author="Ann")

    got = repo.report_inputs(engine, a.id, compare_with=previous.id, projected=True, trace=True)
    assert got.answer_set.notes == {"buys_data": "The CTO confirmed the purchases"}
    assert (got.extras.client, got.extras.title) == ("Example Internet Co.", "Annual review 2026")
    assert [(r.name, r.role, dict(r.answers)) for r in got.extras.workshop.respondents] == [
        ("Li Wei", "CTO", {"buys_data": True}),
        ("Zhang Min", "Legal", {"buys_data": False}),
    ]
    assert got.extras.workshop.disputed == ("buys_data",)
    assert [(x.remedy, x.owner, x.status) for x in got.extras.actions] == [(REMEDY, "Li Wei", "planned")]
    assert got.extras.comparison.answers["buys_data"] is False and "Review 2025" in got.extras.comparison.label
    assert got.extras.projected and got.extras.trace
    assert got.assessment.law_as_of == DAY
    assert "2012-09-04" in repo.report_inputs(engine, a.id, compare_with=repo.ARTICLE).extras.comparison.label
    plain = repo.report_inputs(engine, previous.id)
    assert plain.extras.workshop is None and plain.extras.actions == () and plain.extras.comparison is None

    half = repo.create_assessment(engine, a.client_id, "Half", DAY, "en", None, {"company_sector": "finance"})
    with pytest.raises(StoreError, match=r"missing.*required answers"):
        repo.report_inputs(engine, half.id)
    with pytest.raises(StoreError, match=r"missing.*required answers"):
        repo.report_inputs(engine, a.id, compare_with=half.id)


def test_the_portfolio_export_fills_the_company_and_words_the_levels(engine):
    from scoring.axes import level
    from scoring.engine import assess
    from store.spreadsheet import export_assessments

    c = repo.create_client(engine, "Example Internet Co.")
    repo.create_assessment(engine, c.id, "2026", DAY, "zh", None, ARTICLE, company="")
    table = export_assessments(repo.list_assessments(engine), "zh")
    assert list(table["company"]) == ["Example Internet Co."]
    expected = assess(ARTICLE, DAY)
    assert table.loc[0, "criminal_level"] == level(expected.axes["criminal"].level).label["zh"]
    assert export_assessments(repo.list_assessments(engine)).loc[0, "criminal_level"] == expected.axes["criminal"].level


# -- the migration ------------------------------------------------------------------------------------------


def test_migration_0003_keeps_existing_data_and_goes_back(empty_url):
    engine = make_engine(empty_url)
    config = alembic_config()
    try:
        upgrade(engine, "0001")
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO clients (id, name, created_at, updated_at) VALUES (1, 'Old Co', :t, :t)"),
                {"t": "2026-01-01 00:00:00"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO assessments (id, client_id, title, law_as_of, lang, bank_version, status, version, answers, company,"
                    " created_at, updated_at) VALUES (1, 1, 'Before', '2026-01-01', 'en', '2026.1', 'draft', 3, :a, 'Old Co', :t, :t)"
                ),
                {"a": json.dumps({"buys_data": True}), "t": "2026-01-01 00:00:00"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO notes (assessment_id, question_id, text, author, updated_at) VALUES (1, 'buys_data', 'kept', 'Ann', :t)"
                ),
                {"t": "2026-01-01 00:00:00"},
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()  # through 0003 (after 0002's never-reused ids) and on
        kept = repo.get_assessment(engine, 1)
        assert (kept.title, kept.version, kept.answers, kept.company) == ("Before", 3, {"buys_data": True}, "Old Co")
        assert repo.get_notes(engine, 1)["buys_data"].text == "kept"
        assert repo.list_actions(engine, 1) == [] and repo.list_snapshots(engine, 1) == []
        repo.create_action(engine, kept, REMEDY, author="Ann")
        with migration_connection(engine) as conn:  # foreign keys off on SQLite, as 0002's rebuild needs
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        assert not {"actions", "action_changes", "snapshots"} & set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:  # raw SQL: the store's models read the head revision's columns
            assert conn.execute(sa.text("SELECT version FROM assessments WHERE id = 1")).scalar() == 3
    finally:
        engine.dispose()
