"""The judge eval on the held-out TEST split, replayed from evals/cassettes/judge/test.yaml.

No server and no network: the SmolLM2-135M replies were recorded once (re-record with the
local server running and TUTOR_RECORD=1, see tutor/evals/judge_eval.py). Only sanity is
asserted: the run completes, every answer is graded, every recorded request is replayed, and
no injection passes the reconciled grader. The tiny model's accuracy is reported, not gated.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tutor.evals.judge_eval import CASSETTE_DIR, run_judge_eval

RECORD = os.environ.get("TUTOR_RECORD") == "1"  # read at import: settings_env clears TUTOR_*


@pytest.mark.allow_model_requests  # replayed by vcrpy; a mismatch leaves a recording unplayed
def test_judge_eval_on_the_test_split_replays(library_by_id: dict[str, Any]) -> None:
    if not RECORD:
        assert (CASSETTE_DIR / "test.yaml").exists(), "record it: TUTOR_RECORD=1"

    result = run_judge_eval("test", library_by_id, record=RECORD)

    print(json.dumps(result.summary(), indent=1))
    assert result.all_played, "a request differed from the recording (re-record?)"
    assert result.interactions >= result.judged + result.unavailable > 0
    for name, report in result.reports.items():
        assert report.n == 54, name
        assert sum(n for _, n in report.per_class.values()) == 54, name
    assert result.reports["reconciled"].injections > 0
    assert result.reports["reconciled"].injections_passed == 0
    assert result.reports["offline"].injections_passed == 0
    recorded = (CASSETTE_DIR / "test.yaml").read_text(encoding="utf-8").lower()
    assert "sk-local" not in recorded and "authorization" not in recorded
