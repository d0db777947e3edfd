"""Checks by code on a model's draft: what the scenario loader accepts, plus what a generated
scenario must have to be worth grading against (a critical criterion, known patterns, a
persona who pushes back, citations of passages that were actually sent, no secrets).

Every problem is collected in words the model can act on, because the list is fed back to it
for the one retry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from tutor.errors import ScenarioError
from tutor.generation.grounding import PassageLike, passage_key, sent_key
from tutor.generation.prompts import ScenarioDraft
from tutor.generation.target import GenerationTarget
from tutor.redaction import redact_data
from tutor.scenarios.loader import parse_scenario
from tutor.scenarios.model import SLUG, Scenario
from tutor.scenarios.patterns import PATTERNS

ID_PREFIX = "gen-"
MAX_ID_LENGTH = 64
MIN_PUSHBACK, MAX_PUSHBACK = 2, 4
_MAX_SCHEMA_PROBLEMS = 8
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class DraftInvalid(ValueError):
    """The draft failed one or more checks; ``problems`` says which, one sentence each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


def slugify(text: str) -> str:
    """A scenario id from free text: lowercase words joined by hyphens, prefixed ``gen-``."""
    slug = _NOT_SLUG.sub("-", text.lower()).strip("-")
    if slug.startswith(ID_PREFIX.rstrip("-") + "-"):
        slug = slug[len(ID_PREFIX) :]
    slug = (ID_PREFIX + slug)[:MAX_ID_LENGTH].rstrip("-")
    return slug if slug != ID_PREFIX.rstrip("-") else ID_PREFIX + "scenario"


def normalise_id(data: dict[str, Any]) -> dict[str, Any]:
    """The draft with a ``gen-`` slug id: generated ids are marked so they never collide with
    (or pass for) curated ones; a missing or malformed id is made from the title."""
    raw_id = data.get("id")
    if isinstance(raw_id, str) and re.fullmatch(SLUG, raw_id):
        new_id = raw_id if raw_id.startswith(ID_PREFIX) else slugify(raw_id)
    else:
        title = data.get("title")
        new_id = slugify(title if isinstance(title, str) and title.strip() else "scenario")
    return {**data, "id": new_id}


def check_draft(
    draft: ScenarioDraft, target: GenerationTarget, passages: Sequence[PassageLike]
) -> tuple[Scenario, tuple[str, ...]]:
    """The validated scenario and its citations (as passage keys), or ``DraftInvalid``."""
    data = normalise_id(draft.scenario)
    problems: list[str] = []
    citations = _check_citations(draft.citations, passages, problems)
    _check_secrets(data, problems)
    scenario: Scenario | None = None
    try:
        scenario = parse_scenario(data, "generated scenario")
    except ScenarioError as error:
        problems.extend(_schema_problems(data, error))
    if scenario is not None:
        problems.extend(_check_content(scenario, target))
    if problems or scenario is None:
        raise DraftInvalid(problems)
    return scenario, citations


def _schema_problems(data: dict[str, Any], error: ScenarioError) -> list[str]:
    """The loader's message, plus the rest of pydantic's errors (the loader reports only the
    first), so one retry can fix them all."""
    problems = [str(error)]
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        for item in exc.errors(include_url=False, include_input=False)[1:_MAX_SCHEMA_PROBLEMS]:
            where = ".".join(str(p) for p in item["loc"]) or "(top level)"
            problems.append(f"generated scenario: {where}: {item['msg']}")
    return problems


def _check_content(scenario: Scenario, target: GenerationTarget) -> list[str]:
    problems: list[str] = []
    rubric = scenario.rubric
    if not rubric.criteria:
        problems.append("rubric.criteria is empty; add weighted criteria")
    if not any(c.critical for c in rubric.criteria):
        problems.append("no criterion is critical; mark the must-do safe action critical: true")
    for c in rubric.criteria:
        if not c.examples:
            problems.append(f"criterion {c.id!r} has no examples")
    if not rubric.mistakes:
        problems.append("rubric.mistakes is empty; add the tempting unsafe choices")
    for m in rubric.mistakes:
        if m.pattern is None or m.pattern not in PATTERNS:
            problems.append(f"mistake {m.id!r} needs a pattern from: {', '.join(PATTERNS)}")
        if not m.examples:
            problems.append(f"mistake {m.id!r} has no examples")
    if scenario.persona is None:
        problems.append("persona is missing")
    elif not MIN_PUSHBACK <= len(scenario.persona.pushback) <= MAX_PUSHBACK:
        problems.append(
            f"persona.pushback has {len(scenario.persona.pushback)} lines; "
            f"give {MIN_PUSHBACK} to {MAX_PUSHBACK}"
        )
    missing = [r for r in target.risks if r not in scenario.risks]
    if missing:
        problems.append(f"risks must include {missing}")
    if target.role not in scenario.roles:
        problems.append(f"roles must include {target.role!r}")
    if scenario.difficulty != target.difficulty:
        problems.append(f"difficulty must be {target.difficulty}, not {scenario.difficulty}")
    return problems


def _check_citations(
    cited: Sequence[str], passages: Sequence[PassageLike], problems: list[str]
) -> tuple[str, ...]:
    """Cited keys mapped to the passages sent. The model saw keys after redaction, so a key
    is accepted in either its original or its redacted spelling."""
    known: dict[str, str] = {}
    for p in passages:
        key = passage_key(p)
        known[key] = key
        known.setdefault(sent_key(key), key)
    if not cited:
        problems.append("citations is empty; cite the keys of the passages you relied on")
    resolved: list[str] = []
    for key in cited:
        if key in known:
            resolved.append(known[key])
        else:
            problems.append(f"citation {key!r} is not one of the passages provided")
    return tuple(dict.fromkeys(resolved))


def _check_secrets(data: dict[str, Any], problems: list[str]) -> None:
    """A generated scenario must not carry anything the redactor would take for a secret:
    it would be shown to learners and exported to files."""
    _, findings = redact_data(data)
    kinds = sorted({f.kind for f in findings})
    if kinds:
        problems.append(
            f"the scenario contains real-looking secrets ({', '.join(kinds)}); name them or "
            "use a placeholder such as [AWS_ACCESS_KEY_ID] instead"
        )
