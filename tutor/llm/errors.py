"""What can go wrong on the model path, in words a learner or an operator can act on."""

from __future__ import annotations

from collections.abc import Sequence

from tutor.errors import TutorError


class ModelUnavailable(TutorError):
    """No model produced a usable answer; the caller hands the turn to the offline engine.

    ``reason`` is one plain sentence for the learner; ``failures`` says, per model tried, what
    went wrong (exception class names and counts only, never message text).
    """

    def __init__(self, purpose: str, reason: str, failures: Sequence[str] = ()) -> None:
        self.purpose, self.reason, self.failures = purpose, reason, tuple(failures)
        detail = f" ({'; '.join(self.failures)})" if self.failures else ""
        super().__init__(f"{purpose}: {reason}{detail}")


CONTEXT_TOO_SMALL = "the request was longer than the language model's context window allows"


def plain_reason(failures: Sequence[str]) -> str:
    """One plain sentence for the learner about why the offline engine stands in.

    It names what happened, because the remedy differs: a context window that is too small
    needs a bigger model or server setting, an unusable answer a better model, and only a
    connection failure means the model "could not be reached".
    """
    text = " ".join(failures)
    if failures and all("invalid output" in f for f in failures):
        return "the language model's answers could not be used"
    if "ContextWindowExceeded" in text:
        return CONTEXT_TOO_SMALL
    if "RateLimitError" in text or "(429)" in text:
        return "the language model is busy right now"
    if "Timeout" in text or "in time" in text:
        return "the language model did not answer in time"
    return "the language model could not be reached"


class StreamTruncated(TutorError):
    """A streamed reply stopped before the model finished; the text already shown is kept."""

    def __init__(self, model: str, reason: str, partial_text: str = "") -> None:
        self.model, self.reason, self.partial_text = model, reason, partial_text
        super().__init__(
            f"the reply from {model} was cut off after {len(partial_text)} characters: {reason}"
        )


class ModelConfigError(TutorError):
    """The model settings cannot work (for example a ``mockllm/`` model outside the tests)."""


class ModelRequestRefused(RuntimeError):
    """A model request that must not happen here (tests without opt-in, an unscripted fake).

    Not a ``TutorError`` and never caught by the gateway: it is a bug in a test or in the
    wiring, so it must fail loudly instead of falling back to the offline engine.
    """
