"""retrieve: ground the turn in the knowledge base (passages for the scenario's risks)."""

from __future__ import annotations

from typing import Any

from tutor.graph.deps import Deps
from tutor.graph.state import Node, TutorState

PASSAGES = 6
EXCERPT = 700


def passage_dict(p: Any) -> dict[str, Any]:
    return {
        "doc_id": p.doc_id,
        "title": p.title,
        "section": p.section,
        "source": p.source,
        "text": p.text[:EXCERPT],
    }


def make(deps: Deps) -> Node:
    def retrieve(state: TutorState) -> dict[str, Any]:
        if deps.knowledge is None:
            return {"passages": []}
        scenario = deps.scenario(state["scenario_id"])
        query = f"{scenario.title}. What a good operator does: {scenario.question}"
        try:
            found = deps.knowledge.search(query, k=PASSAGES, ids=list(scenario.risks))
        except Exception as exc:  # noqa: BLE001 - grounding is optional; the turn goes on
            note = f"Knowledge base unavailable ({exc.__class__.__name__}); feedback is shorter."
            return {"passages": [], "notices": [*state.get("notices", []), note]}
        return {"passages": [passage_dict(p) for p in found]}

    return retrieve
