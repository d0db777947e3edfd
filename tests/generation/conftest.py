"""Fixtures for generation tests: a fake knowledge source and generators over scripted fakes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gen_fakes import FakeKnowledge

from tutor.generation import GenerationTarget, ScenarioGenerator
from tutor.llm import FakeModel, ModelGateway


@pytest.fixture
def knowledge() -> FakeKnowledge:
    return FakeKnowledge()


@pytest.fixture
def target() -> GenerationTarget:
    return GenerationTarget(risks=("NHI2",), role="developer", difficulty=2)


@pytest.fixture
def make_generator(
    tmp_path: Path, knowledge: FakeKnowledge
) -> Callable[..., tuple[ScenarioGenerator, FakeModel]]:
    """``make_generator(*steps)``: a generator over a fake model scripted with ``steps``,
    sharing one cache folder per test (so a second generator can hit the first's cache)."""

    def make(*steps: Any, name: str = "writer") -> tuple[ScenarioGenerator, FakeModel]:
        fake = FakeModel(name, list(steps))

        async def no_sleep(_: float) -> None:
            return None

        gateway = ModelGateway(fake.model, fakes=[fake], sleep=no_sleep, backoff_s=0)
        return ScenarioGenerator(gateway, knowledge, tmp_path / "cache"), fake

    return make
