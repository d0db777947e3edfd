"""``tutor grade``: grade a file of answers against one scenario (contract 2 of DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tutor.errors import InputError
from tutor.grading.result import Grade
from tutor.grading.rubric_grader import OfflineGrader
from tutor.graph.session import clean_answer
from tutor.scenarios.model import Scenario


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def read_answers(path: Path, max_chars: int) -> Iterator[tuple[str | int, str] | LineError]:
    """Yield ``(id, answer)`` per line, or a ``LineError`` naming what is wrong with it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: answers file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte order mark, as Notepad writes
    for number, line_bytes in enumerate(raw.splitlines(), start=1):
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield LineError(number, f"not valid UTF-8 (byte {exc.start})")
            continue
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LineError(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(row, dict):
            yield LineError(number, 'expected an object like {"id": ..., "answer": ...}')
            continue
        if "id" not in row or not isinstance(row["id"], str | int) or isinstance(row["id"], bool):
            yield LineError(number, 'missing "id" (a string or a number)')
            continue
        if not isinstance(row.get("answer"), str):
            yield LineError(number, f'id {row["id"]}: missing "answer" (a string)')
            continue
        try:
            answer = clean_answer(row["answer"], max_chars)
        except InputError as exc:
            yield LineError(number, f"id {row['id']}: {exc}")
            continue
        yield row["id"], answer


def grade_file(
    scenario: Scenario, answers: Path, max_chars: int, grader: OfflineGrader | None = None
) -> tuple[list[Grade], list[LineError]]:
    grader = grader or OfflineGrader()
    grades: list[Grade] = []
    errors: list[LineError] = []
    for item in read_answers(answers, max_chars):
        if isinstance(item, LineError):
            errors.append(item)
        else:
            answer_id, answer = item
            grade = grader.grade(scenario, answer, answer_id=str(answer_id))
            grade.id = answer_id
            grades.append(grade)
    return grades, errors
