"""select_next: the next exercise comes from the mistakes the learner actually makes."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import pytest

from tutor.learner.selection import select_next
from tutor.learner.store import Store
from tutor.scenarios.patterns import PATTERNS

Play = Callable[..., int]


def test_empty_library_is_an_error(store: Store) -> None:
    with pytest.raises(ValueError):
        select_next([], store.history(store.learner("a")))


def test_first_pick_introduces_the_first_risk_at_the_lowest_difficulty(
    store: Store, mini: Callable[..., Any]
) -> None:
    lib = [
        mini("nhi1-hard", risks=("NHI1",), difficulty=4),
        mini("nhi1-easy", risks=("NHI1",), difficulty=1),
        mini("nhi1-mid", risks=("NHI1",), difficulty=3),
        mini("nhi2-easy", risks=("NHI2",), difficulty=1),
    ]
    pick = select_next(lib, store.history(store.learner("new")))
    assert pick.scenario.id == "nhi1-easy"
    assert pick.target == "new:NHI1"
    assert pick.reason == "New topic: NHI1 Improper Offboarding, starting at difficulty 1."


def test_real_library_starts_easy(store: Store, library: list[Any]) -> None:
    pick = select_next(library, store.history(store.learner("new")))
    first = pick.target.removeprefix("new:")
    assert pick.target.startswith("new:")
    same = [s.difficulty for s in library if s.risks[0] == first]
    assert pick.scenario.difficulty == min(same)
    assert pick.scenario.difficulty <= 2


def test_unseen_risks_introduced_after_practised_ones(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [
        mini("nhi1-a", risks=("NHI1",), difficulty=1),
        mini("nhi5-hard", risks=("NHI5",), difficulty=5),
        mini("nhi5-easy", risks=("NHI5",), difficulty=2),
    ]
    lid = store.learner("a")
    play(store, lid, lib[0], make_grade(lib[0]))
    pick = select_next(lib, store.history(lid))
    assert pick.scenario.id == "nhi5-easy"
    assert pick.target == "new:NHI5"
    assert "New topic: NHI5 Overprivileged NHI" in pick.reason


def test_never_the_same_scenario_twice_in_a_row(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [mini("only-nhi2", risks=("NHI2",)), mini("only-nhi5", risks=("NHI5",))]
    lid = store.learner("a")
    play(store, lid, lib[0], make_grade(lib[0], missed=["revoke-now"]))
    pick = select_next(lib, store.history(lid))
    # NHI2 is the weakest risk, but its only scenario was just played.
    assert pick.scenario.id == "only-nhi5"
    assert (
        select_next(lib, store.history(lid), last_scenario="only-nhi5").scenario.id == "only-nhi2"
    )


def test_never_repeats_over_a_long_random_run(
    store: Store, library: list[Any], make_grade: Callable[..., Any], play: Play
) -> None:
    rng = random.Random(7)
    lid = store.learner("random")
    previous = None
    for _ in range(25):
        pick = select_next(library, store.history(lid))
        assert pick.scenario.id != previous
        assert pick.reason
        s = pick.scenario
        roll = rng.random()
        if roll < 0.4:
            grade = make_grade(s)
        elif roll < 0.7:
            grade = make_grade(s, made=[s.rubric.mistakes[0].id])
        else:
            grade = make_grade(s, missed=[c.id for c in s.rubric.criteria if c.critical])
        play(store, lid, s, grade)
        previous = s.id


def test_repeated_mistake_pattern_gets_another_scenario_with_that_pattern(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [
        mini("leak-a", risks=("NHI2",), patterns=("delay-containment",)),
        mini("leak-b", risks=("NHI2",), patterns=("delay-containment",)),
        mini(
            "leak-c",
            risks=("NHI2", "NHI7"),
            patterns=("share-secret-insecurely", "delay-containment"),
        ),
        mini("other", risks=("NHI5",), patterns=("approve-excess-access",)),
        mini("other-2", risks=("NHI1",), difficulty=1, patterns=("keep-orphaned-access",)),
    ]
    lid = store.learner("a")
    play(store, lid, lib[0], make_grade(lib[0], made=["m1"]))
    play(store, lid, lib[1], make_grade(lib[1], made=["m1"]))
    pick = select_next(lib, store.history(lid))
    assert pick.scenario.id == "leak-c"
    assert "delay-containment" in pick.scenario.mistake_patterns
    assert pick.target == "pattern:delay-containment"
    assert "twice" in pick.reason
    assert PATTERNS["delay-containment"].did in pick.reason


def test_a_pattern_resolved_by_a_later_pass_is_not_chased(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [
        mini("leak-a", risks=("NHI2",)),
        mini("leak-b", risks=("NHI2",)),
        mini("leak-c", risks=("NHI2",)),
        mini("leak-d", risks=("NHI2",)),
    ]
    lid = store.learner("a")
    play(store, lid, lib[0], make_grade(lib[0], made=["m1"]))
    play(store, lid, lib[1], make_grade(lib[1], made=["m1"]))
    play(store, lid, lib[2], make_grade(lib[2]))  # passed a scenario testing the pattern
    pick = select_next(lib, store.history(lid))
    assert not pick.target.startswith("pattern:")


def test_repeated_pattern_does_not_reserve_a_failed_scenario(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [
        mini("leak-a", risks=("NHI2",), patterns=("share-secret-insecurely",)),
        mini("leak-b", risks=("NHI2",), patterns=("share-secret-insecurely",)),
        mini("helpdesk", risks=("NHI4",), patterns=("share-secret-insecurely",)),
        mini("leak-other", risks=("NHI2",), patterns=("delay-containment",)),
    ]
    lid = store.learner("a")
    play(store, lid, lib[0], make_grade(lib[0], made=["m1"]))
    play(store, lid, lib[1], make_grade(lib[1], made=["m1"]))
    pick = select_next(lib, store.history(lid))
    assert pick.scenario.id not in {"leak-a", "leak-b"}, pick


def test_weakest_struggling_risk_gets_a_new_context(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [
        mini("nhi2-a", risks=("NHI2",)),
        mini("nhi2-b", risks=("NHI2",), difficulty=3),
        mini("nhi5-a", risks=("NHI5",)),
        mini("nhi5-b", risks=("NHI5",)),
    ]
    lid = store.learner("a")
    # Fails without mistakes (a missed critical criterion), so no pattern is involved.
    play(store, lid, lib[0], make_grade(lib[0], missed=["revoke-now"]))
    play(store, lid, lib[2], make_grade(lib[2], missed=["revoke-now"]))
    play(store, lid, lib[0], make_grade(lib[0], missed=["revoke-now"]))
    history = store.history(lid)
    assert history.risks["NHI2"].mastery < history.risks["NHI5"].mastery
    pick = select_next(lib, history)
    assert pick.scenario.id == "nhi2-b"
    assert pick.target == "risk:NHI2"
    assert pick.reason.startswith("NHI2 Secret Leakage needs work")
    assert "new situation" in pick.reason


def test_struggling_reason_reads_naturally_for_two_mistakes(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [
        mini("nhi2-a", risks=("NHI2",), patterns=("delay-containment",)),
        mini("nhi2-b", risks=("NHI2",), patterns=("share-secret-insecurely",)),
        mini("nhi2-c", risks=("NHI2",), patterns=("reuse-credential",)),
    ]
    lid = store.learner("a")
    play(store, lid, lib[0], make_grade(lib[0], made=["m1"]))
    play(store, lid, lib[1], make_grade(lib[1], made=["m1"]))
    pick = select_next(lib, store.history(lid))
    assert pick.target == "risk:NHI2"
    assert "twice mistakes" not in pick.reason
    assert re.search(r"\b(two|2) mistakes\b|mistakes? twice", pick.reason), pick.reason


def test_due_review_of_a_mastered_risk(
    store: Store, mini: Callable[..., Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lib = [
        mini("nhi2-a", risks=("NHI2",)),
        mini("nhi2-b", risks=("NHI2",)),
        mini("nhi5-a", risks=("NHI5",)),
        mini("nhi5-b", risks=("NHI5",)),
    ]
    lid = store.learner("a")
    for s in (lib[0], lib[1], lib[0]):  # NHI2 mastered at turn 3 -> review due at turn 6
        play(store, lid, s, make_grade(s))
    history = store.history(lid)
    assert history.risks["NHI2"].next_review_turn == 6
    for s in (lib[2], lib[3]):
        play(store, lid, s, make_grade(s))
    not_yet = select_next(lib, store.history(lid))  # turn 5: review not due yet
    assert not not_yet.target.startswith("review:")
    play(store, lid, lib[2], make_grade(lib[2]))
    history = store.history(lid)
    assert history.turn == 6
    pick = select_next(lib, history)
    assert pick.target == "review:NHI2"
    assert "NHI2" in pick.scenario.risks
    assert pick.reason.startswith("Review:")
    assert "NHI2 Secret Leakage" in pick.reason


def test_selection_is_deterministic_and_independent_of_library_order(
    store: Store, library: list[Any], make_grade: Callable[..., Any], play: Play
) -> None:
    lid = store.learner("det")
    by_id = {s.id: s for s in library}
    for _ in range(4):
        s = select_next(library, store.history(lid)).scenario
        play(store, lid, s, make_grade(s, made=[s.rubric.mistakes[0].id]))
    history = store.history(lid)
    first = select_next(library, history)
    for seed in range(5):
        shuffled = list(library)
        random.Random(seed).shuffle(shuffled)
        again = select_next(shuffled, store.history(lid))
        assert (again.scenario.id, again.reason, again.target) == (
            first.scenario.id,
            first.reason,
            first.target,
        )
    assert first.scenario.id in by_id
