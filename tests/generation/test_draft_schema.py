"""The schema a draft is requested with: narrowed to the target, and in step with the checks."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from typing import Any

import jsonschema
import pytest
from gen_fakes import APPROVE, PASSAGES, make_draft, reply

from tutor.generation import GenerationTarget
from tutor.generation.draft_schema import draft_request_schema
from tutor.generation.grounding import passage_key
from tutor.generation.prompts import ScenarioDraft
from tutor.generation.validate import check_draft

TARGET = GenerationTarget(risks=("NHI2",), role="developer", difficulty=2)


def _complete_draft() -> dict[str, Any]:
    draft = make_draft()
    for criterion in draft["scenario"]["rubric"]["criteria"]:
        criterion.setdefault("critical", False)
    return draft


def _errors(draft: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(draft_request_schema(TARGET, PASSAGES))
    return [e.message for e in validator.iter_errors(draft)]


def test_a_draft_that_fits_the_schema_also_passes_the_checks() -> None:
    draft = _complete_draft()
    assert _errors(draft) == []
    scenario, citations = check_draft(ScenarioDraft.model_validate(draft), TARGET, PASSAGES)
    assert scenario.risks == ("NHI2",) and citations == ("NHI2#First response",)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("citations",), ["NHI9#Made up"]),  # a passage that was not sent
        (("citations",), []),  # nothing cited
        (("scenario", "risks"), ["NHI3"]),  # another risk than the target's
        (("scenario", "roles"), ["approver"]),
        (("scenario", "difficulty"), 4),
        (("scenario", "persona", "kind"), "hacker"),
        (("scenario", "rubric", "mistakes", 0, "pattern"), "made-up-pattern"),
        (("scenario", "rubric", "criteria"), []),
        (("scenario", "controls"), ["RS.IM-1"]),  # a CSF 1.1 ID
    ],
    ids=str,
)
def test_the_schema_rules_out_what_the_checks_would_reject(
    where: tuple[Any, ...], value: Any
) -> None:
    draft = _complete_draft()
    node = draft
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = copy.deepcopy(value)
    assert _errors(draft)


def test_citable_keys_are_the_passages_sent_as_the_model_sees_them() -> None:
    schema = draft_request_schema(TARGET, PASSAGES)
    keys = schema["properties"]["citations"]["items"]["enum"]
    assert keys == [passage_key(p) for p in PASSAGES]


def test_patterns_use_only_what_llama_cpp_grammars_accept() -> None:
    """llama.cpp's converter rejects ``(?:`` groups and then silently allows any JSON."""
    text = json.dumps(draft_request_schema(TARGET, PASSAGES))
    patterns = re.findall(r'"pattern": "([^"]*)"', text)
    assert patterns and not any("(?" in p or "|" in p for p in patterns)
    assert "prefixItems" not in text and "$ref" not in text


def test_the_generator_asks_for_the_narrowed_schema(make_generator: Any, target: Any) -> None:
    generator, fake = make_generator(reply(_complete_draft()), APPROVE)
    asyncio.run(generator.generate(target))
    sent = fake.requests[0]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["name"] == "ScenarioDraft"
    assert sent["json_schema"]["schema"] == draft_request_schema(target, PASSAGES)
