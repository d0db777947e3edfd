"""The learner's stance between pushback lines is read without the offline grader's embedding
pass: the stance depends only on mistakes, which that pass never touches."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from tutor.grading import OfflineGrader
from tutor.graph import Deps, TutorSession
from tutor.graph.nodes.roleplay import for_stance, stance
from tutor.learner.store import Store
from tutor.llm import FakeModel, ModelGateway, Reply
from tutor.roleplay import PersonaVoice

GENERIC = (
    "No. I am not doing that; I will escalate to security now.",
    "Fine, just this once, I'll send it over Slack and we fix it after the release.",
    "Sure, use my token for now and we rotate it next week.",
)


def test_the_stance_is_read_without_the_embedding_pass() -> None:
    semantic = OfflineGrader()
    reader = for_stance(semantic)
    assert isinstance(reader, OfflineGrader) and not reader.semantic
    assert reader.confirm_mistakes  # the same mistakes as the grade
    assert reader.lexicon is semantic.lexicon and reader.name == semantic.name
    lexical = OfflineGrader(semantic=False)
    assert for_stance(lexical) is lexical


def test_any_other_grader_reads_the_stance_as_it_is() -> None:
    class Judged:
        name = "judged"

        def grade(self, scenario: Any, answer: str, *, answer_id: str | None = None) -> Any:
            raise AssertionError("not called")

    class Stricter(OfflineGrader):
        """A subclass may grade differently: it is not replaced."""

    judged, stricter = Judged(), Stricter()
    assert for_stance(judged) is judged
    assert for_stance(stricter) is stricter


def test_mistakes_and_stance_are_the_same_with_or_without_the_embedding_pass(
    library: list[Any],
) -> None:
    semantic = OfflineGrader()
    reader = for_stance(semantic)
    checked, seen = 0, set()
    with_persona = sorted((s for s in library if s.persona is not None), key=lambda s: s.id)
    for scenario in with_persona[::4]:  # a spread of the library (embedding each is slow)
        rubric = scenario.rubric
        answers = [
            *GENERIC,
            *(e for m in rubric.mistakes for e in m.examples[:2]),
            *(e for c in rubric.criteria for e in c.examples[:1]),
        ]
        for answer in answers:
            full, quick = semantic.grade(scenario, answer), reader.grade(scenario, answer)
            assert quick.mistakes == full.mistakes, (scenario.id, answer)  # so the same stance
            checked, seen = checked + 1, seen | {stance(reader, scenario, [answer])}
    assert checked > 40 and seen == {"refusing", "complying"}


def test_the_persona_turn_runs_no_embeddings_and_grading_still_does(
    library: list[Any], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.grading import semantic

    calls: list[int] = []
    real = semantic.best_match

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(semantic, "best_match", counted)
    fake = FakeModel("stance", [Reply("We have fifty minutes. Please, just this once.")])
    voice = PersonaVoice(ModelGateway(fake.model, fakes=[fake], backoff_s=0, retries=0))
    grader = OfflineGrader()
    deps = Deps(library=library, grader=grader, stance_grader=grader, store=store, voice=voice)
    session = TutorSession(deps, InMemorySaver())
    session.start("stance")
    view = session.reply("I would send it to them just this once and deal with it later.")
    assert view.kind == "decision" and view.transcript[-1]["role"] == "persona"
    assert calls == []  # the stance was read without the criteria's embedding pass
    view = session.reply("I refuse. I revoke the key now and check the audit logs.")
    assert view.kind == "feedback" and view.grade is not None
    assert calls  # the grade itself keeps the embedding pass
