"""What the judge model is asked to return.

Deliberately no ``score`` or ``passed`` field: the score is computed by code from the
verdicts (``tutor.grading.result.finalise``), so the model is never even asked for one.
Extra keys a model adds anyway are ignored, not trusted. Free text has a ``max_length`` so a
grammar-constrained local model stops generating (llama.cpp enforces string lengths).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_QUOTE = 300


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CriterionJudgement(_Lenient):
    id: str = Field(max_length=80)
    met: bool
    evidence_quote: str = Field(default="", max_length=MAX_QUOTE)


class MistakeJudgement(_Lenient):
    id: str = Field(max_length=80)
    made: bool
    evidence_quote: str = Field(default="", max_length=MAX_QUOTE)


class JudgeReply(_Lenient):
    criteria: list[CriterionJudgement] = Field(default_factory=list)
    mistakes: list[MistakeJudgement] = Field(default_factory=list)
    injection_suspected: bool = False
