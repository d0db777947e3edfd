"""compose: turn the chosen scenario into the briefing the learner reads (offline engine)."""

from __future__ import annotations

from typing import Any

from tutor import frameworks
from tutor.graph.deps import Deps
from tutor.graph.state import Node, TutorState
from tutor.scenarios.model import Scenario


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of a YAML block so a terminal or browser can reflow them;
    paragraph breaks and list items stay."""
    paragraphs = []
    for para in text.strip().split("\n\n"):
        items: list[str] = []
        for line in para.splitlines():
            stripped = line.strip()
            if not stripped:
                continue
            if not items or stripped.startswith(_ITEM_STARTS):
                items.append(stripped)
            else:
                items[-1] = f"{items[-1]} {stripped}"
        paragraphs.append("\n".join(items))
    return "\n\n".join(paragraphs)


_ITEM_STARTS = ("- ", "* ", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.")


def briefing(scenario: Scenario) -> str:
    parts = [scenario.title, unwrap(scenario.situation)]
    for artifact in scenario.artifacts:
        parts.append(f"[{artifact.kind}: {artifact.title}]\n{artifact.content.rstrip()}")
    parts.append(f"Question: {unwrap(scenario.question)}")
    risks = ", ".join(frameworks.label(r) for r in scenario.risks)
    parts.append(f"(Difficulty {scenario.difficulty}/5 | {risks})")
    return "\n\n".join(parts)


def make(deps: Deps) -> Node:
    def compose(state: TutorState) -> dict[str, Any]:
        return {"briefing": briefing(deps.scenario(state["scenario_id"]))}

    return compose
