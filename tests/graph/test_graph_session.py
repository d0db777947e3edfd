"""One training turn through the LangGraph graph, via TutorSession."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tutor.errors import InputError
from tutor.graph import TutorSession, open_checkpointer
from tutor.graph.nodes.compose import briefing
from tutor.learner.store import RiskView, Store

Factory = Callable[..., TutorSession]


def test_start_shows_the_decision_with_briefing_and_opening(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, store: Store
) -> None:
    session = session_factory([talk_scenario], keyword_grader)
    view = session.start("alice")
    assert view.kind == "decision"
    assert (view.turn, view.scenario_id) == (1, "talk-scenario")
    assert view.reason.startswith("New topic: NHI2 Secret Leakage")
    assert view.briefing == briefing(talk_scenario)
    assert talk_scenario.title in view.briefing and talk_scenario.question in view.briefing
    assert "NHI2 Secret Leakage" in view.briefing
    assert view.transcript == [
        {"role": "persona", "speaker": "Dana", "text": talk_scenario.persona.opening}
    ]
    assert view.level == "guided" and view.can_hint
    attempts = store.history(store.learner("alice")).attempts
    assert [(a.turn, a.scenario_id, a.status, a.answer) for a in attempts] == [
        (1, "talk-scenario", "shown", "")
    ]


def test_start_twice_resumes_instead_of_opening_a_new_turn(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, store: Store
) -> None:
    session = session_factory([talk_scenario], keyword_grader)
    first = session.start("alice")
    again = session.start("alice")
    assert (again.kind, again.turn, again.scenario_id) == (
        "decision",
        first.turn,
        first.scenario_id,
    )
    assert len(store.history(store.learner("alice")).attempts) == 1


def test_hint_in_guided_mode(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, store: Store
) -> None:
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=0)
    session.start("alice")
    view = session.reply("/hint")
    assert view.kind == "decision"
    assert view.transcript[-1] == {
        "role": "tutor",
        "speaker": "tutor",
        "text": "Hint: Only revoking makes the key safe.",
    }
    view = session.reply("  /HINT ")
    assert (
        view.transcript[-1]["text"]
        == "Hint: think about this first: Revoke the exposed key immediately."
    )
    assert keyword_grader.answers == []  # a hint is not an answer
    attempt = store.history(store.learner("alice")).attempts[0]
    assert attempt.status == "shown" and attempt.answer == ""
    view = session.reply("I revoke the key now.")
    assert view.kind == "feedback"
    from sqlalchemy import select

    from tutor.learner.store import Attempt

    with store.session() as s:
        row = s.scalar(select(Attempt).where(Attempt.id == attempt.id))
        assert row is not None and row.hints_used == 2


def test_no_hints_above_guided_level(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, store: Store
) -> None:
    lid = store.learner("alice")
    store.save_risk(lid, RiskView("NHI2", 0.7, 2, 2, "reviewed", 0, 0, None))
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=0)
    view = session.start("alice")
    assert view.level == "reviewed" and not view.can_hint
    view = session.reply("/hint")
    assert "Hint:" not in view.transcript[-1]["text"]
    assert "reviewed level" in view.transcript[-1]["text"]


def test_reply_gets_one_pushback_then_grading(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, store: Store
) -> None:
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=1)
    session.start("alice")
    view = session.reply("No. I revoke the key right now.", decision_ms=12_000)
    assert view.kind == "decision"
    assert [m["role"] for m in view.transcript] == ["persona", "learner", "persona"]
    assert view.transcript[1]["text"] == "No. I revoke the key right now."
    assert view.transcript[2] == {
        "role": "persona",
        "speaker": "Dana",
        "text": talk_scenario.persona.pushback[0].line,
    }
    attempt = store.history(store.learner("alice")).attempts[0]
    assert attempt.status == "answered"
    assert attempt.answer == "No. I revoke the key right now."
    view = session.reply("Still no: revoke first, the release can slip.", decision_ms=3_000)
    assert view.kind == "feedback"
    assert view.grade is not None and view.grade["passed"] is True
    assert view.feedback.startswith("Passed (100%)")
    assert "NHI2 Secret Leakage" in view.feedback
    assert "NHI2 Secret Leakage: mastery 60%" in view.progress_note
    attempt = store.history(store.learner("alice")).attempts[0]
    assert attempt.status == "graded" and attempt.passed is True
    assert attempt.answer == (
        "No. I revoke the key right now.\n\nStill no: revoke first, the release can slip."
    )
    assert attempt.decision_ms == 15_000
    # The grader saw both replies.
    assert keyword_grader.answers[-1] == attempt.answer


def test_a_complying_learner_gets_the_complying_line(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any
) -> None:
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=1)
    session.start("alice")
    view = session.reply("Fine, we rotate it later.")
    assert view.transcript[-1]["text"] == talk_scenario.persona.pushback[1].line


def test_without_pushback_the_first_reply_is_graded(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, store: Store
) -> None:
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=0)
    session.start("bob")
    view = session.reply("We rotate it later, after the release.")
    assert view.kind == "feedback"
    assert view.grade is not None and view.grade["passed"] is False
    assert "Mistakes:" in view.feedback
    assert "What you missed:" in view.feedback
    history = store.history(store.learner("bob"))
    assert [m.mistake_id for m in history.mistakes] == ["wait-for-release"]
    assert history.risks["NHI2"].mastery < 0.2


def test_next_turn_after_feedback(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, mini: Callable[..., Any]
) -> None:
    other = mini("other-scenario", risks=("NHI5",))
    session = session_factory([talk_scenario, other], keyword_grader, pushback_rounds=0)
    first = session.start("alice")
    session.reply("revoke it now")
    with pytest.raises(InputError):
        session.reply("another answer")  # no open question
    second = session.next_turn()
    assert second.kind == "decision"
    assert second.turn == 2 and second.scenario_id != first.scenario_id


@pytest.mark.parametrize("text", ["", "   ", "\x00\x07\n"])
def test_empty_answer_is_refused_and_the_question_stays_open(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any, store: Store, text: str
) -> None:
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=0)
    session.start("alice")
    with pytest.raises(InputError):
        session.reply(text)
    view = session.start("alice")
    assert view.kind == "decision"
    assert store.history(store.learner("alice")).attempts[0].status == "shown"


def test_over_long_answer_is_refused(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any
) -> None:
    session = session_factory(
        [talk_scenario], keyword_grader, pushback_rounds=0, max_answer_chars=100
    )
    session.start("alice")
    with pytest.raises(InputError) as info:
        session.reply("revoke " * 20)
    assert "limit is 100" in str(info.value)
    assert session.reply("revoke " * 14).kind == "feedback"  # 97 characters after stripping


def test_reply_before_start_is_an_input_error(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any
) -> None:
    with pytest.raises(InputError):
        session_factory([talk_scenario], keyword_grader).reply("hello")


class _Passage:
    def __init__(self, doc_id: str, text: str) -> None:
        self.doc_id, self.title, self.section = (
            doc_id,
            "Secret Leakage",
            "What a good operator does",
        )
        self.source, self.text = "https://example.org/" + doc_id, text


class FakeKnowledge:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.queries: list[tuple[str, list[str] | None]] = []

    def search(
        self, query: str, k: int = 5, *, framework: str | None = None, ids: Any = None
    ) -> list[Any]:
        self.queries.append((query, list(ids) if ids else None))
        if self.fail:
            raise ConnectionError("index offline")
        return [_Passage("NHI2", "Revoke the exposed key immediately. Attackers are fast.")]


def test_feedback_is_grounded_in_retrieved_passages(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any
) -> None:
    kb = FakeKnowledge()
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=0, knowledge=kb)
    session.start("alice")
    view = session.reply("we fix it later")
    assert kb.queries and all(ids == ["NHI2"] for _, ids in kb.queries)
    # the scenario first, then each criterion and mistake, so each miss can say why it matters
    rubric = talk_scenario.rubric
    assert [q for q, _ in kb.queries[1:]] == [i.text for i in (*rubric.criteria, *rubric.mistakes)]
    assert "Why it matters (NHI2): Revoke the exposed key immediately." in view.feedback
    assert "Sources: NHI2 (https://example.org/NHI2)" in view.feedback


def test_unavailable_knowledge_is_a_notice_not_a_failure(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any
) -> None:
    session = session_factory(
        [talk_scenario], keyword_grader, pushback_rounds=0, knowledge=FakeKnowledge(fail=True)
    )
    view = session.start("alice")
    assert view.kind == "decision"
    assert any("Knowledge base unavailable (ConnectionError)" in n for n in view.notices)
    assert session.reply("revoke now").kind == "feedback"


def test_offline_grader_end_to_end_on_release_day(
    session_factory: Factory, release_day: Any, store: Store
) -> None:
    from tutor.grading.rubric_grader import OfflineGrader

    session = session_factory([release_day], OfflineGrader(), pushback_rounds=1)
    view = session.start("dana")
    assert view.transcript[0]["speaker"] == release_day.persona.name
    view = session.reply("I deactivate the access key right now, before the release.")
    assert view.kind == "decision"
    pushback_lines = {p.line for p in release_day.persona.pushback}
    assert view.transcript[-1]["text"] in pushback_lines
    view = session.reply("No. Revoke the AKIA key immediately; the release can slip.")
    assert view.kind == "feedback"
    assert view.grade is not None
    met = {c["id"] for c in view.grade["criteria"] if c["met"]}
    assert "revoke-now" in met
    assert store.history(store.learner("dana")).attempts[0].status == "graded"


# --- restart and resume with a real checkpoint file --------------------------------------


def _close(session: TutorSession, saver: Any) -> None:
    saver.conn.close()
    del session
    gc.collect()


def test_restart_resumes_the_pending_decision(
    tmp_path: Path,
    talk_scenario: Any,
    make_grade: Callable[..., Any],
    mini: Callable[..., Any],
    keyword_grader: Any,
) -> None:
    from langgraph.checkpoint.sqlite import SqliteSaver

    from tutor.graph import Deps

    library = [talk_scenario, mini("other-scenario", risks=("NHI1",), difficulty=1)]
    db = "sqlite:///" + str(tmp_path / "learners.sqlite")
    cp = tmp_path / "cp" / "cp.sqlite"

    def open_session() -> tuple[TutorSession, Any, Store]:
        store = Store(db)
        saver = open_checkpointer(cp)
        deps = Deps(
            library=library, grader=type(keyword_grader)(make_grade), store=store, pushback_rounds=1
        )
        return TutorSession(deps, saver), saver, store

    session, saver, store = open_session()
    assert isinstance(saver, SqliteSaver) and cp.exists()
    first = session.start("erin")
    assert first.kind == "decision"
    _close(session, saver)
    store.engine.dispose()

    session, saver, store = open_session()
    resumed = session.start("erin")
    assert (resumed.kind, resumed.scenario_id, resumed.turn) == (
        "decision",
        first.scenario_id,
        first.turn,
    )
    assert resumed.briefing == first.briefing and resumed.transcript == first.transcript
    assert len(store.history(store.learner("erin")).attempts) == 1

    # Mid-conversation: answer once (the persona pushes back), restart, the exchange is kept.
    after_reply = session.reply("I revoke the key now.")
    assert after_reply.kind == "decision" and len(after_reply.transcript) == 3
    _close(session, saver)
    store.engine.dispose()

    session, saver, store = open_session()
    resumed = session.start("erin")
    assert resumed.transcript == after_reply.transcript
    assert resumed.turn == first.turn
    done = session.reply("Yes, revoke first.")
    assert done.kind == "feedback"
    _close(session, saver)
    store.engine.dispose()

    # After feedback, a restart starts the next turn.
    session, saver, store = open_session()
    nxt = session.start("erin")
    assert nxt.kind == "decision" and nxt.turn == first.turn + 1
    assert nxt.scenario_id != first.scenario_id
    _close(session, saver)
    store.engine.dispose()


def test_no_silent_extra_round_when_the_persona_has_nothing_left_to_say(
    session_factory: Factory, talk_scenario: Any, keyword_grader: Any
) -> None:
    session = session_factory([talk_scenario], keyword_grader, pushback_rounds=2)
    session.start("alice")
    first = session.reply("No. I revoke the key right now.")
    assert first.kind == "decision"  # the refusing line
    second = session.reply("Still no, revoke it now.")
    if second.kind == "decision":
        assert second.transcript[-1]["role"] == "persona", "asked again with nothing new said"
    else:
        assert second.grade is not None
