"""Routing around the learner's turn: a hint, the counterpart's next line, or grading."""

from __future__ import annotations

from typing import Literal

from tutor.graph.deps import Deps
from tutor.graph.state import TutorState


def route_after_decision(state: TutorState, deps: Deps) -> Literal["hint", "roleplay", "grade"]:
    pending = state.get("pending") or {}
    if pending.get("kind") == "hint":
        return "hint"
    persona = deps.scenario(state["scenario_id"]).persona
    if persona is None or state.get("pushbacks", 0) >= deps.pushback_rounds:
        return "grade"
    return "roleplay"  # the node decides whether the counterpart has anything left to say


def route_after_roleplay(state: TutorState) -> Literal["await_decision", "grade"]:
    """Ask the learner again only when the counterpart just spoke (or before the first reply);
    a persona with nothing left to say hands the turn to grading."""
    transcript = state.get("transcript", [])
    if not state.get("replies") or (transcript and transcript[-1]["role"] == "persona"):
        return "await_decision"
    return "grade"
