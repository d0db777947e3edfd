"""Why a generated scenario could not be used, in one error the caller can catch."""

from __future__ import annotations

from collections.abc import Sequence

from tutor.errors import TutorError


class GenerationFailed(TutorError):
    """No usable scenario after the allowed tries; the caller falls back to the curated library.

    ``reasons`` lists what was wrong with the last draft (validation problems or the critic's
    objections), so an operator can see why without reading model traffic.
    """

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        self.reasons = tuple(reasons)
        detail = f": {'; '.join(self.reasons)}" if self.reasons else ""
        super().__init__(f"scenario generation failed: {message}{detail}")
