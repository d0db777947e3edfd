"""Fitting the grader's criterion calibration on the labelled development answers.

Only the development split is read: the held-out test split measures the fitted grader and
never feeds it. Cross-validation holds out whole scenarios, so its figure says how the fitted
weights do on rubrics they were not fitted on, the situation of a newly written scenario.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from tutor.evals.grader_eval import EvalCase, evaluate_grader, load_cases
from tutor.grading.calibration import Calibration, fit_calibration
from tutor.grading.lexicon import LEXICON_FILE
from tutor.grading.rubric_grader import OfflineGrader
from tutor.hashing import file_sha256
from tutor.scenarios.model import Scenario

L2 = 30.0  # chosen by held-out-scenario log-loss on dev: 1 and 30 were within 0.002
THRESHOLD = 0.5
FOLDS = 7


@dataclass(frozen=True)
class Rows:
    """One row of readings per labelled criterion, with its label and scenario."""

    readings: list[dict[str, float]]
    labels: list[bool]
    scenarios: list[str]


def training_rows(cases: list[EvalCase], scenarios: dict[str, Scenario]) -> Rows:
    reader = OfflineGrader(calibration=False)
    rows = Rows([], [], [])
    for case in cases:
        readings = reader.readings(scenarios[case.scenario], case.answer)
        for cid, row in readings.items():
            if cid in case.expected_criteria:
                rows.readings.append(row)
                rows.labels.append(bool(case.expected_criteria[cid]))
                rows.scenarios.append(case.scenario)
    return rows


@dataclass(frozen=True)
class Training:
    """The labelled dev answers and their readings, read once for fitting and for CV."""

    path: Path
    cases: list[EvalCase]
    rows: Rows
    rubrics_sha256: str


def prepare(dev_path: Path, scenarios: dict[str, Scenario]) -> Training:
    cases = load_cases(dev_path)
    used = {c.scenario: scenarios[c.scenario] for c in cases}
    return Training(dev_path, cases, training_rows(cases, scenarios), rubrics_sha256(used))


def train(training: Training) -> Calibration:
    rows = training.rows
    return fit_calibration(
        rows.readings,
        rows.labels,
        l2=L2,
        threshold=THRESHOLD,
        trained_on={
            "file": training.path.name,
            "sha256": file_sha256(training.path),
            "rubrics_sha256": training.rubrics_sha256,
            "answers": len(training.cases),
            "criterion_labels": len(rows.labels),
            "l2": L2,
        },
    )


@dataclass(frozen=True)
class CrossValidation:
    answers: int
    rules_agreement: float  # pass/fail agreement of the hand rules alone
    calibrated_agreement: float  # with weights fitted on the other folds' scenarios
    rules_verdicts: float  # per-criterion and per-mistake agreement, rules alone
    calibrated_verdicts: float  # the same, calibrated (folds weighted by their answers)


def cross_validate(training: Training, scenarios: dict[str, Scenario]) -> CrossValidation:
    """Hold out a seventh of the scenarios at a time; fit on the rest, grade the held-out."""
    cases, rows = training.cases, training.rows
    names = sorted({c.scenario for c in cases})
    rules = evaluate_grader(OfflineGrader(calibration=False), scenarios, cases, "dev")
    agree = 0
    verdicts = 0.0
    for k in range(FOLDS):
        held = set(names[k::FOLDS])
        keep = [i for i, s in enumerate(rows.scenarios) if s not in held]
        if not keep:
            continue
        fold = fit_calibration(
            [rows.readings[i] for i in keep], [rows.labels[i] for i in keep], l2=L2
        )
        fold_cases = [c for c in cases if c.scenario in held]
        report = evaluate_grader(OfflineGrader(calibration=fold), scenarios, fold_cases, "cv")
        agree += round(report.agreement * report.n)
        verdicts += report.verdict_agreement * report.n
    return CrossValidation(
        len(cases),
        rules.agreement,
        agree / len(cases),
        rules.verdict_agreement,
        verdicts / len(cases),
    )


def rubrics_sha256(scenarios: dict[str, Scenario]) -> str:
    """One digest over the lexicon and the rubrics of ``scenarios``: what the readings rest on.

    Compared exactly by a test, so an edited rubric or lexicon entry asks for a re-fit on every
    machine, while the weights themselves are compared with a tolerance for float rounding.
    """
    digest = hashlib.sha256(LEXICON_FILE.read_bytes())
    for sid in sorted(scenarios):
        rubric = scenarios[sid].rubric.model_dump(mode="json")
        digest.update(json.dumps([sid, rubric], sort_keys=True).encode())
    return digest.hexdigest()
