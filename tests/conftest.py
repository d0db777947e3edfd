"""Shared fixtures: no network, settings in a temporary folder, the scenario library, a store.

Every test runs with:
- sockets that refuse any non-loopback connection and name lookups that refuse remote hosts,
  so a test cannot reach the network even by accident;
- ``TUTOR_*`` settings from the developer's environment removed and ``TUTOR_DATA_DIR`` set to
  the test's own temporary folder (``get_settings`` is cached, so the cache is cleared).
"""

from __future__ import annotations

import copy
import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tutor.settings import get_settings

REPO = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = REPO / "knowledge" / "scenarios"
DOCS_DIR = REPO / "knowledge" / "docs"
RELEASE_DAY = SCENARIOS_DIR / "leaked-aws-key-release-day.yaml"


# --- no network --------------------------------------------------------------------------


class NetworkBlocked(RuntimeError):
    """Raised when a test tries to open a connection off this machine."""


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local_host(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]")
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _is_local_address(sock: socket.socket, address: Any) -> bool:
    if getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX:
        return True
    if isinstance(address, tuple) and address:
        return _is_local_host(address[0])
    return isinstance(address, str | bytes)  # a path: a unix socket


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_local_address(self, address):
            raise NetworkBlocked(f"tests must not reach the network (connect to {address!r})")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if not _is_local_address(self, address):
            raise NetworkBlocked(f"tests must not reach the network (connect to {address!r})")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local_host(host):
            raise NetworkBlocked(f"tests must not resolve remote names ({host!r})")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# --- settings ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings from a clean environment with the data folder inside ``tmp_path``."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("TUTOR_"):
            monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("TUTOR_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    yield data_dir
    get_settings.cache_clear()


# --- scenarios ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def library() -> list[Any]:
    """The shipped scenario library, loaded (and so validated) once per run."""
    from tutor.scenarios.loader import load_all, scenario_files

    return load_all(scenario_files(SCENARIOS_DIR))


@pytest.fixture(scope="session")
def library_by_id(library: list[Any]) -> dict[str, Any]:
    return {s.id: s for s in library}


@pytest.fixture(scope="session")
def release_day() -> Any:
    from tutor.scenarios.loader import load_scenario

    return load_scenario(RELEASE_DAY)


_BASE_SCENARIO: dict[str, Any] = {
    "id": "test-scenario",
    "title": "A test scenario",
    "risks": ["NHI2"],
    "controls": ["RS.MI-01"],
    "roles": ["developer"],
    "difficulty": 2,
    "situation": "A key leaked in a public commit.",
    "question": "What do you do?",
    "persona": {
        "kind": "colleague",
        "name": "Dana",
        "goal": "ship on time",
        "opening": "Can we deal with the key after the release?",
        "pushback": [
            {"when": "refusing", "tactic": "urgency", "line": "We have fifty minutes."},
        ],
    },
    "hints": ["Only revoking the key makes it safe."],
    "next_steps": ["Move the pipeline to OIDC."],
    "rubric": {
        "pass_score": 0.6,
        "criteria": [
            {
                "id": "revoke-now",
                "text": "Revoke the exposed key immediately.",
                "weight": 2,
                "critical": True,
                "examples": [
                    "revoke the key right now",
                    "deactivate the access key immediately",
                    "disable the leaked credential before anything else",
                ],
            },
            {
                "id": "investigate-use",
                "text": "Check the audit logs for what the key did.",
                "weight": 1,
                "examples": [
                    "check CloudTrail for the key",
                    "look at the logs for activity by the key",
                    "investigate what the key was used for",
                ],
            },
        ],
        "mistakes": [
            {
                "id": "wait-for-release",
                "text": "Leaves the key active until after the release.",
                "pattern": "delay-containment",
                "examples": [
                    "revoke it after the release",
                    "wait until the release is out",
                    "rotate it tomorrow",
                ],
            }
        ],
    },
}


def make_scenario_dict(**overrides: Any) -> dict[str, Any]:
    """A valid scenario as a dict (what YAML parses to), with top-level fields replaced."""
    data = copy.deepcopy(_BASE_SCENARIO)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = copy.deepcopy(value)
    return data


@pytest.fixture
def make_scenario() -> Callable[..., dict[str, Any]]:
    """Factory: ``make_scenario(risks=["NHI5"], persona=None)``; ``None`` removes a field."""
    return make_scenario_dict


@pytest.fixture
def build_scenario() -> Callable[..., Any]:
    """Factory returning a validated ``Scenario`` object."""
    from tutor.scenarios.loader import parse_scenario

    def build(**overrides: Any) -> Any:
        return parse_scenario(make_scenario_dict(**overrides), "<test>")

    return build


# --- learner store -----------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """A fresh learner store: SQLite by default; STORE_TEST_DATABASE_URL runs the same tests on
    another database (e.g. a throwaway PostgreSQL, see scripts/postgres_check.sh). Not TUTOR_*:
    those are cleared for every test."""
    from tutor.learner.store import Base, Store

    url = os.environ.get("STORE_TEST_DATABASE_URL") or "sqlite:///" + str(tmp_path / "t.sqlite")
    s = Store(url)
    yield s
    if os.environ.get("STORE_TEST_DATABASE_URL"):
        Base.metadata.drop_all(s.engine)
    s.engine.dispose()


# --- grades and learner histories --------------------------------------------------------


def grade_for(
    scenario: Any,
    *,
    missed: tuple[str, ...] | list[str] | None = None,
    made: tuple[str, ...] | list[str] = (),
    flags: tuple[str, ...] | list[str] = (),
    answer_id: str | None = None,
    evidence: str = "the learner's words",
) -> Any:
    """A ``Grade`` through the real scoring rule: every criterion met unless listed in
    ``missed`` (``None`` = all met), the mistakes in ``made`` made."""
    from tutor.grading.result import CriterionVerdict, MistakeVerdict, finalise

    missed_set = set(missed or ())
    criteria = [
        CriterionVerdict(
            id=c.id,
            met=c.id not in missed_set,
            evidence="" if c.id in missed_set else f"{evidence} ({c.id})",
        )
        for c in scenario.rubric.criteria
    ]
    mistakes = [
        MistakeVerdict(
            id=m.id, made=m.id in made, evidence=f"{evidence} ({m.id})" if m.id in made else ""
        )
        for m in scenario.rubric.mistakes
    ]
    unknown = (
        (missed_set | set(made))
        - {c.id for c in scenario.rubric.criteria}
        - {m.id for m in scenario.rubric.mistakes}
    )
    assert not unknown, f"not in {scenario.id}'s rubric: {unknown}"
    return finalise(scenario, criteria, mistakes, list(flags), answer_id=answer_id)


@pytest.fixture
def make_grade() -> Callable[..., Any]:
    return grade_for


def record_turn(
    store: Any,
    learner_id: int,
    scenario: Any,
    grade: Any,
    *,
    answer: str = "my answer",
    decision_ms: int | None = None,
    reason: str = "test",
) -> int:
    """Play one turn into the store the way the graph does: open, reply, grade, update."""
    from tutor.learner.update import apply_grade

    history = store.history(learner_id)
    turn = max((a.turn for a in history.attempts), default=0) + 1
    attempt_id = store.open_attempt(learner_id, turn, scenario.id, scenario.risks, reason)
    store.record_reply(attempt_id, answer, decision_ms)
    store.record_grade(attempt_id, grade.passed, grade.score, grade.model_dump_json())
    apply_grade(store, learner_id, attempt_id, turn, scenario, grade)
    return attempt_id


@pytest.fixture
def play() -> Callable[..., int]:
    return record_turn


def mini_scenario(
    sid: str,
    risks: tuple[str, ...] | list[str] = ("NHI2",),
    difficulty: int = 2,
    patterns: tuple[str, ...] | list[str] = ("delay-containment",),
    persona: Any = "default",
) -> Any:
    """A small valid scenario with one mistake per pattern (ids ``m1``, ``m2``, ...)."""
    from tutor.scenarios.loader import parse_scenario

    data = make_scenario_dict(id=sid, risks=list(risks), difficulty=difficulty)
    data["rubric"]["mistakes"] = [
        {
            "id": f"m{i}",
            "text": f"Makes the {p} mistake.",
            "pattern": p,
            "examples": [f"example {j} of {p}" for j in range(3)],
        }
        for i, p in enumerate(patterns, start=1)
    ]
    if persona is None:
        data.pop("persona")
    return parse_scenario(data, f"{sid}.yaml")


@pytest.fixture
def mini() -> Callable[..., Any]:
    return mini_scenario


@pytest.fixture(autouse=True)
def _refuse_gateway_model_requests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reaches a real model through the gateway unless it opts in
    (``@pytest.mark.allow_model_requests``); tests/llm adds an HTTP-level lock on top."""
    if request.node.get_closest_marker("allow_model_requests"):
        return
    from tutor.llm import gateway

    monkeypatch.setattr(gateway, "ALLOW_MODEL_REQUESTS", False)
