"""Where the secrets are: spans found by Yelp's detect-secrets plugins, plus four narrow gaps.

Why the plugins are called directly instead of through ``detect_secrets.core.scan.scan_line``:
``scan_line`` reads and mutates detect-secrets' process-wide settings, may *verify* a candidate
by sending it to the issuer (AWS, Slack, ...) when the verification filter is enabled, and its
filters log the candidate value at INFO. A redactor must do none of that. So each plugin's own
compiled patterns (``denylist``), its keyword tables, its JWT check and its Shannon-entropy
measure are used as they are, only with ``finditer`` so that every hit has a position.

Narrow regexes of our own, each only where detect-secrets 1.5.0 has no plugin:

- ``_PRIVATE_KEY_BEGIN``/``_PRIVATE_KEY_END``: ``PrivateKeyDetector`` matches the header only;
  the block runs to its ``END`` line or, with none, over the lines that look like key material.
  The header regex also knows ``BEGIN ENCRYPTED PRIVATE KEY``, which the plugin misses.
- ``_GITHUB_FINE_GRAINED``: ``github_pat_`` tokens (``GitHubTokenDetector`` knows only
  ``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_``).
- ``_SLACK_APP_AND_REFRESH``: ``xapp-`` app tokens and ``xoxe-`` refresh tokens (``SlackDetector``
  knows ``xoxa``/``xoxb``/``xoxo``/``xoxp``/``xoxr``/``xoxs``).
- ``_CONNECTION_PASSWORD``: database URLs whose password has characters ``BasicAuthDetector``
  refuses (``! $ & # ...``, common in hand-written passwords) or that have no user name
  (``redis://:password@host``).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from detect_secrets.plugins import keyword as ds_keyword
from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
)
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector

# Overlapping hits are settled by rank: lower wins (see redactor.resolve).
RANK_PLACEHOLDER = 0  # an existing placeholder: kept as it is, so redaction is idempotent
RANK_BLOCK = 1  # a private key block swallows everything inside it
RANK_TOKEN = 2  # a token with a known shape (AWS, GitHub, Slack, JWT, ...)
RANK_URL_PASSWORD = 3  # the password part of a URL
RANK_ASSIGNMENT = 4  # the value of a secret-sounding name
RANK_ENTROPY = 5  # a random-looking string with no other clue

PLACEHOLDER_RE = re.compile(r"\[REDACTED:[a-z0-9_]+:[0-9a-f]{8}\]")

# Lines longer than this are cut (at whitespace) before the line-based keyword scan, and each
# keyword pattern looks at most this far past its keyword, so that a pathological line cannot
# make those backtracking patterns quadratic. A name, its operator and its value fit easily.
MAX_SEGMENT_CHARS = 2_000
KEYWORD_WINDOW_CHARS = 512


@dataclass(frozen=True, slots=True)
class Hit:
    """A candidate secret: where it is, what kind it is and how much to trust the kind."""

    start: int
    end: int
    kind: str
    rank: int


# --- detect-secrets token plugins ---------------------------------------------------------

_DB_SCHEMES = frozenset(
    {
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongodb",
        "mongodb+srv",
        "redis",
        "rediss",
        "amqp",
        "amqps",
        "mssql",
        "sqlserver",
        "oracle",
        "cockroachdb",
        "clickhouse",
    }
)

_TOKEN_PLUGINS: tuple[RegexBasedDetector, ...] = (
    AWSKeyDetector(),
    GitHubTokenDetector(),
    SlackDetector(),
    JwtTokenDetector(),
    ArtifactoryDetector(),
    AzureStorageKeyDetector(),
    DiscordBotTokenDetector(),
    GitLabTokenDetector(),
    MailchimpDetector(),
    NpmDetector(),
    OpenAIDetector(),
    PypiTokenDetector(),
    SendGridDetector(),
    SquareOAuthDetector(),
    StripeDetector(),
    TelegramBotTokenDetector(),
    TwilioKeyDetector(),
)
# Left out on purpose: ``IPPublicDetector`` (an IP address is not a secret) and the Cloudant,
# IBM Cloud IAM, IBM COS HMAC and SoftLayer plugins, whose keyword-prefixed patterns cost more
# than all the others together; their credentials assigned to a secret-sounding name are still
# caught by the keyword scan, and quoted ones by the entropy scan.

# A literal the plugin's pattern needs, checked first: NpmDetector's ``//.+/:_authToken`` is
# quadratic on text with many ``//`` and no token.
_REQUIRED_TEXT: dict[type[RegexBasedDetector], str] = {NpmDetector: "_authToken"}

# In these plugins the one capture group is a prefix (``ghp``, ``glpat``), not the secret.
_WHOLE_MATCH_PLUGINS = (GitHubTokenDetector, GitLabTokenDetector)

_KIND_BY_TYPE = {
    "GitHub Token": "github_token",
    "JSON Web Token": "jwt",
    "NPM tokens": "npm_token",
    "OpenAI Token": "openai_api_key",
    "Stripe Access Key": "stripe_key",
    "Twilio API Key": "twilio_api_key",
    "SendGrid API Key": "sendgrid_api_key",
}
_DELIMITERS = " \t\r\n=:\"'"
_JWT_TAIL = re.compile(r"[A-Za-z0-9_\-+/=]*")
_WORD_TAIL = re.compile(r"[A-Za-z0-9_]*")


def _kind_of(plugin: RegexBasedDetector, pattern_index: int) -> str:
    if isinstance(plugin, AWSKeyDetector):
        return "aws_access_key_id" if pattern_index == 0 else "aws_secret_access_key"
    if isinstance(plugin, SlackDetector):
        return "slack_token" if pattern_index == 0 else "slack_webhook_url"
    secret_type = str(plugin.secret_type)
    slug = re.sub(r"[^a-z0-9]+", "_", secret_type.lower()).strip("_")
    return _KIND_BY_TYPE.get(secret_type, slug)


def _token_hits(text: str) -> Iterator[Hit]:
    for plugin in _TOKEN_PLUGINS:
        required = _REQUIRED_TEXT.get(type(plugin))
        if required is not None and required not in text:
            continue
        whole = isinstance(plugin, _WHOLE_MATCH_PLUGINS)
        for index, pattern in enumerate(plugin.denylist):
            group = 0 if whole or pattern.groups == 0 else 1
            kind = _kind_of(plugin, index)
            for match in pattern.finditer(text):
                start, end = match.span(group)
                if start < 0:
                    continue
                value = text[start:end]
                stripped = value.strip(_DELIMITERS)
                if not stripped:
                    continue
                start += value.index(stripped)
                end = start + len(stripped)
                if isinstance(plugin, JwtTokenDetector):
                    # The plugin's pattern ends lazily, before the signature: take it too.
                    end = _extend(_JWT_TAIL, text, end)
                    if not plugin.is_formally_valid(text[start:end]):
                        continue
                elif group == 0:
                    # Fixed-length patterns (``ghp_`` + 36) must not leave a longer token's tail.
                    end = _extend(_WORD_TAIL, text, end)
                yield Hit(start, end, kind, RANK_TOKEN)


def _extend(tail: re.Pattern[str], text: str, end: int) -> int:
    match = tail.match(text, end)
    return match.end() if match else end


def _basic_auth_hits(text: str) -> Iterator[Hit]:
    for pattern in BasicAuthDetector.denylist:
        for match in pattern.finditer(text):
            yield Hit(
                match.start(1), match.end(1), _url_kind(text, match.start()), RANK_URL_PASSWORD
            )


def _url_kind(text: str, scheme_end: int) -> str:
    """``connection_string`` for a database URL, ``basic_auth`` for any other URL."""
    head = text[max(0, scheme_end - 20) : scheme_end]
    scheme = re.search(r"[A-Za-z][A-Za-z0-9+.-]*$", head)
    return "connection_string" if scheme and scheme.group().lower() in _DB_SCHEMES else "basic_auth"


# --- narrow regexes for what detect-secrets 1.5.0 has no plugin for ------------------------

_PRIVATE_KEY_BEGIN = re.compile(r"-{4,5} ?BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}")
_PRIVATE_KEY_END = re.compile(r"-{4,5} ?END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}")
_PUTTY_END = re.compile(r"Private-MAC: *[0-9A-Fa-f]+")
_GITHUB_FINE_GRAINED = re.compile(r"github_pat_[A-Za-z0-9_]{22,255}")
_SLACK_APP_AND_REFRESH = re.compile(
    r"\b(?:xapp-\d+-[A-Za-z0-9-]{10,}|xoxe(?:\.xox[a-z])?-\d+-[A-Za-z0-9-]{10,})"
)
_CONNECTION_PASSWORD = re.compile(
    r"\b(?P<scheme>" + "|".join(re.escape(s) for s in sorted(_DB_SCHEMES)) + r")://"
    r"[^\s:/@]*:(?P<password>[^\s@/]+(?:@[^\s@/]+)*)@[^\s@/]",
    re.IGNORECASE,
)


_KEY_MATERIAL_LINE = re.compile(
    r"[ \t]*(?:[A-Za-z0-9+/=]{16,}|(?:Proc-Type|DEK-Info|Comment|Version|Hash|Charset|Encryption"
    r"|Public-Lines|Private-Lines|Private-MAC): *\S.*)[ \t\r]*"
)
_KEY_MATERIAL_REST = re.compile(r"[\sA-Za-z0-9+/=\\]*")


def _block_end(text: str, start: int, header_end: int, closings: list[tuple[int, int]]) -> int:
    """Where a key block ends: its END line, else the last line that looks like key material."""
    i = bisect.bisect_left(closings, (header_end, 0))
    if i < len(closings):
        return closings[i][1]
    line_end = text.find("\n", header_end)
    line_end = len(text) if line_end < 0 else line_end
    is_putty = text.startswith("PuTTY", start)
    rest = is_putty or _KEY_MATERIAL_REST.fullmatch(text, header_end, line_end) is not None
    end = line_end if rest else header_end
    while rest and end < len(text):
        next_end = text.find("\n", end + 1)
        next_end = len(text) if next_end < 0 else next_end
        if not _KEY_MATERIAL_LINE.fullmatch(text, end + 1, next_end):
            break
        end = next_end
    return end


def _private_key_hits(text: str) -> Iterator[Hit]:
    """Whole key blocks, found from detect-secrets' header patterns and the block regex."""
    headers: dict[int, int] = {m.start(): m.end() for m in _PRIVATE_KEY_BEGIN.finditer(text)}
    for pattern in PrivateKeyDetector.denylist:
        for match in pattern.finditer(text):
            dashes = re.search(r"-{4,5} ?$", text[max(0, match.start() - 6) : match.start()])
            start = match.start() - len(dashes.group()) if dashes else match.start()
            headers.setdefault(start, match.end())
    if not headers:
        return
    closings = {
        "key": [m.span() for m in _PRIVATE_KEY_END.finditer(text)],
        "putty": [m.span() for m in _PUTTY_END.finditer(text)],
    }
    for start, header_end in sorted(headers.items()):
        ends = closings["putty" if text.startswith("PuTTY", start) else "key"]
        yield Hit(start, _block_end(text, start, header_end, ends), "private_key", RANK_BLOCK)


def _narrow_hits(text: str) -> Iterator[Hit]:
    if "github_pat_" in text:
        for match in _GITHUB_FINE_GRAINED.finditer(text):
            yield Hit(match.start(), match.end(), "github_token", RANK_TOKEN)
    if "xapp-" in text or "xoxe" in text:
        for match in _SLACK_APP_AND_REFRESH.finditer(text):
            yield Hit(match.start(), match.end(), "slack_token", RANK_TOKEN)
    if "://" in text:
        for match in _CONNECTION_PASSWORD.finditer(text):
            yield Hit(
                match.start("password"), match.end("password"), "connection_string", RANK_TOKEN
            )


# --- generic assignments: detect-secrets' keyword plugin, line by line ---------------------

_KEYWORD_ANYWHERE = re.compile(ds_keyword.DENYLIST_REGEX, re.IGNORECASE)
# detect-secrets' keyword patterns with the group that holds the value: the quoted forms
# (``password = "..."``) and the config forms (``API_KEY=...``, ``secret: ...``).
_GROUP_OF: dict[re.Pattern[str], int] = {
    **ds_keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    **ds_keyword.CONFIG_DENYLIST_REGEX_TO_GROUP,
}
# ``"value" == password``: the one form where the value comes before the name.
_VALUE_FIRST_PATTERN = ds_keyword.PRECEDED_BY_EQUAL_COMPARISON_SIGNS_QUOTES_REQUIRED_REGEX
_KEYWORD_PATTERNS = tuple(pattern for pattern in _GROUP_OF if pattern is not _VALUE_FIRST_PATTERN)
_REFERENCE = re.compile(r"^(?:\$|\{\{|<[^>]*>$|%\(|os\.|process\.env|env\()")


def _segments(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) pairs; a very long line comes as several pieces cut at whitespace."""
    offset = 0
    for line in text.split("\n"):
        start = 0
        while len(line) - start > MAX_SEGMENT_CHARS:
            cut = line.rfind(" ", start + MAX_SEGMENT_CHARS // 2, start + MAX_SEGMENT_CHARS)
            cut = cut if cut > start else start + MAX_SEGMENT_CHARS
            yield offset + start, line[start:cut]
            start = cut
        yield offset + start, line[start:]
        offset += len(line) + 1


def shannon_entropy(value: str) -> float:
    """Bits per character over the characters the value itself uses."""
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in Counter(value).values()) if size else 0.0


_ALPHA = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_SYMBOL = re.compile(r"[!#$%&*+<=>?@^|~]")


def _looks_secret(value: str, quoted: bool) -> bool:
    """Whether an assigned value is a credential rather than prose or a reference to one."""
    if len(value) < 4 or PLACEHOLDER_RE.search(value) or _REFERENCE.search(value):
        return False
    if quoted:
        return True
    if "://" in value or len(value) < 6:
        return False
    # Letters with digits or symbols, or a long random-looking string. Letters alone, even in
    # CamelCase, are identifiers (``secretsmanager:GetSecretValue``), not credentials.
    if _ALPHA.search(value) and (_DIGIT.search(value) or _SYMBOL.search(value)):
        return True
    return len(value) >= 20 and shannon_entropy(value) >= 3.5


def _value_span(segment: str, match: re.Match[str], group: int) -> tuple[int, int, bool]:
    """The span of the assigned value: the whole quoted string, or its first word."""
    start, end = match.span(group)
    quoted = (
        start > 0
        and segment[start - 1] in "\"'`"
        and end < len(segment)
        and (segment[end] == segment[start - 1])
    )
    if not quoted:
        word = re.match(r"[^\s,;]+", segment[start:end])
        end = start + (len(word.group().rstrip(".)]}>")) if word else 0)
    return start, end, quoted


def _assignment_hits(text: str) -> Iterator[Hit]:
    """Values of secret-sounding names, tried only where detect-secrets' keyword list matches.

    Anchoring each keyword pattern at a keyword occurrence (``pattern.match``) rather than
    searching the whole line keeps the scan linear in practice.
    """
    for offset, segment in _segments(text):
        keywords = [m.start() for m in _KEYWORD_ANYWHERE.finditer(segment)]
        if not keywords:
            continue
        candidates = [
            pattern.match(segment, position, position + KEYWORD_WINDOW_CHARS)
            for position in keywords
            for pattern in _KEYWORD_PATTERNS
        ]
        if "==" in segment or "!=" in segment:
            candidates.extend(_VALUE_FIRST_PATTERN.finditer(segment))
        for match in candidates:
            if match is None:
                continue
            group = _GROUP_OF[match.re]
            start, end, quoted = _value_span(segment, match, group)
            value = segment[start:end]
            if end > start and _looks_secret(value, quoted):
                kind = "generic_secret"
                if _is_aws_secret(value, segment[max(0, match.start() - 30) : start]):
                    kind = "aws_secret_access_key"
                yield Hit(offset + start, offset + end, kind, RANK_ASSIGNMENT)


_AWS_SECRET_SHAPE = re.compile(r"[0-9a-zA-Z/+]{40}")


def _is_aws_secret(value: str, context_before: str) -> bool:
    return bool(_AWS_SECRET_SHAPE.fullmatch(value)) and "aws" in context_before.lower()


# --- random-looking strings: detect-secrets' high-entropy plugins --------------------------

_BASE64 = Base64HighEntropyString()
_HEX = HexHighEntropyString()
# "=" only as trailing padding, so ``groupId=sg-0a1b2c3d4e5f67890`` is two words, not one.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/\-_]{20,}={0,2}")


def _entropy_hits(text: str) -> Iterator[Hit]:
    """Quoted base64/hex strings above detect-secrets' limits, and unquoted base64 runs.

    The unquoted pass is what detect-secrets' own ad-hoc scan does when nothing is quoted; it
    uses only the base64 limit (4.5 bits), which hex digests, words and paths never reach.
    """
    for plugin in (_BASE64, _HEX):
        for match in plugin.regex.finditer(text):
            value = match.group(2)
            if plugin.calculate_shannon_entropy(value) > plugin.entropy_limit:
                yield Hit(match.start(2), match.end(2), "high_entropy_string", RANK_ENTROPY)
    for match in _BASE64_RUN.finditer(text):
        value = match.group()
        if _BASE64.calculate_shannon_entropy(value) > _BASE64.entropy_limit:
            context = text[max(0, match.start() - 80) : match.start()]
            kind = (
                "aws_secret_access_key" if _is_aws_secret(value, context) else "high_entropy_string"
            )
            yield Hit(match.start(), match.end(), kind, RANK_ENTROPY)


def find_hits(text: str) -> Iterator[Hit]:
    """Every candidate secret in ``text``; overlaps are settled by the caller."""
    for match in PLACEHOLDER_RE.finditer(text):
        yield Hit(match.start(), match.end(), "placeholder", RANK_PLACEHOLDER)
    yield from _private_key_hits(text)
    yield from _token_hits(text)
    yield from _narrow_hits(text)
    yield from _basic_auth_hits(text)
    yield from _assignment_hits(text)
    yield from _entropy_hits(text)
