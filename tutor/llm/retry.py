"""Which failures are worth another try on the same model, and how long to wait first.

Timeouts, rate limits (429) and server-side errors (5xx, dropped connections) are transient:
the same request may well succeed a moment later. Anything else (a bad request, a missing key,
an unknown model, a context that does not fit) will fail again, so the gateway moves straight
on to the next model instead of wasting the learner's time.

Exceptions are recognised by class name along their MRO, so this module needs no litellm
import and also knows the openai SDK classes that litellm's own exceptions derive from.
"""

from __future__ import annotations

import asyncio

_TRANSIENT_NAMES = frozenset(
    {
        "Timeout",
        "APITimeoutError",
        "RateLimitError",
        "InternalServerError",
        "ServiceUnavailableError",
        "BadGatewayError",
        "APIConnectionError",
        "MidStreamFallbackError",
    }
)
# Raised with these codes the request itself is at fault, whatever the exception class says.
_PERMANENT_NAMES = frozenset(
    {"ContextWindowExceededError", "ContentPolicyViolationError", "BudgetExceededError"}
)
MAX_BACKOFF_S = 8.0


def is_transient(error: BaseException) -> bool:
    """Whether retrying the same request on the same model may succeed."""
    if isinstance(error, asyncio.TimeoutError | TimeoutError | ConnectionError):
        return True
    names = {cls.__name__ for cls in type(error).__mro__}
    if names & _PERMANENT_NAMES:
        return False
    if names & _TRANSIENT_NAMES:
        return True
    status = getattr(error, "status_code", None)
    return isinstance(status, int) and (status in (408, 409, 429) or status >= 500)


def backoff_delay(base_s: float, retry_number: int) -> float:
    """Exponential backoff: ``base``, ``2 * base``, ``4 * base``..., capped at 8 seconds."""
    return min(MAX_BACKOFF_S, base_s * (2**retry_number))


def status_of(error: BaseException) -> str:
    """A short, content-free label for logs and the ledger: class name and status code."""
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__}({status})" if isinstance(status, int) else type(error).__name__
