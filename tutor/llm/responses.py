"""Reading litellm's response objects: text, finish reasons, usage and cost.

Read defensively (``getattr``): providers differ in what they fill in, and a missing field
must never turn a usable answer into a crash.
"""

from __future__ import annotations

import contextlib
from typing import Any

from tutor.llm.loader import load_litellm


def content_of(response: Any) -> tuple[str | None, str | None]:
    """The first choice's text (None if there is none) and its finish reason."""
    choices = getattr(response, "choices", None) or []
    if not choices:
        return None, None
    content = getattr(getattr(choices[0], "message", None), "content", None)
    finish = getattr(choices[0], "finish_reason", None)
    return (content if isinstance(content, str) else None), finish


def delta_text(chunk: Any) -> str:
    """The text a stream chunk adds ("" for role-only, usage-only or finish chunks)."""
    choices = getattr(chunk, "choices", None) or []
    if not choices:
        return ""
    text = getattr(getattr(choices[0], "delta", None), "content", None)
    return text if isinstance(text, str) else ""


def stream_usage(chunks: list[Any], messages: list[dict[str, Any]]) -> Any:
    """A whole response rebuilt from the chunks, for its token usage; None if impossible."""
    try:
        return load_litellm().stream_chunk_builder(chunks=chunks, messages=messages)
    except Exception:
        return None


def cost_usd(response: Any) -> float | None:
    """The cost in USD when litellm knows the model's prices, else None (not zero)."""
    try:
        cost = load_litellm().completion_cost(completion_response=response)
    except Exception:
        return None
    return float(cost) if cost is not None else None


async def close_stream(stream: Any) -> None:
    """Close a stream if it can be closed; closing a broken one must not hide its failure."""
    close = getattr(stream, "aclose", None)
    if close is None:
        return
    with contextlib.suppress(Exception):
        await close()
