"""The critic: a second model call that judges what code cannot (is a claim supported by the
cited passages, does the rubric reward an unsafe action) before a scenario reaches learners."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tutor.generation.grounding import PassageLike
from tutor.generation.prompts import critic_messages
from tutor.llm import ModelGateway

CRITIC_PURPOSE = "generate-critic"


class CriticVerdict(BaseModel):
    """Approve or reject, with reasons a generator can act on."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    reasons: list[str] = Field(default_factory=list)


async def review(
    gateway: ModelGateway,
    scenario: dict[str, Any],
    citations: Sequence[str],
    passages: Sequence[PassageLike],
) -> CriticVerdict:
    """The critic's verdict; a rejection always carries at least one reason, so the retry
    has something to fix. ``ModelUnavailable`` propagates to the generator."""
    result = await gateway.structured(
        critic_messages(scenario, citations, passages), CriticVerdict, purpose=CRITIC_PURPOSE
    )
    verdict = result.value
    if not verdict.approve and not [r for r in verdict.reasons if r.strip()]:
        return CriticVerdict(approve=False, reasons=["the critic rejected it without a reason"])
    return verdict
