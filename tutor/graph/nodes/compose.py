"""compose: turn the chosen scenario into the briefing the learner reads (offline engine)."""

from __future__ import annotations

import asyncio
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


def _generate(deps: Deps, generator: Any, chosen: Scenario) -> tuple[Scenario | None, str]:
    """A model-written scenario for the same risks, role and difficulty, or why not."""
    from tutor.errors import TutorError
    from tutor.generation import GenerationFailed, GenerationTarget, export_yaml

    target = GenerationTarget(
        risks=chosen.risks, role=chosen.roles[0], difficulty=chosen.difficulty
    )
    try:
        generated = asyncio.run(generator.generate(target))
    except TutorError as exc:  # GenerationFailed, or e.g. the index: the curated one stands in
        why = exc.plain if isinstance(exc, GenerationFailed) else str(exc)
        return None, f"A curated scenario stood in; none could be generated: {why}."
    if deps.generated_dir is not None:
        export_yaml(generated, deps.generated_dir)
    deps.by_id[generated.scenario.id] = generated.scenario
    cited = ", ".join(generated.citations)
    return generated.scenario, f"Scenario written by {generated.model} from {cited}."


def make(deps: Deps) -> Node:
    def compose(state: TutorState) -> dict[str, Any]:
        scenario = deps.scenario(state["scenario_id"])
        if deps.generator is None:
            return {"briefing": briefing(scenario)}
        generated, notice = _generate(deps, deps.generator, scenario)
        notices = [*state.get("notices", []), notice]
        if generated is None:
            return {"briefing": briefing(scenario), "notices": notices}
        deps.store.retarget_attempt(state["attempt_id"], generated.id)
        return {"scenario_id": generated.id, "briefing": briefing(generated), "notices": notices}

    return compose
