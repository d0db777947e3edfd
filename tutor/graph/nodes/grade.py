"""grade: score the learner's replies against the rubric and store the grade."""

from __future__ import annotations

from typing import Any

from tutor.graph.deps import Deps
from tutor.graph.state import Node, TutorState


def make(deps: Deps) -> Node:
    def grade(state: TutorState) -> dict[str, Any]:
        scenario = deps.scenario(state["scenario_id"])
        answer = "\n\n".join(state.get("replies", []))
        result = deps.grader.grade(scenario, answer, answer_id=str(state["attempt_id"]))
        deps.store.record_grade(
            state["attempt_id"], result.passed, result.score, result.model_dump_json()
        )
        return {"grade": result.model_dump(), "pending": None}

    return grade
