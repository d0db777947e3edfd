"""A model-written scenario in a session: shown, graded, resumable; the library stands in when
generation fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from tutor.generation import ScenarioGenerator
from tutor.grading import OfflineGrader
from tutor.graph import Deps, TutorSession, open_checkpointer
from tutor.learner.store import Store
from tutor.llm import Fail, FakeModel, ModelGateway
from tutor.scenarios.model import Scenario

_spec = importlib.util.spec_from_file_location(
    "gen_fakes", Path(__file__).parents[1] / "generation" / "gen_fakes.py"
)
assert _spec and _spec.loader
gen_fakes = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("gen_fakes", gen_fakes)
_spec.loader.exec_module(gen_fakes)


def _deps(library: list[Scenario], store: Store, tmp_path: Path, *steps: Any) -> Deps:
    fake = FakeModel("writer", list(steps))
    gateway = ModelGateway(fake.model, fakes=[fake], backoff_s=0, retries=0)
    generator = ScenarioGenerator(gateway, gen_fakes.FakeKnowledge(), tmp_path / "cache")
    return Deps(
        library=library, grader=OfflineGrader(semantic=False), store=store, pushback_rounds=0,
        generator=generator, generated_dir=tmp_path / "generated",
    )  # fmt: skip


def _matching_draft(chosen: Scenario) -> dict[str, Any]:
    return gen_fakes.make_draft(
        risks=list(chosen.risks), roles=[chosen.roles[0]], difficulty=chosen.difficulty
    )


def test_generated_scenario_is_shown_graded_and_survives_a_restart(
    library: list[Scenario], store: Store, tmp_path: Path
) -> None:
    chosen = next(s for s in library if s.id == "leaked-aws-key-release-day")
    steps = (gen_fakes.reply(_matching_draft(chosen)), gen_fakes.APPROVE)
    deps = _deps([chosen], store, tmp_path, *steps)
    session = TutorSession(deps, open_checkpointer(tmp_path / "cp.sqlite"))
    view = session.start("gen")
    assert view.scenario_id == "gen-leaked-key-in-ci-log"
    assert "A deploy key printed in a CI log" in view.briefing
    assert any("written by mockllm/writer" in n for n in view.notices)
    assert (tmp_path / "generated" / "gen-leaked-key-in-ci-log.yaml").is_file()

    # A new process (no in-memory scenario) resumes the same generated question.
    fresh = _deps([chosen], store, tmp_path)
    resumed = TutorSession(fresh, open_checkpointer(tmp_path / "cp.sqlite")).start("gen")
    assert (resumed.kind, resumed.scenario_id) == ("decision", "gen-leaked-key-in-ci-log")
    graded = TutorSession(fresh, open_checkpointer(tmp_path / "cp.sqlite"))
    graded.start("gen")
    view = graded.reply("Revoke the key now and check the logs.")
    assert view.kind == "feedback" and view.grade is not None and view.grade["passed"]
    attempt = store.history(store.learner("gen")).attempts[-1]
    assert attempt.scenario_id == "gen-leaked-key-in-ci-log"


def test_library_scenario_stands_in_when_generation_fails(
    library: list[Scenario], store: Store, tmp_path: Path
) -> None:
    chosen = next(s for s in library if s.id == "leaked-aws-key-release-day")
    deps = _deps([chosen], store, tmp_path, Fail("server_error"))
    view = TutorSession(deps, open_checkpointer(tmp_path / "cp.sqlite")).start("lib")
    assert view.scenario_id == chosen.id
    notice = next(n for n in view.notices if n.startswith("A curated scenario stood in"))
    assert "could not be reached" in notice and "InternalServerError" not in notice
