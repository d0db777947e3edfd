"""Preparing what is sent: a redacted copy of the caller's messages, plus our own notes."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from tutor.redaction import Finding, redact_data

logger = logging.getLogger(__name__)

Messages = Sequence[Mapping[str, Any]]


def redact_messages(
    messages: Messages, purpose: str
) -> tuple[list[dict[str, Any]], tuple[Finding, ...]]:
    """A redacted copy of the messages (every string in them); the caller's are left as they
    were, so a failed call never loses the learner's own words."""
    redacted, findings = redact_data([dict(m) for m in messages])
    if findings:
        kinds = sorted({f.kind for f in findings})
        logger.info(
            "redacted %d secret(s) (%s) before sending for %s",
            len(findings),
            ", ".join(kinds),
            purpose,
        )
    return list(redacted), findings


def with_system_note(messages: list[dict[str, Any]], note: str) -> list[dict[str, Any]]:
    """Add ``note`` to the system message (one system message suits every chat template)."""
    if (
        messages
        and messages[0].get("role") == "system"
        and isinstance(messages[0].get("content"), str)
    ):
        first = {**messages[0], "content": f"{messages[0]['content']}\n\n{note}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]
