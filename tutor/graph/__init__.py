"""The tutor graph (LangGraph): select -> retrieve -> compose -> role-play -> decide -> grade
-> feedback -> update learner."""

from tutor.graph.build import build_graph
from tutor.graph.deps import Deps
from tutor.graph.session import TurnView, TutorSession, open_checkpointer

__all__ = ["Deps", "TurnView", "TutorSession", "build_graph", "open_checkpointer"]
