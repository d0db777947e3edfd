"""select: choose the next scenario from the learner model and open its attempt row."""

from __future__ import annotations

from typing import Any

from tutor.graph.deps import Deps
from tutor.graph.state import Node, TutorState
from tutor.learner.selection import select_next


def make(deps: Deps) -> Node:
    def select(state: TutorState) -> dict[str, Any]:
        learner_id = state["learner_id"]
        history = deps.store.history(learner_id)
        choice = select_next(deps.library, history)
        turn = max((a.turn for a in history.attempts), default=0) + 1
        primary = choice.scenario.risks[0]
        view = history.risks.get(primary)
        attempt_id = deps.store.open_attempt(
            learner_id, turn, choice.scenario.id, choice.scenario.risks, choice.reason
        )
        return {
            "turn": turn,
            "attempt_id": attempt_id,
            "scenario_id": choice.scenario.id,
            "reason": choice.reason,
            "target": choice.target,
            "level": view.level if view else "guided",
            "passages": [],
            "briefing": "",
            "transcript": [],
            "replies": [],
            "pending": None,
            "decision_ms": 0,
            "pushbacks": 0,
            "used_lines": [],
            "hints_used": 0,
            "grade": None,
            "feedback": None,
            "progress_note": "",
            "notices": [],
        }

    return select
