"""Concurrent edits: optimistic locking between threads and processes, and writers killed mid-save."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from store import repo
from store.db import make_engine
from store.errors import ConflictError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DAY = dt.date(2026, 11, 29)


def new_assessment(engine, answers=None):
    client = repo.create_client(engine, "Acme")
    return repo.create_assessment(engine, client.id, "review", DAY, "en", None, answers)


def race(engine, target: repo.Target, version: int, values: dict[str, object]) -> tuple[dict, dict]:
    """Save each author's value on top of the same version at the same moment; return (wins, conflicts)."""
    barrier = threading.Barrier(len(values))
    wins: dict[str, int] = {}
    conflicts: dict[str, ConflictError] = {}
    errors: list[BaseException] = []

    def save(author: str, value: object) -> None:
        try:
            barrier.wait(timeout=10)
            wins[author] = repo.set_answer(engine, target, "user_count", value, expected_version=version, author=author)
        except ConflictError as err:
            conflicts[author] = err
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=save, args=item) for item in values.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return wins, conflicts


def test_two_people_saving_on_the_same_version_one_wins_one_is_told_to_reload(engine):
    a = new_assessment(engine)
    version = a.version
    for _ in range(5):
        wins, conflicts = race(engine, a, version, {"ana": "under_10k", "ben": "over_100m"})
        assert len(wins) == 1 and len(conflicts) == 1
        (winner, new_version), (_loser, err) = next(iter(wins.items())), next(iter(conflicts.items()))
        assert new_version == version + 1 and "reload" in str(err)
        saved = repo.get_assessment(engine, a.id)
        assert saved.version == new_version
        assert saved.answers["user_count"] == {"ana": "under_10k", "ben": "over_100m"}[winner]  # no lost update
        latest = repo.history(engine, a.id)
        assert [c.version for c in latest].count(new_version) == 1 and latest[0].author == winner
        version = new_version
        repo.set_answer(engine, a, "user_count", None, expected_version=version, author="reset")
        version += 1


def test_the_conditional_update_catches_a_writer_that_read_the_same_version(engine):
    """Both transactions read version 1 before either writes (PostgreSQL lets them); the guard in the UPDATE
    still lets only one through. On SQLite the second waits for the first (BEGIN IMMEDIATE), then sees version 2."""
    a = new_assessment(engine)
    log: list[tuple[str, str]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def slow_update(conn, cursor, statement, parameters, context, executemany):
        text = " ".join(statement.split())
        if text.startswith("SELECT assessments.id"):
            log.append(("read", threading.current_thread().name))
        if text.startswith("UPDATE assessments"):
            time.sleep(0.3)  # give the other transaction time to read the version too
            log.append(("update", threading.current_thread().name))

    try:
        wins, conflicts = race(engine, a, 1, {"ana": "under_10k", "ben": "over_100m"})
    finally:
        event.remove(engine, "before_cursor_execute", slow_update)
    assert len(wins) == 1 and len(conflicts) == 1
    if engine.dialect.name == "postgresql":
        first_update = next(i for i, (kind, _) in enumerate(log) if kind == "update")
        assert sum(kind == "read" for kind, _ in log[:first_update]) == 2, log  # both read version 1 first
    assert repo.get_assessment(engine, a.id).version == 2
    assert len(repo.history(engine, a.id)) == 1


def assert_consistent(engine: sa.Engine, assessment_id: int, initial: dict) -> int:
    """The invariant every save keeps: history versions are exactly 2..version, and replaying the history
    from the initial answers gives the stored answers. Returns the version."""
    saved = repo.get_assessment(engine, assessment_id)
    changes = sorted(repo.history(engine, assessment_id), key=lambda c: (c.version, c.id))
    assert sorted({c.version for c in changes}) == list(range(2, saved.version + 1))
    answers = dict(initial)
    for c in changes:
        assert answers.get(c.question_id) == c.old_value, c
        if c.new_value is None:
            answers.pop(c.question_id, None)
        else:
            answers[c.question_id] = c.new_value
    assert answers == saved.answers
    return saved.version


def test_writers_killed_mid_save_leave_a_consistent_database(engine, engine_url):
    initial = {"consumer_facing": True}
    a = new_assessment(engine, initial)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, str(HERE / "store_writer.py"), engine_url, str(a.id), name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for name in ("writer-1", "writer-2")
    ]
    rng = random.Random(5)
    try:
        deadline = time.monotonic() + 60
        while repo.get_assessment(engine, a.id).version < 40:  # both are saving, and conflicting
            assert all(w.poll() is None for w in writers), [
                w.stderr.read().decode()[-800:] for w in writers if w.poll() is not None
            ]
            assert time.monotonic() < deadline, "the writers made too little progress"
            time.sleep(0.05)
        for w in writers:
            time.sleep(rng.uniform(0.0, 0.05))
            w.send_signal(signal.SIGKILL)  # most likely inside a transaction: they do nothing else
            w.wait(timeout=10)
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.wait(timeout=10)
            w.stderr.close()

    fresh = make_engine(engine_url)  # a new connection, as after a restart (SQLite recovers from its WAL)
    try:
        if fresh.dialect.name == "sqlite":
            with fresh.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        version = assert_consistent(fresh, a.id, initial)
        assert version >= 40
        # Nothing is left locked: the next save goes through at once.
        assert repo.set_answer(fresh, a, "consumer_facing", False, expected_version=version, author="after") == version + 1
        assert_consistent(fresh, a.id, initial)
    finally:
        fresh.dispose()


@pytest.mark.parametrize("threads", [4])
def test_many_threads_saving_in_a_loop_lose_nothing(engine, threads):
    a = new_assessment(engine)
    saves: list[int] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        rng = random.Random(name)
        done = 0
        try:
            while done < 8:
                version = repo.get_assessment(engine, a.id).version
                try:
                    repo.set_answer(
                        engine,
                        a,
                        "user_count",
                        rng.choice(["under_10k", "over_100m", None]),
                        expected_version=version,
                        author=name,
                    )
                except ConflictError:
                    continue
                done += 1
                saves.append(1)
        except BaseException as err:
            errors.append(err)

    workers = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert not errors, errors
    assert_consistent(engine, a.id, {})
