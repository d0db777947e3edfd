"""BKT mastery updates and the supervised-exposure levels."""

from __future__ import annotations

import pytest

from tutor.learner import bkt
from tutor.learner.exposure import INDEPENDENT_AT, LEVELS, REVIEWED_AT, next_level


@pytest.mark.parametrize("prior", [0.01, 0.2, 0.5, 0.8, 0.95])
def test_correct_moves_mastery_up_and_incorrect_down(prior: float) -> None:
    up = bkt.update(prior, True)
    down = bkt.update(prior, False)
    assert up > prior
    assert down < up
    if prior >= 0.5:
        assert down < prior
    assert 0 < down < 1 and 0 < up < 1


def test_first_pass_and_fail_from_the_prior() -> None:
    # Worked by hand with p_init .2, slip .1, guess .2, transit .15:
    # pass: .2*.9 / (.18 + .8*.2) = .5294; + (1-.5294)*.15 = .6
    # fail: .2*.1 / (.02 + .8*.8) = .0303; + (1-.0303)*.15 = .1758
    assert bkt.update(bkt.DEFAULT.p_init, True) == pytest.approx(0.6, abs=1e-9)
    assert bkt.update(bkt.DEFAULT.p_init, False) == pytest.approx(0.17576, abs=1e-5)


def test_mastery_is_monotone_in_the_prior() -> None:
    priors = [0.05, 0.2, 0.4, 0.6, 0.8]
    for outcome in (True, False):
        posts = [bkt.update(p, outcome) for p in priors]
        assert posts == sorted(posts)


def test_repeated_passes_reach_mastery_and_failures_stay_low() -> None:
    p = bkt.DEFAULT.p_init
    for _ in range(4):
        p = bkt.update(p, True)
    assert p > 0.95
    q = bkt.DEFAULT.p_init
    for _ in range(10):
        q = bkt.update(q, False)
    assert 0 < q < 0.2


def test_mastery_never_saturates_so_a_failure_always_counts() -> None:
    p = bkt.DEFAULT.p_init
    for _ in range(40):
        p = bkt.update(p, True)
        assert 0 < p < 1
    assert bkt.update(p, False) < p


# --- exposure levels ---------------------------------------------------------------------


def test_levels_order() -> None:
    assert LEVELS == ("guided", "reviewed", "independent")
    assert (REVIEWED_AT, INDEPENDENT_AT) == (0.6, 0.85)


@pytest.mark.parametrize(
    ("level", "mastery", "attempts", "passed", "critical_miss", "expected"),
    [
        ("guided", 0.6, 1, True, False, "reviewed"),
        ("guided", 0.59, 1, True, False, "guided"),
        ("guided", 0.9, 5, False, False, "guided"),  # a fail never promotes
        ("guided", 0.99, 9, True, False, "reviewed"),  # one level at a time
        ("reviewed", 0.85, 3, True, False, "independent"),
        ("reviewed", 0.9, 2, True, False, "reviewed"),  # too few attempts
        ("reviewed", 0.84, 9, True, False, "reviewed"),
        ("reviewed", 0.9, 9, False, False, "reviewed"),
        ("independent", 0.99, 9, True, False, "independent"),
        ("independent", 0.99, 9, False, True, "reviewed"),  # critical miss drops a level
        ("reviewed", 0.9, 9, False, True, "guided"),
        ("guided", 0.1, 1, False, True, "guided"),  # never below guided
        ("reviewed", 0.95, 5, True, True, "guided"),  # critical miss wins over a pass
    ],
)
def test_next_level(
    level: str, mastery: float, attempts: int, passed: bool, critical_miss: bool, expected: str
) -> None:
    assert next_level(level, mastery, attempts, passed, critical_miss) == expected  # type: ignore[arg-type]
