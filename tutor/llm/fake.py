"""A scripted fake model for unit tests: real litellm response objects, no network.

    primary = FakeModel("primary", [Fail("rate_limit"), Reply('{"score": 1}')])
    gateway = ModelGateway(primary.model, fakes=[primary], backoff_s=0)

Its model string is ``mockllm/<name>``; the gateway routes such strings to the registered fake
and refuses them otherwise, so a fake can never stand in for a real model by accident. Each
request consumes the next step of the script; a request past the end raises
``FakeScriptExhausted`` (a test bug, so it is never retried or hidden behind a fallback).

Replies, errors and streams are made by litellm itself (``acompletion`` with
``mock_response=``), so the gateway handles the same ``ModelResponse``, exception and
``CustomStreamWrapper`` objects a provider would give it. Every request is kept in
``requests`` so a test can check exactly what the gateway sent.

Scripted fake responses are for unit tests only; recorded evals use real recordings.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from tutor.llm.errors import ModelRequestRefused
from tutor.llm.loader import load_litellm

FAKE_PREFIX = "mockllm/"

FailureKind = Literal[
    "timeout",
    "rate_limit",
    "server_error",
    "unavailable",
    "bad_gateway",
    "connection",
    "bad_request",
    "auth",
    "context_window",
]


@dataclass(frozen=True)
class Reply:
    """A complete answer. ``content`` may be empty or None to simulate an empty reply."""

    content: str | None
    prompt_tokens: int = 12
    completion_tokens: int = 8


@dataclass(frozen=True)
class Fail:
    """The provider raises: timeout (408), rate_limit (429), server_error (500), unavailable
    (503), bad_gateway (502), connection (dropped), bad_request (400), auth (401) or
    context_window (400: the prompt does not fit the model's context window)."""

    kind: FailureKind


@dataclass(frozen=True)
class Hang:
    """Never answers, so only the gateway's own deadline ends the call."""


@dataclass(frozen=True)
class BrokenStream:
    """A reply that stops early: ``content`` arrives, then the stream ends without a finish
    reason ("cut"), raises mid-way ("error"), stops at the token limit ("length") or goes
    silent ("stall"). Asked without streaming, it is a reply cut at the token limit."""

    content: str
    ending: Literal["cut", "error", "length", "stall"] = "cut"


Step = Reply | Fail | Hang | BrokenStream


class FakeScriptExhausted(ModelRequestRefused):
    """The gateway made more requests than the test scripted."""


@dataclass
class FakeModel:
    """A scripted fake model for unit tests; see the module docstring."""

    name: str
    script: Iterable[Step]
    supports_json_schema: bool = True
    priced_as: str | None = None  # a model litellm knows, to exercise cost tracking
    requests: list[dict[str, Any]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._steps = list(self.script)

    @property
    def model(self) -> str:
        return FAKE_PREFIX + self.name

    @property
    def remaining(self) -> int:
        return len(self._steps)

    def request_bodies(self) -> list[str]:
        """Each request as the JSON text a provider would have received."""
        return [json.dumps(r, default=_schema_name, ensure_ascii=False) for r in self.requests]

    async def acompletion(self, **request: Any) -> Any:
        """Answer one request with the next scripted step, through litellm's mock path."""
        self.requests.append(copy.deepcopy(request))
        if not self._steps:
            raise FakeScriptExhausted(
                f"{self.model} was asked for request {len(self.requests)} but only "
                f"{len(self.requests) - 1} were scripted"
            )
        step = self._steps.pop(0)
        litellm = load_litellm()
        stream = bool(request.get("stream"))
        passthrough = {k: v for k, v in request.items() if k not in ("model", "mock_response")}
        passthrough["custom_llm_provider"] = "openai"
        if isinstance(step, Hang):
            await asyncio.Event().wait()
        if isinstance(step, Fail):
            error = _exception(litellm, step.kind, self.model)
            return await litellm.acompletion(model=self.model, mock_response=error, **passthrough)
        if not stream:
            if isinstance(step, BrokenStream):
                response = self._response(litellm, step.content, "length", Reply(step.content))
            else:
                assert isinstance(step, Reply)
                response = self._response(litellm, step.content, "stop", step)
            return await litellm.acompletion(
                model=self.model, mock_response=response, **passthrough
            )
        wrapper = await litellm.acompletion(model=self.model, mock_response="-", **passthrough)
        # litellm's mock stream never sends a finish reason (its wrapper invents "stop"), so
        # the scripted chunks replace its source: real wrapper, scripted provider chunks.
        wrapper.completion_stream = self._chunks(litellm, step)
        return wrapper

    def _response(self, litellm: Any, content: str | None, finish: str, reply: Reply) -> Any:
        return litellm.ModelResponse(
            model=self.priced_as or self.model,
            choices=[
                {
                    "index": 0,
                    "finish_reason": finish,
                    "message": {"role": "assistant", "content": content},
                }
            ],
            usage=litellm.Usage(
                prompt_tokens=reply.prompt_tokens,
                completion_tokens=reply.completion_tokens,
                total_tokens=reply.prompt_tokens + reply.completion_tokens,
            ),
        )

    async def _chunks(self, litellm: Any, step: Step) -> AsyncIterator[Any]:
        types = litellm.types.utils

        def chunk(text: str | None, finish: str | None = None) -> Any:
            delta = types.Delta(role="assistant", content=text)
            choice = types.StreamingChoices(index=0, delta=delta, finish_reason=finish)
            return types.ModelResponseStream(model=self.priced_as or self.model, choices=[choice])

        content = step.content if isinstance(step, Reply | BrokenStream) else None
        text = content or ""
        for i in range(0, len(text), 4):
            yield chunk(text[i : i + 4])
            await asyncio.sleep(0)
        if isinstance(step, BrokenStream):
            if step.ending == "error":
                raise _exception(litellm, "connection", self.model)
            if step.ending == "length":
                yield chunk(None, "length")
            if step.ending == "stall":
                await asyncio.Event().wait()
            return
        yield chunk(None, "stop")


def _exception(litellm: Any, kind: FailureKind, model: str) -> Exception:
    classes = {
        "timeout": litellm.Timeout,
        "rate_limit": litellm.RateLimitError,
        "server_error": litellm.InternalServerError,
        "unavailable": litellm.ServiceUnavailableError,
        "bad_gateway": litellm.BadGatewayError,
        "connection": litellm.APIConnectionError,
        "bad_request": litellm.BadRequestError,
        "auth": litellm.AuthenticationError,
        "context_window": litellm.ContextWindowExceededError,
    }
    error: Exception = classes[kind](
        message=f"scripted {kind} from the fake model", model=model, llm_provider="openai"
    )
    return error


def _schema_name(value: Any) -> Any:
    return getattr(value, "__name__", repr(value))
