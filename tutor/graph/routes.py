"""Routing after the learner speaks: a hint, another round of pushback, or grading."""

from __future__ import annotations

from typing import Literal

from tutor.graph.deps import Deps
from tutor.graph.nodes import roleplay
from tutor.graph.state import TutorState


def route_after_decision(state: TutorState, deps: Deps) -> Literal["hint", "roleplay", "grade"]:
    pending = state.get("pending") or {}
    if pending.get("kind") == "hint":
        return "hint"
    scenario = deps.scenario(state["scenario_id"])
    persona = scenario.persona
    if persona is None or state.get("pushbacks", 0) >= deps.pushback_rounds:
        return "grade"
    if deps.voice is not None and deps.voice.available:
        return "roleplay"  # a model-played persona always has something to say
    if persona.pushback and roleplay.next_line(deps, state) is not None:
        return "roleplay"
    return "grade"
