"""The one gateway to language models: every model call in the tutor goes through here.

It wraps litellm so that, whatever model is configured:

- everything sent is redacted first (secrets never travel: not to a model, not to a log);
- structured answers are validated by pydantic, with the JSON schema sent the way the server
  understands (``schema_mode``: OpenAI ``json_schema``, llama.cpp's ``json_object`` + schema, or
  only in the prompt), and one repair round when a reply is empty, not JSON or does not fit;
- timeouts, 429s and 5xx errors are retried with exponential backoff, then each fallback model
  is tried in turn;
- when no model gives a usable answer, ``ModelUnavailable`` is raised. Raising (rather than
  returning an empty result) means no caller can forget the last fallback: it catches the
  error, lets the offline engine serve the turn and tells the learner ``error.reason``;
- the tokens and cost of every request are recorded in a ``UsageLedger``.

With no model configured the gateway is offline: ``available`` is False and every call raises
``ModelUnavailable`` at once, without importing litellm.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Sequence,
)
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel

from tutor.llm.errors import (
    ModelConfigError,
    ModelRequestRefused,
    ModelUnavailable,
    StreamTruncated,
    plain_reason,
)
from tutor.llm.fake import FAKE_PREFIX, FakeModel
from tutor.llm.loader import load_litellm
from tutor.llm.messages import Messages, redact_messages, with_system_note
from tutor.llm.output import OutputInvalid, parse_structured, repair_request, schema_instruction
from tutor.llm.responses import close_stream, content_of, cost_usd, delta_text, stream_usage
from tutor.llm.retry import backoff_delay, is_transient, status_of
from tutor.llm.usage import CallRecord, Outcome, UsageLedger

if TYPE_CHECKING:
    from tutor.settings import Settings

logger = logging.getLogger(__name__)

# Tests set this to False (tests/llm/conftest.py) so that a real model request fails loudly
# unless the test opts in with ``@pytest.mark.allow_model_requests``.
ALLOW_MODEL_REQUESTS = True

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF_S = 0.5

T = TypeVar("T", bound=BaseModel)
# How a structured answer is asked for (see ``ModelGateway``).
SchemaMode = Literal["auto", "json_schema", "json_object", "none"]
SCHEMA_MODES: tuple[str, ...] = get_args(SchemaMode)
Sleep = Callable[[float], Awaitable[object]]


@dataclass(frozen=True)
class GatewayResult(Generic[T]):
    """A validated answer and how it was obtained."""

    value: T
    model: str  # the model that answered
    requests: int  # requests made for this answer, over all models and retries
    repaired: bool  # the answer came from the repair round
    fell_back: bool  # a fallback model answered, not the primary one
    redactions: int  # secrets replaced in what was sent


class _ModelFailed(Exception):
    """One model is done for this call (retries spent, a permanent error, or bad output)."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


@dataclass
class _Tally:
    requests: int = 0


class ModelGateway:
    """Structured answers and streamed text from a litellm model, safely and with fallbacks.

    ``timeout_s`` bounds each request's wait for an answer and, when streaming, the wait
    between two chunks. ``retries`` is the number of extra tries per model on a transient
    failure, ``backoff_s`` the first wait (doubling each time). ``api_base`` and ``api_key``
    apply to the primary model only (e.g. a local OpenAI-compatible server); otherwise litellm
    reads the provider's usual environment variables.

    ``schema_mode`` says how a structured answer is requested (from every model tried), because
    servers disagree:

    - ``json_schema``: OpenAI's native form (litellm builds it from the pydantic class); hosted
      APIs, vLLM and Ollama's OpenAI endpoint constrain output with it;
    - ``json_object``: ``{"type": "json_object", "schema": {...}}``, the form llama-cpp-python's
      server turns into a grammar (it answers HTTP 500 to ``json_schema``);
    - ``none``: nothing in the request; the schema goes in the system prompt, for servers that
      know neither form;
    - ``auto`` (default): ``json_schema`` where litellm says the model supports it, else ``none``.

    Whatever the mode, the reply is validated with pydantic and repaired once if it does not fit.
    ``fakes`` registers scripted fake models (``mockllm/<name>``) for unit tests; ``sleep``
    is injectable so tests never really wait.
    """

    def __init__(
        self,
        model: str | None,
        *,
        fallbacks: Sequence[str] = (),
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retries: int = DEFAULT_RETRIES,
        backoff_s: float = DEFAULT_BACKOFF_S,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        api_base: str | None = None,
        api_key: str | None = None,
        schema_mode: SchemaMode = "auto",
        ledger: UsageLedger | None = None,
        fakes: Iterable[FakeModel] = (),
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if timeout_s <= 0:
            raise ModelConfigError(f"model timeout must be positive, got {timeout_s}")
        if retries < 0:
            raise ModelConfigError(f"model retries must be 0 or more, got {retries}")
        if backoff_s < 0:
            raise ModelConfigError(f"model backoff must be 0 or more, got {backoff_s}")
        if schema_mode not in SCHEMA_MODES:
            raise ModelConfigError(
                f"schema mode must be one of {', '.join(SCHEMA_MODES)}, got {schema_mode!r}"
            )
        self.model = model.strip() if model and model.strip() else None
        self.fallbacks = tuple(dict.fromkeys(f.strip() for f in fallbacks if f and f.strip()))
        self.timeout_s, self.retries, self.backoff_s = timeout_s, retries, backoff_s
        self.temperature, self.max_tokens = temperature, max_tokens
        self.api_base, self.schema_mode = api_base, schema_mode
        self._api_key = api_key  # private: never logged, recorded or shown
        self.ledger = ledger if ledger is not None else UsageLedger()
        self._fakes = {fake.model: fake for fake in fakes}
        self._sleep = sleep
        for name in self.models:
            if name.startswith(FAKE_PREFIX) and name not in self._fakes:
                raise ModelConfigError(
                    f"{name} is a scripted fake model for unit tests; set a real litellm model "
                    "(or none, for the offline engine)"
                )

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> ModelGateway:
        """A gateway configured from ``TUTOR_*`` settings; keyword arguments override them."""
        from tutor.settings import get_settings

        s = settings or get_settings()
        options: dict[str, Any] = {
            "fallbacks": tuple(getattr(s, "model_fallbacks", ()) or ()),
            "timeout_s": getattr(s, "model_timeout_s", DEFAULT_TIMEOUT_S),
            "retries": getattr(s, "model_retries", DEFAULT_RETRIES),
            "backoff_s": getattr(s, "model_backoff_s", DEFAULT_BACKOFF_S),
            "api_base": getattr(s, "model_api_base", None),
            "schema_mode": getattr(s, "model_schema_mode", "auto"),
            "max_tokens": getattr(s, "model_max_tokens", None),
        }
        options.update(overrides)
        return cls(s.model, **options)

    @property
    def available(self) -> bool:
        """Whether a model is configured at all; False means the offline engine serves."""
        return self.model is not None

    @property
    def models(self) -> tuple[str, ...]:
        """The primary model, then the fallbacks, in the order they are tried."""
        if self.model is None:
            return ()
        return (self.model, *(f for f in self.fallbacks if f != self.model))

    # --- structured output ------------------------------------------------------------

    async def structured(
        self,
        messages: Messages,
        schema: type[T],
        *,
        purpose: str,
        request_schema: dict[str, Any] | None = None,
    ) -> GatewayResult[T]:
        """Ask for an answer that validates against ``schema``; raise ``ModelUnavailable``
        when no model gives one.

        ``request_schema`` (a JSON schema) is what the model is asked for instead of
        ``schema``'s own, when the caller knows more than the class can say (the passage keys
        a draft may cite, the risk IDs it must use): a server that constrains output to the
        schema then cannot produce anything else. The reply is still validated by ``schema``.
        """
        if not self.available:
            raise ModelUnavailable(purpose, "no language model is configured")
        safe, findings = redact_messages(messages, purpose)
        tally = _Tally()
        failures: list[str] = []
        for index, model in enumerate(self.models):
            response_format = self._response_format(model, schema, request_schema)
            convo = safe
            if response_format is None:
                convo = with_system_note(safe, schema_instruction(schema, request_schema))
            params = {} if response_format is None else {"response_format": response_format}
            try:
                value, repaired = await self._structured_on(
                    model, convo, schema, purpose, tally, params
                )
            except _ModelFailed as failure:
                failures.append(f"{model}: {failure.label}")
                self._log_moving_on(model, index, purpose)
                continue
            return GatewayResult(value, model, tally.requests, repaired, index > 0, len(findings))
        raise ModelUnavailable(purpose, plain_reason(failures), failures)

    def structured_sync(
        self,
        messages: Messages,
        schema: type[T],
        *,
        purpose: str,
        request_schema: dict[str, Any] | None = None,
    ) -> GatewayResult[T]:
        """``structured`` for synchronous callers such as the CLI."""
        return asyncio.run(
            self.structured(messages, schema, purpose=purpose, request_schema=request_schema)
        )

    async def _structured_on(
        self,
        model: str,
        convo: list[dict[str, Any]],
        schema: type[T],
        purpose: str,
        tally: _Tally,
        params: dict[str, Any],
    ) -> tuple[T, bool]:
        """One model: an answer, and at most one repair round if it does not validate."""
        for repair_round in (False, True):
            response, latency_ms = await self._request(model, convo, purpose, tally, params)
            content, finish = content_of(response)
            try:
                if finish == "length":
                    raise OutputInvalid("the reply was cut off at the token limit")
                value = parse_structured(content, schema)
            except OutputInvalid as problem:
                self._record(purpose, model, "invalid_output", latency_ms, response)
                logger.warning(
                    "%s gave an unusable answer for %s (%s)%s",
                    model,
                    purpose,
                    problem,
                    "" if repair_round else "; asking once for a repair",
                )
                if repair_round:
                    raise _ModelFailed("invalid output, also after a repair request") from None
                follow_up, _ = redact_messages(
                    [
                        {"role": "assistant", "content": content or "(empty reply)"},
                        {"role": "user", "content": repair_request(str(problem))},
                    ],
                    purpose,
                )
                convo = [*convo, *follow_up]
                continue
            self._record(purpose, model, "ok", latency_ms, response)
            return value, repair_round
        raise AssertionError("unreachable")  # pragma: no cover

    # --- streamed text ----------------------------------------------------------------

    async def stream_text(self, messages: Messages, *, purpose: str) -> AsyncIterator[str]:
        """Stream a reply piece by piece (role-play).

        Failures before the first piece of text are retried and fall back like ``structured``;
        once text has been shown, a failure or an early end raises ``StreamTruncated``.
        """
        if not self.available:
            raise ModelUnavailable(purpose, "no language model is configured")
        safe, _ = redact_messages(messages, purpose)
        tally = _Tally()
        failures: list[str] = []
        for index, model in enumerate(self.models):
            try:
                stream, pending, chunks, started = await self._open_stream(
                    model, safe, purpose, tally
                )
            except _ModelFailed as failure:
                failures.append(f"{model}: {failure.label}")
                self._log_moving_on(model, index, purpose)
                continue
            relay = self._relay(model, safe, purpose, stream, pending, chunks, started)
            try:
                async for piece in relay:
                    yield piece
            finally:
                await relay.aclose()
            return
        raise ModelUnavailable(purpose, plain_reason(failures), failures)

    def stream_text_sync(
        self,
        messages: Messages,
        *,
        purpose: str,
        on_text: Callable[[str], object] = lambda _: None,
    ) -> str:
        """``stream_text`` for synchronous callers: each piece goes to ``on_text``; the whole
        reply is returned."""

        async def collect() -> str:
            pieces: list[str] = []
            async for piece in self.stream_text(messages, purpose=purpose):
                on_text(piece)
                pieces.append(piece)
            return "".join(pieces)

        return asyncio.run(collect())

    async def _open_stream(
        self, model: str, messages: list[dict[str, Any]], purpose: str, tally: _Tally
    ) -> tuple[Any, list[str], list[Any], float]:
        """Start a stream and wait for its first text, retrying while nothing has been shown."""
        for retry in range(self.retries + 1):
            started = time.perf_counter()
            stream: Any = None
            try:
                tally.requests += 1
                stream = await asyncio.wait_for(
                    self._send(model, messages, {"stream": True}), self.timeout_s
                )
                chunks: list[Any] = []
                while True:
                    chunk = await self._next_chunk(stream)
                    if chunk is None:
                        raise _EmptyReply()
                    chunks.append(chunk)
                    text = delta_text(chunk)
                    if text:
                        return stream, [text], chunks, started
            except ModelRequestRefused:
                raise
            except Exception as error:
                await close_stream(stream)
                await self._retry_or_give_up(model, purpose, error, retry, started)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _relay(
        self,
        model: str,
        messages: list[dict[str, Any]],
        purpose: str,
        stream: Any,
        pending: list[str],
        chunks: list[Any],
        started: float,
    ) -> AsyncGenerator[str, None]:
        shown: list[str] = []
        try:
            for text in pending:
                shown.append(text)
                yield text
            while True:
                try:
                    chunk = await self._next_chunk(stream)
                except Exception as error:
                    self._record_failure(purpose, model, started, error, outcome="truncated")
                    reason = (
                        f"no more text arrived within {self.timeout_s:g}s"
                        if isinstance(error, TimeoutError)
                        else f"the connection failed ({status_of(error)})"
                    )
                    logger.warning("%s: stream for %s cut off: %s", model, purpose, reason)
                    raise StreamTruncated(model, reason, "".join(shown)) from error
                if chunk is None:
                    break
                chunks.append(chunk)
                text = delta_text(chunk)
                if text:
                    shown.append(text)
                    yield text
            # litellm invents a "stop" when a provider's stream just ends; only the finish
            # reason the provider really sent tells a finished reply from a cut one.
            finish = getattr(stream, "received_finish_reason", None)
            usage = stream_usage(chunks, messages)
            latency_ms = (time.perf_counter() - started) * 1000
            if finish is None or finish == "length":
                label = "finish_reason=length" if finish else "no finish_reason"
                self._record(purpose, model, "truncated", latency_ms, usage, error=label)
                reason = (
                    "the reply reached the token limit"
                    if finish == "length"
                    else "the stream ended before the model finished"
                )
                logger.warning("%s: stream for %s cut off: %s", model, purpose, reason)
                raise StreamTruncated(model, reason, "".join(shown))
            self._record(purpose, model, "ok", latency_ms, usage)
        finally:
            await close_stream(stream)

    async def _next_chunk(self, stream: Any) -> Any:
        """The next chunk, None at the end; waiting longer than ``timeout_s`` is a failure."""
        try:
            return await asyncio.wait_for(stream.__anext__(), self.timeout_s)
        except StopAsyncIteration:
            return None

    # --- one request ------------------------------------------------------------------

    async def _request(
        self,
        model: str,
        messages: list[dict[str, Any]],
        purpose: str,
        tally: _Tally,
        params: dict[str, Any],
    ) -> tuple[Any, float]:
        """One request to one model, retried with backoff while failures are transient."""
        for retry in range(self.retries + 1):
            started = time.perf_counter()
            try:
                tally.requests += 1
                response = await asyncio.wait_for(
                    self._send(model, messages, params), self.timeout_s
                )
            except ModelRequestRefused:
                raise
            except Exception as error:
                await self._retry_or_give_up(model, purpose, error, retry, started)
            else:
                return response, (time.perf_counter() - started) * 1000
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self, model: str, messages: list[dict[str, Any]], params: dict[str, Any]
    ) -> Any:
        """Hand one already-redacted request to the fake or to litellm."""
        request: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "temperature": self.temperature,
            "timeout": self.timeout_s,
            "num_retries": 0,  # the gateway retries, with its own rules and ledger
            "max_retries": 0,
            "drop_params": True,  # a provider that lacks an option ignores it, not fails
            **params,
        }
        if self.max_tokens is not None:
            request["max_tokens"] = self.max_tokens
        fake = self._fakes.get(model)
        if fake is not None:
            return await fake.acompletion(**request)
        if model == self.model:
            if self.api_base is not None:
                request["api_base"] = self.api_base
            if self._api_key is not None:
                request["api_key"] = self._api_key
        if not ALLOW_MODEL_REQUESTS:
            raise ModelRequestRefused(
                f"real model request to {model} refused: tests must use a FakeModel or opt in "
                "with @pytest.mark.allow_model_requests"
            )
        return await load_litellm().acompletion(**request)

    # --- helpers ----------------------------------------------------------------------

    def _response_format(
        self, model: str, schema: type[BaseModel], request_schema: dict[str, Any] | None
    ) -> Any:
        """What goes in ``response_format`` for this model, or None for the prompt-only form."""
        mode = self.schema_mode
        if mode == "auto":
            mode = "json_schema" if self._supports_json_schema(model) else "none"
        if mode == "json_schema":
            if request_schema is None:
                return schema  # litellm turns the pydantic class into OpenAI's json_schema form
            return {
                "type": "json_schema",
                "json_schema": {"name": schema.__name__, "schema": request_schema},
            }
        if mode == "json_object":
            wanted = request_schema if request_schema is not None else schema.model_json_schema()
            return {"type": "json_object", "schema": wanted}
        return None

    def _supports_json_schema(self, model: str) -> bool:
        fake = self._fakes.get(model)
        if fake is not None:
            return fake.supports_json_schema
        try:
            return bool(load_litellm().supports_response_schema(model=model))
        except Exception:  # an unknown model: litellm cannot tell, so use the prompt
            return False

    def _record(
        self,
        purpose: str,
        model: str,
        outcome: Outcome,
        latency_ms: float,
        response: Any,
        error: str | None = None,
    ) -> None:
        usage = getattr(response, "usage", None)
        self.ledger.record(
            CallRecord(
                purpose=purpose,
                model=model,
                outcome=outcome,
                prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
                cost_usd=cost_usd(response) if usage is not None else None,
                latency_ms=round(latency_ms, 1),
                error=error,
            )
        )

    def _record_failure(
        self,
        purpose: str,
        model: str,
        started: float,
        error: BaseException,
        outcome: Outcome = "error",
    ) -> str:
        label = status_of(error)
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        self.ledger.record(CallRecord(purpose, model, outcome, latency_ms=latency_ms, error=label))
        return label

    async def _retry_or_give_up(
        self, model: str, purpose: str, error: BaseException, retry: int, started: float
    ) -> None:
        """Record a failed request, then wait before the next try or raise ``_ModelFailed``."""
        label = self._record_failure(purpose, model, started, error)
        if not is_transient(error) or retry == self.retries:
            logger.warning("%s: %s for %s; no more tries on this model", model, label, purpose)
            raise _ModelFailed(_failure_label(error, retry)) from error
        delay = backoff_delay(self.backoff_s, retry)
        logger.warning(
            "%s: %s for %s; retry %d of %d in %.2fs",
            model,
            label,
            purpose,
            retry + 1,
            self.retries,
            delay,
        )
        await self._sleep(delay)

    def _log_moving_on(self, model: str, index: int, purpose: str) -> None:
        models = self.models
        if index + 1 < len(models):
            logger.warning("falling back from %s to %s for %s", model, models[index + 1], purpose)
        else:
            logger.warning("no model left for %s; the offline engine takes over", purpose)


class _EmptyReply(Exception):
    """A stream that finished without any text."""


def _failure_label(error: BaseException, retry: int) -> str:
    label = "EmptyReply" if isinstance(error, _EmptyReply) else status_of(error)
    if isinstance(error, TimeoutError) and not getattr(error, "status_code", None):
        label = "no answer in time"
    return f"{label} after {retry + 1} tries" if retry else label
