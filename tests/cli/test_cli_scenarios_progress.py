"""`tutor scenarios list/show/validate` and `tutor progress`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from tutor.cli.app import app
from tutor.cli.context import Context

WIDE = {"COLUMNS": "400"}


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=WIDE)


def test_no_arguments_shows_help() -> None:
    result = invoke()
    assert "practice" in result.stdout and "grade" in result.stdout and "scenarios" in result.stdout


def test_scenarios_list(library: list[Any]) -> None:
    result = invoke("scenarios", "list")
    assert result.exit_code == 0, result.stderr
    assert f"{len(library)} scenarios" in result.stdout
    for s in library:
        assert s.id in result.stdout


def test_scenarios_show(release_day: Any) -> None:
    result = invoke("scenarios", "show", "leaked-aws-key-release-day")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert release_day.title in out
    assert "Dana (tech lead) (colleague): I saw the alert." in out
    assert "Rubric (pass at 70%):" in out
    assert "[critical 3] revoke-now:" in out
    assert "[weight 1] escalate-and-record:" in out
    assert "[mistake] wait-for-release:" in out
    assert "NHI2 Secret Leakage" in out


def test_scenarios_show_unknown_id(run_main: Callable[..., Any]) -> None:
    result = run_main("scenarios", "show", "no-such-scenario")
    assert result.code == 2
    assert (
        result.err_text
        == "error: no scenario with id 'no-such-scenario'; see: tutor scenarios list"
    )


def test_scenarios_validate_the_library(library: list[Any]) -> None:
    result = invoke("scenarios", "validate")
    assert result.exit_code == 0, result.stderr
    assert f"{len(library)} valid, 0 invalid" in result.stdout


def test_scenarios_validate_examples_warns_by_file_and_field(
    tmp_path: Path, make_scenario: Callable[..., dict]
) -> None:
    data = make_scenario(id="slipped-example")
    data["rubric"]["criteria"][0]["examples"].append("revoke it after the release")
    path = tmp_path / "slipped-example.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = invoke("scenarios", "validate", "--examples", str(path))
    assert result.exit_code == 0, result.stderr  # a warning: the file is still valid
    assert "1 valid, 0 invalid" in result.stdout
    assert "examples: 9 of 10 read as their own criterion or mistake" in result.stdout
    err = " ".join(result.stderr.split())
    assert f"warning: {path}: rubric.criteria[revoke-now].examples[3]" in err
    assert "(read as: wait-for-release)" in err


def _write_bad(tmp_path: Path, make_scenario: Callable[..., dict]) -> Path:
    data = make_scenario(id="bad-one")
    data["rubric"]["criteria"][0]["critcal"] = True
    path = tmp_path / "bad-one.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_scenarios_validate_a_bad_file(tmp_path: Path, make_scenario: Callable[..., dict]) -> None:
    bad = _write_bad(tmp_path, make_scenario)
    result = invoke("scenarios", "validate", str(bad))
    assert result.exit_code != 0
    assert "0 valid, 1 invalid" in result.stdout
    err = " ".join(result.stderr.split())
    assert f"{bad}: rubric.criteria[0].critcal: unknown field" in err


def test_scenarios_validate_a_folder(tmp_path: Path, make_scenario: Callable[..., dict]) -> None:
    _write_bad(tmp_path, make_scenario)
    (tmp_path / "good-one.yaml").write_text(yaml.safe_dump(make_scenario(id="good-one")), "utf-8")
    (tmp_path / "wrong-name.yaml").write_text(yaml.safe_dump(make_scenario(id="other")), "utf-8")
    result = invoke("scenarios", "validate", str(tmp_path))
    assert result.exit_code != 0
    assert "1 valid, 2 invalid" in result.stdout
    err = " ".join(result.stderr.split())
    assert "bad-one.yaml: rubric.criteria[0].critcal" in err
    assert "wrong-name.yaml: id: id 'other' must match the file name" in err


def test_main_validate_bad_file_exits_non_zero(
    tmp_path: Path, make_scenario: Callable[..., dict], run_main: Callable[..., Any]
) -> None:
    result = run_main("scenarios", "validate", str(_write_bad(tmp_path, make_scenario)))
    assert "rubric.criteria[0].critcal" in result.err_text
    assert result.code != 0


def test_main_validate_missing_path(tmp_path: Path, run_main: Callable[..., Any]) -> None:
    result = run_main("scenarios", "validate", str(tmp_path / "nowhere"))
    assert result.code == 2
    assert result.err_text.startswith("error: ") and "not found" in result.err_text


# --- progress ----------------------------------------------------------------------------


def test_progress_unknown_learner(run_main: Callable[..., Any]) -> None:
    result = run_main("progress", "--learner", "nobody")
    assert result.code == 2
    assert result.err_text == "error: no learner named 'nobody'"
    assert "Traceback" not in result.err


def test_progress_for_a_learner(
    mini: Callable[..., Any],
    make_grade: Callable[..., Any],
    play: Callable[..., int],
    settings_env: Path,
) -> None:
    store = Context().store  # the database the command will read (under TUTOR_DATA_DIR)
    assert str(settings_env) in str(store.engine.url)
    lid = store.learner("pat")
    a, b = mini("prog-a", risks=("NHI2",)), mini("prog-b", risks=("NHI2", "NHI5"))
    play(store, lid, a, make_grade(a, made=["m1"]), decision_ms=10_000)
    play(store, lid, b, make_grade(b, made=["m1"]), decision_ms=30_000)
    play(store, lid, a, make_grade(a), decision_ms=20_000)
    store.engine.dispose()
    result = invoke("progress", "--learner", "pat")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "NHI2 Secret Leakage" in out and "NHI5 Overprivileged NHI" in out
    assert out.index("NHI2 Secret Leakage") < out.index("NHI5 Overprivileged NHI")
    assert "Repeated mistakes: delay-containment x2" in out
    assert "Median decision time: 20 s over 3 graded turns" in out


def test_progress_counts_one_graded_turn_in_the_singular(
    mini: Callable[..., Any],
    make_grade: Callable[..., Any],
    play: Callable[..., int],
    settings_env: Path,
) -> None:
    store = Context().store
    lid = store.learner("solo")
    a = mini("solo-a", risks=("NHI2",))
    play(store, lid, a, make_grade(a), decision_ms=12_000)
    store.engine.dispose()
    out = " ".join(invoke("progress", "--learner", "solo").stdout.split())
    assert "Median decision time: 12 s over 1 graded turn" in out
    assert "1 graded turns" not in out


def test_progress_for_a_learner_without_attempts(settings_env: Path) -> None:
    store = Context().store
    store.learner("fresh")
    store.engine.dispose()
    result = invoke("progress", "--learner", "fresh")
    assert result.exit_code == 0
    assert "No repeated mistakes." in result.stdout
    assert "No timed decisions yet." in result.stdout
