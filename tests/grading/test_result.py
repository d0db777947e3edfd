"""The one scoring rule every grader's verdicts go through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tutor.scenarios.loader import parse_scenario


def _contradicting(make_scenario: Callable[..., dict[str, Any]]) -> Any:
    data = make_scenario()
    data["rubric"]["mistakes"][0]["contradicts"] = ["revoke-now"]
    return parse_scenario(data, "<test>")


def test_a_made_mistake_undoes_the_criteria_it_contradicts(
    make_scenario: Callable[..., dict[str, Any]], make_grade: Callable[..., Any]
) -> None:
    grade = make_grade(_contradicting(make_scenario), made=["wait-for-release"])
    revoke = next(v for v in grade.criteria if v.id == "revoke-now")
    assert not revoke.met and revoke.evidence == ""
    # the other criteria keep their credit, and the score counts without the undone one
    assert all(v.met for v in grade.criteria if v.id != "revoke-now")
    assert grade.score < 1.0 and not grade.passed
    assert "Missed (critical): Revoke the exposed key immediately." in grade.feedback


def test_a_contradiction_needs_the_mistake_to_be_made(
    make_scenario: Callable[..., dict[str, Any]],
    make_grade: Callable[..., Any],
    build_scenario: Callable[..., Any],
) -> None:
    grade = make_grade(_contradicting(make_scenario))
    assert all(v.met for v in grade.criteria) and grade.passed
    # a rubric without the field grades as before
    plain = make_grade(build_scenario(), made=["wait-for-release"])
    assert all(v.met for v in plain.criteria)
