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


def _implying(make_scenario: Callable[..., dict[str, Any]]) -> Any:
    """Keeping the key for the release implies believing Dana that it is safe, unless the
    answer checked (investigate-use met)."""
    data = make_scenario()
    data["rubric"]["mistakes"].append(
        {
            "id": "trust-dana",
            "text": "Takes Dana's word that the key is harmless.",
            "pattern": "trust-unverified-identity",
            "contradicts": ["investigate-use"],
            "implied_by": ["wait-for-release"],
        }
    )
    return parse_scenario(data, "<test>")


def test_an_implied_mistake_is_made_with_the_act_that_implies_it(
    make_scenario: Callable[..., dict[str, Any]], make_grade: Callable[..., Any]
) -> None:
    scenario = _implying(make_scenario)
    grade = make_grade(scenario, made=["wait-for-release"], missed=["investigate-use"])
    trust = next(v for v in grade.mistakes if v.id == "trust-dana")
    # quoted from the act it follows from, so feedback still shows the learner's own words
    assert trust.made and trust.evidence == "the learner's words (wait-for-release)"
    assert "Takes Dana's word that the key is harmless." in grade.feedback


def test_an_implied_mistake_needs_its_act_and_no_check(
    make_scenario: Callable[..., dict[str, Any]], make_grade: Callable[..., Any]
) -> None:
    scenario = _implying(make_scenario)
    # the check was made: delaying is still a mistake, believing Dana blindly is not
    checked = make_grade(scenario, made=["wait-for-release"])
    assert [v.id for v in checked.mistakes if v.made] == ["wait-for-release"]
    # no act, no implication, whatever was missed
    idle = make_grade(scenario, missed=["investigate-use", "revoke-now"])
    assert not any(v.made for v in idle.mistakes)
