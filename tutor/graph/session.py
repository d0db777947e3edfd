"""A learner's practice session over the graph: start or resume, reply, next turn.

One LangGraph thread per learner, so quitting and coming back resumes the pending decision.
Front ends (terminal, web) talk to this class, never to the graph directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command

from tutor.errors import InputError
from tutor.graph.build import build_graph
from tutor.graph.deps import Deps
from tutor.graph.state import Message
from tutor.redaction import redact

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


@dataclass
class TurnView:
    """What a front end shows: a decision to make, or the feedback on one."""

    kind: str  # "decision" | "feedback"
    turn: int
    scenario_id: str
    reason: str = ""
    briefing: str = ""
    transcript: list[Message] = field(default_factory=list)
    level: str = "guided"
    can_hint: bool = False
    feedback: str = ""
    grade: dict[str, Any] | None = None
    progress_note: str = ""
    notices: list[str] = field(default_factory=list)


def open_checkpointer(path: Path) -> SqliteSaver:
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteSaver(sqlite3.connect(str(path), check_same_thread=False))


def clean_answer(text: str, max_chars: int) -> str:
    """Reject what cannot be an answer, with a message that says why."""
    cleaned = text.translate(_CONTROL).strip()
    if not cleaned:
        raise InputError("the answer is empty: write what you would do")
    if len(cleaned) > max_chars:
        raise InputError(
            f"the answer is {len(cleaned):,} characters; the limit is {max_chars:,}. "
            "Shorten it to the decision and the steps."
        )
    return cleaned


class TutorSession:
    def __init__(self, deps: Deps, checkpointer: Any) -> None:
        self.deps = deps
        self.graph = build_graph(deps, checkpointer)
        self.learner_id: int | None = None

    def _config(self) -> dict[str, Any]:
        if self.learner_id is None:
            raise InputError("no learner: call start() first")
        return {"configurable": {"thread_id": f"learner-{self.learner_id}"}}

    def _view(self) -> TurnView:
        snapshot = self.graph.get_state(self._config())
        for task in snapshot.tasks:
            for intr in task.interrupts:
                v = intr.value
                return TurnView(
                    kind="decision",
                    turn=v["turn"],
                    scenario_id=v["scenario_id"],
                    reason=v.get("reason", ""),
                    briefing=v.get("briefing", ""),
                    transcript=list(v.get("transcript", [])),
                    level=v.get("level", "guided"),
                    can_hint=bool(v.get("can_hint")),
                    notices=list(snapshot.values.get("notices", [])),
                )
        values = snapshot.values
        return TurnView(
            kind="feedback",
            turn=values.get("turn", 0),
            scenario_id=values.get("scenario_id", ""),
            reason=values.get("reason", ""),
            transcript=list(values.get("transcript", [])),
            feedback=values.get("feedback") or "",
            grade=values.get("grade"),
            progress_note=values.get("progress_note", ""),
            notices=list(values.get("notices", [])),
        )

    def start(self, learner_name: str) -> TurnView:
        """Resume the learner's pending decision, or start their next turn."""
        self.learner_id = self.deps.store.learner(learner_name)
        # A model-played counterpart loads its client now, in the background, while the
        # learner reads the situation, rather than during their first reply.
        warm_up = getattr(self.deps.voice, "warm_up", None)
        if callable(warm_up):
            warm_up()
        snapshot = self.graph.get_state(self._config())
        if snapshot.next:
            if not any(task.interrupts for task in snapshot.tasks):
                # A run stopped mid-way (a grader failure, a crash): finish it; the answer is
                # already stored, so grading it again loses nothing.
                self.graph.invoke(None, self._config())
            return self._view()
        return self.next_turn()

    def next_turn(self) -> TurnView:
        self.graph.invoke({"learner_id": self.learner_id}, self._config())
        return self._view()

    def reply(
        self,
        text: str,
        decision_ms: int | None = None,
        on_persona_text: Callable[[str], object] | None = None,
    ) -> TurnView:
        """Send the learner's words (or ``/hint``); returns the next thing to show.

        ``on_persona_text`` receives a model-played persona's reply piece by piece as it is
        generated (scripted lines arrive whole in the returned view)."""
        snapshot = self.graph.get_state(self._config())
        if not snapshot.next:
            raise InputError("there is no open question; start the next turn first")
        # Secrets never travel: a key pasted into an answer is replaced by a typed placeholder
        # before it reaches the graph state, the checkpoint, the database or a model.
        answer = redact(clean_answer(text, self.deps.max_answer_chars)).text
        command: Command[Any] = Command(resume={"text": answer, "decision_ms": decision_ms})
        for event in self.graph.stream(command, self._config(), stream_mode="custom"):
            if on_persona_text is not None and isinstance(event, dict):
                piece = event.get("persona_text")
                if piece:
                    on_persona_text(piece)
        return self._view()
