"""Token usage and cost per model call, and totals per session.

A record holds numbers, the model, the caller's purpose and at most an exception class name:
never message text, so a ledger can be shown, logged or stored without redaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["ok", "invalid_output", "error", "truncated"]


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One request to one model."""

    purpose: str
    model: str
    outcome: Outcome
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None  # None: litellm does not know this model's prices
    latency_ms: float = 0.0
    error: str | None = None  # exception class name when outcome is "error" or "truncated"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class UsageLedger:
    """Every call of one session, with running totals. Create one per session."""

    calls: list[CallRecord] = field(default_factory=list)

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)

    @property
    def prompt_tokens(self) -> int:
        return sum(c.prompt_tokens for c in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(c.completion_tokens for c in self.calls)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def cost_usd(self) -> float | None:
        """The known cost; None when no call had a known price."""
        known = [c.cost_usd for c in self.calls if c.cost_usd is not None]
        return sum(known) if known else None

    @property
    def cost_complete(self) -> bool:
        """Whether every call that used tokens had a known price."""
        return all(c.cost_usd is not None for c in self.calls if c.total_tokens)

    def by_purpose(self) -> dict[str, UsageLedger]:
        grouped: dict[str, UsageLedger] = {}
        for call in self.calls:
            grouped.setdefault(call.purpose, UsageLedger()).record(call)
        return grouped
