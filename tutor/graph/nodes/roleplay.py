"""role-play: the counterpart speaks; first the opening, then scripted pushback.

Offline, the persona reacts to the learner's stance: a learner who refuses gets pressure
(urgency, authority, "just this once"); a learner who gives in gets the next, bigger ask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from tutor.errors import TutorError
from tutor.grading import OfflineGrader
from tutor.graph.deps import Deps, Grader
from tutor.graph.nodes.compose import unwrap
from tutor.graph.state import Message, Node, TutorState
from tutor.llm import StreamTruncated
from tutor.scenarios.model import Persona, Scenario

Stance = Literal["refusing", "complying"]


def stance(grader: Grader, scenario: Scenario, replies: list[str]) -> Stance:
    """Complying once the learner's words make any rubric mistake; refusing otherwise."""
    grade = grader.grade(scenario, "\n".join(replies))
    return "complying" if any(m.made for m in grade.mistakes) else "refusing"


def for_stance(grader: Grader) -> Grader:
    """The grader to read the stance with: ``grader`` without work the stance cannot use.

    The stance depends only on mistakes. The offline grader finds mistakes lexically and
    checks only those matches against the embedding; its embedding pass over criteria would
    cost an encoder run per pushback while the persona waits to speak, and change nothing.
    So the stance keeps the mistake check (the same mistakes as the grade, an encoder run only
    when a clause reads like a mistake) and drops the criteria pass. Any other grader is asked
    as it is."""
    if type(grader) is OfflineGrader and grader.semantic:
        return OfflineGrader(
            grader.lexicon, semantic=False, confirm_mistakes=grader.confirm_mistakes
        )
    return grader


def pick_line(persona: Persona, want: Stance, used: list[int]) -> int | None:
    for i, line in enumerate(persona.pushback):
        if i not in used and line.when in (want, "any"):
            return i
    return None


def next_line(deps: Deps, state: TutorState) -> int | None:
    """The pushback line the persona would say now, or None when it has nothing left."""
    scenario = deps.scenario(state["scenario_id"])
    persona = scenario.persona
    replies = state.get("replies", [])
    if persona is None or not replies:
        return None
    return pick_line(
        persona,
        stance(for_stance(deps.stance_reader), scenario, replies),
        state.get("used_lines", []),
    )


def _scripted(
    deps: Deps, state: TutorState, transcript: list[Message], pushbacks: int
) -> dict[str, Any]:
    """The persona's next scripted line for the learner's stance, if it has one left."""
    persona = deps.scenario(state["scenario_id"]).persona
    used = list(state.get("used_lines", []))
    index = next_line(deps, state)
    if persona is None or index is None:
        return {"transcript": transcript, "pushbacks": pushbacks}
    line = unwrap(persona.pushback[index].line)
    transcript.append({"role": "persona", "speaker": persona.name, "text": line})
    return {"transcript": transcript, "used_lines": [*used, index], "pushbacks": pushbacks}


def _stream_writer() -> Callable[[str], object]:
    """Send streamed persona text to LangGraph's custom stream, when a caller listens."""
    try:
        from langgraph.config import get_stream_writer

        writer = get_stream_writer()
    except Exception:  # noqa: BLE001 - outside a graph run there is no stream to write to
        return lambda _: None
    return lambda piece: writer({"persona_text": piece})


def _why_model_stopped(exc: TutorError) -> str:
    """One plain sentence for the learner (the gateway's reason, never a class name)."""
    if isinstance(exc, StreamTruncated):
        return f"The model's reply was cut off ({exc.reason})"
    reason = getattr(exc, "reason", None) or str(exc)
    return f"The model did not answer ({reason})"


def make(deps: Deps) -> Node:
    def roleplay(state: TutorState) -> dict[str, Any]:
        scenario = deps.scenario(state["scenario_id"])
        persona = scenario.persona
        transcript: list[Message] = list(state.get("transcript", []))
        replies = state.get("replies", [])
        if persona is None:
            return {"transcript": transcript}
        if not replies:
            transcript.append(
                {"role": "persona", "speaker": persona.name, "text": unwrap(persona.opening)}
            )
            return {"transcript": transcript}
        pushbacks = state.get("pushbacks", 0) + 1
        if deps.voice is not None and deps.voice.available:
            try:
                text = deps.voice.speak(
                    scenario,
                    list(transcript),
                    stance(for_stance(deps.stance_reader), scenario, replies),
                    on_text=_stream_writer(),
                )
            except TutorError as exc:  # ModelUnavailable, StreamTruncated: scripted stand-in
                notice = f"{_why_model_stopped(exc)}; the scripted counterpart stood in."
                notices = [*state.get("notices", []), notice]
                return {**_scripted(deps, state, transcript, pushbacks), "notices": notices}
            if text:
                transcript.append({"role": "persona", "speaker": persona.name, "text": text})
                return {"transcript": transcript, "pushbacks": pushbacks}
        return _scripted(deps, state, transcript, pushbacks)

    return roleplay
