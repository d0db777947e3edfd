"""What to generate (``GenerationTarget``) and what comes back (``GeneratedScenario``).

The target is the whole cache key: two requests with the same risks, role, difficulty and
event (fingerprint included) are the same exercise, so a repeat costs no tokens.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tutor import frameworks
from tutor.scenarios.model import Role, Scenario


class GenerationTarget(BaseModel):
    """The exercise wanted: the risks to train, for whom, how hard, and optionally the real
    event (a normalised, redacted scanner finding with ``kind``/``summary``/``fingerprint``)
    that prompted it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    risks: tuple[str, ...] = Field(min_length=1)
    role: Role
    difficulty: int = Field(ge=1, le=5)
    event: dict[str, Any] | None = None

    @field_validator("risks")
    @classmethod
    def _known_risks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in value if not frameworks.is_risk(r)]
        if unknown:
            raise ValueError(f"unknown risk ID(s) {unknown}; use NHI1..NHI10 or ASI01..ASI10")
        return tuple(dict.fromkeys(frameworks.canonical(r) for r in value))

    @property
    def event_summary(self) -> str:
        """The event's one-line summary (empty without an event), used as a search query."""
        if not self.event:
            return ""
        summary = self.event.get("summary")
        return summary if isinstance(summary, str) else ""

    def cache_key(self, model: str, version: str) -> str:
        """A stable hash of this target, the model and the prompt version (hex, 64 chars)."""
        payload = {"target": self.model_dump(mode="json"), "model": model, "version": version}
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class GeneratedScenario(BaseModel):
    """A validated, critic-approved scenario with the passages it is grounded in.

    ``citations`` are passage keys ``doc_id#section``; ``model`` is the model that wrote the
    scenario; ``cached`` is True when it came from the cache without a model call.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: Scenario
    citations: tuple[str, ...]
    model: str
    cached: bool = False
