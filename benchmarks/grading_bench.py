"""Offline grader speed: milliseconds per answer over the labelled eval answers.

Start-up (loading the lexicon, the ONNX model, and embedding each scenario's rubric examples
once) is excluded: each scenario is graded once to warm up, then every answer is timed.
Target: p50 <= 20 ms per answer on the 2-core reference machine.

    python benchmarks/grading_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from tutor.cli.context import Context
from tutor.evals.grader_eval import load_cases
from tutor.evals.machine import describe_machine
from tutor.evals.metrics import percentile
from tutor.knowledge.encoder import default_threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {describe_machine()}; {default_threads()} embedding threads")
    ctx = Context()
    scenarios = {s.id: s for s in ctx.library}
    cases = []
    for split in ("dev", "test"):
        cases += load_cases(ctx.settings.evals_dir / "grader" / f"{split}.jsonl")
    grader = ctx.grader
    t0 = time.perf_counter()
    for case in cases:
        grader.grade(scenarios[case.scenario], "warm up")
    warm = time.perf_counter() - t0
    timings: list[float] = []
    for _ in range(args.repeat):
        for case in cases:
            start = time.perf_counter()
            grader.grade(scenarios[case.scenario], case.answer)
            timings.append((time.perf_counter() - start) * 1000)
    long_answer = " ".join(c.answer for c in cases)[:20_000]
    start = time.perf_counter()
    grader.grade(scenarios[cases[0].scenario], long_answer)
    long_ms = (time.perf_counter() - start) * 1000
    print(f"answers timed: {len(timings)} ({len(cases)} answers x {args.repeat})")
    print(f"warm-up (lexicon, ONNX model, rubric embeddings): {warm * 1000:.0f} ms")
    print(
        f"per answer: p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )
    print(f"one 20,000-character answer: {long_ms:.0f} ms")


if __name__ == "__main__":
    main()
