"""retrieve: ground the turn in the knowledge base (passages for the scenario's risks)."""

from __future__ import annotations

from typing import Any

from tutor.graph.deps import Deps
from tutor.graph.state import Node, TutorState

PASSAGES = 6  # for the scenario as a whole
ITEM_PASSAGES = 3  # for each criterion and mistake, so feedback can say why that one matters
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
        risks = list(scenario.risks)
        queries = [(f"{scenario.title}. What a good operator does: {scenario.question}", PASSAGES)]
        queries += [(c.text, ITEM_PASSAGES) for c in scenario.rubric.criteria]
        queries += [(m.text, ITEM_PASSAGES) for m in scenario.rubric.mistakes]
        passages: dict[tuple[str, str], dict[str, Any]] = {}
        try:
            for query, k in queries:
                for p in deps.knowledge.search(query, k=k, ids=risks):
                    found = passage_dict(p)
                    passages.setdefault((found["doc_id"], found["text"]), found)
        except Exception as exc:  # noqa: BLE001 - grounding is optional; the turn goes on
            note = f"Knowledge base unavailable ({exc.__class__.__name__}); feedback is shorter."
            return {"passages": [], "notices": [*state.get("notices", []), note]}
        return {"passages": list(passages.values())}

    return retrieve
