"""Token usage and cost land in the ledger for every request, failed ones included."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from pydantic import BaseModel

from tutor.llm import CallRecord, Fail, FakeModel, ModelGateway, Reply, UsageLedger

MakeGateway = Callable[..., ModelGateway]
ASK = [{"role": "user", "content": "Grade this."}]


class Score(BaseModel):
    score: float


def test_tokens_are_recorded_per_call_and_summed_per_session(make_gateway: MakeGateway) -> None:
    fake = FakeModel(
        "primary",
        [
            Reply('{"score": 0.5}', prompt_tokens=100, completion_tokens=10),
            Fail("rate_limit"),
            Reply('{"score": 1}', prompt_tokens=120, completion_tokens=12),
        ],
    )
    gateway = make_gateway(fake)
    asyncio.run(gateway.structured(ASK, Score, purpose="judge"))
    asyncio.run(gateway.structured(ASK, Score, purpose="generate"))
    ledger = gateway.ledger
    assert [(c.purpose, c.outcome, c.prompt_tokens, c.completion_tokens) for c in ledger.calls] == [
        ("judge", "ok", 100, 10),
        ("generate", "error", 0, 0),
        ("generate", "ok", 120, 12),
    ]
    assert (ledger.prompt_tokens, ledger.completion_tokens, ledger.total_tokens) == (220, 22, 242)
    assert ledger.calls[1].error == "RateLimitError(429)"
    assert set(ledger.by_purpose()) == {"judge", "generate"}
    assert ledger.by_purpose()["generate"].total_tokens == 132


def test_invalid_answers_still_count_their_tokens(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Reply("nope", completion_tokens=5), Reply('{"score": 1}')])
    gateway = make_gateway(fake)
    asyncio.run(gateway.structured(ASK, Score, purpose="judge"))
    assert [c.outcome for c in gateway.ledger.calls] == ["invalid_output", "ok"]
    assert gateway.ledger.calls[0].completion_tokens == 5


def test_cost_comes_from_litellm_when_it_knows_the_model(make_gateway: MakeGateway) -> None:
    fake = FakeModel(
        "priced",
        [Reply('{"score": 1}', prompt_tokens=1000, completion_tokens=100)],
        priced_as="gpt-4o-mini",
    )
    gateway = make_gateway(fake)
    asyncio.run(gateway.structured(ASK, Score, purpose="judge"))
    cost = gateway.ledger.calls[0].cost_usd
    assert cost is not None and 0 < cost < 0.01  # from litellm's bundled price table
    assert gateway.ledger.cost_usd == pytest.approx(cost)
    assert gateway.ledger.cost_complete


def test_cost_is_unknown_not_zero_for_a_model_without_prices(make_gateway: MakeGateway) -> None:
    gateway = make_gateway(FakeModel("unpriced", [Reply('{"score": 1}')]))
    asyncio.run(gateway.structured(ASK, Score, purpose="judge"))
    assert gateway.ledger.calls[0].cost_usd is None
    assert gateway.ledger.cost_usd is None and not gateway.ledger.cost_complete


def test_a_session_can_bring_its_own_ledger(make_gateway: MakeGateway) -> None:
    ledger = UsageLedger()
    gateway = make_gateway(FakeModel("primary", [Reply('{"score": 1}')]), ledger=ledger)
    asyncio.run(gateway.structured(ASK, Score, purpose="judge"))
    assert gateway.ledger is ledger and len(ledger.calls) == 1


def test_a_record_holds_numbers_and_names_only() -> None:
    record = CallRecord("judge", "m", "error", error="Timeout(408)")
    assert set(record.__dataclass_fields__) == {
        "purpose",
        "model",
        "outcome",
        "prompt_tokens",
        "completion_tokens",
        "cost_usd",
        "latency_ms",
        "error",
    }
