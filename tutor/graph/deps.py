"""What the graph needs from outside, passed in so tests can inject fakes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from tutor.grading.result import Grade
from tutor.learner.store import Store
from tutor.scenarios.loader import load_scenario
from tutor.scenarios.model import Scenario


class Grader(Protocol):
    name: str

    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade: ...


class Voice(Protocol):
    """A model-played counterpart (``tutor.roleplay.PersonaVoice``)."""

    @property
    def available(self) -> bool: ...

    def speak(
        self,
        scenario: Scenario,
        transcript: list[Any],
        stance: Literal["refusing", "complying"],
        on_text: Callable[[str], object] = ...,
    ) -> str: ...


class Knowledge(Protocol):
    """Anything that finds knowledge passages (the Chroma knowledge base in production)."""

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        framework: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Any]: ...


@dataclass
class Deps:
    library: list[Scenario]
    grader: Grader
    store: Store
    knowledge: Knowledge | None = None
    voice: Voice | None = None  # a model-played persona; None: scripted lines only
    # Reads whether the learner is refusing or complying between pushback lines; must be fast
    # and local, so a model judge is never asked mid-conversation. Default: ``grader``.
    stance_grader: Grader | None = None
    # Model-written scenarios (``tutor.generation.ScenarioGenerator``); None: library only.
    generator: Any | None = None
    generated_dir: Path | None = None  # where generated scenarios are kept, as YAML
    pushback_rounds: int = 1
    max_answer_chars: int = 20_000
    by_id: dict[str, Scenario] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {s.id: s for s in self.library}

    @property
    def stance_reader(self) -> Grader:
        return self.stance_grader or self.grader

    def scenario(self, scenario_id: str) -> Scenario:
        """A library scenario, or a generated one kept in ``generated_dir`` (so a session that
        resumes after a restart finds the scenario it was playing)."""
        if scenario_id not in self.by_id and self.generated_dir is not None:
            path = self.generated_dir / f"{scenario_id}.yaml"
            if path.is_file():
                self.by_id[scenario_id] = load_scenario(path)
        return self.by_id[scenario_id]
