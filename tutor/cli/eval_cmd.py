"""``tutor eval``: grader agreement on dev and held-out test, and retrieval recall@5."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tutor.cli.context import Context
from tutor.errors import InputError
from tutor.evals.grader_eval import GraderReport, evaluate_grader, load_cases
from tutor.evals.judge_floors import JUDGE_FLOOR, RECONCILED_MARGIN
from tutor.scenarios.model import Scenario

SPLITS = ("dev", "test")


@dataclass(frozen=True)
class JudgeFloors:
    """``tutor eval --judge`` gates; defaults and their rationale in ``tutor.evals.judge_eval``."""

    min_judge: float = JUDGE_FLOOR
    max_reconciled_drop: float = RECONCILED_MARGIN


def _print_grader(console: Console, report: GraderReport, what: str = "split") -> None:
    console.print(
        f"[bold]Grader, {report.split} {what}[/]: {report.n} answers, agreement "
        f"{report.agreement:.1%}, Cohen's kappa {report.kappa:.3f}, per-verdict agreement "
        f"{report.verdict_agreement:.1%}, injections passed {report.injections_passed}/"
        f"{report.injections}"
    )
    table = Table("class", "agree", "n", "rate")
    for cls, (agree, n) in sorted(report.per_class.items()):
        table.add_row(cls, str(agree), str(n), f"{agree / n:.0%}")
    console.print(table)
    for d in report.disagreements:
        console.print(
            f"  disagree {d.case_id} [{d.cls}] expected {'pass' if d.expected else 'fail'}, "
            f"got {'pass' if d.actual else 'fail'}: {d.detail}",
            markup=False,
        )


def _finish(console: Console, result: dict[str, Any], ok: bool, as_json: bool) -> bool:
    """The report's last word, as JSON or as one line."""
    result["ok"] = ok
    if as_json:
        print(json.dumps(result, indent=2, default=str))
    else:
        console.print("[green]eval passed[/]" if ok else "[red]eval below thresholds[/]")
    return ok


def _within(report: GraderReport, floor: float) -> bool:
    """The grader gate of every labelled set: agreement at the floor or above, no injection
    passed."""
    return report.agreement >= floor and not report.injections_passed


def run_cases(
    ctx: Context, console: Console, files: list[Path], *, as_json: bool, min_agreement: float
) -> bool:
    """Grade one's own labelled answers (the eval file format) instead of the shipped splits:
    how a trainer checks the offline grader on their learners' wording before trusting it.
    Fails below ``min_agreement`` or on any passed injection, like the dev split."""
    scenarios = {s.id: s for s in ctx.library}
    result: dict[str, Any] = {"grader": {}}
    ok = True
    for path in files:
        if not path.is_file():
            raise InputError(f"--cases {path}: no such file")
        report = evaluate_grader(ctx.grader, scenarios, load_cases(path), path.name)
        result["grader"][path.name] = report.as_dict()
        ok = ok and _within(report, min_agreement)
        if not as_json:
            _print_grader(console, report, what="file")
    return _finish(console, result, ok, as_json)


def run_eval(
    ctx: Context,
    console: Console,
    *,
    as_json: bool,
    floors: dict[str, float],
    retrieval: bool,
    min_recall: float,
    judge: bool = False,
    judge_floors: JudgeFloors | None = None,
) -> bool:
    scenarios = {s.id: s for s in ctx.library}
    folder = ctx.settings.evals_dir / "grader"
    result: dict[str, Any] = {"grader": {}, "retrieval": {}}
    ok = True
    for split in SPLITS:
        path = folder / f"{split}.jsonl"
        if not path.exists():
            console.print(f"[red]missing eval set {path}[/]")
            ok = False
            continue
        report = evaluate_grader(ctx.grader, scenarios, load_cases(path), split)
        result["grader"][split] = report.as_dict()
        ok = ok and _within(report, floors.get(split, 0.0))
        if not as_json:
            _print_grader(console, report)
    if retrieval:
        from tutor.evals.retrieval import evaluate_retrieval

        queries = ctx.settings.evals_dir / "retrieval" / "queries.yaml"
        kb = ctx.knowledge
        for split in SPLITS:
            r = evaluate_retrieval(kb, queries, split)
            result["retrieval"][split] = r.as_dict()
            if r.recall < min_recall:
                ok = False
            if not as_json:
                console.print(
                    f"[bold]Retrieval, {split} split[/]: {r.n} queries, recall@5 "
                    f"{r.recall:.3f}, p50 {r.p50_ms:.1f} ms, p95 {r.p95_ms:.1f} ms"
                )
    if judge:
        from tutor.cli.eval_record import replay_paths

        judged_ok, result["judge"] = _judge(ctx, console, scenarios, as_json, judge_floors)
        paths_ok, result["model_paths"] = replay_paths(ctx, console, as_json)
        ok = ok and judged_ok and paths_ok
    return _finish(console, result, ok, as_json)


def _judge(
    ctx: Context,
    console: Console,
    scenarios: dict[str, Scenario],
    as_json: bool,
    floors: JudgeFloors | None,
) -> tuple[bool, dict[str, Any]]:
    """Replay the recorded judge on each split that has a cassette, and apply the gates."""
    from tutor.cli.eval_record import cassettes_dir
    from tutor.evals.judge_eval import judge_gate, run_judge_eval

    folder = cassettes_dir(ctx) / "judge"
    floors = floors or JudgeFloors()
    report: dict[str, Any] = {}
    ok = True
    for split in SPLITS:
        if not (folder / f"{split}.yaml").exists():
            continue
        judged = run_judge_eval(
            split,
            scenarios,
            record=False,
            cases_dir=ctx.settings.evals_dir / "grader",
            cassette_dir=folder,
        )
        problems = judge_gate(
            judged, min_judge=floors.min_judge, max_drop=floors.max_reconciled_drop
        )
        report[split] = {**judged.summary(), "problems": problems}
        ok = ok and not problems
        if as_json:
            continue
        console.print(
            f"[bold]Recorded model judge, {split} split[/] ({judged.model}: {judged.judged} "
            f"judged, {judged.unavailable} without a usable reply, replayed from "
            f"{folder.name}/{split}.yaml):"
        )
        for name, graded in judged.reports.items():
            console.print(
                f"  {name}: agreement {graded.agreement:.1%}, kappa {graded.kappa:.3f}, "
                f"injections passed {graded.injections_passed}"
            )
        for problem in problems:
            console.print(f"  [red]below threshold[/] {problem}", highlight=False)
    if not report:
        ok = False
        if not as_json:
            console.print(f"[red]no recorded judge cassette in {folder}[/]")
    return ok, report
