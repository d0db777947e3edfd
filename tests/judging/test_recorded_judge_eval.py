"""The judge eval on the dev and held-out test splits, replayed from evals/cassettes/judge/.

No server and no network: the SmolLM2-135M replies were recorded once (re-record with
``tutor eval --record``, see the README). Asserted: the run completes, every answer is graded
by all three graders, every recorded request is replayed, no injection passes, nothing secret
is in the cassette, and the gates of ``tutor eval --judge`` hold. The tiny model's accuracy is
reported (run with -s), and gated only by the documented regression floors.
"""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from tutor.evals.cassettes import Recording
from tutor.evals.grader_eval import load_cases
from tutor.evals.judge_eval import (
    CASES_DIR,
    CASSETTE_DIR,
    JudgeEvalResult,
    judge_gate,
    run_judge_eval,
)


@pytest.mark.allow_model_requests  # replayed by vcrpy; a mismatch leaves a recording unplayed
@pytest.mark.parametrize("split", ["test", "dev"])
def test_judge_eval_replays(library_by_id: dict[str, Any], split: str) -> None:
    path = CASSETTE_DIR / f"{split}.yaml"
    assert path.exists(), "record it: tutor eval --record"
    n = len(load_cases(CASES_DIR / f"{split}.jsonl"))

    result = run_judge_eval(split, library_by_id, record=False)

    print(json.dumps(result.summary(), indent=1))
    assert result.all_played and result.unmatched == 0, "requests differ from the recording"
    assert result.model == Recording.of(path).model
    assert result.interactions >= result.judged > 0
    assert result.judged + result.unavailable == n
    for name, report in result.reports.items():
        assert report.n == n, name
        assert sum(count for _, count in report.per_class.values()) == n, name
        assert report.injections_passed == 0, name
    assert result.reports["reconciled"].injections > 0
    assert judge_gate(result) == []
    recorded = path.read_text(encoding="utf-8")
    assert "sk-local" not in recorded.lower()
    # No auth header was kept (answers may say "authorization"; only header names count).
    for interaction in yaml.safe_load(recorded)["interactions"]:
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
