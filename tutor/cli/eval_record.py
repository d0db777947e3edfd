"""``tutor eval --record``: re-record the model paths against a live model; and the replayed
generation and role-play outcomes that ``tutor eval --judge`` reports.

Recording asks ``--model`` (default ``TUTOR_MODEL``, else the local SmolLM2 alias) at
``TUTOR_MODEL_API_BASE`` (default the fixed local llama.cpp server of
``scripts/local_model/serve.sh``), with ``TUTOR_MODEL_SCHEMA_MODE``; ``auto`` against the local
server means ``json_object``, the only form it constrains output with. Each cassette gets a
``.recording.json`` beside it, so the replay asks exactly the same way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console

from tutor.cli.context import Context
from tutor.evals.cassettes import LOCAL_API_BASE, LOCAL_MODEL, Recording
from tutor.evals.recorded_paths import (
    GENERATION_CASSETTE,
    GENERATION_MAX_TOKENS,
    ROLEPLAY_MAX_TOKENS,
    ROLEPLAY_SCENARIOS,
    GenerationRun,
    RoleplayRun,
    roleplay_cassette,
    run_generation,
    run_roleplay,
)
from tutor.evals.recorded_practice import (
    PRACTICE_CASSETTE,
    PRACTICE_SCENARIO,
    PracticeRun,
    run_practice_turn,
)
from tutor.llm import ModelUnavailable, StreamTruncated
from tutor.settings import Settings

_SHOWN = 200  # characters of a persona reply shown in the report (small models ramble)


def cassettes_dir(ctx: Context) -> Path:
    """The cassettes the settings point at (the source checkout's, or the wheel's copy)."""
    return ctx.settings.evals_dir / "cassettes"


def recording_for(settings: Settings, model: str | None) -> Recording:
    """How to record: which model, where, and how to ask for structured output."""
    api_base = settings.model_api_base or LOCAL_API_BASE
    mode = settings.model_schema_mode
    if mode == "auto" and api_base == LOCAL_API_BASE:
        mode = "json_object"
    return Recording(
        model=model or settings.model or LOCAL_MODEL, api_base=api_base, schema_mode=mode
    )


def record(
    ctx: Context,
    console: Console,
    *,
    model: str | None,
    splits: Sequence[str],
    paths: bool = True,
) -> bool:
    """Record the judge cassettes of ``splits``, then (``paths``) the generation and role-play
    ones; False when the model gave no usable judge answer at all (nothing else is recorded
    then: the server is most likely not running)."""
    from tutor.evals.judge_eval import JUDGE_MAX_TOKENS, run_judge_eval

    how = recording_for(ctx.settings, model)
    console.print(
        f"Recording with {how.model} at {how.api_base} (schema mode {how.schema_mode}).",
        markup=False,
    )
    unreachable = _probe(how)
    if unreachable:
        console.print(
            f"[red]No answer from {how.model} at {how.api_base} ({unreachable}): is it served? "
            "Nothing was re-recorded.[/]",
            highlight=False,
        )
        return False
    scenarios = {s.id: s for s in ctx.library}
    ok = True
    for split in splits:
        started = time.perf_counter()
        console.print(f"judge, {split} split: one request per answer, more for repairs ...")
        judged = run_judge_eval(
            split,
            scenarios,
            record=True,
            recorded_with=replace(how, max_tokens=JUDGE_MAX_TOKENS),
            cases_dir=ctx.settings.evals_dir / "grader",
            cassette_dir=cassettes_dir(ctx) / "judge",
        )
        console.print(
            f"  {judged.interactions} requests recorded in {time.perf_counter() - started:.0f} s;"
            f" {judged.unavailable} answers without a usable reply"
        )
        if judged.judged == 0:
            console.print(f"[red]no usable answer at all: is {how.model} served at {how.api_base}?")
            ok = False
    if not ok or not paths:
        return ok
    started = time.perf_counter()
    console.print("generation ...")
    gen = run_generation(
        ctx.settings.docs_dir,
        record=True,
        recorded_with=replace(how, max_tokens=GENERATION_MAX_TOKENS),
        cassettes_dir=cassettes_dir(ctx),
    )
    _print_generation(console, gen)
    console.print("role-play ...")
    for scenario_id in ROLEPLAY_SCENARIOS:
        run = run_roleplay(
            scenarios[scenario_id],
            record=True,
            recorded_with=replace(how, max_tokens=ROLEPLAY_MAX_TOKENS),
            cassettes_dir=cassettes_dir(ctx),
        )
        _print_roleplay(console, run)
    console.print("a practice turn through the graph (generation, role-play, judge) ...")
    turn = run_practice_turn(
        scenarios[PRACTICE_SCENARIO],
        ctx.settings.docs_dir,
        record=True,
        recorded_with=replace(how, max_tokens=GENERATION_MAX_TOKENS),
        cassettes_dir=cassettes_dir(ctx),
    )
    _print_practice(console, turn)
    console.print(f"  recorded in {time.perf_counter() - started:.0f} s")
    return True


def _probe(how: Recording) -> str | None:
    """Why the model cannot be recorded (None: it answers). Asked before any cassette is
    deleted, so a server that is not running costs nothing already recorded."""
    gateway = replace(how, max_tokens=4).gateway(recording=True)
    try:
        gateway.stream_text_sync([{"role": "user", "content": "Say OK."}], purpose="probe")
    except StreamTruncated:
        return None  # it answered, and reached the tiny token limit
    except ModelUnavailable as unavailable:
        return unavailable.reason
    return None


def replay_paths(ctx: Context, console: Console, as_json: bool) -> tuple[bool, dict[str, Any]]:
    """Replay the generation and role-play cassettes that exist; a request that differs from
    the recording fails (no thresholds: a tiny model's failures are reported, not gated)."""
    report: dict[str, Any] = {}
    ok = True
    scenarios = {s.id: s for s in ctx.library}
    folder = cassettes_dir(ctx)
    if (folder / GENERATION_CASSETTE).exists():
        gen = run_generation(ctx.settings.docs_dir, record=False, cassettes_dir=folder)
        report["generation"] = _generation_summary(gen)
        ok = ok and gen.played.ok
        if not as_json:
            _print_generation(console, gen)
    for scenario_id in ROLEPLAY_SCENARIOS:
        if not roleplay_cassette(folder, scenario_id).exists():
            continue
        run = run_roleplay(scenarios[scenario_id], record=False, cassettes_dir=folder)
        report.setdefault("roleplay", {})[scenario_id] = {
            "model": run.played.model,
            "matched": run.played.ok,
            "replies": [
                {"text": r.text, "pieces": len(r.pieces), "problem": r.problem} for r in run.replies
            ],
        }
        ok = ok and run.played.ok
        if not as_json:
            _print_roleplay(console, run)
    if (folder / PRACTICE_CASSETTE).exists():
        turn = run_practice_turn(
            scenarios[PRACTICE_SCENARIO], ctx.settings.docs_dir, record=False, cassettes_dir=folder
        )
        report["practice"] = _practice_summary(turn)
        ok = ok and turn.played.ok
        if not as_json:
            _print_practice(console, turn)
    return ok, report


def _generation_summary(gen: GenerationRun) -> dict[str, Any]:
    return {
        "model": gen.played.model,
        "requests": gen.played.interactions,
        "matched": gen.played.ok,
        "scenario": gen.generated.scenario.id if gen.generated else None,
        "citations": list(gen.generated.citations) if gen.generated else [],
        "failure": str(gen.failure) if gen.failure else None,
        "reasons": list(gen.failure.reasons) if gen.failure else [],
    }


def _print_generation(console: Console, gen: GenerationRun) -> None:
    head = f"Recorded generation ({gen.played.model}, {gen.played.interactions} requests): "
    if gen.generated is not None:
        cited = ", ".join(gen.generated.citations)
        text = f"wrote {gen.generated.scenario.id}, citing {cited}"
    else:
        text = f"{gen.failure}; the curated library stands in"
    if not gen.played.ok:
        text += " [the requests differ from the recording: re-record]"
    console.print(head + text, markup=False, highlight=False)


def _practice_summary(turn: PracticeRun) -> dict[str, Any]:
    grade = turn.feedback.grade or {}
    return {
        "model": turn.played.model,
        "requests": turn.played.interactions,
        "matched": turn.played.ok,
        "scenario": turn.briefing.scenario_id,
        "notices": list(turn.feedback.notices),
        "persona_pieces": len(turn.persona_pieces),
        "passed": grade.get("passed"),
        "flags": list(grade.get("flags", [])),
    }


def _print_practice(console: Console, turn: PracticeRun) -> None:
    summary = _practice_summary(turn)
    console.print(
        f"Recorded practice turn ({turn.played.model}, {turn.played.interactions} requests): "
        f"scenario {summary['scenario']}; persona streamed in {summary['persona_pieces']} "
        f"pieces; graded {'pass' if summary['passed'] else 'fail'}, flags "
        f"{', '.join(summary['flags']) or 'none'}",
        markup=False,
        highlight=False,
    )
    for notice in summary["notices"]:
        console.print(f"  notice: {notice}", markup=False, highlight=False)
    if not turn.played.ok:
        console.print("  the requests differ from the recording: re-record", markup=False)


def _print_roleplay(console: Console, run: RoleplayRun) -> None:
    console.print(f"Recorded role-play, {run.scenario_id} ({run.played.model}):", markup=False)
    for reply in run.replies:
        text = " ".join(reply.text.split())
        shown = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
        stopped = f"; stopped: {reply.problem}" if reply.problem else ""
        console.print(
            f"  ({len(reply.pieces)} streamed pieces{stopped}) {shown}",
            markup=False,
            highlight=False,
        )
    if not run.played.ok:
        console.print("  the requests differ from the recording: re-record", markup=False)
