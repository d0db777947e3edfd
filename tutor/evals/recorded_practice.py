"""A whole practice turn through the graph, with every model path on, inside one cassette.

What ``tutor practice`` does with ``TUTOR_MODEL``, ``TUTOR_GENERATE=1`` and ``TUTOR_JUDGE=1``:
the compose node asks ``ScenarioGenerator`` for a scenario (the curated one stands in when it
fails), the persona's pushback is streamed by ``PersonaVoice``, and the answer is graded by
the offline grader reconciled with ``RubricJudge``. One gateway serves all three, as in the
CLI. The learner's first message is the injection attempt of ``LEARNER_MESSAGES``.

The graph decides how many model calls a turn makes, so a change to the graph's flow (not
only to a prompt) can also call for re-recording (``tutor eval --record``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.evals.cassettes import CASSETTES_DIR, Recording, cassette, recording
from tutor.evals.recorded_paths import (
    GENERATION_MAX_TOKENS,
    LEARNER_MESSAGES,
    Played,
    SectionReader,
    played,
)
from tutor.scenarios.model import Scenario

PRACTICE_SCENARIO = "leaked-aws-key-release-day"
PRACTICE_CASSETTE = Path("practice") / f"{PRACTICE_SCENARIO}.yaml"  # under the cassettes dir
LEARNER_NAME = "recorded-learner"


@dataclass(frozen=True)
class PracticeRun:
    """The three views a learner saw: the briefing, the persona's pushback, the feedback."""

    briefing: Any  # tutor.graph.TurnView
    pushback: Any
    feedback: Any
    persona_pieces: tuple[str, ...]  # the pushback as it streamed
    played: Played


def run_practice_turn(
    scenario: Scenario,
    docs_dir: Path,
    *,
    record: bool | None = None,
    recorded_with: Recording | None = None,
    cassettes_dir: Path = CASSETTES_DIR,
) -> PracticeRun:
    """One turn of ``scenario`` (the only one in the library, so it is the one selected)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from tutor.generation import ScenarioGenerator
    from tutor.grading.rubric_grader import OfflineGrader
    from tutor.graph import Deps, TutorSession
    from tutor.judging import JudgedGrader, RubricJudge
    from tutor.learner.store import Store
    from tutor.roleplay import PersonaVoice

    record = recording() if record is None else record
    path = cassettes_dir / PRACTICE_CASSETTE
    default = Recording(max_tokens=GENERATION_MAX_TOKENS)  # one gateway: the largest need
    how = (recorded_with or default) if record else Recording.of(path, default)
    gateway = how.gateway(recording=record)
    offline = OfflineGrader()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store("sqlite:///" + str(Path(tmp) / "tutor.sqlite"))
        deps = Deps(
            library=[scenario],
            grader=JudgedGrader(offline, RubricJudge(gateway)),
            stance_grader=offline,
            store=store,
            voice=PersonaVoice(gateway),
            generator=ScenarioGenerator(gateway, SectionReader(docs_dir), Path(tmp) / "cache"),
            generated_dir=Path(tmp) / "generated",
            pushback_rounds=1,
        )
        session = TutorSession(deps, InMemorySaver())
        pieces: list[str] = []
        try:
            with cassette(path, record=record, recorded_with=how) as recorded:
                briefing = session.start(LEARNER_NAME)
                pushback = session.reply(LEARNER_MESSAGES[0], on_persona_text=pieces.append)
                feedback = session.reply(LEARNER_MESSAGES[1])
        finally:
            store.engine.dispose()
    run = played(recorded, how, gateway, record)
    return PracticeRun(briefing, pushback, feedback, tuple(pieces), run)
