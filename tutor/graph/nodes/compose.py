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
        lines = para.splitlines()
        if any(line.lstrip().startswith(("- ", "* ", "1.", "2.")) for line in lines):
            paragraphs.append("\n".join(line.rstrip() for line in lines))
        else:
            paragraphs.append(" ".join(" ".join(lines).split()))
    return "\n\n".join(paragraphs)


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
