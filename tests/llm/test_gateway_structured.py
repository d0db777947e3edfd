"""Structured answers through the gateway: validation, repair, retries, fallbacks, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from tutor.errors import TutorError
from tutor.llm import (
    BrokenStream,
    Fail,
    FakeModel,
    Hang,
    ModelGateway,
    ModelUnavailable,
    Reply,
)

MakeGateway = Callable[..., ModelGateway]
GOOD = '{"criterion": "revoke-now", "met": true, "evidence": "I revoke the key"}'
ASK = [
    {"role": "system", "content": "You grade answers."},
    {"role": "user", "content": "Grade: I revoke the key."},
]


class Verdict(BaseModel):
    criterion: str
    met: bool
    evidence: str


def ask(gateway: ModelGateway, messages: Any = ASK) -> Any:
    return asyncio.run(gateway.structured(messages, Verdict, purpose="judge"))


def test_a_valid_answer_is_validated_into_the_schema(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Reply(GOOD)])
    result = ask(make_gateway(fake))
    assert result.value == Verdict(criterion="revoke-now", met=True, evidence="I revoke the key")
    assert (result.model, result.requests, result.repaired, result.fell_back) == (
        fake.model,
        1,
        False,
        False,
    )


def test_the_schema_goes_natively_where_supported_else_in_the_system_prompt(
    make_gateway: MakeGateway,
) -> None:
    native = FakeModel("native", [Reply(GOOD)], supports_json_schema=True)
    ask(make_gateway(native))
    assert native.requests[0]["response_format"] is Verdict
    assert native.requests[0]["messages"] == ASK

    plain = FakeModel("plain", [Reply(GOOD)], supports_json_schema=False)
    ask(make_gateway(plain))
    sent = plain.requests[0]
    assert "response_format" not in sent
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]  # one system message
    assert sent["messages"][0]["content"].startswith("You grade answers.")
    assert '"evidence"' in sent["messages"][0]["content"]  # the JSON schema is in the prompt


def test_requests_carry_temperature_timeout_and_no_litellm_retries(
    make_gateway: MakeGateway,
) -> None:
    fake = FakeModel("primary", [Reply(GOOD)])
    ask(make_gateway(fake, timeout_s=7, temperature=0.0))
    sent = fake.requests[0]
    assert (sent["temperature"], sent["timeout"], sent["num_retries"], sent["max_retries"]) == (
        0.0,
        7,
        0,
        0,
    )


def test_a_fenced_json_answer_is_accepted(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Reply(f"Here it is:\n```json\n{GOOD}\n```")])
    assert ask(make_gateway(fake)).value.met is True


@pytest.mark.parametrize("failure", ["rate_limit", "server_error", "timeout", "unavailable"])
def test_transient_failures_are_retried_then_succeed(
    make_gateway: MakeGateway, failure: Any
) -> None:
    fake = FakeModel("primary", [Fail(failure), Fail(failure), Reply(GOOD)])
    gateway = make_gateway(fake, retries=2, backoff_s=0.5)
    result = ask(gateway)
    assert result.value.met is True
    assert result.requests == 3 and not result.fell_back
    assert gateway.slept == [0.5, 1.0]  # type: ignore[attr-defined]  # exponential backoff
    assert [c.outcome for c in gateway.ledger.calls] == ["error", "error", "ok"]


def test_a_hung_model_is_cut_off_by_the_gateways_own_deadline(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Hang(), Reply(GOOD)])
    gateway = make_gateway(fake, timeout_s=0.05, retries=1)
    result = ask(gateway)
    assert result.value.met is True and result.requests == 2
    assert gateway.ledger.calls[0].error == "TimeoutError"


def test_the_fallback_model_answers_after_the_primary_exhausts_its_retries(
    make_gateway: MakeGateway,
) -> None:
    primary = FakeModel("primary", [Fail("rate_limit")] * 3)
    backup = FakeModel("backup", [Reply(GOOD)])
    gateway = make_gateway(primary, backup, retries=2)
    result = ask(gateway)
    assert result.model == backup.model and result.fell_back and result.requests == 4
    assert primary.remaining == 0 and len(primary.requests) == 3
    assert backup.requests[0]["messages"] == ASK  # the fallback gets the same request


def test_a_permanent_error_skips_the_retries_and_goes_to_the_fallback(
    make_gateway: MakeGateway,
) -> None:
    primary = FakeModel("primary", [Fail("auth")])
    backup = FakeModel("backup", [Reply(GOOD)])
    gateway = make_gateway(primary, backup, retries=2)
    result = ask(gateway)
    assert result.model == backup.model and result.requests == 2
    assert gateway.slept == []  # type: ignore[attr-defined]


def test_malformed_json_gets_one_repair_round_then_succeeds(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Reply('{"criterion": "revoke-now", "met": tru'), Reply(GOOD)])
    result = ask(make_gateway(fake))
    assert result.value.met is True and result.repaired and result.requests == 2
    repair = fake.requests[1]["messages"]
    assert repair[:2] == ASK
    assert repair[2] == {"role": "assistant", "content": '{"criterion": "revoke-now", "met": tru'}
    assert repair[3]["role"] == "user" and "not valid JSON" in repair[3]["content"]


def test_schema_invalid_output_twice_makes_the_model_unavailable(
    make_gateway: MakeGateway,
) -> None:
    wrong = json.dumps({"criterion": "revoke-now", "met": "perhaps"})
    fake = FakeModel("primary", [Reply(wrong), Reply(wrong)])
    gateway = make_gateway(fake)
    with pytest.raises(ModelUnavailable) as caught:
        ask(gateway)
    assert isinstance(caught.value, TutorError)
    assert caught.value.reason == "the language model's answers could not be used"
    assert "met: Input should be a valid boolean" in fake.requests[1]["messages"][-1]["content"]
    assert [c.outcome for c in gateway.ledger.calls] == ["invalid_output", "invalid_output"]
    assert fake.remaining == 0  # exactly one repair round, no more


def test_schema_invalid_output_on_the_primary_falls_back(make_gateway: MakeGateway) -> None:
    primary = FakeModel("primary", [Reply("{}"), Reply("{}")])
    backup = FakeModel("backup", [Reply(GOOD)])
    result = ask(make_gateway(primary, backup))
    assert result.model == backup.model and result.requests == 3


@pytest.mark.parametrize("empty", ["", None, "   \n"])
def test_empty_content_is_repaired_like_any_unusable_answer(
    make_gateway: MakeGateway, empty: str | None
) -> None:
    fake = FakeModel("primary", [Reply(empty), Reply(GOOD)])
    result = ask(make_gateway(fake))
    assert result.value.met is True and result.repaired
    assert "the reply was empty" in fake.requests[1]["messages"][-1]["content"]


def test_an_answer_cut_at_the_token_limit_is_not_trusted(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [BrokenStream(GOOD, "length"), Reply(GOOD)])
    result = ask(make_gateway(fake))
    assert result.repaired  # even though the cut text happened to parse
    assert "token limit" in fake.requests[1]["messages"][-1]["content"]


def test_when_every_model_fails_the_error_says_why_in_plain_words(
    make_gateway: MakeGateway,
) -> None:
    primary = FakeModel("primary", [Fail("timeout")] * 2)
    backup = FakeModel("backup", [Fail("server_error")] * 2)
    gateway = make_gateway(primary, backup, retries=1)
    with pytest.raises(ModelUnavailable) as caught:
        ask(gateway)
    error = caught.value
    assert error.purpose == "judge"
    assert error.reason == "the language model did not answer in time"
    assert error.failures == (
        "mockllm/primary: Timeout(408) after 2 tries",
        "mockllm/backup: InternalServerError(500) after 2 tries",
    )
    assert "\n" not in str(error)  # one line for the CLI


def test_the_callers_messages_are_not_changed(make_gateway: MakeGateway) -> None:
    messages = [{"role": "user", "content": "key AKIAIOSFODNN7EXAMPLE, grade me"}]
    before = json.dumps(messages)
    ask(make_gateway(FakeModel("primary", [Reply(GOOD)])), messages)
    assert json.dumps(messages) == before


def test_the_sync_wrapper_returns_the_same_result(make_gateway: MakeGateway) -> None:
    gateway = make_gateway(FakeModel("primary", [Reply(GOOD)]))
    assert gateway.structured_sync(ASK, Verdict, purpose="judge").value.met is True


def test_a_prompt_too_long_for_the_context_window_is_named_plainly(
    make_gateway: MakeGateway,
) -> None:
    fake = FakeModel("primary", [Fail("context_window")])
    gateway = make_gateway(fake, retries=2)
    with pytest.raises(ModelUnavailable) as caught:
        ask(gateway)
    assert (
        caught.value.reason
        == "the request was longer than the language model's context window allows"
    )
    assert fake.remaining == 0 and gateway.slept == []  # type: ignore[attr-defined]  # no retry
