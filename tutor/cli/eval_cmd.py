"""``tutor eval``: grader agreement on dev and held-out test, and retrieval recall@5."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from tutor.cli.context import Context
from tutor.evals.grader_eval import GraderReport, evaluate_grader, load_cases

SPLITS = ("dev", "test")


def _print_grader(console: Console, report: GraderReport) -> None:
    console.print(
        f"[bold]Grader, {report.split} split[/]: {report.n} answers, agreement "
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


def run_eval(
    ctx: Context,
    console: Console,
    *,
    as_json: bool,
    floors: dict[str, float],
    retrieval: bool,
    min_recall: float,
    judge: bool = False,
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
        if report.agreement < floors.get(split, 0.0) or report.injections_passed:
            ok = False
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
        from tutor.evals.judge_eval import CASSETTE_DIR, run_judge_eval

        result["judge"] = {}
        for split in SPLITS:
            if not (CASSETTE_DIR / f"{split}.yaml").exists():
                continue
            judged = run_judge_eval(split, scenarios)
            result["judge"][split] = judged.summary()
            if any(r.injections_passed for r in judged.reports.values()):
                ok = False
            if not as_json:
                console.print(
                    f"[bold]Recorded model judge, {split} split[/] ({judged.judged} judged, "
                    f"{judged.unavailable} unavailable, replayed from {CASSETTE_DIR.name}/):"
                )
                for name, graded in judged.reports.items():
                    console.print(
                        f"  {name}: agreement {graded.agreement:.1%}, kappa {graded.kappa:.3f}, "
                        f"injections passed {graded.injections_passed}"
                    )
    result["ok"] = ok
    if as_json:
        print(json.dumps(result, indent=2, default=str))
    else:
        console.print("[green]eval passed[/]" if ok else "[red]eval below thresholds[/]")
    return ok
