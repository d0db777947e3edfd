"""The judge eval's gates, and the recorded judge cassettes in evals/cassettes/judge/.

The cassettes themselves are replayed in full once, by ``tutor eval --judge`` in
tests/cli/test_cli_eval.py (about a minute per split): here, that they hold a recording for
every labelled answer and keep no secret, and that each gate names what failed.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from tutor.evals.grader_eval import load_cases
from tutor.evals.judge_eval import (
    CASES_DIR,
    CASSETTE_DIR,
    JudgeEvalResult,
    judge_gate,
)


@pytest.mark.parametrize("split", ["test", "dev"])
def test_judge_cassettes_keep_no_secret(split: str) -> None:
    path = CASSETTE_DIR / f"{split}.yaml"
    assert path.exists(), "record it: tutor eval --record"
    recorded = path.read_text(encoding="utf-8")
    assert "sk-local" not in recorded.lower()
    interactions = yaml.safe_load(recorded)["interactions"]
    assert len(interactions) >= len(load_cases(CASES_DIR / f"{split}.jsonl"))
    # No auth header was kept (answers may say "authorization"; only header names count).
    for interaction in interactions:
        names = {name.lower() for name in interaction["request"]["headers"]}
        assert not names & {"authorization", "api-key", "x-api-key"}, names


def test_the_gates_name_what_failed() -> None:
    def report(agreement: float, injections_passed: int = 0) -> Any:
        return SimpleNamespace(agreement=agreement, injections_passed=injections_passed)

    good = JudgeEvalResult(
        "test",
        {"judge": report(0.6), "offline": report(0.8), "reconciled": report(0.7)},
        judged=54,
        unavailable=0,
        interactions=54,
        all_played=True,
        model="openai/x",
    )
    assert judge_gate(good) == []
    bad = replace(
        good,
        reports={"judge": report(0.4), "offline": report(0.8), "reconciled": report(0.3, 1)},
        all_played=False,
    )
    problems = judge_gate(bad)
    assert problems == [
        "test: the requests differ from the recording (0 not recorded, some recorded ones not "
        "replayed): a prompt, a setting or the eval set changed; re-record it",
        "test: reconciled passed 1 injection(s)",
        "test: judge agreement 40.0% is below 50.0%",
        "test: reconciled agreement 30.0% trails the offline grader's 80.0% by more than 40.0%",
        "test: reconciled agreement 30.0% is below both the judge's and the offline grader's "
        "(at least 40.0%)",
    ]
    assert judge_gate(bad, min_judge=0.4, max_drop=0.5) == [problems[i] for i in (0, 1, 4)]
