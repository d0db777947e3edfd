"""Feedback a learner can act on: what was right, what was missed and why, what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tutor import frameworks
from tutor.coaching.why import pick
from tutor.grading.result import Grade, verdict
from tutor.scenarios.model import Scenario


def _why_lines(
    text: str,
    passages: Sequence[dict[str, Any]],
    cited: dict[str, dict[str, Any]],
    shown: set[str],
    risks: Sequence[str],
) -> list[str]:
    """A "why it matters" line quoting the sentence nearest to ``text`` that this feedback has
    not quoted yet (four misses under one risk must not repeat one paragraph), remembering its
    passage for the sources line; none when no sentence is near enough."""
    why = pick(text, passages, shown, risks)
    if why is None:
        return []
    shown.add(why.sentence)
    cited.setdefault(why.passage["doc_id"], why.passage)
    return [f"    Why it matters ({why.passage['doc_id']}): {why.sentence}"]


def _seconds(ms: float) -> str:
    s = ms / 1000
    return f"{s:.0f} s" if s < 120 else f"{s / 60:.1f} min"


def timing_line(decision_ms: int | None, median_ms: float | None, previous: int) -> str:
    if not decision_ms:
        return ""
    if median_ms is None or previous < 2:
        return (
            f"You decided in {_seconds(decision_ms)}; after a few more turns you will see how "
            "that compares with your usual pace."
        )
    ratio = decision_ms / median_ms if median_ms else 1.0
    if ratio < 0.75:
        pace = "faster than your usual pace"
    elif ratio > 1.33:
        pace = "slower than your usual pace"
    else:
        pace = "about your usual pace"
    return f"You decided in {_seconds(decision_ms)}, {pace} (median {_seconds(median_ms)})."


def build_feedback(
    scenario: Scenario,
    grade: Grade,
    passages: Sequence[dict[str, Any]] = (),
    *,
    decision_ms: int | None = None,
    median_ms: float | None = None,
    previous_attempts: int = 0,
) -> str:
    rubric = scenario.rubric
    criteria = {c.id: c for c in rubric.criteria}
    mistakes = {m.id: m for m in rubric.mistakes}
    lines: list[str] = [verdict(scenario, grade)]

    right = [v for v in grade.criteria if v.met]
    if right:
        lines.append("\nWhat you got right:")
        for v in right:
            lines.append(f'  + {criteria[v.id].text}  (you wrote: "{v.evidence}")')

    missed = sorted(
        (v for v in grade.criteria if not v.met), key=lambda v: not criteria[v.id].critical
    )
    cited: dict[str, dict[str, Any]] = {}
    shown: set[str] = set()
    if missed:
        lines.append("\nWhat you missed:")
        for v in missed:
            c = criteria[v.id]
            tag = " [critical]" if c.critical else ""
            lines.append(f"  - {c.text}{tag}")
            if v.evidence:
                lines.append(f"    ({v.evidence})")
            lines.extend(_why_lines(c.text, passages, cited, shown, scenario.risks))

    made = [mv for mv in grade.mistakes if mv.made]
    if made:
        lines.append("\nMistakes:")
        for mv in made:
            m = mistakes[mv.id]
            lines.append(f'  ! {m.text}  (you wrote: "{mv.evidence}")')
            lines.extend(_why_lines(m.text, passages, cited, shown, scenario.risks))

    steps = list(scenario.next_steps)
    if steps:
        lines.append("\nNext steps:")
        lines.extend(f"  {i}. {s}" for i, s in enumerate(steps, start=1))

    ids = [frameworks.label(r) for r in scenario.risks]
    ids += [f"{c} {frameworks.title(c)}" for c in scenario.controls]
    lines.append("\nFrameworks: " + "; ".join(ids))
    if cited:
        lines.append(
            "Sources: " + "; ".join(f"{d} ({p['source']})" for d, p in sorted(cited.items()))
        )
    timing = timing_line(decision_ms, median_ms, previous_attempts)
    if timing:
        lines.append(timing)
    return "\n".join(lines)
