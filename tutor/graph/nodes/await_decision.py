"""await decision: pause for the learner's reply and store it before anything grades it."""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from tutor.graph.deps import Deps
from tutor.graph.state import Message, Node, TutorState

HINT = "/hint"


def make(deps: Deps) -> Node:
    def await_decision(state: TutorState) -> dict[str, Any]:
        scenario = deps.scenario(state["scenario_id"])
        reply = interrupt(
            {
                "kind": "decision",
                "turn": state["turn"],
                "scenario_id": scenario.id,
                "reason": state.get("reason", ""),
                "briefing": state.get("briefing", ""),
                "transcript": state.get("transcript", []),
                "level": state.get("level", "guided"),
                "can_hint": state.get("level", "guided") == "guided",
            }
        )
        text = str(reply.get("text", "")) if isinstance(reply, dict) else str(reply)
        decision_ms = reply.get("decision_ms") if isinstance(reply, dict) else None
        if text.strip().lower() == HINT:
            return {"pending": {"kind": "hint"}}
        deps.store.record_reply(
            state["attempt_id"], text, decision_ms, hints_used=state.get("hints_used", 0)
        )
        transcript: list[Message] = [
            *state.get("transcript", []),
            {"role": "learner", "speaker": "you", "text": text},
        ]
        return {
            "pending": {"kind": "answer"},
            "replies": [*state.get("replies", []), text],
            "transcript": transcript,
            "decision_ms": state.get("decision_ms", 0) + int(decision_ms or 0),
        }

    return await_decision
