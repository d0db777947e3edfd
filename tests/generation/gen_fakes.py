"""Helpers for generation tests: a tiny in-memory knowledge source, a valid draft to start
from and scripted critic replies. No Chroma index, no network."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tutor.llm import Reply


@dataclass(frozen=True)
class FakePassage:
    doc_id: str
    title: str
    section: str
    text: str
    source: str = "https://owasp.org/www-project-non-human-identities-top-10/"
    framework: str = "OWASP Non-Human Identities Top 10 (2025)"
    related: tuple[str, ...] = ()
    score: float = 1.0


PASSAGES = (
    FakePassage(
        "NHI2",
        "Secret Leakage",
        "First response",
        "Revoke and rotate the leaked credential first, then review the audit trail for its use.",
    ),
    FakePassage(
        "NHI2",
        "Secret Leakage",
        "How it happens",
        "Keys are committed to Git repositories, printed in CI logs and pasted into chat.",
    ),
    FakePassage(
        "NHI7",
        "Long-Lived Secrets",
        "Mitigations",
        "Replace static keys with short-lived credentials, e.g. AKIAIOSFODNN7EXAMPLE must go.",
    ),
)


@dataclass
class FakeKnowledge:
    """Answers every search with the same passages and remembers what it was asked."""

    passages: Sequence[FakePassage] = PASSAGES
    calls: list[tuple[str, int, tuple[str, ...] | None]] = field(default_factory=list)

    def search(
        self, query: str, k: int = 5, *, ids: Sequence[str] | None = None
    ) -> list[FakePassage]:
        self.calls.append((query, k, tuple(ids) if ids is not None else None))
        return list(self.passages)[:k]


_DRAFT: dict[str, Any] = {
    "scenario": {
        "id": "gen-leaked-key-in-ci-log",
        "title": "A deploy key printed in a CI log",
        "risks": ["NHI2"],
        "controls": ["RS.MI-01"],
        "roles": ["developer"],
        "difficulty": 2,
        "situation": "A CI job printed the deploy key for the payments service in a public log.\n"
        "The log has been public for twenty minutes.",
        "question": "What do you do first, and why?",
        "persona": {
            "kind": "colleague",
            "name": "Sam (release manager)",
            "goal": "ship the release without touching credentials",
            "opening": "Just delete the log line; nobody reads CI logs.",
            "pushback": [
                {"when": "refusing", "tactic": "urgency", "line": "We ship in ten minutes."},
                {"when": "refusing", "tactic": "authority", "line": "I own this release."},
            ],
        },
        "rubric": {
            "pass_score": 0.7,
            "criteria": [
                {
                    "id": "revoke-now",
                    "text": "Revoke and rotate the leaked key first.",
                    "weight": 3,
                    "critical": True,
                    "examples": ["revoke the key now", "rotate it immediately", "kill the key"],
                },
                {
                    "id": "check-audit-trail",
                    "text": "Review the audit trail for the key's use.",
                    "weight": 1,
                    "examples": ["check the logs", "see what the key did", "review audit logs"],
                },
            ],
            "mistakes": [
                {
                    "id": "delete-log-only",
                    "text": "Deletes the log line and treats that as the fix.",
                    "pattern": "cleanup-instead-of-revoke",
                    "examples": ["delete the log", "hide the job output", "purge the run"],
                }
            ],
        },
    },
    "citations": ["NHI2#First response"],
}


def make_draft(**scenario_overrides: Any) -> dict[str, Any]:
    """A valid draft; top-level scenario fields replaced (``None`` removes one)."""
    draft = copy.deepcopy(_DRAFT)
    for key, value in scenario_overrides.items():
        if value is None:
            draft["scenario"].pop(key, None)
        else:
            draft["scenario"][key] = copy.deepcopy(value)
    return draft


def reply(payload: dict[str, Any]) -> Reply:
    return Reply(json.dumps(payload))


APPROVE = Reply(json.dumps({"approve": True, "reasons": []}))


def reject(*reasons: str) -> Reply:
    return Reply(json.dumps({"approve": False, "reasons": list(reasons)}))


def user_text(request: dict[str, Any], index: int = -1) -> str:
    """The text of one message of a recorded request (the last one by default)."""
    return str(request["messages"][index]["content"])
