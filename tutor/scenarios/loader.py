"""Load and validate scenario files, turning every failure into a ``ScenarioError``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tutor.errors import ScenarioError
from tutor.scenarios.model import Scenario


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def parse_scenario(data: Any, source: str) -> Scenario:
    """Validate already-parsed YAML; ``source`` names the file in errors."""
    if not isinstance(data, dict):
        raise ScenarioError(source, None, "expected a mapping of scenario fields at the top level")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(p for p in first["loc"] if not str(p).startswith("function-"))
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown field (check the spelling against the scenario format)"
        elif first["type"] == "missing":
            message = "required field is missing"
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ScenarioError(source, _field_path(loc), message) from None


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), None, "file not found") from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, "not valid UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(str(path), None, f"cannot read: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ScenarioError(str(path), where, f"invalid YAML: {problem}") from None
    scenario = parse_scenario(data, str(path))
    if scenario.id != path.stem:
        raise ScenarioError(str(path), "id", f"id {scenario.id!r} must match the file name")
    return scenario


def scenario_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    if not path.exists():
        raise ScenarioError(str(path), None, "file or folder not found")
    return [path]


def load_all(paths: Iterable[Path]) -> list[Scenario]:
    """Load every file; the first error stops it (use ``validate_all`` to see them all)."""
    scenarios = [load_scenario(p) for p in paths]
    seen: dict[str, int] = {}
    for s in scenarios:
        seen[s.id] = seen.get(s.id, 0) + 1
    dupes = [i for i, n in seen.items() if n > 1]
    if dupes:
        raise ScenarioError(", ".join(dupes), "id", "the same scenario id appears more than once")
    return scenarios


def validate_all(paths: Iterable[Path]) -> tuple[list[Scenario], list[ScenarioError]]:
    ok: list[Scenario] = []
    errors: list[ScenarioError] = []
    for p in paths:
        try:
            ok.append(load_scenario(p))
        except ScenarioError as exc:
            errors.append(exc)
    return ok, errors
