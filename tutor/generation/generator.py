"""Generating a grounded scenario: retrieve, draft, check by code, review, retry once, cache.

Two tries at most, because each costs two model calls and the curated library is always there
to fall back on: a model that fails twice with the problems spelled out is unlikely to do
better a third time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from tutor.generation.cache import ScenarioCache
from tutor.generation.critic import review
from tutor.generation.draft_schema import draft_request_schema
from tutor.generation.errors import GenerationFailed
from tutor.generation.grounding import KnowledgeSource, PassageLike, retrieve
from tutor.generation.prompts import (
    PROMPT_VERSION,
    Message,
    ScenarioDraft,
    generation_messages,
    retry_messages,
)
from tutor.generation.target import GeneratedScenario, GenerationTarget
from tutor.generation.validate import DraftInvalid, check_draft
from tutor.llm import ModelGateway, ModelUnavailable

logger = logging.getLogger(__name__)

GENERATE_PURPOSE = "generate"
MAX_TRIES = 2


class ScenarioGenerator:
    """Writes scenarios for a target with a model, grounded in the knowledge base.

    ``generate`` returns a scenario that passed the loader, the code checks and the critic, or
    raises ``GenerationFailed`` (also when no model is available).
    """

    def __init__(self, gateway: ModelGateway, knowledge: KnowledgeSource, cache_dir: Path) -> None:
        self.gateway = gateway
        self.knowledge = knowledge
        self.cache = ScenarioCache(cache_dir)

    def cache_key(self, target: GenerationTarget) -> str:
        return target.cache_key(self.gateway.model or "", PROMPT_VERSION)

    async def generate(self, target: GenerationTarget) -> GeneratedScenario:
        key = self.cache_key(target)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        if not self.gateway.available:
            raise GenerationFailed("no language model is configured")
        # The knowledge base search is synchronous and fast (local index); it runs inline.
        passages = retrieve(self.knowledge, target)
        if not passages:
            raise GenerationFailed(f"no knowledge passages found for {', '.join(target.risks)}")
        try:
            generated = await self._generate(target, passages)
        except ModelUnavailable as error:  # its reason is already one plain sentence
            raise GenerationFailed(error.reason) from error
        self.cache.put(key, generated)
        return generated

    async def _generate(
        self, target: GenerationTarget, passages: Sequence[PassageLike]
    ) -> GeneratedScenario:
        first = generation_messages(target, passages)
        wanted = draft_request_schema(target, passages)
        messages: list[Message] = first
        problems: tuple[str, ...] = ()
        for attempt in range(1, MAX_TRIES + 1):
            result = await self.gateway.structured(
                messages, ScenarioDraft, purpose=GENERATE_PURPOSE, request_schema=wanted
            )
            draft = result.value
            try:
                scenario, citations = check_draft(draft, target, passages)
            except DraftInvalid as invalid:
                problems = invalid.problems
            else:
                verdict = await review(
                    self.gateway,
                    scenario.model_dump(mode="json", exclude_none=True),
                    citations,
                    passages,
                )
                if verdict.approve:
                    return GeneratedScenario(
                        scenario=scenario, citations=citations, model=result.model
                    )
                problems = tuple(f"reviewer: {r}" for r in verdict.reasons if r.strip())
            logger.warning(
                "generated scenario for %s rejected on try %d: %s",
                ", ".join(target.risks),
                attempt,
                "; ".join(problems),
            )
            messages = retry_messages(first, draft, problems)
        raise GenerationFailed(
            f"the model's drafts did not pass the checks after {MAX_TRIES} tries", problems
        )
