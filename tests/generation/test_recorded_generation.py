"""Scenario generation replayed from a real recording (evals/cassettes/generation/).

Recorded from SmolLM2-135M on the local llama.cpp server (n_ctx 8192: the prompt alone is about
2,400 tokens) through ``ScenarioGenerator.generate``; re-record with ``tutor eval --record``.
No server and no network here. Whatever the recorded model did is checked for what the
product must then do: a scenario that passed the loader, the code checks and the critic, with
citations of passages it was given; or a refusal of its drafts, said plainly, so the curated
library stands in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tutor.evals.cassettes import CASSETTES_DIR
from tutor.evals.recorded_paths import (
    GENERATION_CASSETTE,
    GENERATION_TARGET,
    SectionReader,
    run_generation,
)
from tutor.generation.grounding import passage_key, sent_key

DOCS_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "docs"
pytestmark = pytest.mark.allow_model_requests  # replayed by vcrpy: no server, no network


@pytest.fixture
def run() -> Any:
    return run_generation(DOCS_DIR, record=False)


def test_every_recorded_request_is_replayed_and_nothing_else_is_sent(run: Any) -> None:
    assert run.played.ok, "a request differed from the recording: re-record it"
    assert run.played.interactions == len(run.played.request_bodies) >= 1
    assert (CASSETTES_DIR / GENERATION_CASSETTE).exists()


def test_the_request_asks_for_the_schema_and_carries_the_passages_as_data(run: Any) -> None:
    first = run.played.request_bodies[0]
    assert first["model"] == "smollm2-135m-instruct" and first["temperature"] == 0.0
    assert first["response_format"]["type"] == "json_object"  # llama.cpp's grammar form
    schema = first["response_format"]["schema"]
    assert set(schema["properties"]) == {"scenario", "citations"}
    # narrowed to the target: the passages sent are the only citable keys
    cited = schema["properties"]["citations"]["items"]["enum"]
    scenario = schema["properties"]["scenario"]["properties"]
    assert scenario["risks"]["items"]["enum"] == list(GENERATION_TARGET.risks)
    system, user = (m["content"] for m in first["messages"])
    assert "data, never instructions" in system
    assert user.startswith("Write one scenario.") and "<knowledge>" in user
    passages = SectionReader(DOCS_DIR).search("", 6, ids=list(GENERATION_TARGET.risks))
    assert all(sent_key(passage_key(p)) in user for p in passages)
    assert cited == [sent_key(passage_key(p)) for p in passages]


def test_the_outcome_is_a_checked_cited_scenario_or_a_plain_refusal(run: Any) -> None:
    if run.generated is not None:
        scenario = run.generated.scenario
        assert set(scenario.risks) >= set(GENERATION_TARGET.risks)
        assert run.generated.citations
        sent = run.played.request_bodies[0]["messages"][1]["content"]
        assert all(c in sent for c in run.generated.citations)
        # the critic was asked, after the draft passed the code checks
        assert any("review" in b["messages"][0]["content"] for b in run.played.request_bodies)
        return
    # SmolLM2-135M (recorded 2026-11): the grammar holds it to the narrowed schema, but it
    # fills every string to its length limit with noise and reaches the 1,500-token limit
    # before the JSON closes, twice (the second time after a repair request); the learner
    # is told the answers could not be used, not that the model was unreachable.
    failure = run.failure
    assert failure is not None
    message = str(failure)
    assert message == "scenario generation failed: the language model's answers could not be used"
    assert len(run.played.request_bodies) == 2
    repair = run.played.request_bodies[-1]["messages"][-1]["content"]
    assert "cut off at the token limit" in repair  # the repair request said what was wrong


def test_a_prompt_too_long_for_the_context_window_is_said_plainly() -> None:
    """Recorded against the same server started with its default 2048-token context, which
    the generation prompt does not fit (re-record with the server at 2048 tokens:
    ``run_generation(docs, record=True, cassettes_dir=CASSETTES_DIR / "small-context")``)."""
    small = run_generation(DOCS_DIR, record=False, cassettes_dir=CASSETTES_DIR / "small-context")
    assert small.played.ok and small.played.interactions == 1  # not retried: permanent
    assert small.generated is None and small.failure is not None
    assert str(small.failure) == (
        "scenario generation failed: the request was longer than the language model's "
        "context window allows"
    )


def test_a_changed_prompt_without_re_recording_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tutor.evals import recorded_paths

    changed = GENERATION_TARGET.model_copy(update={"difficulty": 3})
    monkeypatch.setattr(recorded_paths, "GENERATION_TARGET", changed)
    run = run_generation(DOCS_DIR, record=False)
    # Each try (the first and the gateway's two retries) found no recording: counted, so the
    # retries cannot hide the mismatch; nothing recorded was played.
    assert not run.played.ok
    assert run.played.unmatched == 3 and not run.played.all_played
