"""The adaptive loop end to end: a scripted learner plays six turns through the graph.

The learner makes an NHI2 mistake in the first two NHI2 scenarios it is given (answering with
the text of one of that scenario's own mistake examples) and answers everything else with the
scenario's own criteria examples. Selection is deterministic, so the script reads what was
chosen and answers accordingly. Afterwards the tutor must bring NHI2 back in a scenario the
learner has not failed, and say why.
"""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from tutor.grading.rubric_grader import OfflineGrader
from tutor.graph import Deps, TutorSession
from tutor.learner.selection import select_next
from tutor.learner.store import Store

TURNS = 6
RISK = "NHI2"


def mistake_answer(
    scenario: Any, grader: OfflineGrader, prefer: str | None
) -> tuple[str, str, str]:
    """One of the scenario's own mistake examples that the grader recognises as that mistake.

    Prefers a mistake of the pattern already made, as a learner repeating a habit would."""
    mistakes = sorted(
        (m for m in scenario.rubric.mistakes if m.pattern),
        key=lambda m: m.pattern != prefer,
    )
    for m in mistakes:
        for example in m.examples:
            grade = grader.grade(scenario, example)
            if any(v.id == m.id and v.made for v in grade.mistakes):
                return example, m.id, m.pattern or ""
    pytest.fail(f"no mistake example of {scenario.id} is recognised by the offline grader")


def passing_answer(scenario: Any, grader: OfflineGrader) -> str:
    """The scenario's own criteria examples, as sentences: a clear-cut correct answer."""
    candidates = [
        " ".join(c.examples[0].rstrip(".") + "." for c in scenario.rubric.criteria),
        " ".join(e.rstrip(".") + "." for c in scenario.rubric.criteria for e in c.examples[:2]),
    ]
    for answer in candidates:
        if grader.grade(scenario, answer).passed:
            return answer
    pytest.fail(f"no scripted answer built from {scenario.id}'s criteria examples passes")


def test_two_nhi2_mistakes_bring_nhi2_back_in_a_new_scenario(
    library: list[Any], library_by_id: dict[str, Any], store: Store
) -> None:
    grader = OfflineGrader()
    deps = Deps(library=library, grader=grader, store=store, knowledge=None, pushback_rounds=0)
    session = TutorSession(deps, InMemorySaver())
    learner = "scripted-learner"

    failed_on: list[str] = []
    pattern: str | None = None
    sent: dict[int, str] = {}
    checked: dict[str, Any] = {}

    def check_pick(view: Any) -> None:
        history = store.history(store.learner(learner))
        chosen = library_by_id[view.scenario_id]
        checked.update(turn=view.turn, scenario=chosen.id, reason=view.reason)
        assert RISK in chosen.risks, (
            f"after two {RISK} mistakes the tutor chose {chosen.id} ({chosen.risks}): {view.reason}"
        )
        assert chosen.id not in failed_on, (
            f"the tutor re-served {chosen.id}, where the learner already made the mistake"
        )
        # The reason is shown to the learner, is the selection's own, and names why.
        assert view.reason
        attempt_row = history.attempts[-1]
        assert attempt_row.scenario_id == chosen.id and attempt_row.turn == view.turn
        assert f"{RISK} Secret Leakage" in view.reason or "twice" in view.reason, view.reason

    view = session.start(learner)
    for turn in range(1, TURNS + 1):
        assert view.kind == "decision" and view.turn == turn
        if len(failed_on) == 2 and not checked:
            check_pick(view)
        scenario = library_by_id[view.scenario_id]
        if RISK in scenario.risks and len(failed_on) < 2:
            answer, mistake_id, made_pattern = mistake_answer(scenario, grader, pattern)
            pattern = pattern or made_pattern
            view = session.reply(answer, decision_ms=20_000 + turn)
            assert view.kind == "feedback"
            assert view.grade is not None and view.grade["passed"] is False
            assert {m["id"] for m in view.grade["mistakes"] if m["made"]} >= {mistake_id}
            assert "Mistakes:" in view.feedback
            failed_on.append(scenario.id)
        else:
            answer = passing_answer(scenario, grader)
            view = session.reply(answer, decision_ms=20_000 + turn)
            assert view.kind == "feedback" and view.grade is not None
        sent[turn] = answer
        view = session.next_turn()

    assert len(failed_on) == 2, f"only {len(failed_on)} {RISK} scenarios shown in {TURNS} turns"
    if not checked:
        check_pick(view)

    history = store.history(store.learner(learner))
    graded = [a for a in history.attempts if a.status == "graded"]
    assert [a.turn for a in graded] == list(range(1, TURNS + 1))
    assert {a.turn: a.answer for a in graded} == sent
    failed_in_store = list(
        dict.fromkeys(m.scenario_id for m in history.mistakes if RISK in m.risks)
    )
    assert failed_in_store[:2] == failed_on
    # Never the same scenario twice in a row.
    ids = [a.scenario_id for a in history.attempts]
    assert all(a != b for a, b in zip(ids, ids[1:], strict=False)), ids
    # The pick is reproducible from the history alone (deterministic selection).
    turn_checked = checked["turn"]
    with store.session() as s:
        from sqlalchemy import select

        from tutor.learner.store import Attempt

        reason = s.scalar(select(Attempt.selection_reason).where(Attempt.turn == turn_checked))
    assert reason == checked["reason"]


def test_selection_reason_is_reproducible_from_history(library: list[Any], store: Store) -> None:
    """What the graph shows is exactly what select_next says for the stored history."""
    grader = OfflineGrader()
    session = TutorSession(
        Deps(library=library, grader=grader, store=store, pushback_rounds=0), InMemorySaver()
    )
    view = session.start("repro")
    scenario = next(s for s in library if s.id == view.scenario_id)
    session.reply(scenario.rubric.mistakes[0].examples[0])
    lid = store.learner("repro")
    expected = select_next(library, store.history(lid))
    view = session.next_turn()
    assert (view.scenario_id, view.reason) == (expected.scenario.id, expected.reason)


class FailingGrader:
    name = "failing"

    def grade(self, scenario: Any, answer: str, *, answer_id: str | None = None) -> Any:
        raise RuntimeError("the grading model is down")


def test_grader_failure_keeps_the_answer(library: list[Any], store: Store) -> None:
    deps = Deps(library=library, grader=FailingGrader(), store=store, pushback_rounds=0)
    session = TutorSession(deps, InMemorySaver())
    view = session.start("unlucky")
    answer = "I revoke the credential right now and then check the audit logs."
    with pytest.raises(RuntimeError):
        session.reply(answer, decision_ms=9_000)
    attempt = store.history(store.learner("unlucky")).attempts[0]
    assert (attempt.turn, attempt.scenario_id) == (view.turn, view.scenario_id)
    assert attempt.answer == answer
    assert attempt.status == "answered"
    assert attempt.decision_ms == 9_000
    assert attempt.passed is None


def test_grader_failure_during_pushback_keeps_the_answer(library: list[Any], store: Store) -> None:
    """With pushback on, the persona's stance check also calls the grader."""
    with_pushback = [s for s in library if s.persona and s.persona.pushback]
    assert with_pushback
    deps = Deps(library=with_pushback, grader=FailingGrader(), store=store, pushback_rounds=1)
    session = TutorSession(deps, InMemorySaver())
    session.start("unlucky-2")
    with pytest.raises(RuntimeError):
        session.reply("I say no and revoke the key.")
    attempt = store.history(store.learner("unlucky-2")).attempts[0]
    assert attempt.answer == "I say no and revoke the key." and attempt.status == "answered"


def test_after_a_grader_failure_resuming_does_not_show_empty_feedback(
    library: list[Any], store: Store
) -> None:
    deps = Deps(library=library, grader=FailingGrader(), store=store, pushback_rounds=0)
    session = TutorSession(deps, InMemorySaver())
    first = session.start("retry")
    with pytest.raises(RuntimeError):
        session.reply("I revoke the credential right now.")
    deps.grader = OfflineGrader()  # the model is back
    view = session.start("retry")
    if view.kind == "feedback":
        assert view.grade is not None and view.feedback, "empty feedback view after resume"
        assert (
            store.attempt(store.history(store.learner("retry")).attempts[0].id).status == "graded"
        )  # type: ignore[union-attr]
    else:
        assert (view.kind, view.turn, view.scenario_id) == (
            "decision",
            first.turn,
            first.scenario_id,
        )
