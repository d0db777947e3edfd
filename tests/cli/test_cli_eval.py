"""``tutor eval``: the report names every figure and the recorded judge replays offline."""

from __future__ import annotations

import json

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
