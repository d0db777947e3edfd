"""Replace every secret with a typed placeholder and a fingerprint before text leaves us.

``[REDACTED:aws_access_key_id:3f9a1c2b]``: the kind tells a reader (or a model) what was there,
and the fingerprint (the first 8 hex digits of the secret's SHA-256) lets the same secret be
correlated across messages, events and logs without being revealed. Documented example values
(``AKIAIOSFODNN7EXAMPLE``) are redacted too: they look like secrets, and a redactor that guesses
which secrets are fake is one that leaks real ones.

The redactor never raises on odd input (lone surrogates, huge lines, non-text values): a
failure here must not cost the learner's answer. Lone surrogates are replaced with U+FFFD so
the result can always be encoded, logged and sent; offsets in findings still refer to the input.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tutor.redaction.detectors import PLACEHOLDER_RE, RANK_PLACEHOLDER, Hit, find_hits

logger = logging.getLogger(__name__)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")
# A mapping key that ends in a secret-sounding name (``password``, ``client_secret``,
# ``access_token``...) marks its string value as a secret even when the value alone would not
# look like one. Ending, not containing: ``password_last_used`` holds a date, not a password.
_SECRET_KEY_NAME = re.compile(
    r"(?:api[_-]?key|auth[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?key"
    r"|password|passwd|pwd|secret|token|credentials?|bearer)$",
    re.IGNORECASE,
)


def fingerprint(secret: str) -> str:
    """The first 8 hex digits of the secret's SHA-256: stable, short and one-way."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret that was replaced. Holds no part of the secret itself, so it is safe to log."""

    kind: str
    fingerprint: str
    start: int
    end: int

    @property
    def placeholder(self) -> str:
        return f"[REDACTED:{self.kind}:{self.fingerprint}]"


@dataclass(frozen=True, slots=True)
class Redacted:
    """Text with its secrets replaced, and what was replaced (offsets into the original)."""

    text: str
    findings: tuple[Finding, ...] = ()

    @property
    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}

    @property
    def found(self) -> bool:
        """Whether anything was redacted."""
        return bool(self.findings)


def resolve(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the most trusted hit wherever hits overlap, then order by position.

    Lower rank wins; within a rank the earlier, then the longer hit wins.
    """
    ordered = sorted(hits, key=lambda h: (h.rank, h.start, h.start - h.end))
    starts: list[int] = []
    kept: list[Hit] = []
    for hit in ordered:
        if hit.end <= hit.start:
            continue
        i = bisect.bisect_right(starts, hit.start)
        if i and kept[i - 1].end > hit.start:
            continue
        if i < len(kept) and kept[i].start < hit.end:
            continue
        starts.insert(i, hit.start)
        kept.insert(i, hit)
    return kept


def _fingerprint_of(kind: str, secret: str) -> str:
    # A key block is the same key however it was wrapped or whichever line endings it has.
    return fingerprint(_WHITESPACE.sub("", secret) if kind == "private_key" else secret)


def redact(text: str) -> Redacted:
    """Replace every secret in ``text`` with ``[REDACTED:<kind>:<fingerprint>]``."""
    if not isinstance(text, str):
        text = text.decode("utf-8", "replace") if isinstance(text, bytes | bytearray) else str(text)
    if not text:
        return Redacted(text)
    try:
        hits = resolve(find_hits(text))
    except Exception:  # pragma: no cover - a bug in a detector: fail closed, keep going
        logger.exception("secret scan failed; the whole text (%d chars) is withheld", len(text))
        whole = Finding("unscannable", fingerprint(text), 0, len(text))
        return Redacted(whole.placeholder, (whole,))
    pieces: list[str] = []
    findings: list[Finding] = []
    position = 0
    for hit in hits:
        if hit.rank == RANK_PLACEHOLDER:
            continue
        finding = Finding(
            hit.kind, _fingerprint_of(hit.kind, text[hit.start : hit.end]), hit.start, hit.end
        )
        pieces.append(text[position : hit.start])
        pieces.append(finding.placeholder)
        findings.append(finding)
        position = hit.end
    pieces.append(text[position:])
    out = "".join(pieces)
    if _LONE_SURROGATE.search(out):
        out = _LONE_SURROGATE.sub("\ufffd", out)
    return Redacted(out, tuple(findings))


def redact_data(value: Any) -> tuple[Any, tuple[Finding, ...]]:
    """Redact every string inside JSON-like data (dicts, lists, tuples); return a new copy.

    A string under a secret-sounding key (``{"password": "hunter2"}``) is redacted whole, since
    the key is the clue the text alone lacks. Keys themselves are kept. Finding offsets refer to
    the string each finding came from.
    """
    findings: list[Finding] = []

    def walk(item: Any, key: str | None) -> Any:
        if isinstance(item, str):
            if key is not None and item and _SECRET_KEY_NAME.search(key):
                whole = redact(item)
                if not whole.findings and not PLACEHOLDER_RE.fullmatch(item):
                    finding = Finding("generic_secret", fingerprint(item), 0, len(item))
                    findings.append(finding)
                    return finding.placeholder
                findings.extend(whole.findings)
                return whole.text
            result = redact(item)
            findings.extend(result.findings)
            return result.text
        if isinstance(item, Mapping):
            return {k: walk(v, k if isinstance(k, str) else None) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return type(item)(walk(v, None) for v in item)
        return item

    return walk(value, None), tuple(findings)
