"""``tutor``: practise, grade, index, manage scenarios, see progress, run evals.

Every error a user can cause is reported as one line on stderr with a non-zero exit code;
tracebacks are for bugs only.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from tutor import frameworks
from tutor.cli.context import Context
from tutor.errors import InputError, TutorError
from tutor.evals.grader_eval import DEV_FLOOR, RECALL_FLOOR, TEST_FLOOR
from tutor.evals.judge_floors import JUDGE_FLOOR, RECONCILED_MARGIN
from tutor.scenarios.loader import load_scenario, scenario_files, validate_all
from tutor.scenarios.model import Scenario
from tutor.settings import get_settings

app = typer.Typer(
    help="NHI security tutor: practise decisions about service accounts, keys, tokens and agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
scenarios_app = typer.Typer(help="List, show and validate scenario files.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")

out = Console()
err = Console(stderr=True, soft_wrap=True)  # one error, one line, whatever the terminal width


def say_error(text: str) -> None:
    err.print(text, markup=False, highlight=False)


@app.command()
def practice(
    learner: Annotated[
        str | None, typer.Option(help="Your name; progress is kept per name.")
    ] = None,
) -> None:
    """Start or resume an adaptive practice session in the terminal."""
    from tutor.cli.practice import run_practice

    name = learner
    if not name:
        try:
            name = input("Your name (progress is saved under it): ").strip()
        except EOFError:
            name = ""
    if not name:
        raise InputError("a learner name is needed: tutor practice --learner NAME")
    run_practice(Context(), name, out)


@app.command()
def grade(
    scenario: Annotated[Path, typer.Option(help="Scenario YAML file.")],
    answers: Annotated[Path, typer.Option(help='JSONL file: {"id": ..., "answer": ...} per line.')],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON grade per line.")] = False,
) -> None:
    """Grade answers against a scenario's rubric with the offline grader."""
    from tutor.cli.grade_cmd import grade_file

    ctx = Context()
    sc = load_scenario(scenario)
    grades, errors = grade_file(sc, answers, ctx.settings.answer_max_chars, ctx.grader)
    for g in grades:
        if as_json:
            print(g.to_json_line())
        else:
            status = "[green]PASS[/]" if g.passed else "[red]FAIL[/]"
            out.print(f"{g.id}: {status} {g.score:.0%} {' '.join(g.flags)}")
            out.print(f"  {g.feedback}")
    for e in errors:
        say_error(f"{answers}: {e}")
    if errors:
        raise typer.Exit(1)


@app.command()
def index() -> None:
    """Build or refresh the knowledge-base index (only changed sections are re-embedded)."""
    from rich.progress import Progress

    ctx = Context()
    kb = ctx.knowledge
    with Progress(console=out) as progress:
        task = progress.add_task("Indexing knowledge", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = kb.build(on_progress=on_progress)
    out.print(
        f"Index ready: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged."
    )


@scenarios_app.command("list")
def scenarios_list() -> None:
    """List the scenario library."""
    ctx = Context()
    table = Table("id", "risks", "roles", "persona", "difficulty", "title")
    for s in ctx.library:
        table.add_row(
            s.id,
            " ".join(s.risks),
            " ".join(s.roles),
            s.persona.kind if s.persona else "-",
            str(s.difficulty),
            s.title,
        )
    out.print(table)
    out.print(f"{len(ctx.library)} scenarios")


@scenarios_app.command("show")
def scenarios_show(scenario_id: str) -> None:
    """Show one scenario with its rubric."""
    from tutor.graph.nodes.compose import briefing

    ctx = Context()
    by_id = {s.id: s for s in ctx.library}
    if scenario_id not in by_id:
        raise InputError(f"no scenario with id {scenario_id!r}; see: tutor scenarios list")
    s = by_id[scenario_id]
    out.print(briefing(s), markup=False)
    if s.persona:
        out.print(
            f"\n{s.persona.name} ({s.persona.kind}): {s.persona.opening.strip()}", markup=False
        )
    out.print(f"\nRubric (pass at {s.rubric.pass_score:.0%}):")
    for c in s.rubric.criteria:
        out.print(
            f"  [{'critical' if c.critical else 'weight'} {c.weight:g}] {c.id}: {c.text}",
            markup=False,
        )
    for m in s.rubric.mistakes:
        out.print(f"  [mistake] {m.id}: {m.text}", markup=False)


@scenarios_app.command("validate")
def scenarios_validate(
    path: Annotated[
        Path | None, typer.Argument(help="A file or folder; default: the library.")
    ] = None,
    examples: Annotated[
        bool,
        typer.Option(
            "--examples",
            help="Also grade each rubric example on its own and warn about those the offline "
            "grader does not read as their own criterion or mistake.",
        ),
    ] = False,
) -> None:
    """Check scenario files; every problem names the file and the field."""
    target = path or Context().settings.scenarios_dir
    files = scenario_files(target)
    ok, errors = validate_all(files)
    for e in errors:
        say_error(str(e))
    out.print(f"{len(ok)} valid, {len(errors)} invalid")
    if examples and ok:
        _check_examples(ok, {f.stem: f for f in files})  # a scenario's id is its file's name
    if errors:
        raise typer.Exit(1)


def _check_examples(scenarios: list[Scenario], where: dict[str, Path]) -> None:
    """Warn, per file and field, about rubric examples the grader does not read as their item."""
    from tutor.grading import OfflineGrader
    from tutor.grading.example_check import example_count, unread_examples

    grader = OfflineGrader()
    total = unread = 0
    for scenario in scenarios:
        total += example_count(scenario)
        for example in unread_examples(scenario, grader):
            unread += 1
            say_error(f"warning: {where[scenario.id]}: {example.message()}")
    out.print(f"examples: {total - unread} of {total} read as their own criterion or mistake")


@app.command()
def progress(
    learner: Annotated[str, typer.Option(help="Learner name.")],
) -> None:
    """Mastery per risk, repeated mistakes and decision time for a learner."""
    from collections import Counter

    ctx = Context()
    if learner.strip() not in ctx.store.learner_names():
        raise InputError(f"no learner named {learner!r}")
    history = ctx.store.history(ctx.store.learner(learner))
    table = Table("risk", "mastery", "level", "attempts", "passed")
    for risk in sorted(history.risks.values(), key=lambda r: frameworks.RISK_IDS.index(r.risk_id)):
        table.add_row(
            frameworks.label(risk.risk_id),
            f"{risk.mastery:.0%}",
            risk.level,
            str(risk.attempts),
            str(risk.passed),
        )
    out.print(table)
    counts = Counter(m.pattern or m.mistake_id for m in history.mistakes)
    repeats = [(k, n) for k, n in counts.most_common() if n > 1]
    if repeats:
        out.print("Repeated mistakes: " + ", ".join(f"{k} x{n}" for k, n in repeats))
    else:
        out.print("No repeated mistakes.")
    median = history.median_decision_ms()
    out.print(
        f"Median decision time: {median / 1000:.0f} s over {history.turn} graded "
        f"turn{'' if history.turn == 1 else 's'}"
        if median is not None
        else "No timed decisions yet."
    )


@app.command("eval")
def eval_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    min_agreement: Annotated[
        float, typer.Option(help="Fail below this pass/fail agreement on the dev split.")
    ] = DEV_FLOOR,
    min_test_agreement: Annotated[
        float, typer.Option(help="Fail below this agreement on the held-out test split.")
    ] = TEST_FLOOR,
    retrieval: Annotated[bool, typer.Option(help="Also measure knowledge retrieval.")] = True,
    min_recall: Annotated[float, typer.Option(help="Fail below this recall@5.")] = RECALL_FLOOR,
    judge: Annotated[
        bool,
        typer.Option(
            help="Also replay the recorded model paths: judge (gated), generation, role-play."
        ),
    ] = False,
    min_judge_agreement: Annotated[
        float, typer.Option(help="Fail below this judge-alone agreement (with --judge).")
    ] = JUDGE_FLOOR,
    max_reconciled_drop: Annotated[
        float,
        typer.Option(help="Fail if the reconciled grade trails the offline one by more."),
    ] = RECONCILED_MARGIN,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Re-record the model cassettes against a live model first (TUTOR_MODEL_API_BASE"
            ", default the local server), then report like --judge.",
        ),
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(help="Model to record with (default TUTOR_MODEL, else local SmolLM2)."),
    ] = None,
    split: Annotated[
        list[str] | None,
        typer.Option(help="Judge split to re-record (repeatable; default dev and test)."),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(
            help="Record only 'judge' (its splits) or only 'paths' (generation, "
            "role-play, a practice turn)."
        ),
    ] = None,
    cases: Annotated[
        list[Path] | None,
        typer.Option(
            help="Your own labelled answers (JSONL, the evals/grader format; repeatable): "
            "graded instead of the shipped splits, gated by --min-agreement."
        ),
    ] = None,
) -> None:
    """Grader agreement (dev and held-out test) and retrieval recall@5; with --judge or
    --record, the recorded model judge, generation and role-play too."""
    from tutor.cli.eval_cmd import SPLITS, JudgeFloors, run_cases, run_eval

    ctx = Context()
    if cases:
        if record or judge:
            raise InputError("--cases grades with the offline grader only: drop --judge/--record")
        if not run_cases(ctx, out, cases, as_json=as_json, min_agreement=min_agreement):
            raise typer.Exit(1)
        return
    if record:
        from tutor.cli.eval_record import record as record_paths

        splits = split or list(SPLITS)
        unknown = sorted(set(splits) - set(SPLITS))
        if unknown:
            raise InputError(f"--split: unknown split {unknown[0]!r}; use dev or test")
        if only not in (None, "judge", "paths"):
            raise InputError(f"--only: {only!r} is neither 'judge' nor 'paths'")
        if only == "paths":
            splits = []
        if not record_paths(ctx, out, model=model, splits=splits, paths=only != "judge"):
            raise typer.Exit(1)
    ok = run_eval(
        ctx,
        out,
        as_json=as_json,
        floors={"dev": min_agreement, "test": min_test_agreement},
        retrieval=retrieval,
        min_recall=min_recall,
        judge=judge or record,
        judge_floors=JudgeFloors(min_judge_agreement, max_reconciled_drop),
    )
    if not ok:
        raise typer.Exit(1)


def main() -> None:
    """Console entry point: one clear line for user errors, no traceback."""
    from typer import _click  # typer bundles its own click; usage errors are its classes

    try:
        level = get_settings().log_level.upper()
        logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "ERROR")
        code = app(standalone_mode=False)
    except TutorError as exc:
        say_error(f"error: {exc}")
        sys.exit(2)
    except ValidationError as exc:  # a bad TUTOR_* variable or .env entry
        first = exc.errors()[0]
        name = "TUTOR_" + "_".join(str(p) for p in first["loc"]).upper()
        say_error(f"error: setting {name}: {first['msg']}")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        say_error("interrupted; everything answered so far is saved.")
        sys.exit(130)
    except _click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (typer.Abort, EOFError):
        sys.exit(1)
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":
    main()

__all__ = ["app", "main"]
