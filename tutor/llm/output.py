"""Turning a model's text into a validated pydantic object, and asking once for a fix."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)
_MAX_ERRORS_SHOWN = 5


class OutputInvalid(ValueError):
    """The reply was empty, not JSON, or JSON that does not fit the schema."""


def parse_structured(content: str | None, schema: type[T]) -> T:
    """Validate a reply against ``schema``.

    Lenient about packaging, strict about content: a JSON object wrapped in a Markdown fence
    or in a sentence is accepted (small local models do that), but the object itself must fit
    the schema.
    """
    if content is None or not content.strip():
        raise OutputInvalid("the reply was empty")
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = _first_json_object(text)
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise OutputInvalid(_describe(error)) from None


def _first_json_object(text: str) -> object:
    start = text.find("{")
    if start < 0:
        raise OutputInvalid("the reply was not JSON (no object found)")
    try:
        data, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as error:
        raise OutputInvalid(f"the reply was not valid JSON ({error.msg})") from None
    return data


def _describe(error: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
        for e in error.errors(include_url=False, include_input=False)[:_MAX_ERRORS_SHOWN]
    ]
    more = error.error_count() - len(problems)
    suffix = f" (and {more} more)" if more > 0 else ""
    return "the JSON does not match the schema: " + "; ".join(problems) + suffix


def schema_instruction(
    schema: type[BaseModel], request_schema: dict[str, Any] | None = None
) -> str:
    """The instruction for models that cannot be given the schema natively."""
    wanted = request_schema if request_schema is not None else schema.model_json_schema()
    return (
        "Reply with one JSON object and nothing else. It must match this JSON schema:\n"
        + json.dumps(wanted, separators=(",", ":"), sort_keys=True)
    )


def repair_request(problem: str) -> str:
    """The message sent back after an invalid reply: what was wrong, and what to send instead."""
    return (
        f"Your previous reply could not be used: {problem}. Reply again with only the JSON "
        "object, matching the schema exactly, with no other text."
    )
