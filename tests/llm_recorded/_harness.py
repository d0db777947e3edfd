"""Settings shared by the recorded-model tests and their conftest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import vcr as vcrpy

# Read once at import: the shared ``settings_env`` fixture removes TUTOR_* variables from the
# environment of each test.
RECORD = os.environ.get("TUTOR_RECORD") == "1"

# litellm must not fetch its model cost map from the network when it is imported.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "evals" / "cassettes"

API_BASE = "http://127.0.0.1:8765/v1"  # fixed port: host and port are part of the match
API_KEY = "sk-local-not-a-secret"  # the local server checks no key; filtered from cassettes anyway

# Aliases given by scripts/local_model/serve.sh.
MODELS = ["smollm2-135m-instruct", "gemma3-270m"]

VCR_CONFIG: dict[str, Any] = {
    "cassette_library_dir": str(CASSETTES),
    "record_mode": "all" if RECORD else "none",
    "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
    "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization"],
    "decode_compressed_response": True,
    "serializer": "yaml",
}


def replay_only_vcr() -> vcrpy.VCR:
    """The same configuration, replay only whatever TUTOR_RECORD says."""
    return vcrpy.VCR(**{**VCR_CONFIG, "record_mode": "none"})
