"""The model-based rubric judge: a model reads the answer, code decides what counts.

The model only proposes verdicts with evidence quotes. Code then:

- keeps only ids from the rubric; a criterion or mistake the model left out is not met /
  not made (an omission never earns credit);
- drops any verdict whose evidence quote is not in the answer (whitespace and case aside):
  the verdict becomes not met / not made and the grade is flagged ``unverified_evidence``;
- flags ``prompt_injection`` when ``find_injection`` spots the answer addressing the grader
  OR the model suspects it, which fails the grade whatever the verdicts say;
- computes score and pass with ``finalise``; the model is never asked for either.

With ``votes > 1`` the model is asked that many times and each verdict is decided by
majority; a tie takes the stricter side (criterion not met, mistake made, injection flagged).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from tutor.grading.injection import find_injection
from tutor.grading.result import PROMPT_INJECTION, CriterionVerdict, Grade, MistakeVerdict, finalise
from tutor.judging.evidence import quote_in_answer
from tutor.judging.prompt import judge_messages
from tutor.judging.schema import JudgeReply
from tutor.llm import ModelGateway
from tutor.llm.errors import ModelConfigError
from tutor.scenarios.model import Scenario

logger = logging.getLogger(__name__)

GRADER_NAME = "model-judge"
UNVERIFIED_EVIDENCE = "unverified_evidence"


@dataclass(frozen=True)
class _Vote:
    """One model reply after code validation: id -> (verdict, validated quote)."""

    criteria: dict[str, tuple[bool, str]]
    mistakes: dict[str, tuple[bool, str]]
    injection: bool
    notes: tuple[str, ...]


@dataclass(frozen=True)
class JudgeOutcome:
    """The judge's grade plus what code overruled, for logs and reviewers."""

    grade: Grade
    notes: tuple[str, ...] = field(default_factory=tuple)


class RubricJudge:
    """Grades an answer with a model through the gateway; see the module docstring."""

    name = GRADER_NAME

    def __init__(self, gateway: ModelGateway, *, votes: int = 1) -> None:
        if votes < 1:
            raise ModelConfigError(f"judge votes must be 1 or more, got {votes}")
        if gateway.temperature != 0:
            # Grading must be repeatable: the same answer gets the same verdicts.
            raise ModelConfigError(f"the judge needs temperature 0, got {gateway.temperature}")
        self.gateway, self.votes = gateway, votes

    async def judge(
        self, scenario: Scenario, answer: str, *, answer_id: str | None = None
    ) -> Grade:
        """The judged grade; raises ``ModelUnavailable`` when no model answers (any vote)."""
        return (await self.judge_detailed(scenario, answer, answer_id=answer_id)).grade

    async def judge_detailed(
        self, scenario: Scenario, answer: str, *, answer_id: str | None = None
    ) -> JudgeOutcome:
        messages = judge_messages(scenario, answer)
        votes: list[_Vote] = []
        for _ in range(self.votes):  # sequential: deterministic order for fakes and cassettes
            result = await self.gateway.structured(messages, JudgeReply, purpose="judge")
            votes.append(_validate(scenario, answer, result.value))
        return _combine(scenario, answer, votes, answer_id)

    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade:
        """Synchronous ``judge`` (the ``Grader`` protocol of the evals and the CLI)."""
        return asyncio.run(self.judge(scenario, answer, answer_id=answer_id))


def _validate(scenario: Scenario, answer: str, reply: JudgeReply) -> _Vote:
    rubric = scenario.rubric
    notes: list[str] = []
    known = {c.id for c in rubric.criteria} | {m.id for m in rubric.mistakes}
    ids = [c.id for c in reply.criteria] + [m.id for m in reply.mistakes]
    notes.extend(f"unknown id {iid!r} ignored" for iid in ids if iid not in known)

    def checked(kind: str, iid: str, claimed: bool, quote: str) -> tuple[bool, str]:
        if not claimed:
            return False, ""
        if quote_in_answer(quote, answer):
            return True, quote.strip()
        notes.append(f"{kind} {iid}: evidence quote not in the answer, not counted")
        return False, ""

    said_c = {c.id: c for c in reversed(reply.criteria)}  # first mention wins
    said_m = {m.id: m for m in reversed(reply.mistakes)}
    criteria: dict[str, tuple[bool, str]] = {}
    for c in rubric.criteria:
        said = said_c.get(c.id)
        if said is None:
            notes.append(f"criterion {c.id}: no verdict, treated as not met")
        criteria[c.id] = checked(
            "criterion", c.id, bool(said and said.met), said.evidence_quote if said else ""
        )
    mistakes: dict[str, tuple[bool, str]] = {}
    for m in rubric.mistakes:
        said_mistake = said_m.get(m.id)
        if said_mistake is None:
            notes.append(f"mistake {m.id}: no verdict, treated as not made")
        mistakes[m.id] = checked(
            "mistake",
            m.id,
            bool(said_mistake and said_mistake.made),
            said_mistake.evidence_quote if said_mistake else "",
        )
    return _Vote(criteria, mistakes, reply.injection_suspected, tuple(notes))


def _majority(values: Sequence[tuple[bool, str]], *, tie: bool) -> tuple[bool, str]:
    yes = [quote for value, quote in values if value]
    decided = tie if len(yes) * 2 == len(values) else len(yes) * 2 > len(values)
    return (True, yes[0]) if decided and yes else (False, "")


def _combine(
    scenario: Scenario, answer: str, votes: list[_Vote], answer_id: str | None
) -> JudgeOutcome:
    rubric = scenario.rubric
    criteria = [
        CriterionVerdict(id=c.id, met=met, evidence=quote)
        for c in rubric.criteria
        for met, quote in [_majority([v.criteria[c.id] for v in votes], tie=False)]
    ]
    mistakes = [
        MistakeVerdict(id=m.id, made=made, evidence=quote)
        for m in rubric.mistakes
        for made, quote in [_majority([v.mistakes[m.id] for v in votes], tie=True)]
    ]
    notes = tuple(dict.fromkeys(n for v in votes for n in v.notes))
    flags: list[str] = []
    suspected = sum(v.injection for v in votes)
    if find_injection(answer) or (suspected and suspected * 2 >= len(votes)):
        flags.append(PROMPT_INJECTION)
    if any("evidence quote not in the answer" in n for n in notes):
        flags.append(UNVERIFIED_EVIDENCE)
    if notes:
        logger.info(
            "judge overruled by code for %s: %s", answer_id or scenario.id, "; ".join(notes)
        )
    grade = finalise(scenario, criteria, mistakes, flags, answer_id=answer_id, grader=GRADER_NAME)
    return JudgeOutcome(grade, notes)
