"""The model-based rubric judge, its reconciliation with the offline grader, and the grader
that combines both (falling back to the offline grade when no model answers)."""

from tutor.judging.grader import OFFLINE_FALLBACK, JudgedGrader
from tutor.judging.judge import UNVERIFIED_EVIDENCE, RubricJudge
from tutor.judging.reconcile import NEEDS_REVIEW, reconcile
from tutor.judging.schema import CriterionJudgement, JudgeReply, MistakeJudgement

__all__ = [
    "NEEDS_REVIEW",
    "OFFLINE_FALLBACK",
    "UNVERIFIED_EVIDENCE",
    "CriterionJudgement",
    "JudgeReply",
    "JudgedGrader",
    "MistakeJudgement",
    "RubricJudge",
    "reconcile",
]
