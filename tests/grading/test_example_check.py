"""Rubric examples read against their own items: the check behind `validate --examples`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tutor.grading import OfflineGrader
from tutor.grading.example_check import unread_examples
from tutor.scenarios.loader import parse_scenario


@pytest.fixture(scope="module")
def grader() -> OfflineGrader:
    return OfflineGrader()


def test_a_sound_rubric_has_no_unread_examples(
    make_scenario: Callable[..., dict[str, Any]], grader: OfflineGrader
) -> None:
    assert unread_examples(parse_scenario(make_scenario(), "<test>"), grader) == []


def test_a_mistake_written_as_a_criterion_example_is_reported(
    make_scenario: Callable[..., dict[str, Any]], grader: OfflineGrader
) -> None:
    # An author slips a deferral in among the "revoke now" examples.
    data = make_scenario()
    data["rubric"]["criteria"][0]["examples"].append("revoke it after the release")
    (found,) = unread_examples(parse_scenario(data, "<test>"), grader)
    assert found.field == "rubric.criteria[revoke-now].examples[3]"
    assert found.text == "revoke it after the release"
    assert found.read_as == ("wait-for-release",)
    assert "does not read as its own item (read as: wait-for-release)" in found.message()
