"""``tutor practice``: a terminal training session that adapts to the learner's mistakes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from tutor.cli.context import Context
from tutor.errors import InputError
from tutor.graph import Deps, TurnView, TutorSession, open_checkpointer

HELP = "Type your decision and press Enter.  /hint  a nudge (guided level)   /quit  stop and save"


def _show_decision(console: Console, view: TurnView, seen: int) -> int:
    """Print what is new since ``seen`` transcript entries; returns the new count."""
    if seen == 0:
        console.rule(f"Turn {view.turn}")
        if view.reason:
            console.print(f"[italic cyan]{view.reason}[/]")
        console.print(Panel(Text(view.briefing), title=view.scenario_id, expand=False))
        for notice in view.notices:
            console.print(f"[yellow]Note: {notice}[/]")
        level = f"Your level on this risk: {view.level}."
        console.print(f"[dim]{level} {HELP}[/]")
    for msg in view.transcript[seen:]:
        if msg["role"] == "persona":
            console.print(Panel(Text(msg["text"]), title=msg["speaker"], border_style="magenta"))
        elif msg["role"] == "tutor":
            console.print(f"[green]{msg['text']}[/]")
    return len(view.transcript)


def _show_feedback(console: Console, view: TurnView) -> None:
    passed = bool(view.grade and view.grade.get("passed"))
    console.print(Panel(view.feedback, title="Feedback", border_style="green" if passed else "red"))
    if view.progress_note:
        console.print(f"[dim]{view.progress_note}[/]")


def run_practice(
    ctx: Context, learner: str, console: Console, ask: Callable[[str], str] = input
) -> None:
    knowledge = None
    try:
        with console.status("Opening the knowledge base (the first run indexes it)..."):
            knowledge = ctx.knowledge
            knowledge.build()
    except Exception as exc:  # noqa: BLE001 - practice works without grounding
        console.print(f"[yellow]Knowledge base unavailable ({exc}); feedback will be shorter.[/]")
        knowledge = None
    voice = None
    generator = None
    grader: Any = ctx.grader
    if ctx.settings.model:
        from tutor.llm import ModelGateway
        from tutor.roleplay import PersonaVoice

        gateway = ModelGateway.from_settings(ctx.settings)
        voice = PersonaVoice(gateway)
        graded_by = "the offline engine"
        if ctx.settings.judge:
            from tutor.judging import JudgedGrader, RubricJudge

            grader = JudgedGrader(ctx.grader, RubricJudge(gateway, votes=ctx.settings.judge_votes))
            graded_by = "the model judge reconciled with the offline grader"
        written_by = "the curated library"
        if ctx.settings.generate and knowledge is not None:
            from tutor.generation import ScenarioGenerator

            generator = ScenarioGenerator(
                gateway, knowledge, ctx.settings.data_dir / "generation-cache"
            )
            written_by = "the model, grounded in the knowledge base (library as fallback)"
        console.print(
            f"[cyan]Counterparts are played by {ctx.settings.model}; grading: {graded_by}; "
            f"scenarios: {written_by}.[/]"
        )
    deps = Deps(
        library=ctx.library,
        grader=grader,
        stance_grader=ctx.grader,
        store=ctx.store,
        knowledge=knowledge,
        voice=voice,
        generator=generator,
        generated_dir=ctx.settings.generated_dir,
        pushback_rounds=ctx.settings.pushback_rounds,
        max_answer_chars=ctx.settings.answer_max_chars,
    )
    session = TutorSession(deps, open_checkpointer(ctx.settings.checkpoint_path))
    view = session.start(learner)
    console.print(f"Welcome, {learner}. Progress is saved after every answer.")
    seen = 0
    while True:
        if view.kind == "feedback":
            _show_feedback(console, view)
            try:
                more = ask("\nEnter for the next exercise, /quit to stop: ").strip().lower()
            except EOFError:
                more = "/quit"
            if more in {"/quit", "quit", "q", "/q", "exit"}:
                console.print(f"Saved. Come back with: tutor practice --learner {learner!r}")
                return
            view, seen = session.next_turn(), 0
            continue
        seen = _show_decision(console, view, seen)
        shown = time.monotonic()
        try:
            text = ask("\nyou> ")
        except EOFError:
            text = "/quit"
        if text.strip().lower() in {"/quit", "/q", "/exit"}:
            console.print(
                f"Saved. Your open question waits for you: tutor practice --learner {learner!r}"
            )
            return
        if text.strip().lower() in {"/help", "?"}:
            console.print(HELP)
            continue
        streamed: list[str] = []

        def show_piece(piece: str, streamed: list[str] = streamed) -> None:
            if not streamed:
                console.print("[magenta]counterpart:[/] ", end="")
            streamed.append(piece)
            console.print(piece, end="", markup=False, highlight=False)

        try:
            view = session.reply(
                text,
                decision_ms=int((time.monotonic() - shown) * 1000),
                on_persona_text=show_piece,
            )
        except InputError as exc:
            console.print(f"[red]{exc}[/]")
            continue
        if streamed:
            console.print()
            seen = len(view.transcript)  # already shown as it streamed in
