"""update learner: fold the grade into mastery, exposure level, review schedule and mistakes."""

from __future__ import annotations

from typing import Any

from tutor import frameworks
from tutor.grading.result import Grade
from tutor.graph.deps import Deps
from tutor.graph.state import Node, TutorState
from tutor.learner.update import apply_grade


def make(deps: Deps) -> Node:
    def update_learner(state: TutorState) -> dict[str, Any]:
        scenario = deps.scenario(state["scenario_id"])
        grade = Grade.model_validate(state["grade"])
        before = deps.store.history(state["learner_id"]).risks
        after = apply_grade(
            deps.store, state["learner_id"], state["attempt_id"], state["turn"], scenario, grade
        )
        notes = []
        for risk, view in after.items():
            old = before.get(risk)
            change = ""
            if old and old.level != view.level:
                change = f", level {old.level} -> {view.level}"
            notes.append(f"{frameworks.label(risk)}: mastery {view.mastery:.0%}{change}")
        return {"progress_note": "; ".join(notes)}

    return update_learner
