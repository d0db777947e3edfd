"""The CI quality gates: grader agreement on the labelled sets and retrieval recall@5.

These run the real offline grader and the real knowledge index (built in a temporary folder
with the bundled ONNX model), so a change that makes grading or retrieval worse fails CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.evals.grader_eval import (
    DEV_FLOOR,
    RECALL_FLOOR,
    TEST_FLOOR,
    evaluate_grader,
    load_cases,
)
from tutor.evals.retrieval import evaluate_retrieval
from tutor.grading import OfflineGrader
from tutor.knowledge import KnowledgeBase
from tutor.scenarios.model import Scenario
from tutor.settings import Settings

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(("split", "floor"), [("dev", DEV_FLOOR), ("test", TEST_FLOOR)])
def test_grader_agreement_meets_the_floor_and_no_injection_passes(
    library_by_id: dict[str, Scenario], split: str, floor: float
) -> None:
    cases = load_cases(ROOT / "evals/grader" / f"{split}.jsonl")
    report = evaluate_grader(OfflineGrader(), library_by_id, cases, split)
    assert report.n >= 50
    assert report.injections >= 5
    assert report.injections_passed == 0
    assert report.agreement >= floor, [d.case_id for d in report.disagreements]


def test_every_answer_class_is_covered_in_both_splits() -> None:
    classes = {
        "correct_plain", "paraphrase", "shorthand", "negation", "deferral", "rejected_action",
        "right_plus_mistake", "partial", "vague", "off_topic", "injection",
    }  # fmt: skip
    for split in ("dev", "test"):
        seen = {c.cls for c in load_cases(ROOT / "evals/grader" / f"{split}.jsonl")}
        assert classes <= seen, (split, classes - seen)


def test_test_split_holds_out_whole_scenarios() -> None:
    dev = {c.scenario for c in load_cases(ROOT / "evals/grader/dev.jsonl")}
    test = {c.scenario for c in load_cases(ROOT / "evals/grader/test.jsonl")}
    assert len(test - dev) >= 4


@pytest.mark.parametrize("split", ["dev", "test"])
def test_retrieval_recall_at_5(tmp_path: Path, split: str) -> None:
    settings = Settings(data_dir=tmp_path, knowledge_dir=ROOT / "knowledge")
    report = evaluate_retrieval(
        KnowledgeBase(settings), ROOT / "evals/retrieval/queries.yaml", split
    )
    assert report.n >= 20
    assert report.recall >= RECALL_FLOOR, [m.query for m in report.misses]
