"""``tutor eval``: the report names every figure and the recorded judge replays offline."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from tutor.cli.app import app


@pytest.mark.allow_model_requests  # replayed from the cassette; no server, no network
def test_eval_json_reports_grader_and_recorded_judge() -> None:
    result = CliRunner().invoke(app, ["eval", "--json", "--no-retrieval", "--judge"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert set(report["grader"]) == {"dev", "test"}
    for split in ("dev", "test"):
        assert report["grader"][split]["injections_passed"] == 0
        assert 0.0 <= report["grader"][split]["kappa"] <= 1.0
    judged = report["judge"]["test"]
    assert judged["judged"] + judged["unavailable"] == report["grader"]["test"]["n"]
    assert {"judge", "offline", "reconciled"} <= set(judged)
    assert judged["offline"]["agreement"] == report["grader"]["test"]["agreement"]
    assert report["ok"] is True


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
