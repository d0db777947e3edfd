"""The secret redactor: every promised kind, stable placeholders, no false alarms on prose,
no exceptions on odd input, and fast enough to sit in front of every model call."""

from __future__ import annotations

import hashlib
import re
import statistics
import time
from typing import Any

import pytest

from tutor.redaction import PLACEHOLDER_RE, Finding, fingerprint, redact, redact_data
from tutor.redaction.samples import PLANTED, PlantedSecret


@pytest.mark.parametrize("planted", PLANTED, ids=lambda p: f"{p.kind}:{p.text[:24]}")
def test_each_supported_kind_is_replaced_by_its_typed_placeholder(planted: PlantedSecret) -> None:
    result = redact(planted.text)
    assert planted.secret not in result.text
    assert f"[REDACTED:{planted.kind}:" in result.text
    assert planted.kind in result.kinds


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        (
            "the aws secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, rotate it",
            "aws_secret_access_key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("postgres://app:p@ss!w0rd#1@db.internal:5432/app", "connection_string", "p@ss!w0rd#1"),
        ("https://deploy:hunter2x@git.example.com/repo.git", "basic_auth", "hunter2x"),
        (
            "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkwMTIzLTEyMzQ1",
            "slack_token",
            "Mi0yLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkwMTIz",
        ),
        (
            '{"password": "correct horse battery staple"}',
            "generic_secret",
            "correct horse battery staple",
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAA\n"
            "AAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACBgZXhhbXBsZQ\nno END line followed",
            "private_key",
            "AAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACBgZXhhbXBsZQ",
        ),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG\n"
            "-----END ENCRYPTED PRIVATE KEY-----",
            "private_key",
            "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG",
        ),
        ("ghp_R2d2C3poL7k9Vx4Qm8Zt1Bn6Yh0Ws5Ej3Ua7XYZ", "github_token", "Ua7XYZ"),
    ],
)
def test_harder_shapes(text: str, kind: str, secret: str) -> None:
    result = redact(text)
    assert secret not in result.text and kind in result.kinds


def test_documented_example_keys_are_still_redacted() -> None:
    text = "AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY from the AWS docs"
    result = redact(text)
    assert "AKIAIOSFODNN7EXAMPLE" not in result.text
    assert "wJalrXUtnFEMI" not in result.text


def test_the_placeholder_is_the_kind_and_the_first_8_hex_of_the_sha256() -> None:
    result = redact("key AKIAIOSFODNN7EXAMPLE here")
    digest = hashlib.sha256(b"AKIAIOSFODNN7EXAMPLE").hexdigest()[:8]
    assert result.text == f"key [REDACTED:aws_access_key_id:{digest}] here"
    assert result.findings == (Finding("aws_access_key_id", digest, 4, 24),)
    assert fingerprint("AKIAIOSFODNN7EXAMPLE") == digest


def test_placeholders_are_stable_and_correlate_without_revealing() -> None:
    a = "ghp_R2d2C3poL7k9Vx4Qm8Zt1Bn6Yh0Ws5Ej3Ua7"
    b = "ghp_Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg1Ff0Dd9Ss8"
    first = redact(f"{a} then {b} then {a}")
    again = redact(f"only {a}")
    placeholders = PLACEHOLDER_RE.findall(first.text)
    assert placeholders[0] == placeholders[2] != placeholders[1]
    assert PLACEHOLDER_RE.findall(again.text) == [placeholders[0]]


def test_a_key_block_keeps_its_fingerprint_however_it_is_wrapped() -> None:
    block = next(p for p in PLANTED if p.kind == "private_key").text.split("\n", 1)[1]
    crlf = redact(block.replace("\n", "\r\n")).findings[0].fingerprint
    assert redact(block).findings[0].fingerprint == crlf


def test_redacting_twice_changes_nothing_more() -> None:
    text = "\n".join(p.text for p in PLANTED)
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text and twice.findings == ()


def test_findings_point_at_the_secret_in_the_original_text() -> None:
    text = "a AKIAIOSFODNN7EXAMPLE b postgres://u:Pg-S3cret!2024@h/db c"
    spans = [text[f.start : f.end] for f in redact(text).findings]
    assert spans == ["AKIAIOSFODNN7EXAMPLE", "Pg-S3cret!2024"]


def test_findings_never_hold_the_secret() -> None:
    for planted in PLANTED:
        for finding in redact(planted.text).findings:
            assert planted.secret not in repr(finding)


@pytest.mark.parametrize(
    "text",
    [
        "I would revoke the access key immediately and check CloudTrail for its use.",
        "The secret: never paste credentials into chat. My password is not here.",
        "Rotate the key, then review commit 3f9a1c2b4d5e6f708192a3b4c5d6e7f801234567.",
        "request 123e4567-e89b-12d3-a456-426614174000 failed at /var/log/app/service.log",
        "see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        "password: ${DB_PASSWORD} comes from the vault",
        "the api_key field is <your-key-here>",
        "Use OIDC federation so the pipeline needs no long-lived AWS access key.",
        "postgres://db.internal:5432/orders has no credentials in it",
        "Allow secretsmanager:GetSecretValue and secretsmanager:ListSecrets on prod/*",
        "ec2 AuthorizeSecurityGroupIngress groupId=sg-0a1b2c3d4e5f67890 (rds-orders)",
        "arn:aws:iam::123456789012:role/deploy-bot assumed by i-0abcd1234efgh5678",
        "",
    ],
)
def test_ordinary_tutoring_text_is_left_alone(text: str) -> None:
    result = redact(text)
    assert result.text == text and not result.found


@pytest.mark.parametrize(
    "text",
    [
        "\ud800 lone surrogate AKIAIOSFODNN7EXAMPLE \udfff",
        "\x00" * 1000,
        "x" * 300_000,
        "secret:a" * 2_500,
        'password="' * 2_000,
        "-----BEGIN PRIVATE KEY-----" * 500,
        "eyJ" * 5_000,
        "://a:b@" * 3_000,
        "🔑 é ü 中文 AKIAIOSFODNN7EXAMPLE",
    ],
    ids=[
        "surrogates",
        "nul",
        "huge-line",
        "keywords",
        "open-quotes",
        "headers",
        "jwt-ish",
        "urls",
        "non-ascii",
    ],
)
def test_odd_input_never_raises_and_always_encodes(text: str) -> None:
    result = redact(text)
    result.text.encode("utf-8")  # lone surrogates are replaced, so this cannot fail
    assert "AKIAIOSFODNN7EXAMPLE" not in result.text


def test_non_text_input_is_redacted_as_text() -> None:
    assert redact(b"key AKIAIOSFODNN7EXAMPLE").kinds == {"aws_access_key_id"}  # type: ignore[arg-type]
    assert redact(12345).text == "12345"  # type: ignore[arg-type]


def test_redact_data_walks_json_like_data_and_uses_secret_sounding_keys() -> None:
    event: dict[str, Any] = {
        "source": "scanner",
        "finding": {"file": ".env", "line": "AWS_KEY=AKIAIOSFODNN7EXAMPLE"},
        "credentials": {"password": "hunter2", "client_secret": "abc"},
        "report": {"password_last_used": "2025-03-01", "token_type": "Bearer"},
        "tags": ["ci", "ghp_R2d2C3poL7k9Vx4Qm8Zt1Bn6Yh0Ws5Ej3Ua7"],
        "count": 3,
    }
    clean, findings = redact_data(event)
    text = repr(clean)
    for secret in ("AKIAIOSFODNN7EXAMPLE", "hunter2", "'abc'", "ghp_R2d2"):
        assert secret not in text
    assert clean["source"] == "scanner" and clean["count"] == 3 and isinstance(clean["tags"], list)
    assert clean["report"] == event["report"]  # names that merely mention a secret are kept
    assert len(findings) == 4
    assert event["credentials"]["password"] == "hunter2"  # the input is not modified
    assert redact_data(clean)[0] == clean  # placeholders are not redacted again


def test_20000_characters_are_redacted_well_under_100_ms() -> None:
    prose = (
        "I would revoke the access key immediately, then check CloudTrail for what it did. "
        "The secret: never paste credentials. Our password policy says rotate quarterly.\n"
    )
    secrets = "\n".join(p.text for p in PLANTED) + "\n"
    text = ((prose * 8 + secrets) * 20)[:20_000]
    redact(text)  # warm-up
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        result = redact(text)
        timings.append(time.perf_counter() - started)
    assert len(result.findings) > 20
    assert statistics.median(timings) < 0.1, f"median {statistics.median(timings) * 1000:.1f} ms"


def test_placeholders_use_only_safe_characters() -> None:
    for planted in PLANTED:
        for placeholder in PLACEHOLDER_RE.findall(redact(planted.text).text):
            assert re.fullmatch(r"\[REDACTED:[a-z0-9_]+:[0-9a-f]{8}\]", placeholder)
