"""Real litellm calls to a local llama-cpp-python server, replayed from vcrpy cassettes.

These prove the plumbing (request shape, JSON-schema-constrained output, streaming, the
cassette harness itself), not the quality of any judgement: the recorded models are tiny
(SmolLM2-135M, Gemma 3 270M). Re-record: see conftest.py and scripts/local_model/README.md.
"""

from __future__ import annotations

from typing import Any, Literal

# The project routes model calls through one gateway (TID251); these tests exercise litellm itself.
import litellm  # noqa: TID251
import pytest
from pydantic import BaseModel, Field
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException

from ._harness import API_BASE, API_KEY, MODELS, RECORD, replay_only_vcr

PROMPT = "In one short sentence: what is a service account?"


class Verdict(BaseModel):
    """Only constraints llama-cpp's grammar enforces: it ignores minimum/maximum on numbers,
    so the score is an enum, not ``Field(ge=0, le=10)`` (see scripts/local_model/README.md)."""

    passed: bool
    score: Literal[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    reason: str = Field(max_length=200)


def call(model: str, prompt: str = PROMPT, **extra: Any) -> Any:
    return litellm.completion(
        model=f"openai/{model}",
        api_base=API_BASE,
        api_key=API_KEY,
        messages=[{"role": "user", "content": prompt}],
        temperature=0,
        seed=42,
        timeout=60,
        max_retries=0,
        **extra,
    )


@pytest.mark.parametrize("model", MODELS)
def test_plain_chat(model: str, cassette: Cassette) -> None:
    response = call(model, max_tokens=32)

    text = response.choices[0].message.content
    assert isinstance(text, str) and text.strip()
    assert response.choices[0].finish_reason in {"stop", "length"}
    assert response.usage.completion_tokens > 0
    assert len(cassette) == 1


@pytest.mark.parametrize("model", MODELS)
def test_structured_output_matches_schema(model: str, cassette: Cassette) -> None:
    # llama-cpp-python constrains sampling with a grammar built from this schema; its server
    # rejects OpenAI's {"type": "json_schema", ...} form (see scripts/local_model/README.md).
    response = call(
        model,
        prompt=(
            "A learner says: 'I would revoke the leaked AWS key immediately.' Judge the "
            "answer. Reply with JSON with keys passed (boolean), score (0-10) and reason."
        ),
        max_tokens=128,
        response_format={"type": "json_object", "schema": Verdict.model_json_schema()},
    )

    verdict = Verdict.model_validate_json(response.choices[0].message.content)
    assert 0 <= verdict.score <= 10 and verdict.reason
    assert len(cassette) == 1


@pytest.mark.parametrize("model", MODELS)
def test_streamed_chat(model: str, cassette: Cassette) -> None:
    chunks = list(call(model, max_tokens=32, stream=True))

    assert len(chunks) > 2, "a streamed answer arrives in several chunks"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    assert chunks[-1].choices[0].finish_reason in {"stop", "length"}
    body = cassette.responses[0]["body"]["string"]
    body = body.decode() if isinstance(body, bytes) else body
    assert body.startswith("data: ") and "[DONE]" in body  # recorded as server-sent events


@pytest.mark.skipif(RECORD, reason="checks replay only")
def test_changed_prompt_fails_loudly_in_replay() -> None:
    """A request the cassette does not hold must raise, never silently reach a server."""
    model = MODELS[0]
    with replay_only_vcr().use_cassette(
        f"test_recorded_local_model/test_plain_chat[{model}].yaml"
    ) as cass:
        assert len(cass) == 1
        call(model, max_tokens=32)  # the recorded request replays
        with pytest.raises(Exception) as excinfo:
            call(model, prompt=PROMPT + " Answer in French.", max_tokens=32)

    # litellm reports it as a connection error (InternalServerError); the cassette's exception
    # is its cause.
    assert type(excinfo.value).__module__.startswith("litellm"), type(excinfo.value)
    chain: list[BaseException] = []
    err: BaseException | None = excinfo.value
    while err is not None:
        chain.append(err)
        err = err.__cause__ or err.__context__
    assert any(isinstance(e, CannotOverwriteExistingCassetteException) for e in chain), chain
