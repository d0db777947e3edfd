"""The grader that combines the offline rubric grader with the model judge.

It always grades offline first (no network, cannot fail on a model), then asks the judge and
reconciles the two (``reconcile.py``). When no model answers (``ModelUnavailable``) the
offline grade is returned, flagged ``offline_fallback``, and its feedback says plainly that
the offline engine stood in: a failed model call never loses or alters the learner's answer,
which is only ever read here.
"""

from __future__ import annotations

import logging
from typing import Protocol

from tutor.grading.result import Grade
from tutor.judging.reconcile import reconcile
from tutor.llm import ModelUnavailable
from tutor.scenarios.model import Scenario

logger = logging.getLogger(__name__)

OFFLINE_FALLBACK = "offline_fallback"


class SyncGrader(Protocol):
    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade: ...


class JudgedGrader:
    """Offline grade + judge grade, reconciled; the offline grade alone when no model answers."""

    name = "reconciled"

    def __init__(self, offline: SyncGrader, judge: SyncGrader) -> None:
        self.offline, self.judge = offline, judge

    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade:
        offline = self.offline.grade(scenario, answer, answer_id=answer_id)
        try:
            judged = self.judge.grade(scenario, answer, answer_id=answer_id)
        except ModelUnavailable as unavailable:
            logger.warning("judge unavailable for %s: %s", answer_id or scenario.id, unavailable)
            return fallback(offline, unavailable.reason)
        return reconcile(scenario, answer, offline, judged, answer_id=answer_id)


def fallback(offline: Grade, reason: str) -> Grade:
    """The offline grade, flagged, with feedback that tells the learner who graded it."""
    note = (
        f"The model grader was not available ({reason}), so the offline rubric grader "
        "marked this answer on its own."
    )
    return offline.model_copy(
        update={
            "flags": [*offline.flags, OFFLINE_FALLBACK],
            "feedback": f"{note} {offline.feedback}".strip(),
        }
    )
