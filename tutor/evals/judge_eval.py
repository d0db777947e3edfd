"""Judge, offline and reconciled agreement on the labelled answers, replayed from recordings.

``run_judge_eval(split)`` asks the model judge about every case of ``evals/grader/<split>``
inside a vcrpy cassette (``evals/cassettes/judge/<split>.yaml``), then scores three graders
with ``evaluate_grader``: the judge alone, the offline grader, and the two reconciled.

The cassette is replayed only (no server, no network) unless ``TUTOR_RECORD=1``; then it is
deleted and recorded afresh against the local llama.cpp server (scripts/local_model/). The
match is on method, URL and JSON body, auth headers are filtered, and the gateway runs with
no retries and no fallbacks: litellm reports a cassette mismatch as a connection error, which
a retry or fallback would otherwise hide.

The recorded model is SmolLM2-135M: the figures prove the plumbing, not judging quality.
Re-record the test split (about 7 minutes on 2 cores)::

    scripts/local_model/serve.sh smollm2
    TUTOR_RECORD=1 .venv/bin/python -m pytest tests/judging/test_recorded_judge_eval.py
    scripts/local_model/serve.sh stop
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tutor.evals.grader_eval import EvalCase, GraderReport, evaluate_grader, load_cases
from tutor.grading.result import Grade, finalise
from tutor.grading.rubric_grader import OfflineGrader
from tutor.judging.grader import JudgedGrader
from tutor.judging.judge import RubricJudge
from tutor.llm import ModelGateway, ModelUnavailable
from tutor.scenarios.model import Scenario

LOCAL_API_BASE = "http://127.0.0.1:8765/v1"  # fixed: host and port are part of the match
LOCAL_API_KEY = "sk-local-not-a-secret"  # the local server checks no key; filtered anyway
LOCAL_MODEL = "openai/smollm2-135m-instruct"  # alias given by scripts/local_model/serve.sh
JUDGE_UNAVAILABLE = "judge_unavailable"

_SHIPPED = Path(__file__).resolve().parents[2]
CASSETTE_DIR = _SHIPPED / "evals" / "cassettes" / "judge"
CASES_DIR = _SHIPPED / "evals" / "grader"


class JsonObjectGateway(ModelGateway):
    """The gateway, sending the schema as ``{"type": "json_object", "schema": ...}``.

    llama-cpp-python's server rejects the OpenAI ``json_schema`` form that litellm makes from
    a pydantic class (HTTP 500) but constrains output with a grammar from this form. A
    stop-gap until the gateway offers this as an option (it overrides a private method).
    """

    async def _send(
        self, model: str, messages: list[dict[str, Any]], params: dict[str, Any]
    ) -> Any:
        fmt = params.get("response_format")
        if isinstance(fmt, type) and issubclass(fmt, BaseModel):
            schema = fmt.model_json_schema()
            params = {**params, "response_format": {"type": "json_object", "schema": schema}}
        return await super()._send(model, messages, params)


def local_gateway(model: str = LOCAL_MODEL, *, max_tokens: int = 400) -> ModelGateway:
    """A gateway to the local server: temperature 0, no retries, no fallbacks."""
    return JsonObjectGateway(
        model,
        api_base=LOCAL_API_BASE,
        api_key=LOCAL_API_KEY,
        json_schema=True,
        retries=0,
        timeout_s=120.0,
        max_tokens=max_tokens,
    )


def recording() -> bool:
    return os.environ.get("TUTOR_RECORD") == "1"


@contextmanager
def judge_cassette(split: str, *, record: bool | None = None) -> Iterator[Any]:
    """The split's cassette: replayed only, or (``record``) deleted and recorded afresh."""
    import vcr as vcrpy  # a dev dependency: only the recorded eval needs it

    record = recording() if record is None else record
    path = CASSETTE_DIR / f"{split}.yaml"
    if record:
        path.unlink(missing_ok=True)
    elif not path.exists():
        raise FileNotFoundError(f"no cassette {path}: record it with TUTOR_RECORD=1")
    vcr = vcrpy.VCR(
        cassette_library_dir=str(CASSETTE_DIR),
        record_mode="all" if record else "none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        filter_headers=["authorization", "api-key", "x-api-key", "openai-organization"],
        decode_compressed_response=True,
        serializer="yaml",
    )
    with vcr.use_cassette(path.name) as cassette:
        yield cassette


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

    def summary(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "judged": self.judged,
            "unavailable": self.unavailable,
            "interactions": self.interactions,
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
    gateway: ModelGateway | None = None,
    record: bool | None = None,
    cases_dir: Path = CASES_DIR,
) -> JudgeEvalResult:
    """Judge every case of ``split`` inside its cassette, then score the three graders."""
    cases = load_cases(cases_dir / f"{split}.jsonl")
    judge = RubricJudge(gateway or local_gateway())
    with judge_cassette(split, record=record) as cassette:
        outcomes = asyncio.run(_judge_all(judge, scenarios, cases))
    interactions, all_played = len(cassette), bool(cassette.all_played)
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
        split, reports, len(cases) - unavailable, unavailable, interactions, all_played
    )
