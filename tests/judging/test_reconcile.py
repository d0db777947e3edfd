"""The reconciliation policy, rule by rule (see tutor/judging/reconcile.py)."""

from __future__ import annotations

from typing import Any

from tutor.grading.result import PROMPT_INJECTION, CriterionVerdict, MistakeVerdict, finalise
from tutor.judging import NEEDS_REVIEW, reconcile

ANSWER = (
    "Revoke the key right now. Check CloudTrail for the key. "
    "Rotating it after the release is fine too."
)
REVOKE = "Revoke the key right now."
LOGS = "Check CloudTrail for the key."
WAIT = "Rotating it after the release"


def grade(
    scenario: Any,
    *,
    revoke: tuple[bool, str] = (False, ""),
    logs: tuple[bool, str] = (False, ""),
    wait: tuple[bool, str] = (False, ""),
    flags: tuple[str, ...] = (),
    grader: str = "x",
) -> Any:
    return finalise(
        scenario,
        [
            CriterionVerdict(id="revoke-now", met=revoke[0], evidence=revoke[1]),
            CriterionVerdict(id="investigate-use", met=logs[0], evidence=logs[1]),
        ],
        [MistakeVerdict(id="wait-for-release", made=wait[0], evidence=wait[1])],
        list(flags),
        answer_id="a1",
        grader=grader,
    )


def verdicts(g: Any) -> dict[str, bool]:
    return {v.id: v.met for v in g.criteria} | {m.id: m.made for m in g.mistakes}


def test_agreement_is_kept_and_scored_by_code(build_scenario: Any) -> None:
    s = build_scenario()
    both: dict[str, Any] = {"revoke": (True, REVOKE), "logs": (True, LOGS)}

    r = reconcile(s, ANSWER, grade(s, **both), grade(s, **both), answer_id="a1")

    assert verdicts(r) == {"revoke-now": True, "investigate-use": True, "wait-for-release": False}
    assert r.passed and r.score == 1.0 and r.grader == "reconciled" and r.id == "a1"
    assert r.flags == []


def test_a_disputed_critical_criterion_is_not_met_and_needs_review(build_scenario: Any) -> None:
    s = build_scenario()
    logs = (True, LOGS)
    judge_says_met = reconcile(
        s, ANSWER, grade(s, logs=logs), grade(s, revoke=(True, REVOKE), logs=logs)
    )
    offline_says_met = reconcile(
        s, ANSWER, grade(s, revoke=(True, REVOKE), logs=logs), grade(s, logs=logs)
    )

    for r in (judge_says_met, offline_says_met):
        assert verdicts(r)["revoke-now"] is False
        assert NEEDS_REVIEW in r.flags and not r.passed


def test_a_non_critical_criterion_goes_to_the_judge_with_validated_evidence(
    build_scenario: Any,
) -> None:
    s = build_scenario()
    revoke = (True, REVOKE)

    r = reconcile(s, ANSWER, grade(s, revoke=revoke), grade(s, revoke=revoke, logs=(True, LOGS)))

    assert verdicts(r)["investigate-use"] is True and r.criteria[1].evidence == LOGS
    assert NEEDS_REVIEW not in r.flags


def test_a_non_critical_criterion_stays_offline_without_validated_evidence(
    build_scenario: Any,
) -> None:
    s = build_scenario()
    revoke = (True, REVOKE)
    invented = grade(s, revoke=revoke, logs=(True, "I read every log line twice"))
    judge_says_not_met = grade(s, revoke=revoke)

    no_proof = reconcile(s, ANSWER, grade(s, revoke=revoke), invented)
    offline_credit = reconcile(
        s, ANSWER, grade(s, revoke=revoke, logs=(True, LOGS)), judge_says_not_met
    )

    assert verdicts(no_proof)["investigate-use"] is False
    assert verdicts(offline_credit)["investigate-use"] is True


def test_a_mistake_is_made_if_either_says_so_with_evidence(build_scenario: Any) -> None:
    s = build_scenario()
    ok: dict[str, Any] = {"revoke": (True, REVOKE), "logs": (True, LOGS)}

    by_judge = reconcile(s, ANSWER, grade(s, **ok), grade(s, **ok, wait=(True, WAIT)))
    by_offline = reconcile(s, ANSWER, grade(s, **ok, wait=(True, WAIT)), grade(s, **ok))
    unproven = reconcile(s, ANSWER, grade(s, **ok), grade(s, **ok, wait=(True, "we never revoke")))

    assert verdicts(by_judge)["wait-for-release"] and not by_judge.passed
    assert verdicts(by_offline)["wait-for-release"] and not by_offline.passed
    assert not verdicts(unproven)["wait-for-release"] and unproven.passed


def test_flags_are_united_and_injection_from_either_fails(build_scenario: Any) -> None:
    s = build_scenario()
    ok: dict[str, Any] = {"revoke": (True, REVOKE), "logs": (True, LOGS)}

    r = reconcile(
        s,
        ANSWER,
        grade(s, **ok, flags=("offline_note",)),
        grade(s, **ok, flags=(PROMPT_INJECTION,)),
    )

    assert set(r.flags) == {"offline_note", PROMPT_INJECTION} and not r.passed
