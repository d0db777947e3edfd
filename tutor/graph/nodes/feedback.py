"""feedback: explain the grade in plain language, grounded in the retrieved passages."""

from __future__ import annotations

from typing import Any

from tutor.coaching.feedback import build_feedback
from tutor.grading.result import Grade
from tutor.graph.deps import Deps
from tutor.graph.state import Node, TutorState


def make(deps: Deps) -> Node:
    def feedback(state: TutorState) -> dict[str, Any]:
        scenario = deps.scenario(state["scenario_id"])
        grade = Grade.model_validate(state["grade"])
        history = deps.store.history(state["learner_id"])
        earlier = history.decision_times(graded_only=True, excluding=state["attempt_id"])
        text = build_feedback(
            scenario,
            grade,
            state.get("passages", []),
            decision_ms=state.get("decision_ms") or None,
            median_ms=history.median_decision_ms(graded_only=True, excluding=state["attempt_id"]),
            previous_attempts=len(earlier),
        )
        notes = []
        if "offline_fallback" in grade.flags:
            notes.append("The model grader did not answer; the offline grader marked this turn.")
        if "needs_review" in grade.flags:
            notes.append(
                "The model grader and the offline grader disagreed on a critical point; the "
                "stricter verdict stands and this answer is marked for a trainer's review."
            )
        if notes:
            text = "\n".join(notes) + "\n\n" + text
        return {"feedback": text}

    return feedback
