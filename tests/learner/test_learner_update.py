"""apply_grade: mastery, exposure level, spaced review and mistake events per graded turn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tutor.learner.store import Store
from tutor.learner.update import FIRST_REVIEW_GAP, MASTERED

Play = Callable[..., int]


def test_pass_raises_mastery_for_every_risk(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    s = mini("two-risks", risks=("NHI2", "NHI7"))
    lid = store.learner("alice")
    play(store, lid, s, make_grade(s))
    risks = store.history(lid).risks
    assert set(risks) == {"NHI2", "NHI7"}
    for view in risks.values():
        assert view.mastery > 0.5
        assert (view.attempts, view.passed, view.last_turn) == (1, 1, 1)


def test_fail_lowers_mastery_and_records_mistakes_with_pattern(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    s = mini("fail-me", patterns=("delay-containment", "share-secret-insecurely"))
    lid = store.learner("alice")
    aid = play(store, lid, s, make_grade(s, made=["m2"]))
    history = store.history(lid)
    view = history.risks["NHI2"]
    assert view.mastery < 0.2
    assert (view.attempts, view.passed) == (1, 0)
    assert [
        (m.mistake_id, m.pattern, m.scenario_id, m.turn, m.risks) for m in history.mistakes
    ] == [("m2", "share-secret-insecurely", "fail-me", 1, ("NHI2",))]
    assert store.attempt(aid).passed is False  # type: ignore[union-attr]


def test_levels_rise_with_passes_and_drop_on_critical_miss(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    s = mini("levels")
    lid = store.learner("alice")
    levels = []
    for _ in range(3):
        play(store, lid, s, make_grade(s))
        levels.append(store.history(lid).risks["NHI2"].level)
    assert levels[1] == "reviewed"  # mastery .89 after two passes
    assert levels[2] == "independent"  # mastery .98, three attempts
    play(store, lid, s, make_grade(s, missed=["revoke-now"]))  # the critical criterion
    assert store.history(lid).risks["NHI2"].level == "reviewed"
    play(store, lid, s, make_grade(s, missed=["revoke-now"]))
    play(store, lid, s, make_grade(s, missed=["revoke-now"]))
    assert store.history(lid).risks["NHI2"].level == "guided"


def test_non_critical_fail_keeps_the_level(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    s = mini("keep-level")
    lid = store.learner("alice")
    play(store, lid, s, make_grade(s))
    play(store, lid, s, make_grade(s))
    assert store.history(lid).risks["NHI2"].level == "reviewed"
    grade = make_grade(s, made=["m1"])
    assert not grade.passed
    play(store, lid, s, grade)
    assert store.history(lid).risks["NHI2"].level == "reviewed"


def test_spaced_review_is_scheduled_at_mastery_and_doubles(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    s = mini("review")
    lid = store.learner("alice")
    for _ in range(3):
        play(store, lid, s, make_grade(s))
    view = store.history(lid).risks["NHI2"]
    assert view.mastery >= MASTERED
    assert view.review_interval == FIRST_REVIEW_GAP
    assert view.next_review_turn == 3 + FIRST_REVIEW_GAP
    play(store, lid, s, make_grade(s))
    view = store.history(lid).risks["NHI2"]
    assert view.review_interval == 2 * FIRST_REVIEW_GAP
    assert view.next_review_turn == 4 + 2 * FIRST_REVIEW_GAP


def test_a_failure_never_postpones_the_review(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    s = mini("review-fail")
    lid = store.learner("alice")
    for _ in range(4):
        play(store, lid, s, make_grade(s))
    before = store.history(lid).risks["NHI2"]
    assert before.next_review_turn is not None
    play(store, lid, s, make_grade(s, made=["m1"]))
    after = store.history(lid).risks["NHI2"]
    assert after.mastery < before.mastery
    assert after.review_interval <= before.review_interval
    assert after.next_review_turn is None or after.next_review_turn <= before.next_review_turn
