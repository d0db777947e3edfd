"""``tutor eval``: the report names every figure and the recorded judge replays offline."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tutor.cli.app import app
from tutor.evals.cassettes import Recording
from tutor.evals.judge_eval import CASSETTE_DIR

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.allow_model_requests  # replayed from the cassette; no server, no network
def test_eval_json_reports_grader_and_recorded_judge() -> None:
    result = CliRunner().invoke(app, ["eval", "--json", "--no-retrieval", "--judge"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert set(report["grader"]) == {"dev", "test"}
    for split in ("dev", "test"):
        assert report["grader"][split]["injections_passed"] == 0
        assert 0.0 <= report["grader"][split]["kappa"] <= 1.0
    # The one full replay of the judge cassettes in the suite (each split takes about a
    # minute): every answer judged or stood in for, every recorded request replayed.
    assert set(report["judge"]) == {"dev", "test"}
    for split in ("dev", "test"):
        judged = report["judge"][split]
        n = report["grader"][split]["n"]
        assert judged["judged"] > 0 and judged["judged"] + judged["unavailable"] == n
        assert judged["interactions"] >= judged["judged"] and judged["unmatched"] == 0
        assert judged["model"] == Recording.of(CASSETTE_DIR / f"{split}.yaml").model
        assert judged["offline"]["agreement"] == report["grader"][split]["agreement"]
        for grader in ("judge", "offline", "reconciled"):
            assert judged[grader]["injections_passed"] == 0, (split, grader)
        # the requests match the recording and the documented floors hold
        assert judged["problems"] == []
    assert report["judge"]["test"]["model"] == "openai/smollm2-135m-instruct"
    paths = report["model_paths"]
    assert paths["practice"]["matched"] and len(paths["roleplay"]) == 3
    generation = paths["generation"]
    assert generation["matched"] and (generation["scenario"] or generation["failure"])
    assert report["ok"] is True


@pytest.mark.allow_model_requests  # replayed from the cassette; no server, no network
def test_eval_judge_exits_non_zero_below_the_judge_floor(
    run_main: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tutor.settings import get_settings

    # Only the test split's judge cassette, and 60 answers of each split, to keep this short:
    # the replay serves the recorded requests these answers make, whatever else it holds.
    grader = tmp_path / "evals" / "grader"
    grader.mkdir(parents=True)
    for split in ("dev", "test"):
        lines = (REPO / "evals" / "grader" / f"{split}.jsonl").read_text().splitlines()
        (grader / f"{split}.jsonl").write_text("\n".join(lines[:60]) + "\n")
    judge = tmp_path / "evals" / "cassettes" / "judge"
    judge.mkdir(parents=True)
    for name in ("test.yaml", "test.recording.json"):
        shutil.copy(REPO / "evals" / "cassettes" / "judge" / name, judge / name)
    monkeypatch.setenv("TUTOR_EVALS_DIR", str(tmp_path / "evals"))
    get_settings.cache_clear()

    result = run_main(
        "eval",
        "--no-retrieval",
        "--judge",
        "--min-judge-agreement",
        "0.99",
        "--min-agreement",
        "0",
        "--min-test-agreement",
        "0",
    )
    assert result.code == 1
    text = " ".join(result.out.split())
    assert "below threshold test: judge agreement" in text and "is below 99.0%" in text
    assert "eval below thresholds" in text


def test_record_uses_the_local_server_and_its_schema_form_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tutor.cli.eval_record import recording_for
    from tutor.evals.cassettes import LOCAL_API_BASE, LOCAL_MODEL
    from tutor.settings import Settings

    how = recording_for(Settings(), None)
    assert (how.model, how.api_base, how.schema_mode) == (
        LOCAL_MODEL,
        LOCAL_API_BASE,
        "json_object",
    )
    monkeypatch.setenv("TUTOR_MODEL", "openai/gpt-4o-mini")
    monkeypatch.setenv("TUTOR_MODEL_API_BASE", "https://api.openai.com/v1")
    how = recording_for(Settings(), None)
    assert (how.model, how.api_base, how.schema_mode) == (
        "openai/gpt-4o-mini",
        "https://api.openai.com/v1",
        "auto",
    )
    monkeypatch.setenv("TUTOR_MODEL_SCHEMA_MODE", "json_schema")
    assert recording_for(Settings(), "openai/other").schema_mode == "json_schema"
    assert recording_for(Settings(), "openai/other").model == "openai/other"


@pytest.mark.allow_model_requests  # to a closed loopback port: refused at once
def test_record_with_no_model_served_fails_clearly_and_touches_no_shipped_cassette(
    run_main: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tutor.evals.cassettes import CASSETTES_DIR
    from tutor.settings import get_settings

    shutil.copytree(REPO / "evals" / "grader", tmp_path / "evals" / "grader")
    shipped = (CASSETTES_DIR / "judge" / "test.yaml").read_bytes()
    monkeypatch.setenv("TUTOR_EVALS_DIR", str(tmp_path / "evals"))
    monkeypatch.setenv("TUTOR_MODEL_API_BASE", "http://127.0.0.1:9/v1")  # nothing listens
    get_settings.cache_clear()

    result = run_main("eval", "--record", "--split", "test", "--only", "judge", "--no-retrieval")

    assert result.code == 1
    text = " ".join(result.out.split())
    assert "Recording with openai/smollm2-135m-instruct at http://127.0.0.1:9/v1" in text
    assert (
        "No answer from openai/smollm2-135m-instruct at http://127.0.0.1:9/v1 (the language "
        "model could not be reached): is it served? Nothing was re-recorded." in text
    )
    assert not (tmp_path / "evals" / "cassettes").exists()  # nothing deleted, nothing written
    assert (CASSETTES_DIR / "judge" / "test.yaml").read_bytes() == shipped


def test_record_rejects_an_unknown_split(run_main: Callable[..., Any]) -> None:
    result = run_main("eval", "--record", "--split", "train")
    assert result.code != 0
    assert "unknown split 'train'" in result.err


def test_a_bad_setting_is_one_clear_line(
    run_main: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.settings import get_settings

    monkeypatch.setenv("TUTOR_PUSHBACK_ROUNDS", "lots")
    get_settings.cache_clear()
    result = run_main("scenarios", "list")
    assert result.code == 2
    assert result.err.strip().count("\n") == 0
    assert "TUTOR_PUSHBACK_ROUNDS" in result.err and "Traceback" not in result.err


CRITERIA = (
    "revoke-now",
    "investigate-use",
    "replace-pipeline-credential",
    "history-not-enough",
    "escalate-and-record",
)


def _case(cid: str, answer: str, passed: bool, met: tuple[str, ...] = ()) -> str:
    """One labelled answer to leaked-aws-key-release-day, in the evals/grader format."""
    criteria = {c: c in met for c in CRITERIA}
    return json.dumps(
        {
            "id": cid,
            "scenario": "leaked-aws-key-release-day",
            "class": "correct_plain" if passed else "vague",
            "answer": answer,
            "expected": {"passed": passed, "criteria": criteria, "mistakes": {}, "flags": []},
        }
    )


STRONG = (
    "Deactivate the AKIA key right now, then search CloudTrail in every region for what it did "
    "since the push. A force-push does not un-leak it. The pipeline gets a fresh key and I open "
    "an incident with security."
)


def test_cases_grades_your_own_labelled_answers(
    run_main: Callable[..., Any], tmp_path: Path
) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text(
        _case("m1", STRONG, True, CRITERIA) + "\n" + _case("m2", "Be careful.", False) + "\n"
    )
    result = run_main("eval", "--cases", str(mine), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    graded = report["grader"]["mine.jsonl"]
    assert graded["n"] == 2 and graded["agreement"] == 1.0 and report["ok"] is True
    assert set(report) == {"grader", "ok"}  # the shipped splits are not graded

    # A label the grader disagrees with is listed, and the agreement gate fails the run.
    mine.write_text(_case("m3", "Be careful.", True, CRITERIA) + "\n")
    result = run_main("eval", "--cases", str(mine))
    text = " ".join(result.out.split())
    assert result.code == 1
    assert "Grader, mine.jsonl file: 1 answers, agreement 0.0%" in text
    assert "disagree m3 [correct_plain] expected pass, got fail" in text


def test_cases_name_a_label_the_rubric_lacks(run_main: Callable[..., Any], tmp_path: Path) -> None:
    mine = tmp_path / "typo.jsonl"
    mine.write_text(_case("t1", STRONG, True, ("revoke-now",)).replace("revoke-now", "revoke-nwo"))
    result = run_main("eval", "--cases", str(mine))
    assert result.code != 0 and len(result.err_lines) == 1
    assert "eval case t1: criterion 'revoke-nwo' is not in the rubric" in result.err_text
    missing = run_main("eval", "--cases", str(tmp_path / "absent.jsonl"))
    assert missing.code != 0 and "no such file" in missing.err_text
    judged = run_main("eval", "--cases", str(mine), "--judge")
    assert judged.code != 0 and "offline grader only" in judged.err_text
