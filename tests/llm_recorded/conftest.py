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
import urllib.request
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr as vcrpy
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException

from tutor.evals.cassettes import make_vcr

from ._harness import API_BASE, CASSETTES, RECORD, REPO, VCR_CONFIG


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return dict(VCR_CONFIG)


@pytest.fixture(scope="session")
def vcr(vcr_config: dict[str, Any]) -> vcrpy.VCR:
    return make_vcr(**vcr_config)  # the shared matching, incl. the cached JSON-body matcher


def cassette_name(request: pytest.FixtureRequest) -> str:
    module = Path(str(request.node.fspath)).stem
    return f"{module}/{request.node.name}.yaml"


def _served_model() -> str | None:
    try:
        with urllib.request.urlopen(API_BASE + "/models", timeout=3) as resp:
            return str(json.loads(resp.read())["data"][0]["id"])
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Name a cassette mismatch in the report: litellm wraps it as a generic connection error."""
    report = yield
    err = call.excinfo.value if call.excinfo else None
    while err is not None:
        if isinstance(err, CannotOverwriteExistingCassetteException):
            report.sections.append(
                (
                    "cassette mismatch",
                    "The request differs from every recorded one (litellm reports this as a "
                    "connection error). If the change is intended, re-record: "
                    "see tests/llm_recorded/conftest.py.\n\n" + str(err),
                )
            )
            break
        err = err.__cause__ or err.__context__
    return report
