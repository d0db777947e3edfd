"""Helpers for judge tests: a gateway over one scripted fake that never sleeps, and replies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tutor.llm import FakeModel, ModelGateway, Reply


async def _no_sleep(seconds: float) -> None:
    return None


def judge_reply(
    criteria: dict[str, tuple[bool, str]] | None = None,
    mistakes: dict[str, tuple[bool, str]] | None = None,
    *,
    injection: bool = False,
    **extra: Any,
) -> Reply:
    """A scripted judge reply: ``{id: (met, quote)}`` per criterion and per mistake."""
    body: dict[str, Any] = {
        "criteria": [
            {"id": i, "met": met, "evidence_quote": q} for i, (met, q) in (criteria or {}).items()
        ],
        "mistakes": [
            {"id": i, "made": made, "evidence_quote": q}
            for i, (made, q) in (mistakes or {}).items()
        ],
        "injection_suspected": injection,
        **extra,
    }
    return Reply(json.dumps(body))


@pytest.fixture
def fake_gateway() -> Callable[..., tuple[FakeModel, ModelGateway]]:
    """``fake_gateway(*steps)``: a fake judge model and a gateway with retries off."""

    def make(*steps: Any) -> tuple[FakeModel, ModelGateway]:
        fake = FakeModel("judge", list(steps))
        gateway = ModelGateway(fake.model, fakes=[fake], retries=0, sleep=_no_sleep)
        return fake, gateway

    return make
