"""`tutor practice`: a scripted learner at the terminal, quitting and coming back."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tutor.cli.context import Context
from tutor.cli.practice import HELP, run_practice
from tutor.learner.selection import select_next
from tutor.settings import Settings


class Script:
    """Answers prompts from a list; records what was asked. Raises EOFError when empty."""

    def __init__(self, decisions: list[str], after_feedback: list[str]) -> None:
        self.decisions = list(decisions)
        self.after_feedback = list(after_feedback)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        queue = self.decisions if "you>" in prompt else self.after_feedback
        if not queue:
            raise EOFError
        return queue.pop(0)


@pytest.fixture
def ctx_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Context]]:
    def no_knowledge(self: Context) -> Any:
        raise RuntimeError("no knowledge index in tests")

    monkeypatch.setattr(Context, "knowledge", property(no_knowledge))
    made: list[Context] = []

    def make() -> Context:
        ctx = Context(Settings(data_dir=tmp_path / "data", chroma_host=None, model=None))
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        if "store" in ctx.__dict__:
            ctx.store.engine.dispose()


def play(ctx: Context, script: Script, name: str = "rae") -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=False, color_system=None)
    run_practice(ctx, name, console, ask=script)
    return buffer.getvalue()


def test_play_one_answer_see_feedback_quit_and_come_back(
    ctx_factory: Callable[[], Context],
) -> None:
    ctx = ctx_factory()
    first_pick = select_next(ctx.library, ctx.store.history(ctx.store.learner("rae")))
    script = Script(
        [
            "/help",
            "",
            "I would revoke the credential now and check the logs.",
            "No, we revoke it first.",
        ],
        ["/quit"],
    )
    out = play(ctx, script)
    assert "Knowledge base unavailable" in out
    assert "Welcome, rae." in out
    assert "Turn 1" in out
    assert first_pick.reason in out  # the selection reason is shown
    assert HELP in out
    assert "the answer is empty" in out
    assert "Feedback" in out
    assert "Saved. Come back with: tutor practice --learner 'rae'" in out
    history = ctx.store.history(ctx.store.learner("rae"))
    assert [(a.turn, a.status, a.scenario_id) for a in history.attempts] == [
        (1, "graded", first_pick.scenario.id)
    ]
    answer = history.attempts[0].answer
    assert answer.startswith("I would revoke the credential now and check the logs.")
    assert history.attempts[0].decision_ms is not None

    # Come back: the next exercise starts, and quitting mid-question keeps it open.
    ctx2 = ctx_factory()
    out2 = play(ctx2, Script(["/quit"], []))
    assert "Turn 2" in out2
    assert "Your open question waits for you" in out2
    attempts = ctx2.store.history(ctx2.store.learner("rae")).attempts
    assert [(a.turn, a.status) for a in attempts] == [(1, "graded"), (2, "shown")]
    second = attempts[1].scenario_id
    assert second != first_pick.scenario.id

    # Come back again: the same open question is shown, not a new one.
    ctx3 = ctx_factory()
    script3 = Script([], [])  # EOF at the first prompt counts as /quit
    out3 = play(ctx3, script3)
    assert "Turn 2" in out3 and second in out3
    assert "Turn 3" not in out3
    assert len(ctx3.store.history(ctx3.store.learner("rae")).attempts) == 2


def test_practice_command_needs_a_learner_name(
    run_main: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt="": (_ for _ in ()).throw(EOFError()))
    result = run_main("practice")
    assert result.code == 2
    assert result.err_text == "error: a learner name is needed: tutor practice --learner NAME"


def test_practice_says_which_parts_a_configured_model_plays(
    ctx_factory: Callable[[], Context], tmp_path: Path
) -> None:
    ctx = Context(Settings(data_dir=tmp_path / "data2", chroma_host=None, model="openai/gpt-4o"))
    out = play(ctx, Script(["/quit"], []), name="mo")
    assert "Counterparts are played by openai/gpt-4o" in out
    assert "offline engine" in out
    ctx.store.engine.dispose()
