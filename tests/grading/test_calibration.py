"""The fitted criterion calibration: what it was fitted on, how it decides, bad files."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest

from tutor.errors import InputError
from tutor.evals.calibration_training import prepare, train
from tutor.grading import OfflineGrader
from tutor.grading.calibration import (
    CALIBRATION_FILE,
    FEATURES,
    Calibration,
    fit_calibration,
    load_calibration,
    parse_calibration,
)
from tutor.hashing import file_sha256
from tutor.scenarios.loader import load_all, load_scenario, scenario_files
from tutor.scenarios.model import Scenario

ROOT = Path(__file__).parents[2]
DEV = ROOT / "evals/grader/dev.jsonl"
SCENARIO = ROOT / "knowledge/scenarios/leaked-aws-key-release-day.yaml"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(SCENARIO)


def constant(met: bool) -> Calibration:
    """A calibration that says met (or not met) whatever it reads."""
    cal = load_calibration()
    return dataclasses.replace(
        cal, weights=tuple(0.0 for _ in cal.weights), bias=20.0 if met else -20.0
    )


def verdict(grade, cid: str):  # type: ignore[no-untyped-def]
    return next(v for v in grade.criteria if v.id == cid)


def test_the_bundled_calibration_was_fitted_on_the_current_dev_split_only() -> None:
    cal = load_calibration()
    assert cal.trained_on["file"] == "dev.jsonl"
    assert cal.trained_on["sha256"] == file_sha256(DEV), (
        "evals/grader/dev.jsonl changed: run scripts/train_grader_calibration.py"
    )
    assert cal.features == FEATURES


def test_refitting_gives_the_committed_weights_back() -> None:
    """A changed rubric, lexicon or reading without re-fitting fails here.

    Rubrics and lexicon are compared by digest, exactly. The weights get a tolerance: float
    rounding differs between CPUs (measured 0.001 between an AVX2 and an AVX-512 machine),
    while a changed reading moves them far more.
    """
    scenarios = {s.id: s for s in load_all(scenario_files(ROOT / "knowledge/scenarios"))}
    training = prepare(DEV, scenarios)
    committed = load_calibration()
    assert training.rubrics_sha256 == committed.trained_on["rubrics_sha256"], (
        "a rubric or the lexicon changed: run scripts/train_grader_calibration.py"
    )
    fresh = train(training)
    assert fresh.weights == pytest.approx(committed.weights, abs=0.01), (
        "the grader's readings changed: run scripts/train_grader_calibration.py"
    )
    assert fresh.bias == pytest.approx(committed.bias, abs=0.01)
    assert fresh.mean == pytest.approx(committed.mean, abs=1e-3)
    assert fresh.trained_on["criterion_labels"] == committed.trained_on["criterion_labels"]


def test_a_criterion_the_rules_missed_is_credited_with_the_learners_own_words(
    scenario: Scenario,
) -> None:
    answer = "Honestly I would wait. Then I'd look at what the key touched in CloudTrail."
    rules = OfflineGrader(calibration=False).grade(scenario, answer)
    missed = [v.id for v in rules.criteria if not v.met]
    assert missed
    readable = OfflineGrader(calibration=False).readings(scenario, answer)
    assert set(missed) - set(readable)  # a refusal criterion: no clause here refuses anything
    assert set(missed) & set(readable)
    granted = OfflineGrader(calibration=constant(True)).grade(scenario, answer)
    for cid in missed:
        v = verdict(granted, cid)
        if cid in readable:
            assert v.met and v.evidence and v.evidence in answer
        else:
            assert not v.met  # nothing to weigh: the rules' verdict stands


def test_a_rule_hit_the_calibration_rejects_is_not_credited(scenario: Scenario) -> None:
    answer = "I deactivate the access key right now and search CloudTrail for what it did."
    rules = OfflineGrader(calibration=False).grade(scenario, answer)
    assert verdict(rules, "revoke-now").met
    strict = OfflineGrader(calibration=constant(False)).grade(scenario, answer)
    assert not verdict(strict, "revoke-now").met and verdict(strict, "revoke-now").evidence == ""


def test_with_nothing_for_the_embeddings_to_read_the_rules_decide() -> None:
    """A bare "No." answers a refusal criterion; the calibration has no clause to weigh."""
    library = {s.id: s for s in load_all(scenario_files(ROOT / "knowledge/scenarios"))}
    scenario = library["helpdesk-call-for-backup-account-vault-access"]
    grade = OfflineGrader(calibration=constant(False)).grade(scenario, "No.")
    assert verdict(grade, "refuse-safe-access").met


def test_the_lexical_reader_for_the_persona_carries_no_calibration() -> None:
    assert OfflineGrader(semantic=False).calibration is None
    assert OfflineGrader().calibration is not None
    with pytest.raises(ValueError, match="semantic"):
        OfflineGrader(semantic=False).readings(load_scenario(SCENARIO), "revoke it")


def test_fitting_learns_which_reading_matters_and_is_deterministic() -> None:
    rows = []
    labels = []
    for i in range(60):
        lexical = (i % 10) / 10
        rows.append({f: 0.5 for f in FEATURES} | {"lexical": lexical, "rule": float(i % 3 == 0)})
        labels.append(lexical >= 0.5)
    first = fit_calibration(rows, labels, l2=1.0)
    second = fit_calibration(rows, labels, l2=1.0)
    assert first == second
    assert first.weights[FEATURES.index("lexical")] > 1.0
    assert abs(first.weights[FEATURES.index("rule")]) < 0.5
    assert first.met(rows[9]) and not first.met(rows[0])  # lexical 0.9 vs 0.0
    with pytest.raises(ValueError):
        fit_calibration(rows, labels[:-1])


def test_a_broken_calibration_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bad.json: not a grader calibration"):
        parse_calibration("{not json", "bad.json")
    data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    data["features"] = ["lexical", "length"]
    with pytest.raises(InputError, match="do not match the grader's"):
        parse_calibration(json.dumps(data), "old.json")
    data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    data["scale"][0] = 0
    with pytest.raises(InputError, match="scale must be positive"):
        parse_calibration(json.dumps(data), "zero.json")
    with pytest.raises(InputError, match="cannot read the grader calibration"):
        load_calibration(tmp_path / "missing.json")


def test_the_training_script_refuses_the_held_out_split(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = ROOT / "scripts/train_grader_calibration.py"
    spec = importlib.util.spec_from_file_location("train_grader_calibration", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--dev", str(ROOT / "evals/grader/test.jsonl")]) == 2
    assert "never used for fitting" in capsys.readouterr().err
