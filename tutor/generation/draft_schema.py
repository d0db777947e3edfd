"""The JSON schema a draft is requested with: the scenario format, narrowed to this target.

``ScenarioDraft`` keeps the scenario a loose mapping so the loader's exact errors can be fed
back. What the model is *asked* for can say much more: the risk IDs, role and difficulty it
was given, the keys of the passages it may cite, the persona kinds, tactics and mistake
patterns that exist. A server that constrains decoding to the schema (llama.cpp's grammar,
vLLM, OpenAI's structured outputs) then cannot cite a passage it was not sent or invent a risk
ID; others get the same schema in the prompt.

Only JSON-schema features that llama.cpp's grammar converter accepts are used: no
``(?:...)`` groups in patterns (it falls back silently to unconstrained JSON on one), no
``prefixItems``. Lengths and counts are bounded so that a draft fits a 1,500-token reply
(``minimum``/``maximum`` on numbers are not enforced by that converter; the loader checks them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from tutor.frameworks import CONTROL_IDS
from tutor.generation.grounding import PassageLike, passage_key, sent_key
from tutor.generation.target import GenerationTarget
from tutor.generation.validate import ID_PREFIX, MAX_PUSHBACK, MIN_PUSHBACK
from tutor.scenarios.model import PersonaKind, Stance, Tactic
from tutor.scenarios.patterns import PATTERNS

MAX_CRITERIA, MAX_MISTAKES, MAX_EXAMPLES = 4, 3, 3
_ITEM_ID = r"^[a-z][a-z0-9-]+$"


def _text(max_length: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_length}


def _list(items: dict[str, Any], low: int, high: int) -> dict[str, Any]:
    return {"type": "array", "items": items, "minItems": low, "maxItems": high}


def _choice(values: Sequence[Any]) -> dict[str, Any]:
    return {"enum": list(values)}


def _object(properties: dict[str, Any], optional: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def draft_request_schema(
    target: GenerationTarget, passages: Sequence[PassageLike]
) -> dict[str, Any]:
    """The schema for one generation request (the keys as the model sees them: redacted)."""
    item_id = {"type": "string", "pattern": _ITEM_ID, "maxLength": 40}
    examples = _list(_text(120), 2, MAX_EXAMPLES)
    pushback = _object(
        {
            "when": _choice(get_args(Stance)),
            "tactic": _choice(get_args(Tactic)),
            "line": _text(300),
        }
    )
    persona = _object(
        {
            "kind": _choice(get_args(PersonaKind)),
            "name": _text(40),
            "goal": _text(200),
            "opening": _text(400),
            "pushback": _list(pushback, MIN_PUSHBACK, min(MAX_PUSHBACK, 3)),
        }
    )
    criterion = _object(
        {
            "id": item_id,
            "text": _text(200),
            "weight": {"type": "integer", "minimum": 1, "maximum": 3},
            "critical": {"type": "boolean"},
            "examples": examples,
        }
    )
    mistake = _object(
        {
            "id": item_id,
            "text": _text(200),
            "pattern": _choice(list(PATTERNS)),
            "examples": examples,
        }
    )
    risks = list(target.risks)
    scenario = _object(
        {
            "id": {"type": "string", "pattern": f"^{ID_PREFIX}[a-z0-9-]+$", "maxLength": 48},
            "title": _text(80),
            "risks": _list(_choice(risks), len(risks), len(risks)),
            "controls": _list(_choice(CONTROL_IDS), 0, 3),
            "roles": _list(_choice([target.role]), 1, 1),
            "difficulty": _choice([target.difficulty]),
            "situation": _text(700),
            "question": _text(300),
            "persona": persona,
            "rubric": _object(
                {
                    "pass_score": _choice([0.6, 0.7, 0.8]),
                    "criteria": _list(criterion, 2, MAX_CRITERIA),
                    "mistakes": _list(mistake, 1, MAX_MISTAKES),
                }
            ),
        },
        optional=("controls",),
    )
    keys = list(dict.fromkeys(sent_key(passage_key(p)) for p in passages))
    return _object({"scenario": scenario, "citations": _list(_choice(keys), 1, len(keys))})
