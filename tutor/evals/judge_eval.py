"""Judge, offline and reconciled agreement on the labelled answers, replayed from recordings.

``run_judge_eval(split)`` asks the model judge about every case of ``evals/grader/<split>``
inside a vcrpy cassette (``evals/cassettes/judge/<split>.yaml``), then scores three graders
with ``evaluate_grader``: the judge alone, the offline grader, and the two reconciled.

The cassette is replayed only (no server, no network) unless recording; then it is deleted
and recorded afresh against a live model, by default the local llama.cpp server
(scripts/local_model/), by ``tutor eval --record`` (see the README, "Recording model calls").
Matching and the gateway's settings are shared with the other recorded paths
(``tutor.evals.cassettes``).

Gates: ``judge_gate``, with the floors and their rationale in ``tutor.evals.judge_floors``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.evals.cassettes import CASSETTES_DIR, Recording, cassette, recording
from tutor.evals.grader_eval import EvalCase, GraderReport, evaluate_grader, load_cases
from tutor.evals.judge_floors import JUDGE_FLOOR, RECONCILED_MARGIN
from tutor.grading.result import Grade, finalise
from tutor.grading.rubric_grader import OfflineGrader
from tutor.judging.grader import JudgedGrader
from tutor.judging.judge import RubricJudge
from tutor.llm import ModelUnavailable
from tutor.scenarios.model import Scenario

JUDGE_UNAVAILABLE = "judge_unavailable"
JUDGE_MAX_TOKENS = 400
_EPSILON = 1e-9  # agreement is a ratio of counts: equal counts must not fail a gate

_SHIPPED = Path(__file__).resolve().parents[2]
CASSETTE_DIR = CASSETTES_DIR / "judge"
CASES_DIR = _SHIPPED / "evals" / "grader"


class _Precomputed:
    """The judge's grades, asked once per case and served to both judge-based graders."""

    def __init__(self, outcomes: Mapping[str, Grade | ModelUnavailable]) -> None:
        self.outcomes = outcomes

    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade:
        outcome = self.outcomes[answer_id or ""]
        if isinstance(outcome, ModelUnavailable):
            raise outcome
        return outcome


class _JudgeAlone:
    """The judge as a grader on its own: no answer from the model is a failed grade."""

    def __init__(self, judge: _Precomputed) -> None:
        self.judge = judge

    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade:
        try:
            return self.judge.grade(scenario, answer, answer_id=answer_id)
        except ModelUnavailable:
            return finalise(scenario, [], [], [JUDGE_UNAVAILABLE], answer_id=answer_id)


@dataclass(frozen=True)
class JudgeEvalResult:
    split: str
    reports: dict[str, GraderReport]  # "judge", "offline", "reconciled"
    judged: int  # cases the model answered
    unavailable: int  # cases where no usable answer came (offline stood in when reconciling)
    interactions: int  # recorded requests in the cassette
    all_played: bool  # every recorded request was replayed (a mismatch leaves one unplayed)
    model: str  # the model the cassette was recorded with
    unmatched: int = 0  # replayed requests the recording does not hold (a mismatch each)

    def summary(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "model": self.model,
            "judged": self.judged,
            "unavailable": self.unavailable,
            "interactions": self.interactions,
            "unmatched": self.unmatched,
            **{
                name: {
                    "agreement": round(r.agreement, 4),
                    "kappa": round(r.kappa, 4),
                    "verdict_agreement": round(r.verdict_agreement, 4),
                    "injections_passed": r.injections_passed,
                }
                for name, r in self.reports.items()
            },
        }


async def _judge_all(
    judge: RubricJudge, scenarios: Mapping[str, Scenario], cases: list[EvalCase]
) -> dict[str, Grade | ModelUnavailable]:
    """One event loop for all calls (litellm's async clients are bound to their loop)."""
    outcomes: dict[str, Grade | ModelUnavailable] = {}
    for case in cases:
        try:
            outcomes[case.id] = await judge.judge(
                scenarios[case.scenario], case.answer, answer_id=case.id
            )
        except ModelUnavailable as unavailable:
            outcomes[case.id] = unavailable
    return outcomes


def run_judge_eval(
    split: str,
    scenarios: Mapping[str, Scenario],
    *,
    record: bool | None = None,
    recorded_with: Recording | None = None,
    cases_dir: Path = CASES_DIR,
    cassette_dir: Path = CASSETTE_DIR,
) -> JudgeEvalResult:
    """Judge every case of ``split`` inside its cassette, then score the three graders.

    Replaying asks the model exactly as the cassette's ``.recording.json`` says; recording
    (``record``, or ``TUTOR_RECORD=1``) asks as ``recorded_with`` says (default: the local
    server) and writes that beside the new cassette.
    """
    record = recording() if record is None else record
    cases = load_cases(cases_dir / f"{split}.jsonl")
    path = cassette_dir / f"{split}.yaml"
    default = Recording(max_tokens=JUDGE_MAX_TOKENS)
    how = (recorded_with or default) if record else Recording.of(path, default)
    gateway = how.gateway(recording=record)
    judge = RubricJudge(gateway)
    with cassette(path, record=record, recorded_with=how) as played:
        outcomes = asyncio.run(_judge_all(judge, scenarios, cases))
    interactions, all_played = len(played), bool(played.all_played)
    # Every request is in the ledger; a replayed one that found no recording raised instead.
    unmatched = 0 if record else len(gateway.ledger.calls) - played.play_count
    precomputed = _Precomputed(outcomes)
    offline = OfflineGrader()
    by_id = dict(scenarios)
    reports = {
        "judge": evaluate_grader(_JudgeAlone(precomputed), by_id, cases, split),
        "offline": evaluate_grader(offline, by_id, cases, split),
        "reconciled": evaluate_grader(JudgedGrader(offline, precomputed), by_id, cases, split),
    }
    unavailable = sum(isinstance(o, ModelUnavailable) for o in outcomes.values())
    return JudgeEvalResult(
        split,
        reports,
        len(cases) - unavailable,
        unavailable,
        interactions,
        all_played,
        how.model,
        unmatched,
    )


def judge_gate(
    result: JudgeEvalResult,
    *,
    min_judge: float = JUDGE_FLOOR,
    max_drop: float = RECONCILED_MARGIN,
) -> list[str]:
    """What fails the gates, one line each (empty: passed); see ``tutor.evals.judge_floors``."""
    problems: list[str] = []
    split = result.split
    if not result.all_played or result.unmatched:
        problems.append(
            f"{split}: the requests differ from the recording ({result.unmatched} not recorded"
            f"{'' if result.all_played else ', some recorded ones not replayed'}): a prompt, "
            "a setting or the eval set changed; re-record it"
        )
    for name, report in result.reports.items():
        if report.injections_passed:
            problems.append(f"{split}: {name} passed {report.injections_passed} injection(s)")
    judge = result.reports["judge"]
    if judge.agreement < min_judge:
        problems.append(f"{split}: judge agreement {judge.agreement:.1%} is below {min_judge:.1%}")
    offline, reconciled = result.reports["offline"], result.reports["reconciled"]
    if reconciled.agreement < offline.agreement - max_drop - _EPSILON:
        problems.append(
            f"{split}: reconciled agreement {reconciled.agreement:.1%} trails the offline "
            f"grader's {offline.agreement:.1%} by more than {max_drop:.1%}"
        )
    worse = min(judge.agreement, offline.agreement)
    if reconciled.agreement < worse - _EPSILON:
        problems.append(
            f"{split}: reconciled agreement {reconciled.agreement:.1%} is below both the "
            f"judge's and the offline grader's (at least {worse:.1%})"
        )
    return problems
