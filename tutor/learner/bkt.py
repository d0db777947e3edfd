"""Bayesian knowledge tracing: the probability a learner has mastered a risk.

Standard four-parameter BKT (Corbett & Anderson, 1994). A passed attempt on a scenario counts
as a correct observation for each risk the scenario trains; a failed one as incorrect.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BKTParams:
    p_init: float = 0.2  # prior mastery of an unseen risk
    p_transit: float = 0.15  # chance of learning from one exercise with feedback
    p_slip: float = 0.1  # a master who still fails
    p_guess: float = 0.2  # a novice who still passes


DEFAULT = BKTParams()
MIN_MASTERY = 0.001
MAX_MASTERY = 0.999


def update(p_mastery: float, correct: bool, params: BKTParams = DEFAULT) -> float:
    """Posterior after one observation, then the learning transition."""
    s, g = params.p_slip, params.p_guess
    if correct:
        num = p_mastery * (1 - s)
        den = num + (1 - p_mastery) * g
    else:
        num = p_mastery * s
        den = num + (1 - p_mastery) * (1 - g)
    posterior = num / den if den else p_mastery
    learned = posterior + (1 - posterior) * params.p_transit
    # Never certainty either way, so the next observation always counts.
    return min(MAX_MASTERY, max(MIN_MASTERY, learned))
