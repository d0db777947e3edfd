"""Model tests use scripted fakes; a real model request fails the test unless it opts in.

Two locks, so that neither a gateway bug nor a direct litellm call can reach a model:
- the gateway's own switch (``ALLOW_MODEL_REQUESTS = False``) raises ``ModelRequestRefused``
  before litellm is even called;
- every HTTP request through httpx (which litellm and the openai SDK use) raises, and is
  remembered: a test that attempted one fails at teardown even if something swallowed the error.

Opt in with ``@pytest.mark.allow_model_requests`` (for tests against a local server).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tutor.llm import FakeModel, ModelGateway
from tutor.llm import gateway as gateway_module


class RealRequestAttempted(RuntimeError):
    """An HTTP request from a test that did not opt in to real model requests."""


@pytest.fixture(autouse=True)
def refuse_real_model_requests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """The HTTP requests a test attempted (all refused); must be empty at teardown."""
    attempted: list[str] = []
    if request.node.get_closest_marker("allow_model_requests"):
        yield attempted
        return

    def refuse(self: Any, http_request: httpx.Request, *args: Any, **kwargs: Any) -> Any:
        attempted.append(f"{http_request.method} {http_request.url}")
        raise RealRequestAttempted(
            f"real HTTP request refused in tests: {http_request.method} {http_request.url} "
            "(use a FakeModel, or mark the test with @pytest.mark.allow_model_requests)"
        )

    async def refuse_async(self: Any, http_request: httpx.Request, *a: Any, **k: Any) -> Any:
        return refuse(self, http_request)

    monkeypatch.setattr(gateway_module, "ALLOW_MODEL_REQUESTS", False)
    monkeypatch.setattr(httpx.Client, "send", refuse)
    monkeypatch.setattr(httpx.AsyncClient, "send", refuse_async)
    yield attempted
    if attempted:
        pytest.fail(f"test attempted real model requests: {attempted}")


@pytest.fixture
def make_gateway() -> Any:
    """``make_gateway(primary, *fallbacks, **options)``: a gateway over scripted fakes that
    never really sleeps (the backoff delays it asked for are in ``gateway.slept``)."""

    def make(primary: FakeModel, *fallbacks: FakeModel, **options: Any) -> ModelGateway:
        slept: list[float] = []

        async def no_sleep(seconds: float) -> None:
            slept.append(seconds)

        options.setdefault("sleep", no_sleep)
        gateway = ModelGateway(
            primary.model,
            fallbacks=[f.model for f in fallbacks],
            fakes=[primary, *fallbacks],
            **options,
        )
        gateway.slept = slept  # type: ignore[attr-defined]
        return gateway

    return make
