"""With the model judge configured, the learner is told when the offline grader stood in."""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from tutor.grading import OfflineGrader
from tutor.graph import Deps, TutorSession
from tutor.judging import JudgedGrader
from tutor.learner.store import Store
from tutor.llm import ModelUnavailable
from tutor.scenarios.model import Scenario


class _SilentJudge:
    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Any:
        raise ModelUnavailable("judge", "the model did not answer in time")


def test_feedback_says_the_offline_grader_stood_in(library: list[Any], store: Store) -> None:
    offline = OfflineGrader(semantic=False)
    deps = Deps(
        library=library,
        grader=JudgedGrader(offline, _SilentJudge()),
        stance_grader=offline,
        store=store,
        pushback_rounds=0,
    )
    session = TutorSession(deps, InMemorySaver())
    session.start("judged")
    view = session.reply("I would revoke the key now and check CloudTrail.")
    assert view.kind == "feedback"
    assert view.feedback.startswith("The model grader did not answer")
    assert view.grade is not None and "offline_fallback" in view.grade["flags"]
    attempt = store.history(store.learner("judged")).attempts[-1]
    assert attempt.answer == "I would revoke the key now and check CloudTrail."
