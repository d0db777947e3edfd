"""Generating a scenario: the happy path, one retry with the problems fed back, the critic,
and the clear failure that sends the caller back to the curated library."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gen_fakes import APPROVE, FakeKnowledge, make_draft, reject, reply, user_text

from tutor.generation import GeneratedScenario, GenerationFailed, GenerationTarget
from tutor.llm import Fail
from tutor.scenarios.model import Scenario


def run(generator: Any, target: GenerationTarget) -> GeneratedScenario:
    return asyncio.run(generator.generate(target))


def test_happy_path_gives_a_valid_cited_scenario(make_generator: Any, target: Any) -> None:
    generator, fake = make_generator(reply(make_draft()), APPROVE)

    generated = run(generator, target)

    assert isinstance(generated.scenario, Scenario)
    assert generated.scenario.id == "gen-leaked-key-in-ci-log"
    assert generated.citations == ("NHI2#First response",)
    assert generated.model == fake.model
    assert generated.cached is False
    assert fake.remaining == 0 and len(fake.requests) == 2
    # The critic sees the draft and the passage it cites, not every passage retrieved.
    critic = user_text(fake.requests[1])
    assert "<scenario>" in critic and "NHI2#First response" in critic
    assert "NHI7#Mitigations" not in critic


def test_retrieval_asks_for_the_target_risks_and_the_event(
    make_generator: Any, knowledge: FakeKnowledge
) -> None:
    generator, fake = make_generator(reply(make_draft()), APPROVE)
    event = {"kind": "secret_leak", "summary": "AWS key in a CI log", "fingerprint": "1a2b3c4d"}
    run(generator, GenerationTarget(risks=("NHI2",), role="developer", difficulty=2, event=event))

    queries = [call[0] for call in knowledge.calls]
    assert queries == ["NHI2 Secret Leakage", "AWS key in a CI log"]
    assert all(call[2] == ("NHI2",) for call in knowledge.calls)
    assert "NHI7#Mitigations" in user_text(fake.requests[0])


@pytest.mark.parametrize(
    ("draft", "problem"),
    [
        pytest.param(make_draft(risks=["NHI2", "NHI11"]), "NHI11", id="unknown-risk"),
        pytest.param(
            make_draft(
                rubric={
                    **make_draft()["scenario"]["rubric"],
                    "criteria": [
                        {**c, "critical": False}
                        for c in make_draft()["scenario"]["rubric"]["criteria"]
                    ],
                }
            ),
            "no criterion is critical",
            id="no-critical-criterion",
        ),
        pytest.param(
            {**make_draft(), "citations": ["NHI9#Made up"]},
            "NHI9#Made up",
            id="citation-not-sent",
        ),
        pytest.param(
            make_draft(
                rubric={
                    **make_draft()["scenario"]["rubric"],
                    "mistakes": [
                        {**m, "pattern": "panic"}
                        for m in make_draft()["scenario"]["rubric"]["mistakes"]
                    ],
                }
            ),
            "panic",
            id="unknown-pattern",
        ),
        pytest.param(make_draft(colour="blue"), "colour", id="unknown-field"),
        pytest.param(
            make_draft(situation="The key AKIAIOSFODNN7EXAMPLE leaked."),
            "real-looking secrets",
            id="secret-in-scenario",
        ),
        pytest.param(make_draft(difficulty=5), "difficulty must be 2", id="wrong-difficulty"),
    ],
)
def test_invalid_draft_is_retried_once_with_the_problems(
    make_generator: Any, target: Any, draft: dict[str, Any], problem: str
) -> None:
    generator, fake = make_generator(reply(draft), reply(make_draft()), APPROVE)

    generated = run(generator, target)

    assert generated.scenario.id == "gen-leaked-key-in-ci-log"
    assert fake.remaining == 0
    assert len(fake.requests) == 3  # draft, corrected draft, critic: no critic for a bad draft
    first, retry = fake.requests[0]["messages"], fake.requests[1]["messages"]
    assert retry[: len(first)] == first
    assert retry[len(first)]["role"] == "assistant"
    feedback = retry[-1]["content"]
    assert "<problems>" in feedback and problem in feedback


def test_critic_reject_then_approve(make_generator: Any, target: Any) -> None:
    generator, fake = make_generator(
        reply(make_draft()),
        reject("the rubric rewards deleting the log line"),
        reply(make_draft(title="A deploy key in a CI log, revoked first")),
        APPROVE,
    )

    generated = run(generator, target)

    assert generated.scenario.title == "A deploy key in a CI log, revoked first"
    assert fake.remaining == 0
    assert "reviewer: the rubric rewards deleting the log line" in user_text(fake.requests[2])


def test_a_rejection_without_reasons_still_explains_itself(
    make_generator: Any, target: Any
) -> None:
    generator, fake = make_generator(reply(make_draft()), reject(), reply(make_draft()), APPROVE)
    run(generator, target)
    assert "rejected it without a reason" in user_text(fake.requests[2])


def test_two_invalid_drafts_fail_clearly(make_generator: Any, target: Any) -> None:
    bad = reply(make_draft(risks=["NHI11"]))
    generator, fake = make_generator(bad, bad)

    with pytest.raises(GenerationFailed) as failure:
        run(generator, target)

    assert fake.remaining == 0
    assert "after 2 tries" in str(failure.value)
    assert any("NHI11" in r for r in failure.value.reasons)
    assert not list(generator.cache.cache_dir.glob("*.json"))  # nothing cached


def test_two_critic_rejections_fail_clearly(make_generator: Any, target: Any) -> None:
    generator, fake = make_generator(
        reply(make_draft()), reject("unsupported claim"), reply(make_draft()), reject("still")
    )
    with pytest.raises(GenerationFailed) as failure:
        run(generator, target)
    assert fake.remaining == 0
    assert failure.value.reasons == ("reviewer: still",)


def test_an_unavailable_model_is_a_generation_failure(make_generator: Any, target: Any) -> None:
    generator, _ = make_generator(Fail("auth"))
    with pytest.raises(GenerationFailed, match="the language model could not be reached"):
        run(generator, target)


def test_no_passages_means_no_generation(
    make_generator: Any, target: Any, knowledge: FakeKnowledge
) -> None:
    knowledge.passages = ()
    generator, fake = make_generator(reply(make_draft()), APPROVE)
    with pytest.raises(GenerationFailed, match="no knowledge passages"):
        run(generator, target)
    assert fake.requests == []


def test_missing_or_bad_id_is_made_from_the_title(make_generator: Any, target: Any) -> None:
    generator, _ = make_generator(reply(make_draft(id=None, title="Key in a CI log!")), APPROVE)
    assert run(generator, target).scenario.id == "gen-key-in-a-ci-log"


def test_a_curated_looking_id_gets_the_gen_prefix(make_generator: Any, target: Any) -> None:
    generator, _ = make_generator(reply(make_draft(id="leaked-key")), APPROVE)
    assert run(generator, target).scenario.id == "gen-leaked-key"


def test_unknown_target_risk_is_refused() -> None:
    with pytest.raises(ValueError, match="NHI11"):
        GenerationTarget(risks=("NHI11",), role="developer", difficulty=2)


def test_a_context_window_too_small_is_said_plainly(make_generator: Any, target: Any) -> None:
    generator, _ = make_generator(Fail("context_window"))
    with pytest.raises(GenerationFailed) as failure:
        run(generator, target)
    assert str(failure.value) == (
        "scenario generation failed: the request was longer than the language model's "
        "context window allows"
    )
    assert "could not be reached" not in str(failure.value)


def test_unusable_drafts_are_said_plainly(make_generator: Any, target: Any) -> None:
    bad = reply(make_draft(risks=["NHI11"]))
    generator, _ = make_generator(bad, bad)
    with pytest.raises(GenerationFailed, match="the model's drafts did not pass the checks"):
        run(generator, target)
