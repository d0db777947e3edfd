"""Fold one graded attempt into the learner model: mastery, level, review schedule, mistakes."""

from __future__ import annotations

from dataclasses import replace

from tutor.grading.result import Grade
from tutor.learner import bkt
from tutor.learner.exposure import next_level
from tutor.learner.store import RiskView, Store
from tutor.scenarios.model import Scenario

MASTERED = 0.95
FIRST_REVIEW_GAP = 3


def apply_grade(
    store: Store, learner_id: int, attempt_id: int, turn: int, scenario: Scenario, grade: Grade
) -> dict[str, RiskView]:
    """Update every risk the scenario trains; returns the new views by risk ID."""
    history = store.history(learner_id)
    critical = {c.id for c in scenario.rubric.criteria if c.critical}
    critical_miss = any(v.id in critical and not v.met for v in grade.criteria)
    updated: dict[str, RiskView] = {}
    for risk in scenario.risks:
        old = history.risks.get(risk) or RiskView(
            risk, bkt.DEFAULT.p_init, 0, 0, "guided", 0, 0, None
        )
        mastery = bkt.update(old.mastery, grade.passed)
        attempts, passed = old.attempts + 1, old.passed + int(grade.passed)
        interval, next_review = old.review_interval, old.next_review_turn
        if not grade.passed:
            # A miss never postpones practice: review again soon, or not at all until re-mastered.
            interval = 0
            next_review = turn + FIRST_REVIEW_GAP if mastery >= MASTERED else None
        elif mastery >= MASTERED:
            # Spaced review: the gap doubles after each success at mastery.
            interval = FIRST_REVIEW_GAP if interval == 0 else interval * 2
            next_review = turn + interval
        view = replace(
            old,
            mastery=mastery,
            attempts=attempts,
            passed=passed,
            level=next_level(old.level, mastery, attempts, grade.passed, critical_miss),
            last_turn=turn,
            review_interval=interval,
            next_review_turn=next_review,
        )
        store.save_risk(learner_id, view)
        updated[risk] = view
    patterns = {m.id: m.pattern for m in scenario.rubric.mistakes}
    made = [(v.id, patterns.get(v.id)) for v in grade.mistakes if v.made]
    if made:
        store.add_mistakes(learner_id, attempt_id, turn, scenario.id, scenario.risks, made)
    return updated
