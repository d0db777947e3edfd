"""build_graph: only wiring. Dependencies and the checkpointer come from the caller."""

from __future__ import annotations

from functools import partial
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from tutor.graph.deps import Deps
from tutor.graph.nodes import (
    await_decision,
    compose,
    feedback,
    grade,
    hint,
    retrieve,
    roleplay,
    select,
    update_learner,
)
from tutor.graph.routes import route_after_decision, route_after_roleplay
from tutor.graph.state import TutorState


def build_graph(deps: Deps, checkpointer: BaseCheckpointSaver[Any] | None) -> Any:
    g = StateGraph(TutorState)
    g.add_node("select", select.make(deps))
    g.add_node("retrieve", retrieve.make(deps))
    g.add_node("compose", compose.make(deps))
    g.add_node("roleplay", roleplay.make(deps))
    g.add_node("await_decision", await_decision.make(deps))
    g.add_node("hint", hint.make(deps))
    g.add_node("grade", grade.make(deps))
    g.add_node("feedback", feedback.make(deps))
    g.add_node("update_learner", update_learner.make(deps))
    g.add_edge(START, "select")
    g.add_edge("select", "retrieve")
    g.add_edge("retrieve", "compose")
    g.add_edge("compose", "roleplay")
    g.add_conditional_edges(
        "roleplay", route_after_roleplay, {"await_decision": "await_decision", "grade": "grade"}
    )
    g.add_conditional_edges(
        "await_decision",
        partial(route_after_decision, deps=deps),
        {"hint": "hint", "roleplay": "roleplay", "grade": "grade"},
    )
    g.add_edge("hint", "await_decision")
    g.add_edge("grade", "feedback")
    g.add_edge("feedback", "update_learner")
    g.add_edge("update_learner", END)
    return g.compile(checkpointer=checkpointer)
