"""Repository functions on both backends: clients, assessments, answers with history, notes, workshops, branding."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from store import repo
from store.errors import ConflictError, NotFound, StoreError
from store.models import TABLES

DAY = dt.date(2026, 11, 29)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def new_assessment(engine, client="Acme Ltd", title="2026 review", answers=None, **kw):
    client_row = repo.create_client(engine, client)
    return repo.create_assessment(engine, client_row.id, title, DAY, "en", None, answers, **kw)


def table_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


# ----------------------------------------------------------------------------------------------
# Clients


def test_clients_are_created_renamed_listed_and_unique(engine):
    acme = repo.create_client(engine, "  Acme   Ltd ")
    assert acme.name == "Acme Ltd"
    assert acme.created_at.tzinfo is not None
    beta = repo.create_client(engine, "beta Co")
    assert [c.name for c in repo.list_clients(engine)] == ["Acme Ltd", "beta Co"]
    with pytest.raises(StoreError, match="already exists"):
        repo.create_client(engine, "Acme Ltd")
    with pytest.raises(StoreError, match="already exists"):
        repo.rename_client(engine, beta.id, "Acme Ltd")
    renamed = repo.rename_client(engine, beta.id, "Beta Holdings")
    assert renamed.name == "Beta Holdings" and renamed.updated_at >= beta.updated_at
    assert repo.get_client(engine, beta.id).name == "Beta Holdings"
    with pytest.raises(StoreError, match="cannot be empty"):
        repo.create_client(engine, "   ")
    with pytest.raises(StoreError, match="limit is 200"):
        repo.create_client(engine, "x" * 201)
    with pytest.raises(NotFound):
        repo.get_client(engine, 999)


def test_deleting_a_client_deletes_all_its_data_and_nothing_else(engine):
    keep = new_assessment(engine, client="Keep Co", answers={"consumer_facing": True})
    gone = new_assessment(engine, client="Gone Co", answers={"consumer_facing": True})
    for a in (keep, gone):
        v = repo.set_answer(engine, a, "consumer_facing", False, expected_version=1, author="ana")
        repo.set_note(engine, a, "consumer_facing", "checked with the CTO", expected_version=v, author="ana")
        r = repo.add_respondent(engine, a, "CTO")
        repo.set_respondent_answer(engine, r, "biometrics", True, expected_version=r.version)
        repo.invite(engine, a, "DPO", author="ana")  # a respondent with a link
        repo.close_workshop(engine, a, author="ana")
        repo.create_action(engine, a, "encrypt_and_protect", owner="CTO", author="ana")  # two fields: owner, status
        repo.take_snapshot(engine, a, "after workshop 1", author="ana")
        repo.add_attachment(engine, a, "minutes.txt", b"met the CTO\n", author="ana", question_id="consumer_facing")
    repo.duplicate_assessment(engine, gone, "2027 review")
    before = table_counts(engine)

    counts = repo.delete_client(engine, gone.client_id)

    assert counts == {
        "clients": 1,
        "assessments": 2,
        "answer_changes": 2,
        "notes": 2,
        "respondents": 2,
        "respondent_answers": 1,
        "invitations": 1,
        "workshops": 1,
        "actions": 1,
        "action_changes": 2,
        "snapshots": 1,
        "attachments": 1,
    }
    assert counts.complete
    after = table_counts(engine)
    assert {t: before[t] - after[t] for t in TABLES} == {**counts, "settings": 0, "accounts": 0}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM assessments WHERE client_id = :c"), {"c": gone.client_id}).scalar() == 0
        orphans = conn.execute(
            sa.text("SELECT count(*) FROM answer_changes WHERE assessment_id NOT IN (SELECT id FROM assessments)")
        ).scalar()
        assert orphans == 0
    assert repo.get_assessment(engine, keep.id).version == 3
    with pytest.raises(NotFound):
        repo.delete_client(engine, gone.client_id)


def test_a_deleted_client_leaves_no_trace_in_the_sqlite_files(tmp_path):
    from store.db import make_engine, upgrade

    path = tmp_path / "pirisk.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        a = new_assessment(engine, client="Secretive Client Co", company="Confidential Subsidiary Ltd")
        repo.set_note(engine, a, "biometrics", "they keep face scans of every visitor", expected_version=1, author="ana")
        repo.delete_client(engine, a.client_id)
        # secure_delete zeroes the freed pages, and the write-ahead log was checkpointed and truncated.
        files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("pirisk.db"))
        for secret in (b"Secretive Client Co", b"Confidential Subsidiary", b"face scans"):
            assert secret not in files
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------------------------
# Assessments


def test_create_get_list_update_archive_delete(engine):
    a = new_assessment(
        engine, answers={"consumer_facing": True, "data_categories": ["identity_contact", "transactions"]}, company="Acme"
    )
    assert (a.status, a.version, a.lang, a.company, a.client_name) == ("draft", 1, "en", "Acme", "Acme Ltd")
    assert a.bank_version  # the current bank's by default
    assert a.answers["data_categories"] == ["transactions", "identity_contact"]  # stored in the bank's order
    b = repo.create_assessment(engine, a.client_id, "2025 review", dt.date(2025, 6, 30), "zh", "2025.1")
    assert [x.title for x in repo.list_assessments(engine, a.client_id)] == ["2026 review", "2025 review"]
    archived = repo.archive_assessment(engine, b, expected_version=1, author="ana")
    assert [x.id for x in repo.list_assessments(engine, a.client_id)] == [a.id]
    assert {x.id for x in repo.list_assessments(engine, a.client_id, include_archived=True)} == {a.id, b.id}
    assert repo.unarchive_assessment(engine, b, expected_version=archived.version, author="ana").status == "final"
    updated = repo.update_assessment(
        engine,
        a,
        expected_version=1,
        author="ana",
        title="Annual review",
        law_as_of=dt.date(2024, 1, 1),
        lang="zh",
        company="Acme Group",
    )
    assert (updated.title, updated.law_as_of, updated.lang, updated.company, updated.version) == (
        "Annual review",
        dt.date(2024, 1, 1),
        "zh",
        "Acme Group",
        2,  # one version for the four details, each a history row
    )
    assert sorted((c.kind, c.question_id, c.old_value, c.new_value) for c in repo.history(engine, a.id)) == [
        ("detail", "company", "Acme", "Acme Group"),
        ("detail", "lang", "en", "zh"),
        ("detail", "law_as_of", "2026-11-29", "2024-01-01"),
        ("detail", "title", "2026 review", "Annual review"),
    ]
    other = new_assessment(engine, client="Zeta")
    assert [x.client_name for x in repo.list_assessments(engine)] == ["Acme Ltd", "Acme Ltd", "Zeta"]
    assert repo.delete_assessment(engine, other, expected_version=1)["assessments"] == 1
    with pytest.raises(NotFound):
        repo.get_assessment(engine, other.id)
    with pytest.raises(NotFound):
        repo.list_assessments(engine, 12345)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lang": "fr"}, "language must be one of"),
        ({"law_as_of": dt.date(2001, 1, 1)}, "before the earliest law"),
        ({"law_as_of": "2026-01-01"}, "must be a date"),
        ({"answers": {"no_such_question": True}}, "no question with the id 'no_such_question'"),
        ({"answers": {"consumer_facing": "yes"}}, "must be yes or no"),
        ({"answers": {"consumer_facing": "unknown"}}, "no “I don't know” option"),
        ({"title": ""}, "title cannot be empty"),
    ],
)
def test_create_assessment_refuses_bad_input(engine, kwargs, message):
    client = repo.create_client(engine, "Acme")
    args = {"title": "t", "law_as_of": DAY, "lang": "en", "answers": None} | kwargs
    with pytest.raises(StoreError, match=message) as err:
        repo.create_assessment(engine, client.id, args["title"], args["law_as_of"], args["lang"], None, args["answers"])
    assert "\n" not in str(err.value)
    assert repo.list_assessments(engine, client.id) == []


# ----------------------------------------------------------------------------------------------
# Answers, versions and history


def test_set_answer_bumps_the_version_and_records_history(engine):
    a = new_assessment(engine)
    v2 = repo.set_answer(engine, a, "consumer_facing", True, expected_version=1, author="ana")
    v3 = repo.set_answer(engine, a, "user_count", "unknown", expected_version=v2, author="ben")
    assert (v2, v3) == (2, 3)
    assert repo.set_answer(engine, a, "user_count", "unknown", expected_version=3, author="ben") == 3  # no change, no bump
    v4 = repo.set_answer(engine, a, "consumer_facing", None, expected_version=3, author="ana")  # None clears
    saved = repo.get_assessment(engine, a.id)
    assert saved.version == v4 == 4
    assert saved.answers == {"user_count": "unknown"}
    changes = repo.history(engine, a.id)
    assert [(c.question_id, c.old_value, c.new_value, c.version, c.author) for c in changes] == [
        ("consumer_facing", True, None, 4, "ana"),
        ("user_count", None, "unknown", 3, "ben"),
        ("consumer_facing", None, True, 2, "ana"),
    ]
    assert [c.version for c in repo.history(engine, a.id, "consumer_facing")] == [4, 2]
    assert len(repo.history(engine, a.id, limit=1)) == 1
    assert changes[0].changed_at.tzinfo is not None


def test_set_answers_is_one_version_and_one_row_per_question(engine):
    a = new_assessment(engine)
    v = repo.set_answers(
        engine,
        a,
        {"consumer_facing": True, "biometrics": False, "data_categories": ["health"]},
        expected_version=1,
        author="ana",
    )
    assert v == 2
    assert sorted(c.question_id for c in repo.history(engine, a.id) if c.version == 2) == [
        "biometrics",
        "consumer_facing",
        "data_categories",
    ]


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("nope", True, "no question with the id 'nope'"),
        ("user_count", "lots", "“lots” is not one of the options"),
        ("data_categories", "health", "must be a list of its options"),
        ("data_categories", ["health", "health"], "lists the same option twice"),
        ("consumer_facing", "unknown", "no “I don't know” option"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(engine, qid, value, message):
    a = new_assessment(engine)
    with pytest.raises(StoreError, match=message):
        repo.set_answer(engine, a, qid, value, expected_version=1, author="ana")
    with pytest.raises(StoreError, match=message):
        repo.set_answers(engine, a, {"biometrics": True, qid: value}, expected_version=1, author="ana")
    assert repo.get_assessment(engine, a.id).version == 1
    assert repo.history(engine, a.id) == []


def test_a_stale_version_is_a_conflict_and_writes_nothing(engine):
    a = new_assessment(engine)
    repo.set_answer(engine, a, "consumer_facing", True, expected_version=1, author="ana")
    with pytest.raises(ConflictError, match=r"changed by someone else.*reload") as err:
        repo.set_answer(engine, a, "consumer_facing", False, expected_version=1, author="ben")
    assert (err.value.expected, err.value.current) == (1, 2)
    saved = repo.get_assessment(engine, a.id)
    assert (saved.version, saved.answers) == (2, {"consumer_facing": True})
    assert len(repo.history(engine, a.id)) == 1
    with pytest.raises(NotFound):
        repo.set_answer(engine, repo.AssessmentRef(999, a.client_id), "consumer_facing", True, expected_version=1, author="ana")


def test_only_drafts_take_answer_changes(engine):
    a = new_assessment(engine)
    final = repo.set_status(engine, a, "final", expected_version=1, author="ana")
    with pytest.raises(StoreError, match="is final; reopen it as a draft"):
        repo.set_answer(engine, a, "consumer_facing", True, expected_version=final.version, author="ana")
    draft = repo.set_status(engine, a, "draft", expected_version=final.version, author="ana")
    assert repo.set_answer(engine, a, "consumer_facing", True, expected_version=draft.version, author="ana") == 4
    with pytest.raises(StoreError, match="status must be one of"):
        repo.set_status(engine, a, "deleted", expected_version=4, author="ana")


def test_duplicate_copies_answers_and_notes_but_not_history(engine):
    a = new_assessment(engine, answers={"consumer_facing": True})
    v = repo.set_answer(engine, a, "biometrics", True, expected_version=1, author="ana")
    v = repo.set_note(engine, a, "biometrics", "face login only", expected_version=v, author="ana")
    r = repo.add_respondent(engine, a, "CTO")
    repo.set_respondent_answer(engine, r, "biometrics", True, expected_version=r.version)
    repo.set_status(engine, a, "final", expected_version=v, author="ana")

    copy = repo.duplicate_assessment(engine, a, "2027 review", law_as_of=dt.date(2027, 1, 1))

    assert (copy.status, copy.version, copy.title, copy.law_as_of, copy.client_id) == (
        "draft",
        1,
        "2027 review",
        dt.date(2027, 1, 1),
        a.client_id,
    )
    assert copy.answers == {"consumer_facing": True, "biometrics": True}
    assert repo.history(engine, copy.id) == []
    assert {q: n.text for q, n in repo.get_notes(engine, copy.id).items()} == {"biometrics": "face login only"}
    assert repo.list_respondents(engine, copy.id) == []
    repo.set_answer(engine, copy, "biometrics", False, expected_version=1, author="ana")
    assert repo.get_assessment(engine, a.id).answers["biometrics"] is True  # the original is untouched
    assert repo.answer_differences(engine, a.id, copy.id) == {"biometrics": (True, False)}


def test_restore_undoes_or_reapplies_a_change(engine):
    a = new_assessment(engine)
    v = repo.set_answer(engine, a, "user_count", "under_10k", expected_version=1, author="ana")
    v = repo.set_answer(engine, a, "user_count", "over_100m", expected_version=v, author="ben")
    change = repo.history(engine, a.id, "user_count")[0]  # under_10k -> over_100m, by ben
    assert (change.old_value, change.new_value) == ("under_10k", "over_100m")

    v = repo.restore_answer(engine, a, change.id, expected_version=v, author="ana")  # use="old": undo it
    assert repo.get_assessment(engine, a.id).answers["user_count"] == "under_10k"
    assert repo.history(engine, a.id)[0].author == "ana"
    v = repo.restore_answer(engine, a, change.id, expected_version=v, author="ana", use="new")  # re-apply it
    assert repo.get_assessment(engine, a.id).answers["user_count"] == "over_100m"
    first = repo.history(engine, a.id, "user_count")[-1]  # None -> under_10k: undoing it clears the answer
    v = repo.restore_answer(engine, a, first.id, expected_version=v, author="ana")
    assert "user_count" not in repo.get_assessment(engine, a.id).answers
    assert v == 6 and len(repo.history(engine, a.id)) == 5
    with pytest.raises(ConflictError):
        repo.restore_answer(engine, a, change.id, expected_version=2, author="ana")
    with pytest.raises(NotFound):
        repo.restore_answer(engine, a, 9999, expected_version=v, author="ana")


# ----------------------------------------------------------------------------------------------
# Notes


def test_notes_are_set_replaced_listed_and_deleted(engine):
    a = new_assessment(engine)
    v = repo.set_note(engine, a, "biometrics", "first", expected_version=1, author="ana")
    v = repo.set_note(engine, a, "consumer_facing", "app only", expected_version=v, author="ana")
    v = repo.set_note(engine, a, "biometrics", "  second  ", expected_version=v, author="ben")
    assert v == 4
    notes = repo.get_notes(engine, a.id)
    assert list(notes) == ["consumer_facing", "biometrics"]  # bank order
    assert (notes["biometrics"].text, notes["biometrics"].author) == ("second", "ben")
    assert repo.set_note(engine, a, "biometrics", "second", expected_version=v, author="ben") == v  # no change, no bump
    v = repo.delete_note(engine, a, "biometrics", expected_version=v, author="ana")
    assert repo.delete_note(engine, a, "biometrics", expected_version=v, author="ana") == v  # nothing to delete
    v = repo.set_note(engine, a, "consumer_facing", "", expected_version=v, author="ana")  # empty text deletes
    assert repo.get_notes(engine, a.id) == {}
    assert [(c.kind, c.question_id, c.old_value, c.new_value) for c in repo.history(engine, a.id)][:2] == [
        ("note", "consumer_facing", "app only", None),
        ("note", "biometrics", "second", None),
    ]
    with pytest.raises(StoreError, match="no question with the id"):
        repo.set_note(engine, a, "nope", "x", expected_version=v, author="ana")
    with pytest.raises(NotFound):
        repo.set_note(engine, repo.AssessmentRef(999, a.client_id), "biometrics", "x", expected_version=1, author="ana")


# ----------------------------------------------------------------------------------------------
# Workshops


def test_workshop_answers_and_disagreements(engine):
    a = new_assessment(engine)
    cto = repo.add_respondent(engine, a, "Li Wei", "CTO")
    legal = repo.add_respondent(engine, a, "Zhang Min", "Legal")
    hr = repo.add_respondent(engine, a, "Chen Jie", "HR")
    with pytest.raises(StoreError, match="already has a respondent named"):
        repo.add_respondent(engine, a, "Li Wei")

    def answer(r: repo.Respondent, qid: str, value: object) -> None:  # each on top of the version they are at
        repo.set_respondent_answer(engine, r, qid, value, expected_version=repo.get_respondent(engine, r.id).version)

    answer(cto, "biometrics", True)
    answer(legal, "biometrics", True)
    answer(cto, "encryption", True)
    answer(legal, "encryption", "unknown")  # "I don't know" is a different answer
    answer(cto, "data_categories", ["transactions", "health"])
    answer(hr, "data_categories", ["health", "transactions"])  # same set, other order
    answer(hr, "user_count", "under_10k")
    answer(cto, "user_count", "under_10k")
    answer(cto, "user_count", "over_100m")  # changed their mind
    answer(legal, "past_leak", False)
    answer(legal, "past_leak", None)  # and cleared it

    workshop = repo.workshop_answers(engine, a.id)
    assert list(workshop) == ["user_count", "data_categories", "biometrics", "encryption"]  # bank order
    assert workshop["biometrics"] == {"Li Wei": True, "Zhang Min": True}
    assert list(workshop["user_count"]) == ["Li Wei", "Chen Jie"]  # respondents in the order they were added
    assert workshop["user_count"] == {"Li Wei": "over_100m", "Chen Jie": "under_10k"}
    assert repo.disagreements(engine, a.id) == ["user_count", "encryption"]

    repo.rename_respondent(engine, hr.id, "Chen Jie", role="People")
    assert [(r.name, r.role) for r in repo.list_respondents(engine, a.id)] == [
        ("Li Wei", "CTO"),
        ("Zhang Min", "Legal"),
        ("Chen Jie", "People"),
    ]
    repo.remove_respondent(engine, hr.id)
    assert repo.disagreements(engine, a.id) == ["encryption"]
    with pytest.raises(NotFound):
        repo.remove_respondent(engine, hr.id)
    with pytest.raises(StoreError, match="is not one of the options"):
        answer(cto, "user_count", "lots")
    # The agreed answer is the assessment's own, set as usual.
    repo.set_answer(engine, a, "encryption", True, expected_version=1, author="facilitator")
    assert repo.get_assessment(engine, a.id).answers == {"encryption": True}


# ----------------------------------------------------------------------------------------------
# Branding


def test_branding_round_trip(engine):
    assert repo.get_branding(engine) == repo.Branding("", None)
    repo.set_branding(engine, "Harbour Privacy Consulting", PNG)
    assert repo.get_branding(engine) == repo.Branding("Harbour Privacy Consulting", PNG)
    repo.set_branding(engine, "Harbour", None)
    assert repo.get_branding(engine) == repo.Branding("Harbour", None)
    with pytest.raises(StoreError, match="PNG or JPEG"):
        repo.set_branding(engine, "x", b"GIF89a...")
    with pytest.raises(StoreError, match="limit is 5,000,000"):
        repo.set_branding(engine, "x", PNG + b"\x00" * 5_000_000)


def test_branding_is_the_report_covers_own_type(engine):
    from deliverable.branding import Branding

    repo.set_branding(engine, "Harbour", PNG)
    cover = repo.get_branding(engine)
    assert isinstance(cover, Branding)  # one Branding: the store returns what the report takes
    assert (cover.name, cover.logo_kind()) == ("Harbour", "png")
