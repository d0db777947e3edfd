"""Quality bar for the shipped scenario library (knowledge/scenarios)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tutor import frameworks
from tutor.scenarios.loader import load_scenario
from tutor.scenarios.patterns import PATTERNS

REPO = Path(__file__).resolve().parents[2]
SCENARIO_FILES = sorted((REPO / "knowledge" / "scenarios").glob("*.y*ml"))
DOC_FILES = sorted((REPO / "knowledge" / "docs").rglob("*.md"))

# The access key IDs AWS itself publishes in its documentation as non-working examples.
_AWS_DOC_KEY_IDS = {"AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "ASIAIOSFODNN7EXAMPLE"}

# Credential shapes; a match is allowed only if it is a documented, non-working example.
_SECRET_SHAPES = [
    (
        "AWS access key ID",
        re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        lambda s: s in _AWS_DOC_KEY_IDS,
    ),
    (
        "AWS secret access key",
        re.compile(r"(?i)aws_secret_access_key\W{1,4}[A-Za-z0-9/+]{40}"),
        lambda s: "EXAMPLE" in s,
    ),
    (
        "GitHub token",
        re.compile(r"\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{8,}"),
        lambda s: "EXAMPLE" in s,
    ),
    (
        "GitHub fine-grained PAT",
        re.compile(r"\bgithub_pat_[A-Za-z0-9_]{8,}"),
        lambda s: "EXAMPLE" in s,
    ),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}"), lambda s: "EXAMPLE" in s),
    ("OpenAI-style key", re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9]{20,}"), lambda s: "EXAMPLE" in s),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), lambda s: "EXAMPLE" in s),
    ("private key block", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), lambda s: False),
]


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


# --- library-wide counts -----------------------------------------------------------------


def test_library_has_at_least_30_scenarios(library: list[Any]) -> None:
    assert len(library) >= 30, f"only {len(library)} scenarios; the library needs at least 30"


@pytest.mark.parametrize("risk", [f"NHI{i}" for i in range(1, 11)])
def test_each_nhi_risk_in_three_scenarios_across_two_roles(library: list[Any], risk: str) -> None:
    with_risk = [s for s in library if risk in s.risks]
    roles = {r for s in with_risk for r in s.roles}
    assert len(with_risk) >= 3, f"{risk}: {len(with_risk)} scenarios ({[s.id for s in with_risk]})"
    assert len(roles) >= 2, f"{risk}: only roles {sorted(roles)}"


def test_at_least_six_ai_agent_scenarios_on_agent_privilege(library: list[Any]) -> None:
    agents = [
        s.id
        for s in library
        if s.persona and s.persona.kind == "ai_agent" and {"ASI02", "ASI03"} & set(s.risks)
    ]
    assert len(agents) >= 6, f"only {len(agents)}: {agents}"


def test_at_least_six_attacker_scenarios(library: list[Any]) -> None:
    attackers = [s.id for s in library if s.persona and s.persona.kind == "attacker"]
    assert len(attackers) >= 6, f"only {len(attackers)}: {attackers}"


def test_every_difficulty_is_present(library: list[Any]) -> None:
    assert {s.difficulty for s in library} >= {1, 2, 3, 4, 5}


def test_ids_are_unique_and_match_files(library: list[Any]) -> None:
    ids = [s.id for s in library]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(p.stem for p in SCENARIO_FILES)


# --- per-scenario quality ----------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_rel)
def test_rubric_quality(path: Path) -> None:
    s = load_scenario(path)
    rubric = s.rubric
    assert any(c.critical for c in rubric.criteria), f"{s.id}: no critical criterion"
    assert rubric.mistakes, f"{s.id}: no mistakes"
    for c in rubric.criteria:
        assert len(c.examples) >= 3, f"{s.id}: criterion {c.id} has {len(c.examples)} examples"
        assert all(e.strip() for e in c.examples), f"{s.id}: criterion {c.id} has a blank example"
    for m in rubric.mistakes:
        assert len(m.examples) >= 3, f"{s.id}: mistake {m.id} has {len(m.examples)} examples"
        assert m.pattern in PATTERNS, f"{s.id}: mistake {m.id} has no known pattern"
    assert 0 < rubric.pass_score <= 1


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_rel)
def test_scenario_is_readable_and_cited(path: Path) -> None:
    s = load_scenario(path)
    assert all(frameworks.is_risk(r) for r in s.risks)
    assert len(s.situation.split()) >= 20, f"{s.id}: situation is too thin to decide on"
    if s.persona is not None:
        for line in s.persona.pushback:
            assert line.line.strip()


@pytest.mark.parametrize("path", SCENARIO_FILES + DOC_FILES, ids=_rel)
def test_no_real_looking_credentials(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = []
    for name, pattern, allowed in _SECRET_SHAPES:
        for match in pattern.finditer(text):
            if not allowed(match.group(0)):
                found.append(f"{name}: {match.group(0)!r}")
    assert not found, f"{_rel(path)} contains credential-looking strings: {found}"


def test_secret_shapes_catch_real_looking_tokens() -> None:
    """The scan above can fail: a non-example key of each common shape is caught."""
    samples = {
        "AWS access key ID": "AKIAZ7Q3XK2M4N5P6R7S",
        "GitHub token": "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
        "Slack token": "xoxb-123456789012-abcdefghijkl",
        "private key block": "-----BEGIN RSA PRIVATE KEY-----",
    }
    shapes = {name: (pattern, allowed) for name, pattern, allowed in _SECRET_SHAPES}
    for name, sample in samples.items():
        pattern, allowed = shapes[name]
        match = pattern.search(f"value: {sample} end")
        assert match and not allowed(match.group(0)), name
    pattern, allowed = shapes["AWS access key ID"]
    assert allowed(pattern.search("AKIAIOSFODNN7EXAMPLE").group(0))  # type: ignore[union-attr]
