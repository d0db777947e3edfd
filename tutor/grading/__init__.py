"""Grading: the offline rubric grader and the grade contract every grader fills."""

from tutor.grading.result import (
    PROMPT_INJECTION,
    CriterionVerdict,
    Grade,
    MistakeVerdict,
    finalise,
)
from tutor.grading.rubric_grader import OfflineGrader

__all__ = [
    "PROMPT_INJECTION",
    "CriterionVerdict",
    "Grade",
    "MistakeVerdict",
    "OfflineGrader",
    "finalise",
]
