"""The tutor graph's state: one training turn, checkpointed so a session survives a restart."""

from __future__ import annotations

from typing import Any, Protocol, TypedDict


class Message(TypedDict):
    role: str  # "persona" | "learner" | "tutor"
    speaker: str
    text: str


class TutorState(TypedDict, total=False):
    learner_id: int
    turn: int
    attempt_id: int
    scenario_id: str
    reason: str
    target: str
    level: str  # supervised-exposure level for the scenario's first risk
    passages: list[dict[str, Any]]
    briefing: str
    transcript: list[Message]
    replies: list[str]
    pending: dict[str, Any] | None  # the learner's latest input, before routing
    decision_ms: int
    pushbacks: int
    used_lines: list[int]
    hints_used: int
    grade: dict[str, Any] | None
    feedback: str | None
    progress_note: str
    notices: list[str]  # e.g. "the offline engine stood in"


class Node(Protocol):
    """What every ``nodes.<name>.make(deps)`` returns: a LangGraph node over ``TutorState``."""

    def __call__(self, state: TutorState) -> dict[str, Any]: ...
