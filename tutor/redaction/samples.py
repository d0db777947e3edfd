"""One fake but well-formed secret of every kind the redactor promises to catch.

Shared by the planted-secret tests of every part that sends or stores text (model gateway,
plugin SDK, storage, cassettes): plant these, then check that no ``secret`` value comes out.
None of these is a live credential; the AWS pair is AWS's own documented example.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlantedSecret:
    kind: str  # the placeholder kind the redactor must give it
    secret: str  # the sensitive value that must never come out
    text: str  # how it appears in a message or an event


_RSA_BODY = (
    "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z9mTVlHeLDsN0WJeaA2dF5GZ\n"
    "qlBn6yhwxK1tZ8rNRwQpHqzT0YQ6iGk4mJ6bKa3Q9fW8bO5M2c7zqVdrLh1XgPy1\n"
    "r8Hq2b4wT2kLd6uN9sYxVc3mJp0aFq7ZeRt5WbKx8oG1vCy4nDs2LhE3iUf6jQzA"
)
_PRIVATE_KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{_RSA_BODY}\n-----END RSA PRIVATE KEY-----"
_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJzdmMtZGVwbG95IiwibmFtZSI6ImNpLWJvdCIsImlhdCI6MTcxNjIzOTAyMn0"
    ".qO3rT8uY2wXv5ZbN1kLm9PcD4sFhJ6gA7eR0tIyUo3E"
)
_FINE_GRAINED_PAT = (
    "github_pat_11AB2CD3E0Fg4Hi5Jk6Lm7_"
    "No8Pq9Rs0Tu1Vw2Xy3Za4Bc5De6Fg7Hi8Jk9Lm0No1Pq2Rs3Tu4Vw5Xy6Za7Bc8"
)

PLANTED: tuple[PlantedSecret, ...] = (
    PlantedSecret(
        "aws_access_key_id", "AKIAIOSFODNN7EXAMPLE", "the key id is AKIAIOSFODNN7EXAMPLE"
    ),
    PlantedSecret(
        "aws_access_key_id", "ASIAY34FZKBOKMUTVV7A", "temporary creds ASIAY34FZKBOKMUTVV7A leaked"
    ),
    PlantedSecret(
        "aws_secret_access_key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    ),
    PlantedSecret(
        "github_token",
        "ghp_R2d2C3poL7k9Vx4Qm8Zt1Bn6Yh0Ws5Ej3Ua7",
        "export GH_TOKEN=ghp_R2d2C3poL7k9Vx4Qm8Zt1Bn6Yh0Ws5Ej3Ua7",
    ),
    PlantedSecret(
        "github_token",
        "gho_Pq8Lm2Nz5Xc7Vb1Kj4Hg6Fd9Sa3Qw0Er2Ty5",
        "oauth token gho_Pq8Lm2Nz5Xc7Vb1Kj4Hg6Fd9Sa3Qw0Er2Ty5 from the app",
    ),
    PlantedSecret(
        "github_token",
        "ghu_Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg1Ff0Dd9Ss8",
        "user-to-server ghu_Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg1Ff0Dd9Ss8",
    ),
    PlantedSecret(
        "github_token",
        "ghs_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk1Ll2",
        "installation token ghs_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk1Ll2",
    ),
    PlantedSecret(
        "github_token",
        "ghr_Mm3Nn4Oo5Pp6Qq7Rr8Ss9Tt0Uu1Vv2Ww3Xx4",
        "refresh ghr_Mm3Nn4Oo5Pp6Qq7Rr8Ss9Tt0Uu1Vv2Ww3Xx4",
    ),
    PlantedSecret(
        "github_token",
        _FINE_GRAINED_PAT,
        f"fine-grained: {_FINE_GRAINED_PAT}",
    ),
    PlantedSecret(
        "slack_token",
        "xoxb-2417398125-5739104628-Qm7Lp2Zx9Vb4Nc8Kd1Fh6Sj3",
        "SLACK_BOT_TOKEN xoxb-2417398125-5739104628-Qm7Lp2Zx9Vb4Nc8Kd1Fh6Sj3",
    ),
    PlantedSecret(
        "slack_token",
        "xoxp-2417398125-8462917305-3958201746-7c1e9a4b2d8f6035e1a7c9b3d5f20846",
        "user token xoxp-2417398125-8462917305-3958201746-7c1e9a4b2d8f6035e1a7c9b3d5f20846",
    ),
    PlantedSecret(
        "slack_token",
        "xapp-1-A05Q7R2K9LM-6284017395624-9f2c4e7a1b3d5f8e0c6a2b4d7f9e1c3a",
        "app-level token xapp-1-A05Q7R2K9LM-6284017395624-9f2c4e7a1b3d5f8e0c6a2b4d7f9e1c3a",
    ),
    PlantedSecret(
        "slack_token",
        "xoxe-1-My1xLTI0MTczOTgxMjUtNTczOTEwNDYyOC1RbTdMcDJaeDlW",
        "refresh token xoxe-1-My1xLTI0MTczOTgxMjUtNTczOTEwNDYyOC1RbTdMcDJaeDlW",
    ),
    PlantedSecret(
        "slack_webhook_url",
        "https://hooks.slack.com/services/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",
        "alerts go to https://hooks.slack.com/services/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",
    ),
    PlantedSecret(
        "private_key", _RSA_BODY.split("\n")[1], f"found this in the repo:\n{_PRIVATE_KEY}"
    ),
    PlantedSecret("jwt", _JWT, f"Authorization: Bearer {_JWT}"),
    PlantedSecret(
        "connection_string",
        "Pg-S3cret!2024",
        "DATABASE_URL=postgres://app_user:Pg-S3cret!2024@db.internal:5432/orders",
    ),
    PlantedSecret(
        "connection_string", "My5qlR00tPw", "mysql://root:My5qlR00tPw@10.0.3.7:3306/billing"
    ),
    PlantedSecret(
        "connection_string",
        "M0ngoAtlasPw9",
        "mongodb+srv://svc_reporting:M0ngoAtlasPw9@cluster0.x7k2p.mongodb.net/reports",
    ),
    PlantedSecret(
        "connection_string", "R3disCachePw", "redis://:R3disCachePw@cache.internal:6379/0"
    ),
    PlantedSecret("generic_secret", "Tr0ub4dor&3-horse", 'db_password = "Tr0ub4dor&3-horse"'),
    PlantedSecret(
        "generic_secret", "sk_test_51Hx9kQ2mZ7vB4nC8", "API_KEY=sk_test_51Hx9kQ2mZ7vB4nC8"
    ),
    PlantedSecret("generic_secret", "hV7#kP2$wQ9z", "client_secret: hV7#kP2$wQ9z"),
)

KINDS: frozenset[str] = frozenset(p.kind for p in PLANTED)
