"""hint: in guided mode, a nudge from the scenario (or its first critical criterion)."""

from __future__ import annotations

from typing import Any

from tutor.graph.deps import Deps
from tutor.graph.state import Message, Node, TutorState


def make(deps: Deps) -> Node:
    def hint(state: TutorState) -> dict[str, Any]:
        scenario = deps.scenario(state["scenario_id"])
        used = state.get("hints_used", 0)
        if state.get("level", "guided") != "guided":
            text = (
                f"Hints are for guided practice; you are at the {state.get('level')} level "
                "for this risk. Decide as you would on the job."
            )
        elif used < len(scenario.hints):
            text = f"Hint: {scenario.hints[used].strip()}"
        else:
            critical = [c for c in scenario.rubric.criteria if c.critical]
            focus = (
                critical[min(used - len(scenario.hints), len(critical) - 1)] if critical else None
            )
            text = f"Hint: think about this first: {focus.text}" if focus else "No more hints."
        transcript: list[Message] = [
            *state.get("transcript", []),
            {"role": "tutor", "speaker": "tutor", "text": text},
        ]
        return {"transcript": transcript, "hints_used": used + 1, "pending": None}

    return hint
