"""The grade (contract 2 of DESIGN.md) and the one rule that turns verdicts into a score.

Every grader (offline rubric grader, model judge, a reconciliation of both) fills verdicts;
``finalise`` computes score and pass/fail from them, so no model's say-so sets a score.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from tutor.scenarios.model import Scenario

PROMPT_INJECTION = "prompt_injection"


class CriterionVerdict(BaseModel):
    id: str
    met: bool
    evidence: str = ""


class MistakeVerdict(BaseModel):
    id: str
    made: bool
    evidence: str = ""


class Grade(BaseModel):
    id: str | int | None = None  # echoed as given, so a caller's numeric ids stay numbers
    scenario: str
    score: float = Field(ge=0, le=1)
    passed: bool
    criteria: list[CriterionVerdict]
    mistakes: list[MistakeVerdict]
    flags: list[str] = Field(default_factory=list)
    feedback: str = ""
    grader: str = "offline-rubric"

    def to_json_line(self) -> str:
        return self.model_dump_json()


def finalise(
    scenario: Scenario,
    criteria: list[CriterionVerdict],
    mistakes: list[MistakeVerdict],
    flags: list[str],
    *,
    answer_id: str | int | None = None,
    grader: str = "offline-rubric",
) -> Grade:
    """Pass = every critical criterion met, no mistake made, score >= pass_score, no injection.

    A criterion that a made mistake contradicts (``Mistake.contradicts``) is not met, whichever
    grader said it was: feedback must not praise a refusal the answer goes on to break. A
    mistake another one implies (``Mistake.implied_by``) is made with it, so the learner model
    sees the habit behind the act even when the answer never names it."""
    rubric = scenario.rubric
    mistakes = _with_implied(scenario, criteria, mistakes)
    made_ids = {v.id for v in mistakes if v.made}
    undone = {c for m in rubric.mistakes if m.id in made_ids for c in m.contradicts}
    criteria = [
        v.model_copy(update={"met": False, "evidence": ""}) if v.met and v.id in undone else v
        for v in criteria
    ]
    met = {v.id for v in criteria if v.met}
    score = round(sum(c.weight for c in rubric.criteria if c.id in met) / rubric.total_weight, 4)
    critical_missed = [c for c in rubric.criteria if c.critical and c.id not in met]
    made = [v for v in mistakes if v.made]
    passed = (
        not critical_missed
        and not made
        and score >= rubric.pass_score
        and PROMPT_INJECTION not in flags
    )
    grade = Grade(
        id=answer_id,
        scenario=scenario.id,
        score=score,
        passed=passed,
        criteria=criteria,
        mistakes=mistakes,
        flags=flags,
        grader=grader,
    )
    grade.feedback = summary(scenario, grade)
    return grade


def _with_implied(
    scenario: Scenario, criteria: list[CriterionVerdict], mistakes: list[MistakeVerdict]
) -> list[MistakeVerdict]:
    """Mark each implied mistake made, quoting the act that implies it, unless the answer met a
    criterion it contradicts: granting access after the call-back is not trusting the caller."""
    met = {v.id for v in criteria if v.met}
    evidence = {v.id: v.evidence for v in mistakes if v.made}
    implied: dict[str, str] = {}
    for mistake in scenario.rubric.mistakes:
        by = next((m for m in mistake.implied_by if m in evidence), None)
        if by is not None and not met & set(mistake.contradicts):
            implied[mistake.id] = evidence[by]
    return [
        v.model_copy(update={"made": True, "evidence": implied[v.id]})
        if not v.made and v.id in implied
        else v
        for v in mistakes
    ]


def verdict(scenario: Scenario, grade: Grade) -> str:
    """The first line of any feedback: passed or not, and why not in one phrase."""
    if PROMPT_INJECTION in grade.flags:
        return (
            "Not passed: the answer speaks to the grader instead of the situation. Answers are "
            "read as data; instructions to the grader are flagged and fail."
        )
    if grade.passed:
        return f"Passed ({grade.score:.0%})."
    return f"Not passed ({grade.score:.0%}; pass mark {scenario.rubric.pass_score:.0%})."


def summary(scenario: Scenario, grade: Grade) -> str:
    """A short plain-language verdict; the tutor's feedback node adds the why and next steps."""
    rubric = scenario.rubric
    by_id = {c.id: c for c in rubric.criteria}
    mistakes = {m.id: m for m in rubric.mistakes}
    parts: list[str] = [verdict(scenario, grade)]
    right = [by_id[v.id].text for v in grade.criteria if v.met]
    missed_critical = [
        by_id[v.id].text for v in grade.criteria if not v.met and by_id[v.id].critical
    ]
    missed = [by_id[v.id].text for v in grade.criteria if not v.met and not by_id[v.id].critical]
    made = [mistakes[v.id].text for v in grade.mistakes if v.made]
    if right:
        parts.append("Right: " + " ".join(right))
    if missed_critical:
        parts.append("Missed (critical): " + " ".join(missed_critical))
    if missed:
        parts.append("Also missed: " + " ".join(missed))
    if made:
        parts.append("Mistakes: " + " ".join(made))
    return " ".join(parts)
