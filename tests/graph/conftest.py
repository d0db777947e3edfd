"""Graph fixtures: a small library, a keyword grader, and a session factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from tutor.graph import Deps, TutorSession

OPENING = "Can we deal with the key after the release?"
REFUSING_LINE = "We have fifty minutes. Can it really not wait?"
COMPLYING_LINE = "Great, I'll force-push the commit away now."


class KeywordGrader:
    """Deterministic stand-in for a grader: 'revoke' meets everything, 'later' is a mistake."""

    name = "keyword"

    def __init__(self, make_grade: Callable[..., Any]) -> None:
        self.make_grade = make_grade
        self.answers: list[str] = []

    def grade(self, scenario: Any, answer: str, *, answer_id: str | None = None) -> Any:
        self.answers.append(answer)
        text = answer.lower()
        missed = [] if "revoke" in text else [c.id for c in scenario.rubric.criteria]
        made = [m.id for m in scenario.rubric.mistakes] if "later" in text else []
        return self.make_grade(
            scenario, missed=missed, made=made, answer_id=answer_id, evidence=answer[:60]
        )


@pytest.fixture
def talk_scenario(make_scenario: Callable[..., dict]) -> Any:
    """A scenario whose persona has one line for a refusal and one for compliance."""
    from tutor.scenarios.loader import parse_scenario

    data = make_scenario(id="talk-scenario", hints=["Only revoking makes the key safe."])
    data["persona"]["opening"] = OPENING
    data["persona"]["pushback"] = [
        {"when": "refusing", "tactic": "urgency", "line": REFUSING_LINE},
        {"when": "complying", "tactic": "just_this_once", "line": COMPLYING_LINE},
    ]
    return parse_scenario(data, "talk-scenario.yaml")


@pytest.fixture
def keyword_grader(make_grade: Callable[..., Any]) -> KeywordGrader:
    return KeywordGrader(make_grade)


@pytest.fixture
def session_factory(store: Any) -> Iterator[Callable[..., TutorSession]]:
    def make(
        library: list[Any],
        grader: Any,
        *,
        pushback_rounds: int = 1,
        knowledge: Any = None,
        checkpointer: Any = None,
        max_answer_chars: int = 20_000,
    ) -> TutorSession:
        deps = Deps(
            library=library,
            grader=grader,
            store=store,
            knowledge=knowledge,
            pushback_rounds=pushback_rounds,
            max_answer_chars=max_answer_chars,
        )
        return TutorSession(deps, checkpointer if checkpointer is not None else InMemorySaver())

    yield make
