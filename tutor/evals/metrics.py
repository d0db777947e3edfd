"""Agreement statistics shared by every eval (grader, judge, reconciliation)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def agreement(expected: Sequence[bool], actual: Sequence[bool]) -> float:
    if not expected:
        return 0.0
    return sum(e == a for e, a in zip(expected, actual, strict=True)) / len(expected)


def cohens_kappa(expected: Sequence[bool], actual: Sequence[bool]) -> float:
    """Agreement corrected for chance; 1.0 when both raters are constant and agree."""
    n = len(expected)
    if n == 0:
        return 0.0
    observed = agreement(expected, actual)
    p_e = sum(expected) / n
    p_a = sum(actual) / n
    chance = p_e * p_a + (1 - p_e) * (1 - p_a)
    if chance >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - chance) / (1 - chance)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, so benchmarks report a value that was actually measured."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered) - 1e-9)))
    return ordered[rank - 1]
