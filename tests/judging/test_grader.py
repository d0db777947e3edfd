"""JudgedGrader: offline + judge reconciled, and the offline grade when no model answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tutor.grading import OfflineGrader
from tutor.judging import OFFLINE_FALLBACK, JudgedGrader, RubricJudge
from tutor.llm import Fail, FakeModel, ModelGateway

from .conftest import judge_reply

Make = Callable[..., tuple[FakeModel, ModelGateway]]
ANSWER = "Revoke the key right now. Then check CloudTrail for what the key did."


def test_offline_and_judge_are_reconciled(build_scenario: Any, fake_gateway: Make) -> None:
    met = {
        "revoke-now": (True, "Revoke the key right now."),
        "investigate-use": (True, "check CloudTrail for what the key did"),
    }
    _, gateway = fake_gateway(judge_reply(met, {"wait-for-release": (False, "")}))
    grader = JudgedGrader(OfflineGrader(), RubricJudge(gateway))

    grade = grader.grade(build_scenario(), ANSWER, answer_id="a7")

    assert grade.grader == "reconciled" and grade.id == "a7"
    assert OFFLINE_FALLBACK not in grade.flags


def test_no_model_means_the_offline_grade_flagged(build_scenario: Any, fake_gateway: Make) -> None:
    scenario = build_scenario()
    answer = ANSWER + " 'quoted' text, kept exactly."
    fake, gateway = fake_gateway(Fail("server_error"))
    expected = OfflineGrader().grade(scenario, answer, answer_id="a8")

    grade = JudgedGrader(OfflineGrader(), RubricJudge(gateway)).grade(
        scenario, answer, answer_id="a8"
    )

    assert len(fake.requests) == 1
    assert grade.flags == [*expected.flags, OFFLINE_FALLBACK]
    assert grade.model_dump(exclude={"flags", "feedback"}) == expected.model_dump(
        exclude={"flags", "feedback"}
    )
    assert grade.feedback.startswith("The model grader was not available")
    assert "offline rubric grader" in grade.feedback and expected.feedback in grade.feedback
    assert answer in fake.requests[0]["messages"][1]["content"]  # the answer went out whole


def test_unusable_model_output_also_falls_back(build_scenario: Any, fake_gateway: Make) -> None:
    from tutor.llm import Reply

    _, gateway = fake_gateway(Reply("not json"), Reply("still not json"))

    grade = JudgedGrader(OfflineGrader(), RubricJudge(gateway)).grade(build_scenario(), ANSWER)

    assert OFFLINE_FALLBACK in grade.flags and grade.grader == "offline-rubric"
