"""No model configured means no call; real requests are refused in tests; fakes stay in tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest
from pydantic import BaseModel

from tutor.llm import (
    FakeModel,
    FakeScriptExhausted,
    ModelConfigError,
    ModelGateway,
    ModelRequestRefused,
    ModelUnavailable,
    Reply,
)
from tutor.llm.loader import load_litellm
from tutor.settings import Settings

ASK = [{"role": "user", "content": "hello"}]


class Answer(BaseModel):
    text: str


@pytest.mark.parametrize("model", [None, "", "   "])
def test_without_a_model_the_gateway_is_offline_and_calls_nothing(model: str | None) -> None:
    fake = FakeModel("never", [Reply('{"text": "x"}')])
    gateway = ModelGateway(model, fallbacks=[fake.model], fakes=[fake])
    assert gateway.available is False and gateway.models == ()
    with pytest.raises(ModelUnavailable, match="no language model is configured"):
        asyncio.run(gateway.structured(ASK, Answer, purpose="judge"))

    async def stream() -> None:
        async for _ in gateway.stream_text(ASK, purpose="roleplay"):
            pass

    with pytest.raises(ModelUnavailable):
        asyncio.run(stream())
    assert fake.requests == [] and gateway.ledger.calls == []


def test_importing_the_gateway_does_not_import_litellm() -> None:
    code = "import sys, tutor.llm, tutor.redaction; print('litellm' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False", out.stderr


def test_litellm_is_loaded_with_the_bundled_cost_map() -> None:
    load_litellm()
    assert os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] == "True"


def test_from_settings_reads_the_model_from_tutor_settings() -> None:
    assert ModelGateway.from_settings(Settings()).available is False
    fake = FakeModel("configured", [])
    gateway = ModelGateway.from_settings(Settings(model=fake.model), fakes=[fake], retries=0)
    assert gateway.model == fake.model and gateway.retries == 0


def test_the_reply_length_cap_from_settings_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """TUTOR_MODEL_MAX_TOKENS reaches the request, so a rambling small model stops early."""
    monkeypatch.setenv("TUTOR_MODEL_MAX_TOKENS", "120")
    fake = FakeModel("capped", [Reply("Fine.")])
    gateway = ModelGateway.from_settings(Settings(model=fake.model), fakes=[fake], retries=0)
    assert gateway.stream_text_sync([{"role": "user", "content": "hi"}], purpose="t") == "Fine."
    assert fake.requests[-1]["max_tokens"] == 120
    monkeypatch.delenv("TUTOR_MODEL_MAX_TOKENS")
    unset = FakeModel("uncapped", [Reply("Fine.")])
    gateway = ModelGateway.from_settings(Settings(model=unset.model), fakes=[unset], retries=0)
    gateway.stream_text_sync([{"role": "user", "content": "hi"}], purpose="t")
    assert "max_tokens" not in unset.requests[-1]


def test_from_settings_uses_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_MODEL", "ollama/llama3.2")
    gateway = ModelGateway.from_settings()
    assert gateway.available and gateway.models == ("ollama/llama3.2",)


def test_a_mockllm_model_without_its_fake_is_a_configuration_error() -> None:
    with pytest.raises(ModelConfigError, match="scripted fake model for unit tests"):
        ModelGateway("mockllm/demo")
    with pytest.raises(ModelConfigError):
        ModelGateway("ollama/llama3.2", fallbacks=["mockllm/demo"])


@pytest.mark.parametrize(
    "options", [{"timeout_s": 0}, {"retries": -1}, {"backoff_s": -0.1}], ids=str
)
def test_impossible_options_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ModelConfigError):
        ModelGateway("ollama/llama3.2", **options)  # type: ignore[arg-type]


def test_a_real_model_request_is_refused_loudly_not_hidden_by_a_fallback() -> None:
    fake = FakeModel("backup", [Reply('{"text": "x"}')])
    gateway = ModelGateway("openai/gpt-4o-mini", fallbacks=[fake.model], fakes=[fake])
    with pytest.raises(ModelRequestRefused, match="real model request to openai/gpt-4o-mini"):
        asyncio.run(gateway.structured(ASK, Answer, purpose="judge"))
    assert fake.requests == []


def test_http_requests_are_refused_and_remembered(refuse_real_model_requests: list[str]) -> None:
    with pytest.raises(RuntimeError, match="real HTTP request refused"):
        httpx.post("http://127.0.0.1:9/v1/chat/completions", json={})
    assert refuse_real_model_requests == ["POST http://127.0.0.1:9/v1/chat/completions"]
    refuse_real_model_requests.clear()  # this test meant to try; do not fail it at teardown


def test_a_direct_litellm_call_cannot_reach_a_server(
    refuse_real_model_requests: list[str],
) -> None:
    litellm = load_litellm()
    with pytest.raises(Exception):  # noqa: B017 - litellm wraps the refusal in its own class
        asyncio.run(
            litellm.acompletion(
                model="ollama/llama3.2",
                messages=ASK,
                api_base="http://127.0.0.1:11434",
                num_retries=0,
            )
        )
    assert refuse_real_model_requests, "the request should have reached the httpx lock"
    refuse_real_model_requests.clear()


def test_a_fake_refuses_requests_beyond_its_script() -> None:
    fake = FakeModel("short", [Reply('{"text": "x"}')])
    gateway = ModelGateway(fake.model, fakes=[fake], retries=3)
    asyncio.run(gateway.structured(ASK, Answer, purpose="judge"))
    with pytest.raises(FakeScriptExhausted, match="only 1 were scripted"):
        asyncio.run(gateway.structured(ASK, Answer, purpose="judge"))
