"""Mistake patterns: the cross-scenario names for what learners get wrong.

A scenario's mistake IDs are local to it; the pattern links them, so the selector can say
"you approved excess access twice" and find another scenario that tests the same habit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MistakePattern:
    id: str
    did: str  # past tense, used in "You <did> twice"
    next: str  # what the next exercise offers


PATTERNS: dict[str, MistakePattern] = {
    p.id: p
    for p in (
        MistakePattern(
            "approve-excess-access",
            "approved more access than the task needed",
            "here is another access request under pressure",
        ),
        MistakePattern(
            "delay-containment",
            "put off containing an exposed credential",
            "here is another exposure where the clock is running",
        ),
        MistakePattern(
            "trust-unverified-identity",
            "acted on a request without verifying who sent it",
            "here is another request from someone you cannot yet vouch for",
        ),
        MistakePattern(
            "share-secret-insecurely",
            "passed a secret through an unsafe channel",
            "here is another moment where a secret could travel",
        ),
        MistakePattern(
            "cleanup-instead-of-revoke",
            "treated deleting or hiding a leaked secret as the fix",
            "here is another leak where hiding it is tempting",
        ),
        MistakePattern(
            "skip-investigation",
            "contained an incident without checking what the credential did",
            "here is another incident where the logs matter",
        ),
        MistakePattern(
            "keep-orphaned-access",
            "left an identity alive after its owner or service was gone",
            "here is another identity whose owner has moved on",
        ),
        MistakePattern(
            "reuse-credential",
            "reused one identity or secret across components or environments",
            "here is another place where sharing a credential looks convenient",
        ),
        MistakePattern(
            "human-uses-nhi",
            "used or allowed a service identity for manual work",
            "here is another case of a person reaching for a service account",
        ),
        MistakePattern(
            "weak-authentication",
            "accepted a weak or static way to authenticate",
            "here is another integration choosing how to authenticate",
        ),
        MistakePattern(
            "loose-trust-policy",
            "accepted a trust or network boundary that was too broad",
            "here is another trust policy to review",
        ),
        MistakePattern(
            "bypass-guardrail",
            "switched off a control 'just this once'",
            "here is another push to bypass a guardrail",
        ),
        MistakePattern(
            "destroy-evidence",
            "destroyed evidence before the investigation",
            "here is another incident where evidence must be kept",
        ),
        MistakePattern(
            "trust-agent-output",
            "followed an AI agent's or tool's output without checking it",
            "here is another agent whose output needs checking",
        ),
        MistakePattern(
            "long-lived-credential",
            "issued or kept a credential that never expires",
            "here is another choice between standing and short-lived access",
        ),
    )
}
