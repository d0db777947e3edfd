"""The framework-ID registry, and an audit of every ID cited in knowledge docs and scenarios.

The knowledge documents and scenarios are read from disk as they are now, so a document added
later with an outdated (``NHI-02``, ``A-04``, bare CSF 1.1) or invented ID fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tutor import frameworks

REPO = Path(__file__).resolve().parents[1]
DOCS_DIR = REPO / "knowledge" / "docs"
SCENARIOS_DIR = REPO / "knowledge" / "scenarios"

DOC_FILES = sorted(DOCS_DIR.rglob("*.md")) if DOCS_DIR.is_dir() else []
SCENARIO_FILES = sorted([*SCENARIOS_DIR.glob("*.yaml"), *SCENARIOS_DIR.glob("*.yml")])
KNOWLEDGE_MD = sorted((REPO / "knowledge").rglob("*.md"))
TEXT_FILES = KNOWLEDGE_MD + SCENARIO_FILES
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.DOTALL | re.MULTILINE)
_OLD_STYLE = re.compile(r"\bNHI-\d{1,2}\b|\bA-\d{2}\b|\bASI-\d{1,2}\b")


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def _known(token: str) -> bool:
    return frameworks.canonical(token) in frameworks.REGISTRY


# --- the registry itself -----------------------------------------------------------------


def test_registry_titles_match_owasp_2025() -> None:
    assert frameworks.title("NHI3") == "Vulnerable Third-Party NHI"
    assert frameworks.title("NHI5") == "Overprivileged NHI"
    assert frameworks.title("NHI2") == "Secret Leakage"
    assert frameworks.label("NHI2:2025") == "NHI2 Secret Leakage"


def test_risk_ids_are_exactly_nhi1_to_10_and_asi01_to_10() -> None:
    assert (
        tuple(f"NHI{i}" for i in range(1, 11)) + tuple(f"ASI{i:02d}" for i in range(1, 11))
        == frameworks.RISK_IDS
    )


@pytest.mark.parametrize("good", ["NHI1", "NHI10", "NHI2:2025", "ASI01", "ASI10"])
def test_is_risk_accepts_current_ids(good: str) -> None:
    assert frameworks.is_risk(good)


@pytest.mark.parametrize(
    "bad", ["NHI-02", "NHI02", "NHI11", "NHI0", "A-04", "ASI1", "ASI11", "nhi2"]
)
def test_is_risk_rejects_outdated_and_invented_ids(bad: str) -> None:
    assert not frameworks.is_risk(bad)


def test_canonical_only_strips_the_2025_year() -> None:
    assert frameworks.canonical("NHI7:2025") == "NHI7"
    assert frameworks.canonical("NHI7:2024") == "NHI7:2024"
    assert frameworks.canonical("LLM01:2025") == "LLM01:2025"


def test_controls_are_csf2_and_legacy_ids_are_not_controls() -> None:
    assert frameworks.is_control("PR.AT-02")
    for legacy in frameworks.LEGACY_IDS:
        assert not frameworks.is_control(legacy)


def test_every_legacy_id_maps_to_registered_csf2_ids() -> None:
    assert set(frameworks.CSF11_TO_CSF2) == set(frameworks.LEGACY_IDS)
    for legacy, targets in frameworks.CSF11_TO_CSF2.items():
        assert targets, legacy
        for target in targets:
            assert frameworks.is_control(target), (legacy, target)


def test_id_pattern_finds_every_registered_id_in_text() -> None:
    for ident in frameworks.REGISTRY:
        if ident.startswith("GOVERN"):
            continue  # AI RMF IDs contain a space; they are not audited by pattern
        found = frameworks.ID_PATTERN.findall(f"see {ident}, then continue")
        assert found == [ident], ident


@pytest.mark.parametrize("old", ["NHI-02", "A-04", "RS.IM-1", "PR.AT-1"])
def test_id_pattern_catches_outdated_spellings(old: str) -> None:
    assert frameworks.ID_PATTERN.findall(f"as in {old}.") == [old]


# --- knowledge and scenario audit --------------------------------------------------------


def test_there_is_knowledge_to_audit() -> None:
    assert DOC_FILES, f"no knowledge documents under {DOCS_DIR}"
    assert SCENARIO_FILES, f"no scenario files under {SCENARIOS_DIR}"


@pytest.mark.parametrize("path", TEXT_FILES, ids=_rel)
def test_every_cited_framework_id_is_registered(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    unknown = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in frameworks.ID_PATTERN.finditer(line):
            if not _known(match.group(0)):
                unknown.append(f"line {number}: {match.group(0)}")
    assert not unknown, f"{_rel(path)} cites IDs missing from the registry: {unknown}"


@pytest.mark.parametrize("path", TEXT_FILES, ids=_rel)
def test_no_outdated_dash_style_ids(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {n}: {m.group(0)}"
        for n, line in enumerate(text.splitlines(), start=1)
        for m in _OLD_STYLE.finditer(line)
    ]
    assert not found, f"{_rel(path)} uses outdated IDs (NHI-02 / A-04 style): {found}"


@pytest.mark.parametrize("path", TEXT_FILES, ids=_rel)
def test_csf11_ids_only_beside_their_csf2_mapping(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    bad = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in frameworks.ID_PATTERN.finditer(line):
            legacy = match.group(0)
            if legacy in frameworks.LEGACY_IDS:
                targets = frameworks.CSF11_TO_CSF2[legacy]
                if not any(re.search(rf"\b{re.escape(t)}\b", line) for t in targets):
                    bad.append(f"line {number}: {legacy} without {' or '.join(targets)}")
    assert not bad, f"{_rel(path)} cites CSF 1.1 IDs without their CSF 2.0 mapping: {bad}"


def test_csf11_check_would_catch_a_bare_legacy_id() -> None:
    """The audit above is meaningful: a bare legacy ID is found and has a mapping to look for."""
    line = "Lessons learned feed the plan (RS.IM-1)."
    ids = [m.group(0) for m in frameworks.ID_PATTERN.finditer(line)]
    assert ids == ["RS.IM-1"]
    assert not any(t in line for t in frameworks.CSF11_TO_CSF2["RS.IM-1"])


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_rel)
def test_scenario_risks_and_controls_are_registry_ids(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    risks = data.get("risks") or []
    assert risks, f"{_rel(path)} names no risks"
    for risk in risks:
        assert frameworks.is_risk(str(risk)), f"{_rel(path)}: unknown risk {risk!r}"
    for control in data.get("controls") or []:
        assert frameworks.is_control(str(control)), f"{_rel(path)}: not a CSF 2.0 ID {control!r}"


# --- knowledge document front matter -----------------------------------------------------


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    assert match, f"{_rel(path)} has no YAML front matter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict), f"{_rel(path)}: front matter is not a mapping"
    return data


@pytest.mark.parametrize("path", DOC_FILES, ids=_rel)
def test_doc_front_matter_has_required_fields(path: Path) -> None:
    meta = _front_matter(path)
    for field in ("id", "title", "framework", "source"):
        value = meta.get(field)
        assert isinstance(value, str) and value.strip(), f"{_rel(path)}: {field} missing or empty"
    assert "related" in meta, f"{_rel(path)}: related missing"
    related = meta["related"]
    assert isinstance(related, list) and related, f"{_rel(path)}: related must be a non-empty list"
    for item in related:
        assert _known(str(item)) or not frameworks.ID_PATTERN.fullmatch(str(item)), (
            f"{_rel(path)}: related {item!r} is not a registered ID"
        )
    assert str(meta["source"]).startswith(("http://", "https://")), (
        f"{_rel(path)}: source should be a URL, got {meta['source']!r}"
    )


@pytest.mark.parametrize(
    "path",
    [p for p in DOC_FILES if re.fullmatch(r"(NHI\d{1,2}|ASI\d{2})", p.stem)],
    ids=_rel,
)
def test_risk_doc_title_and_framework_match_registry(path: Path) -> None:
    meta = _front_matter(path)
    ident = frameworks.canonical(str(meta["id"]))
    assert ident == path.stem, f"{_rel(path)}: id {meta['id']!r} does not match the file name"
    item = frameworks.REGISTRY[ident]
    assert meta["title"] == item.title, f"{_rel(path)}: title {meta['title']!r} != {item.title!r}"
    assert meta["framework"] == item.framework, (
        f"{_rel(path)}: framework {meta['framework']!r} != {item.framework!r}"
    )
