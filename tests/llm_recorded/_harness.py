"""Settings shared by the recorded-model tests and their conftest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import vcr as vcrpy

from tutor.evals.cassettes import CASSETTES_DIR, LOCAL_API_BASE, LOCAL_API_KEY, make_vcr
from tutor.evals.cassettes import VCR_CONFIG as SHARED_VCR_CONFIG

# Read once at import: the shared ``settings_env`` fixture removes TUTOR_* variables from the
# environment of each test.
RECORD = os.environ.get("TUTOR_RECORD") == "1"

# litellm must not fetch its model cost map from the network when it is imported.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

REPO = Path(__file__).resolve().parents[2]
CASSETTES = CASSETTES_DIR

API_BASE = LOCAL_API_BASE  # fixed port: host and port are part of the match
API_KEY = LOCAL_API_KEY  # the local server checks no key; filtered from cassettes anyway

# Aliases given by scripts/local_model/serve.sh.
MODELS = ["smollm2-135m-instruct", "gemma3-270m"]

# The matching and filtering every recorded path shares (tutor.evals.cassettes).
VCR_CONFIG: dict[str, Any] = {
    **SHARED_VCR_CONFIG,
    "cassette_library_dir": str(CASSETTES),
    "record_mode": "all" if RECORD else "none",
}


def replay_only_vcr() -> vcrpy.VCR:
    """The same configuration, replay only whatever TUTOR_RECORD says."""
    return make_vcr(**{**VCR_CONFIG, "record_mode": "none"})
