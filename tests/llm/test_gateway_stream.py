"""Streamed text (role-play): pieces in order, retries before the first piece, clear cut-offs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tutor.llm import (
    BrokenStream,
    Fail,
    FakeModel,
    Hang,
    ModelGateway,
    ModelUnavailable,
    Reply,
    StreamTruncated,
)

MakeGateway = Callable[..., ModelGateway]
LINE = "Hi, it's Dana from the release team. Can we rotate the key after the deploy?"
ASK = [{"role": "user", "content": "Play Dana."}]


def pieces(gateway: ModelGateway) -> list[str]:
    async def collect() -> list[str]:
        return [piece async for piece in gateway.stream_text(ASK, purpose="roleplay")]

    return asyncio.run(collect())


def test_a_reply_streams_in_several_pieces(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Reply(LINE)])
    gateway = make_gateway(fake)
    got = pieces(gateway)
    assert len(got) > 1 and "".join(got) == LINE
    assert fake.requests[0]["stream"] is True
    call = gateway.ledger.calls[0]
    assert call.outcome == "ok" and call.completion_tokens > 0


def test_a_stream_that_ends_without_a_finish_reason_raises_a_clear_error(
    make_gateway: MakeGateway,
) -> None:
    fake = FakeModel("primary", [BrokenStream("Hi, it's Dana from the rel", "cut")])
    gateway = make_gateway(fake)
    shown: list[str] = []

    async def consume() -> None:
        async for piece in gateway.stream_text(ASK, purpose="roleplay"):
            shown.append(piece)

    with pytest.raises(StreamTruncated) as caught:
        asyncio.run(consume())
    error = caught.value
    assert error.partial_text == "".join(shown) == "Hi, it's Dana from the rel"
    assert "cut off after 26 characters" in str(error)
    assert "ended before the model finished" in error.reason
    assert gateway.ledger.calls[-1].outcome == "truncated"


def test_a_stream_that_fails_midway_raises_a_clear_error(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [BrokenStream("Hi, it's Dana", "error")])
    with pytest.raises(StreamTruncated, match="connection failed") as caught:
        pieces(make_gateway(fake))
    assert caught.value.partial_text == "Hi, it's Dana"


def test_a_stream_cut_at_the_token_limit_says_so(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [BrokenStream("Hi, it's Dana", "length")])
    with pytest.raises(StreamTruncated, match="token limit"):
        pieces(make_gateway(fake))


def test_a_stream_that_goes_silent_is_cut_off_by_the_idle_timeout(
    make_gateway: MakeGateway,
) -> None:
    fake = FakeModel("primary", [BrokenStream("Hi, it's Dana", "stall")])
    with pytest.raises(StreamTruncated, match="no more text arrived within 0.05s"):
        pieces(make_gateway(fake, timeout_s=0.05))


def test_failures_before_the_first_piece_are_retried(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Fail("rate_limit"), Hang(), Reply(LINE)])
    gateway = make_gateway(fake, retries=2, timeout_s=0.05)
    assert "".join(pieces(gateway)) == LINE
    assert gateway.slept == [0.5, 1.0]  # type: ignore[attr-defined]


def test_a_cut_stream_is_not_retried_once_text_was_shown(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [BrokenStream("Hi", "cut"), Reply(LINE)])
    with pytest.raises(StreamTruncated):
        pieces(make_gateway(fake))
    assert fake.remaining == 1  # the learner already saw "Hi": no silent second reply


def test_the_fallback_streams_when_the_primary_cannot_start(make_gateway: MakeGateway) -> None:
    primary = FakeModel("primary", [Fail("server_error")] * 3)
    backup = FakeModel("backup", [Reply(LINE)])
    assert "".join(pieces(make_gateway(primary, backup))) == LINE


def test_an_empty_stream_moves_on_and_ends_unavailable(make_gateway: MakeGateway) -> None:
    fake = FakeModel("primary", [Reply("")])
    with pytest.raises(ModelUnavailable) as caught:
        pieces(make_gateway(fake))
    assert caught.value.failures == ("mockllm/primary: EmptyReply",)


def test_the_sync_wrapper_passes_each_piece_and_returns_the_whole(
    make_gateway: MakeGateway,
) -> None:
    seen: list[str] = []
    gateway = make_gateway(FakeModel("primary", [Reply(LINE)]))
    assert gateway.stream_text_sync(ASK, purpose="roleplay", on_text=seen.append) == LINE
    assert "".join(seen) == LINE
