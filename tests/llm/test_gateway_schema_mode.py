"""How a structured answer is requested (``schema_mode``): each mode's request, and the setting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from tutor.llm import SCHEMA_MODES, FakeModel, ModelConfigError, ModelGateway, Reply
from tutor.settings import Settings, get_settings

MakeGateway = Callable[..., ModelGateway]
GOOD = '{"criterion": "revoke-now", "met": true}'
ASK = [
    {"role": "system", "content": "You grade answers."},
    {"role": "user", "content": "Grade: I revoke the key."},
]


class Verdict(BaseModel):
    criterion: str
    met: bool


def ask(gateway: ModelGateway) -> Verdict:
    return asyncio.run(gateway.structured(ASK, Verdict, purpose="judge")).value


def test_json_schema_mode_sends_the_pydantic_class_for_litellm_to_convert(
    make_gateway: MakeGateway,
) -> None:
    # Even for a model that litellm would not trust with a schema: the mode is explicit.
    fake = FakeModel("m", [Reply(GOOD)], supports_json_schema=False)
    assert ask(make_gateway(fake, schema_mode="json_schema")).met is True
    assert fake.requests[0]["response_format"] is Verdict
    assert fake.requests[0]["messages"] == ASK  # no schema in the prompt


def test_json_object_mode_sends_llama_cpp_servers_form(make_gateway: MakeGateway) -> None:
    fake = FakeModel("m", [Reply(GOOD)])
    assert ask(make_gateway(fake, schema_mode="json_object")).met is True
    assert fake.requests[0]["response_format"] == {
        "type": "json_object",
        "schema": Verdict.model_json_schema(),
    }
    assert fake.requests[0]["messages"] == ASK


def test_none_mode_puts_the_schema_in_the_prompt_and_repairs_once(
    make_gateway: MakeGateway,
) -> None:
    # A model that would support json_schema still gets none: the mode is explicit.
    fake = FakeModel("m", [Reply("Sure! met is true."), Reply(GOOD)], supports_json_schema=True)
    result = asyncio.run(
        make_gateway(fake, schema_mode="none").structured(ASK, Verdict, purpose="judge")
    )
    assert result.value.met is True and result.repaired
    for sent in fake.requests:
        assert "response_format" not in sent
        assert '"criterion"' in sent["messages"][0]["content"]  # the schema, in the prompt
    assert "not JSON" in fake.requests[1]["messages"][-1]["content"]


NARROW = {
    "type": "object",
    "properties": {"criterion": {"enum": ["revoke-now"]}, "met": {"type": "boolean"}},
    "required": ["criterion", "met"],
}


@pytest.mark.parametrize("mode", ["json_schema", "json_object", "none"])
def test_a_narrower_request_schema_is_what_the_model_is_asked_for(
    make_gateway: MakeGateway, mode: str
) -> None:
    fake = FakeModel("m", [Reply(GOOD)])
    result = asyncio.run(
        make_gateway(fake, schema_mode=mode).structured(
            ASK, Verdict, purpose="judge", request_schema=NARROW
        )
    )
    assert result.value == Verdict(criterion="revoke-now", met=True)  # validated by the class
    sent = fake.requests[0]
    if mode == "json_schema":
        assert sent["response_format"] == {
            "type": "json_schema",
            "json_schema": {"name": "Verdict", "schema": NARROW},
        }
    elif mode == "json_object":
        assert sent["response_format"] == {"type": "json_object", "schema": NARROW}
    else:
        assert "response_format" not in sent
        assert '"enum":["revoke-now"]' in sent["messages"][0]["content"]


@pytest.mark.parametrize(("supports", "expected"), [(True, "class"), (False, None)])
def test_auto_mode_asks_whether_the_model_supports_a_schema(
    make_gateway: MakeGateway, supports: bool, expected: str | None
) -> None:
    fake = FakeModel("m", [Reply(GOOD)], supports_json_schema=supports)
    ask(make_gateway(fake))  # auto is the default
    sent = fake.requests[0].get("response_format")
    assert (sent is Verdict) if expected == "class" else sent is None


def test_a_mode_applies_to_the_fallback_models_too(make_gateway: MakeGateway) -> None:
    primary = FakeModel("primary", [Reply("{}"), Reply("{}")])
    backup = FakeModel("backup", [Reply(GOOD)])
    ask(make_gateway(primary, backup, schema_mode="json_object"))
    assert backup.requests[0]["response_format"]["type"] == "json_object"


def test_an_unknown_mode_is_a_clear_configuration_error() -> None:
    with pytest.raises(ModelConfigError, match="schema mode must be one of auto, json_schema"):
        ModelGateway("openai/x", schema_mode="grammar")  # type: ignore[arg-type]


def test_the_setting_reaches_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_MODEL", "openai/local")
    monkeypatch.setenv("TUTOR_MODEL_SCHEMA_MODE", "json_object")
    get_settings.cache_clear()
    assert ModelGateway.from_settings().schema_mode == "json_object"


def test_a_bad_setting_names_the_variable_and_the_allowed_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TUTOR_MODEL_SCHEMA_MODE", "grammar")
    with pytest.raises(ValueError) as caught:
        Settings()
    text = str(caught.value)
    assert "model_schema_mode" in text and "'json_object'" in text and "'none'" in text


def test_the_setting_and_the_gateway_know_the_same_modes() -> None:
    annotation: Any = Settings.model_fields["model_schema_mode"].annotation
    assert get_args(annotation) == SCHEMA_MODES
