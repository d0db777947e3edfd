"""compose: turn the chosen scenario into the briefing the learner reads (offline engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tutor import frameworks
from tutor.graph.deps import Deps
from tutor.graph.state import TutorState
from tutor.scenarios.model import Scenario


def briefing(scenario: Scenario) -> str:
    parts = [f"# {scenario.title}", scenario.situation.strip()]
    for artifact in scenario.artifacts:
        parts.append(f"[{artifact.kind}: {artifact.title}]\n{artifact.content.rstrip()}")
    parts.append(f"Question: {scenario.question.strip()}")
    risks = ", ".join(frameworks.label(r) for r in scenario.risks)
    parts.append(f"(Difficulty {scenario.difficulty}/5 | {risks})")
    return "\n\n".join(parts)


def make(deps: Deps) -> Callable[[TutorState], dict[str, Any]]:
    def compose(state: TutorState) -> dict[str, Any]:
        return {"briefing": briefing(deps.scenario(state["scenario_id"]))}

    return compose
