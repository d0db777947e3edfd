"""A file cache of generated scenarios, so the same target never costs tokens twice.

One JSON file per key under ``cache_dir``. A file that no longer loads (hand-edited, written
by an older format) counts as a miss and is replaced, never an error: the cache is only an
optimisation.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from tutor.generation.target import GeneratedScenario

logger = logging.getLogger(__name__)


class ScenarioCache:
    """Generated scenarios stored as ``<cache_dir>/<key>.json``."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)

    def path_for(self, key: str) -> Path:
        return self.cache_dir / f"{key}.json"

    def get(self, key: str) -> GeneratedScenario | None:
        """The cached scenario (``cached=True``), or None on a miss or an unreadable file."""
        path = self.path_for(key)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            logger.warning("generation cache %s unreadable (%s); regenerating", path, error)
            return None
        try:
            stored = GeneratedScenario.model_validate_json(text)
        except (ValidationError, ValueError):
            logger.warning("generation cache %s is not a valid scenario; regenerating", path)
            return None
        return stored.model_copy(update={"cached": True})

    def put(self, key: str, generated: GeneratedScenario) -> None:
        """Store atomically (write then rename), so a crash never leaves half a file."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        payload = generated.model_copy(update={"cached": False}).model_dump(mode="json")
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path_for(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
