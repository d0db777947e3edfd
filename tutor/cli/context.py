"""Build the runtime pieces once per command, from settings (no globals elsewhere)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from tutor.errors import TutorError
from tutor.grading.rubric_grader import OfflineGrader
from tutor.learner.store import Store
from tutor.scenarios.loader import load_all, scenario_files
from tutor.scenarios.model import Scenario
from tutor.settings import Settings, get_settings


class Context:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    @cached_property
    def library(self) -> list[Scenario]:
        folder = self.settings.scenarios_dir
        if not folder.is_dir():
            raise TutorError(f"scenario folder not found: {folder}")
        scenarios = load_all(scenario_files(folder))
        if not scenarios:
            raise TutorError(f"no scenario files (*.yaml) in {folder}")
        return scenarios

    @cached_property
    def store(self) -> Store:
        self.settings.ensure_data_dir()
        return Store(self.settings.resolved_database_url)

    @cached_property
    def grader(self) -> OfflineGrader:
        return OfflineGrader()

    @cached_property
    def knowledge(self) -> Any:
        from tutor.knowledge import KnowledgeBase  # heavy import: onnxruntime, chromadb

        self.settings.ensure_data_dir()
        return KnowledgeBase(self.settings)

    def scenario_path(self, scenario_id: str) -> Path:
        return self.settings.scenarios_dir / f"{scenario_id}.yaml"
