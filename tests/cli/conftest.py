"""CLI helpers: run ``tutor.cli.app.main`` in-process with a given argv."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass
class MainResult:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    @property
    def err_text(self) -> str:
        """stderr with line wrapping undone, for content checks."""
        return " ".join(self.err.split())


@pytest.fixture
def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., MainResult]:
    """Call the console entry point as `tutor ARGS...` and return exit code, stdout, stderr."""
    from tutor.cli.app import main

    def run(*args: str) -> MainResult:
        monkeypatch.setattr(sys, "argv", ["tutor", *args])
        capsys.readouterr()
        code: int
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return MainResult(code, captured.out, captured.err)

    return run
