"""Recorded model calls: vcrpy cassettes replayed in every test run, re-recorded on demand.

Cassettes live in ``evals/cassettes/<test module>/<test name>.yaml``. By default they are only
replayed (``record_mode="none"``): no server and no network are needed, and a request that
does not match a recorded one exactly (method, URL and JSON body) raises
``CannotOverwriteExistingCassetteException`` instead of reaching anything.

To re-record against the local llama-cpp-python server (see scripts/local_model/README.md):

    scripts/local_model/serve.sh smollm2
    TUTOR_RECORD=1 .venv/bin/python -m pytest tests/llm_recorded
    scripts/local_model/serve.sh gemma3
    TUTOR_RECORD=1 .venv/bin/python -m pytest tests/llm_recorded
    scripts/local_model/serve.sh stop

In record mode a test's cassette is deleted and written anew (``record_mode="all"``); tests for
a model that the running server does not serve are skipped, so each model is recorded in turn.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr as vcrpy
from vcr.cassette import Cassette

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
MODELS = ["smollm2-135m-instruct", "gemma3-270m-it"]

VCR_CONFIG: dict[str, Any] = {
    "cassette_library_dir": str(CASSETTES),
    "record_mode": "all" if RECORD else "none",
    "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
    "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization"],
    "decode_compressed_response": True,
    "serializer": "yaml",
}


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return dict(VCR_CONFIG)


@pytest.fixture(scope="session")
def vcr(vcr_config: dict[str, Any]) -> vcrpy.VCR:
    return vcrpy.VCR(**vcr_config)


def cassette_name(request: pytest.FixtureRequest) -> str:
    module = Path(str(request.node.fspath)).stem
    return f"{module}/{request.node.name}.yaml"


def _served_model() -> str | None:
    try:
        with urllib.request.urlopen(API_BASE + "/models", timeout=3) as resp:
            return json.loads(resp.read())["data"][0]["id"]
    except OSError:
        return None


@pytest.fixture(scope="session")
def served_model() -> str | None:
    """In record mode, the model the local server serves (None when replaying)."""
    if not RECORD:
        return None
    model = _served_model()
    if model is None:
        pytest.exit(
            f"TUTOR_RECORD=1 but no server answers at {API_BASE}: "
            "start one with scripts/local_model/serve.sh smollm2|gemma3",
            returncode=2,
        )
    return model


@pytest.fixture
def cassette(
    vcr: vcrpy.VCR, request: pytest.FixtureRequest, served_model: str | None
) -> Iterator[Cassette]:
    """The test's own cassette: replayed, or (TUTOR_RECORD=1) recorded afresh.

    A test parametrized with ``model`` is skipped in record mode unless the server serves it.
    Replay fails if the cassette is missing or if the test left a recorded request unplayed.
    """
    name = cassette_name(request)
    path = CASSETTES / name
    model = getattr(request.node, "callspec", None) and request.node.callspec.params.get("model")
    if RECORD:
        if model and model != served_model:
            pytest.skip(f"recording {served_model}; serve {model} to record this one")
        path.unlink(missing_ok=True)
    elif not path.exists():
        pytest.fail(
            f"no cassette {path.relative_to(REPO)}: record it with TUTOR_RECORD=1 "
            "(see scripts/local_model/README.md)"
        )
    with vcr.use_cassette(name) as cass:
        yield cass
    if not RECORD:
        assert cass.all_played, f"{name}: some recorded interactions were not replayed"
