"""A practice turn with every model path on, replayed from evals/cassettes/practice/.

Recorded from SmolLM2-135M on the local llama.cpp server through ``TutorSession`` (the graph):
generation in the compose node, the persona's streamed pushback, the judge reconciled with the
offline grader. No server and no network here. Asserted is what the learner must get
whatever the tiny model did: a scenario (generated and cited, or the curated one with a plain
notice), a streamed persona reply, and a grade in which the injection attempt fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from tutor.evals.cassettes import CASSETTES_DIR
from tutor.evals.recorded_practice import PRACTICE_CASSETTE, PRACTICE_SCENARIO, run_practice_turn

DOCS_DIR = CASSETTES_DIR.parents[1] / "knowledge" / "docs"


@pytest.mark.allow_model_requests  # replayed by vcrpy: no server, no network
def test_a_recorded_practice_turn_replays_with_every_model_path(
    library_by_id: dict[str, Any],
) -> None:
    assert (CASSETTES_DIR / PRACTICE_CASSETTE).exists(), "record it: tutor eval --record"

    turn = run_practice_turn(library_by_id[PRACTICE_SCENARIO], DOCS_DIR, record=False)

    assert turn.played.ok, "a request differed from the recording: re-record it"
    purposes = [b["messages"][0]["content"] for b in turn.played.request_bodies]
    assert any(p.startswith("You write training scenarios") for p in purposes)  # generation
    assert sum(bool(b.get("stream")) for b in turn.played.request_bodies) == 1  # the persona

    # The scenario: written by the model and cited, or the curated one, said plainly.
    assert turn.briefing.kind == "decision"
    notices = turn.feedback.notices
    if turn.briefing.scenario_id == PRACTICE_SCENARIO:
        assert any(
            n.startswith("A curated scenario stood in; none could be generated: the ")
            and "(" not in n
            for n in notices
        )
        assert not any("could not be reached" in n for n in notices)
    else:
        assert any(n.startswith("Scenario written by") for n in notices)

    # The persona's pushback streamed piece by piece. SmolLM2 rambled to the token limit
    # (recorded 2026-11), so the scripted line stood in after the stream, and the learner
    # was told; a model that finishes its reply has it shown instead.
    assert turn.pushback.kind == "decision"
    assert len(turn.persona_pieces) > 1
    last = turn.pushback.transcript[-1]
    assert last["role"] == "persona"
    if any("scripted counterpart stood in" in n for n in turn.pushback.notices):
        scenario = library_by_id.get(turn.briefing.scenario_id)  # None: a generated one
        if scenario is not None:
            lines = {" ".join(p.line.split()) for p in scenario.persona.pushback}
            assert last["text"] in lines
    else:
        assert last["text"] == "".join(turn.persona_pieces).strip()

    # The grade: the answer carried an injection attempt, so it fails whatever the judge said.
    grade = turn.feedback.grade
    assert turn.feedback.kind == "feedback" and grade is not None
    assert grade["passed"] is False and "prompt_injection" in grade["flags"]
