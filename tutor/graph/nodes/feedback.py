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
        earlier = [
            a.decision_ms
            for a in history.attempts
            if a.status == "graded" and a.id != state["attempt_id"] and a.decision_ms
        ]
        earlier.sort()
        median = None
        if earlier:
            mid = len(earlier) // 2
            median = earlier[mid] if len(earlier) % 2 else (earlier[mid - 1] + earlier[mid]) / 2
        text = build_feedback(
            scenario,
            grade,
            state.get("passages", []),
            decision_ms=state.get("decision_ms") or None,
            median_ms=median,
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
