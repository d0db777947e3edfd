"""Planted secrets: one of every supported kind goes in; none comes out in a request body, a
log record or the ledger, on the happy path, through retries, repair rounds and fallbacks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from tutor.llm import Fail, FakeModel, ModelGateway, ModelUnavailable, Reply
from tutor.redaction.samples import KINDS, PLANTED

MakeGateway = Callable[..., ModelGateway]
SECRETS = [p.secret for p in PLANTED]


class Verdict(BaseModel):
    met: bool
    evidence: str


def planted_messages() -> list[dict[str, Any]]:
    """A system prompt, an event, and learner turns: each planted secret in one of them."""
    half = len(PLANTED) // 2
    event = "Scanner event:\n" + "\n".join(p.text for p in PLANTED[:half])
    learner = "\n".join(p.text for p in PLANTED[half:-2])
    return [
        {"role": "system", "content": f"You judge. Context: {PLANTED[-2].text}"},
        {"role": "user", "content": event},
        {"role": "assistant", "content": "What do you do?"},
        {"role": "user", "content": [{"type": "text", "text": learner}]},
        {"role": "user", "content": PLANTED[-1].text},
    ]


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="LiteLLM")
    return caplog


def all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    return (
        "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
        + caplog.text
    )


def test_every_planted_kind_is_covered() -> None:
    text = "\n".join(
        m["content"] if isinstance(m["content"], str) else m["content"][0]["text"]
        for m in planted_messages()
    )
    assert not [s for s in SECRETS if s not in text]  # every secret was planted
    assert {
        "aws_access_key_id",
        "aws_secret_access_key",
        "github_token",
        "slack_token",
        "slack_webhook_url",
        "private_key",
        "jwt",
        "connection_string",
        "generic_secret",
    } <= KINDS


def test_no_secret_reaches_a_request_a_log_or_the_ledger(
    make_gateway: MakeGateway, logs: pytest.LogCaptureFixture
) -> None:
    # The model echoes a secret in an unusable answer, so the repair round must redact it too.
    echo = f"I cannot grade; the key {PLANTED[0].secret} is live"
    primary = FakeModel("primary", [Fail("rate_limit"), Reply(echo), Reply(echo)])
    backup = FakeModel("backup", [Reply('{"met": true, "evidence": "revoked"}')])
    gateway = make_gateway(primary, backup)
    result = asyncio.run(gateway.structured(planted_messages(), Verdict, purpose="judge"))

    assert result.fell_back and result.redactions >= len(PLANTED)
    bodies = primary.request_bodies() + backup.request_bodies()
    assert len(bodies) == 4
    for body in bodies:
        assert leaks(body) == []
    for kind in KINDS:  # the model still learns what kind of secret was there
        assert f"[REDACTED:{kind}:" in bodies[0]
    assert leaks(all_log_text(logs)) == []
    assert leaks(repr(gateway.ledger)) == [] and leaks(repr(result)) == []


def test_no_secret_reaches_a_streamed_request_or_the_error(
    make_gateway: MakeGateway, logs: pytest.LogCaptureFixture
) -> None:
    fake = FakeModel("primary", [Fail("server_error"), Reply("Fine, revoke it.")])
    gateway = make_gateway(fake)

    async def stream() -> str:
        return "".join([p async for p in gateway.stream_text(planted_messages(), purpose="rp")])

    assert asyncio.run(stream()) == "Fine, revoke it."
    assert all(leaks(body) == [] for body in fake.request_bodies())

    failing = FakeModel("failing", [Fail("auth")])
    with pytest.raises(ModelUnavailable) as caught:
        asyncio.run(make_gateway(failing).structured(planted_messages(), Verdict, purpose="judge"))
    assert leaks(str(caught.value)) == []
    assert leaks(all_log_text(logs)) == []


def test_the_same_secret_gets_the_same_placeholder_in_every_request(
    make_gateway: MakeGateway,
) -> None:
    fake = FakeModel("primary", [Reply('{"met": true, "evidence": "x"}')] * 2)
    gateway = make_gateway(fake)
    for _ in range(2):
        asyncio.run(gateway.structured(planted_messages(), Verdict, purpose="judge"))
    first, second = (r["messages"] for r in fake.requests)
    assert first == second
