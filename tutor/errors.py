"""Errors a user can act on: each names the file, line or field that is wrong.

The CLI prints ``str(error)`` on one line and exits non-zero; no traceback reaches a user.
"""

from __future__ import annotations


class TutorError(Exception):
    """Base for every error the CLI reports as one clear line."""


class ScenarioError(TutorError):
    def __init__(self, path: str, field: str | None, message: str) -> None:
        self.path, self.field, self.message = path, field, message
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {message}")


class InputError(TutorError):
    """Bad user input (answers file, learner name, options)."""
