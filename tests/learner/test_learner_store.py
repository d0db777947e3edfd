"""The learner database: learners, attempts written before grading, history."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tutor.errors import InputError, TutorError
from tutor.learner.store import NAME_MAX, Attempt, Store


def test_learner_created_once_per_name(store: Store) -> None:
    a = store.learner("alice")
    assert store.learner("alice") == a
    assert store.learner("  alice ") == a
    b = store.learner("bob")
    assert b != a
    assert store.learner_names() == ["alice", "bob"]


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "x" * (NAME_MAX + 1)])
def test_bad_names_rejected(store: Store, name: str) -> None:
    with pytest.raises(InputError):
        store.learner(name)
    assert store.learner_names() == []


def test_name_at_the_limit_is_accepted(store: Store) -> None:
    name = "x" * NAME_MAX
    assert store.learner(name) == store.learner(name)
    assert store.learner_names() == [name]


def test_learners_persist_across_store_instances(tmp_path: Path) -> None:
    url = "sqlite:///" + str(tmp_path / "db" / "p.sqlite")
    first = Store(url)
    lid = first.learner("carol")
    first.engine.dispose()
    second = Store(url)
    assert second.learner("carol") == lid
    second.engine.dispose()


def test_open_attempt_is_idempotent_per_turn(store: Store) -> None:
    lid = store.learner("alice")
    a1 = store.open_attempt(lid, 1, "s-one", ("NHI2",), "first")
    again = store.open_attempt(lid, 1, "s-other", ("NHI5",), "other")
    assert again == a1
    view = store.attempt(a1)
    assert view is not None
    assert (view.scenario_id, view.risks, view.status) == ("s-one", ("NHI2",), "shown")
    a2 = store.open_attempt(lid, 2, "s-two", ("NHI5", "ASI03"), "second")
    assert a2 != a1
    other = store.open_attempt(store.learner("bob"), 1, "s-one", ("NHI2",), "first")
    assert other not in (a1, a2)
    assert store.count_attempts() == 3


def test_reply_is_stored_before_any_grade(store: Store) -> None:
    lid = store.learner("alice")
    aid = store.open_attempt(lid, 1, "s-one", ("NHI2",), "why")
    store.record_reply(aid, "revoke the key now", 4000, hints_used=1)
    view = store.attempt(aid)
    assert view is not None
    assert view.answer == "revoke the key now"
    assert view.status == "answered"
    assert view.passed is None and view.score is None
    assert view.decision_ms == 4000
    with store.session() as s:
        row = s.scalar(select(Attempt).where(Attempt.id == aid))
        assert row is not None and row.hints_used == 1 and row.answered_at is not None
        assert row.selection_reason == "why"


def test_second_reply_is_appended_and_time_accumulates(store: Store) -> None:
    lid = store.learner("alice")
    aid = store.open_attempt(lid, 1, "s-one", ("NHI2",), "")
    store.record_reply(aid, "first words", 1000)
    store.record_reply(aid, "second words", 500)
    store.record_reply(aid, "third, untimed", None)
    view = store.attempt(aid)
    assert view is not None
    assert view.answer == "first words\n\nsecond words\n\nthird, untimed"
    assert view.decision_ms == 1500


def test_record_grade_marks_attempt_graded(store: Store) -> None:
    lid = store.learner("alice")
    aid = store.open_attempt(lid, 1, "s-one", ("NHI2",), "")
    store.record_reply(aid, "words", 10)
    store.record_grade(aid, True, 0.75, '{"x": 1}')
    view = store.attempt(aid)
    assert view is not None
    assert (view.status, view.passed, view.score, view.answer) == ("graded", True, 0.75, "words")


def test_missing_attempt_is_a_clear_error(store: Store) -> None:
    with pytest.raises(TutorError):
        store.record_reply(999, "text", None)
    with pytest.raises(TutorError):
        store.record_grade(999, True, 1.0, "{}")
    assert store.attempt(999) is None


def test_history_turn_counts_graded_attempts_only(store: Store) -> None:
    lid = store.learner("alice")
    for turn in (1, 2, 3):
        aid = store.open_attempt(lid, turn, f"s-{turn}", ("NHI2",), "")
        if turn < 3:
            store.record_reply(aid, "a", 1000)
            store.record_grade(aid, False, 0.1, "{}")
    history = store.history(lid)
    assert [a.turn for a in history.attempts] == [1, 2, 3]
    assert history.turn == 2
    assert [a.status for a in history.attempts] == ["graded", "graded", "shown"]


def test_histories_are_per_learner(
    store: Store,
    build_scenario: Callable[..., Any],
    make_grade: Callable[..., Any],
    play: Callable[..., int],
) -> None:
    scenario = build_scenario()
    alice, bob = store.learner("alice"), store.learner("bob")
    play(store, alice, scenario, make_grade(scenario, made=["wait-for-release"]))
    assert store.history(bob).attempts == []
    assert store.history(bob).risks == {}
    assert len(store.history(alice).mistakes) == 1


@pytest.mark.parametrize(
    ("times", "median"),
    [([], None), ([3000], 3000), ([1000, 5000], 3000), ([9000, 1000, 2000], 2000)],
)
def test_median_decision_time(store: Store, times: list[int], median: float | None) -> None:
    lid = store.learner("timer")
    for turn, ms in enumerate(times, start=1):
        aid = store.open_attempt(lid, turn, "s", ("NHI2",), "")
        store.record_reply(aid, "x", ms)
    # An untimed attempt does not count.
    aid = store.open_attempt(lid, len(times) + 1, "s", ("NHI2",), "")
    store.record_reply(aid, "x", None)
    assert store.history(lid).median_decision_ms() == median


def test_bad_database_url_is_a_tutor_error(tmp_path: Path) -> None:
    (tmp_path / "adir.sqlite").mkdir()
    with pytest.raises(TutorError) as info:
        Store("sqlite:///" + str(tmp_path / "adir.sqlite"))
    assert "\n" not in str(info.value)
