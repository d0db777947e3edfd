"""Why a generated scenario could not be used, in one error the caller can catch."""

from __future__ import annotations

from collections.abc import Sequence

from tutor.errors import TutorError


class GenerationFailed(TutorError):
    """No usable scenario after the allowed tries; the caller falls back to the curated library.

    ``reasons`` lists what was wrong with the last draft (validation problems or the critic's
    objections), so an operator can see why without reading model traffic (the generator also
    logs them). The message names only the first: it is shown to the learner, for whom a page
    of schema errors from a model's draft says less than "the drafts did not pass the checks".
    """

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        self.message, self.reasons = message, tuple(reasons)
        super().__init__(f"scenario generation failed: {self.plain}")

    @property
    def plain(self) -> str:
        """What went wrong in one flat sentence (no nested brackets), for the learner."""
        if len(self.reasons) == 1:
            return f"{self.message}: {self.reasons[0]}"
        if self.reasons:
            return f"{self.message}; the first of {len(self.reasons)} problems: {self.reasons[0]}"
        return self.message
