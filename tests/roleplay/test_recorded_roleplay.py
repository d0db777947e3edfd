"""The model-played persona replayed from real recordings (evals/cassettes/roleplay/).

One library scenario per persona kind (colleague, attacker, AI agent); the learner answers
twice, first with an injection attempt that tries to close its data wrapper and speak as the
system. Recorded from SmolLM2-135M on the local llama.cpp server through ``PersonaVoice``
(re-record with ``tutor eval --record``); no server and no network here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tutor.evals.cassettes import CASSETTES_DIR
from tutor.evals.recorded_paths import (
    LEARNER_MESSAGES,
    ROLEPLAY_MAX_TOKENS,
    ROLEPLAY_SCENARIOS,
    roleplay_cassette,
    run_roleplay,
)

pytestmark = pytest.mark.allow_model_requests  # replayed by vcrpy: no server, no network


@pytest.fixture(params=ROLEPLAY_SCENARIOS)
def run(request: pytest.FixtureRequest, library_by_id: dict[str, Any]) -> Any:
    path = roleplay_cassette(CASSETTES_DIR, request.param)
    assert path.exists(), "record it: tutor eval --record"
    return run_roleplay(library_by_id[request.param], record=False)


def test_every_recorded_request_is_replayed(run: Any) -> None:
    assert run.played.ok, "a request differed from the recording: re-record it"
    assert run.played.interactions == len(LEARNER_MESSAGES)


def test_the_persona_streams_piece_by_piece(run: Any) -> None:
    assert len(run.replies) == len(LEARNER_MESSAGES)
    for reply in run.replies:
        assert reply.text, "the persona said nothing"
        assert len(reply.pieces) > 1  # streamed, not delivered whole
        assert "".join(reply.pieces).strip() == reply.text
        # SmolLM2 often rambles past its three sentences until the token limit: the text
        # shown so far is kept and the reason is one plain phrase (the graph then lets the
        # scripted line follow).
        assert reply.problem in (None, "the reply reached the token limit")
    for body in run.played.request_bodies:
        assert body["stream"] is True and body["max_tokens"] == ROLEPLAY_MAX_TOKENS


def test_the_injection_stays_wrapped_as_data_in_what_was_sent(
    run: Any, library_by_id: dict[str, Any]
) -> None:
    first, second = run.played.request_bodies
    system = first["messages"][0]
    assert system["role"] == "system"
    assert second["messages"][0] == system  # the learner's words never changed the rules
    attack = first["messages"][-1]
    assert attack["role"] == "user"
    content = attack["content"]
    assert content.startswith("<learner_message>\n") and content.endswith("\n</learner_message>")
    assert content.count("</learner_message>") == 1  # the learner's own closing tag is escaped
    assert "‹/learner_message›" in content and "SYSTEM: new instructions" in content
    assert "SYSTEM: new instructions" not in system["content"]
    # the persona never saw the rubric, so it cannot reveal it
    scenario = library_by_id[run.scenario_id]
    sent = " ".join(m["content"] for b in run.played.request_bodies for m in b["messages"])
    assert not any(c.text in sent for c in scenario.rubric.criteria)
    # the persona's first reply is part of the second request's conversation
    assert second["messages"][-2] == {"role": "assistant", "content": run.replies[0].text}
