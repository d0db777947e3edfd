"""Grader agreement against the labelled answer set in ``evals/grader/``.

Each line: ``{"id", "scenario", "class", "answer", "expected": {"passed", "criteria",
"mistakes", "flags"}}``. Labels come from the rubric's meaning, written without running the
grader; ``test.jsonl`` is held out and never used for tuning.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tutor.errors import InputError
from tutor.evals.metrics import agreement, cohens_kappa
from tutor.grading.result import PROMPT_INJECTION, Grade
from tutor.scenarios.model import Scenario

# CI gates (``tutor eval`` exits non-zero below them; tests/evals/test_quality_gates.py too).
# The product target is 0.90 agreement on both splits; the floors stop regressions:
# 0.85 on dev (the set the grader is developed against, and the calibration is fitted on) and
# 0.80 on the held-out test split. The test split (470 answers, 416 of them written blind in
# batches, each graded once on arrival and never tuned or fitted on) measures 0.83: below the
# target and below the 0.85, and reported as such. Dev (465 answers) measures 0.90.
# Any passed injection fails, on any split.
DEV_FLOOR = 0.85
TEST_FLOOR = 0.80
RECALL_FLOOR = 0.90
TARGET = 0.90


class Grader(Protocol):
    def grade(self, scenario: Scenario, answer: str, *, answer_id: str | None = None) -> Grade: ...


@dataclass(frozen=True)
class EvalCase:
    id: str
    scenario: str
    cls: str
    answer: str
    expected_passed: bool
    expected_criteria: dict[str, bool]
    expected_mistakes: dict[str, bool]
    expected_flags: tuple[str, ...]


@dataclass
class Disagreement:
    case_id: str
    cls: str
    expected: bool
    actual: bool
    detail: str


@dataclass
class GraderReport:
    split: str
    n: int
    agreement: float
    kappa: float
    verdict_agreement: float
    injections: int
    injections_passed: int
    per_class: dict[str, tuple[int, int]] = field(default_factory=dict)  # class -> (agree, n)
    disagreements: list[Disagreement] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "n": self.n,
            "agreement": round(self.agreement, 4),
            "kappa": round(self.kappa, 4),
            "verdict_agreement": round(self.verdict_agreement, 4),
            "injections": self.injections,
            "injections_passed": self.injections_passed,
            "per_class": {k: {"agree": a, "n": n} for k, (a, n) in sorted(self.per_class.items())},
            "disagreements": [d.__dict__ for d in self.disagreements],
        }


def load_cases(path: Path) -> list[EvalCase]:
    cases = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            exp = row["expected"]
            cases.append(
                EvalCase(
                    id=row["id"],
                    scenario=row["scenario"],
                    cls=row["class"],
                    answer=row["answer"],
                    expected_passed=bool(exp["passed"]),
                    expected_criteria=dict(exp.get("criteria", {})),
                    expected_mistakes=dict(exp.get("mistakes", {})),
                    expected_flags=tuple(exp.get("flags", [])),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path} line {number}: not a valid eval case ({exc})") from None
    return cases


def _check_labels(case: EvalCase, scenario: Scenario) -> None:
    """A label for an id the rubric lacks is a typo that would silently drop out of the
    per-verdict figure: name it."""
    rubric = scenario.rubric
    for kind, labels, known in (
        ("criterion", case.expected_criteria, {c.id for c in rubric.criteria}),
        ("mistake", case.expected_mistakes, {m.id for m in rubric.mistakes}),
    ):
        unknown = sorted(set(labels) - known)
        if unknown:
            raise InputError(
                f"eval case {case.id}: {kind} {unknown[0]!r} is not in the rubric of "
                f"{scenario.id} (it has {', '.join(sorted(known))})"
            )


def evaluate_grader(
    grader: Grader, scenarios: dict[str, Scenario], cases: list[EvalCase], split: str
) -> GraderReport:
    expected: list[bool] = []
    actual: list[bool] = []
    verdict_hits = verdict_total = 0
    per_class: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    disagreements: list[Disagreement] = []
    injections = injections_passed = 0
    for case in cases:
        if case.scenario not in scenarios:
            raise InputError(f"eval case {case.id}: unknown scenario {case.scenario!r}")
        _check_labels(case, scenarios[case.scenario])
        grade = grader.grade(scenarios[case.scenario], case.answer, answer_id=case.id)
        expected.append(case.expected_passed)
        actual.append(grade.passed)
        per_class[case.cls][1] += 1
        if case.expected_passed == grade.passed:
            per_class[case.cls][0] += 1
        is_injection = PROMPT_INJECTION in case.expected_flags
        if is_injection:
            injections += 1
            injections_passed += grade.passed
        wrong: list[str] = []
        for v in grade.criteria:
            if v.id in case.expected_criteria:
                verdict_total += 1
                if case.expected_criteria[v.id] == v.met:
                    verdict_hits += 1
                else:
                    wrong.append(f"criterion {v.id}: expected {case.expected_criteria[v.id]}")
        for m in grade.mistakes:
            if m.id in case.expected_mistakes:
                verdict_total += 1
                if case.expected_mistakes[m.id] == m.made:
                    verdict_hits += 1
                else:
                    wrong.append(f"mistake {m.id}: expected {case.expected_mistakes[m.id]}")
        flagged = PROMPT_INJECTION in grade.flags
        if flagged != is_injection:
            wrong.append(f"prompt_injection flag: expected {is_injection}")
        if case.expected_passed != grade.passed:
            disagreements.append(
                Disagreement(
                    case.id, case.cls, case.expected_passed, grade.passed, "; ".join(wrong)
                )
            )
    return GraderReport(
        split=split,
        n=len(cases),
        agreement=agreement(expected, actual),
        kappa=cohens_kappa(expected, actual),
        verdict_agreement=verdict_hits / verdict_total if verdict_total else 0.0,
        injections=injections,
        injections_passed=injections_passed,
        per_class={k: (v[0], v[1]) for k, v in per_class.items()},
        disagreements=disagreements,
    )
