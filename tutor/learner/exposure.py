"""Supervised exposure before independence: guided -> reviewed -> independent, per risk.

Guided learners may ask for hints; reviewed learners get no hints but full feedback;
independent learners are trusted with the risk. A critical miss drops one level.
"""

from __future__ import annotations

from typing import Literal

Level = Literal["guided", "reviewed", "independent"]
LEVELS: tuple[Level, ...] = ("guided", "reviewed", "independent")

REVIEWED_AT = 0.6
INDEPENDENT_AT = 0.85
INDEPENDENT_MIN_ATTEMPTS = 3
_EPS = 1e-9  # one pass from the prior lands on 0.6 up to float rounding


def next_level(
    level: Level, mastery: float, attempts: int, passed: bool, critical_miss: bool
) -> Level:
    index = LEVELS.index(level)
    if critical_miss:
        return LEVELS[max(0, index - 1)]
    if not passed:
        return level
    if index == 0 and mastery >= REVIEWED_AT - _EPS:
        return "reviewed"
    if index == 1 and mastery >= INDEPENDENT_AT - _EPS and attempts >= INDEPENDENT_MIN_ATTEMPTS:
        return "independent"
    return level
