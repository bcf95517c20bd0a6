"""Security, third pass (issue 19, finding 11): once an assessment is final, a respondent's link can
neither submit nor reopen their answers, on SQLite and PostgreSQL. Before, only a changed answer was
refused: a submitted respondent could reopen, and an open one submit, after the assessment was final."""

from __future__ import annotations

import datetime as dt

import pytest

from store import repo
from store.errors import StoreError

DAY = dt.date(2026, 11, 29)


def _final_with(engine, *, submitted: bool):
    client = repo.create_client(engine, "Alpha")
    a = repo.create_assessment(engine, client.id, "Review", DAY, "en")
    invited = repo.invite(engine, a, "Ann", author="c")
    version = repo.answer_by_link(engine, invited.token, invited.respondent, "biometrics", True, expected_version=1)
    if submitted:
        version = repo.submit_by_link(engine, invited.token, invited.respondent, expected_version=version)
    repo.set_status(engine, a, "final", expected_version=1, author="c")
    return invited, version


def test_a_submitted_respondent_cannot_reopen_a_final_assessment(engine):
    invited, version = _final_with(engine, submitted=True)
    with pytest.raises(StoreError, match="final"):
        repo.reopen_by_link(engine, invited.token, invited.respondent, expected_version=version)
    assert repo.get_respondent(engine, invited.respondent.id).submitted_at is not None


def test_an_open_respondent_cannot_submit_to_a_final_assessment(engine):
    invited, version = _final_with(engine, submitted=False)
    with pytest.raises(StoreError, match="final"):
        repo.submit_by_link(engine, invited.token, invited.respondent, expected_version=version)
    assert repo.get_respondent(engine, invited.respondent.id).submitted_at is None


# -- deleting an assessment (issue 19, finding 12) ----------------------------------------------------------


def test_only_an_owner_deletes_an_assessment_with_its_history(engine):
    """A consultant could delete an assessment with all its history, notes and workshop answers; deleting
    is now the owner's, as deleting a client already was. A consultant archives instead."""
    from store.access import NotAllowed, as_role

    client = repo.create_client(engine, "Alpha")
    a = repo.create_assessment(engine, client.id, "Review", DAY, "en", None, {"consumer_facing": True})
    for role in ("consultant", "viewer", "respondent"):
        with pytest.raises(NotAllowed):
            repo.delete_assessment(as_role(engine, role), a, expected_version=1)
    assert [x.id for x in repo.list_assessments(engine, client.id)] == [a.id]
    repo.archive_assessment(as_role(engine, "consultant"), a, expected_version=1, author="bo")
    saved = repo.get_assessment(engine, a.id)
    assert repo.delete_assessment(as_role(engine, "owner"), a, expected_version=saved.version)["assessments"] == 1
