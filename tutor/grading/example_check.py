"""Whether a rubric's own examples read as the items they illustrate.

A scenario author writes examples for each criterion and mistake; the offline grader matches
learners' answers through them. An example the grader does not read as its own item, graded on
its own, matches answers worse than its author expects (a reason clause that swallows the step,
a verb the lexicon does not know), so `tutor scenarios validate --examples` lists them for
rewording. A warning, not an error: the rubric is still valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor.grading.rubric_grader import OfflineGrader
from tutor.scenarios.model import Scenario


@dataclass(frozen=True)
class UnreadExample:
    """One example that, graded alone, does not earn the item it belongs to."""

    field: str  # where it sits in the file: rubric.mistakes[merge-unread].examples[1]
    text: str
    read_as: tuple[str, ...]  # what the grader read instead: criterion and mistake ids

    def message(self) -> str:
        read = ", ".join(self.read_as) if self.read_as else "nothing"
        return f'{self.field}: "{self.text}" does not read as its own item (read as: {read})'


def _items(scenario: Scenario) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(field name, id, examples, is a criterion) for every criterion and mistake."""
    return [("criteria", c.id, c.examples, True) for c in scenario.rubric.criteria] + [
        ("mistakes", m.id, m.examples, False) for m in scenario.rubric.mistakes
    ]


def example_count(scenario: Scenario) -> int:
    """How many examples the rubric gives, over its criteria and mistakes."""
    return sum(len(examples) for _, _, examples, _ in _items(scenario))


def unread_examples(scenario: Scenario, grader: OfflineGrader) -> list[UnreadExample]:
    """Every criterion and mistake example of the rubric that, graded alone, misses its item."""
    found: list[UnreadExample] = []
    for kind, item_id, examples, is_criterion in _items(scenario):
        for k, text in enumerate(examples):
            grade = grader.grade(scenario, text)
            met = {v.id for v in grade.criteria if v.met}
            made = {v.id for v in grade.mistakes if v.made}
            if item_id in (met if is_criterion else made):
                continue
            found.append(
                UnreadExample(
                    field=f"rubric.{kind}[{item_id}].examples[{k}]",
                    text=text,
                    read_as=tuple(sorted(met)) + tuple(sorted(made)),
                )
            )
    return found
