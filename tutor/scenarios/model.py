"""The scenario file format (contract 1 of DESIGN.md) as pydantic models.

Unknown fields are errors so a typo in a trainer's file (``critcal: true``) never silently
weakens a rubric.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tutor import frameworks
from tutor.scenarios.patterns import PATTERNS

Role = Literal["developer", "platform", "approver", "responder", "agent-operator"]
PersonaKind = Literal["attacker", "ai_agent", "colleague"]
Stance = Literal["refusing", "complying", "any"]
Tactic = Literal[
    "urgency", "authority", "just_this_once", "partial_ask", "guilt", "reciprocity", "deflection"
]
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CLOCK = r"^(?:[01]\d|2[0-3]):[0-5]\d$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pushback(_Strict):
    """A scripted line the persona uses when the learner refuses or complies."""

    when: Stance = "any"
    tactic: Tactic
    line: str = Field(min_length=1)


class Persona(_Strict):
    kind: PersonaKind
    name: str = Field(min_length=1)
    goal: str = Field(min_length=1)
    opening: str = Field(min_length=1)
    pushback: tuple[Pushback, ...] = ()


class Artifact(_Strict):
    """Evidence shown with the situation: a log excerpt, an alert, a chat message, a policy."""

    kind: Literal["log", "alert", "chat", "code", "policy", "ticket", "email"]
    title: str = Field(min_length=1)
    content: str = Field(min_length=1)


class Criterion(_Strict):
    id: str = Field(pattern=SLUG)
    text: str = Field(min_length=1)
    weight: float = Field(gt=0)
    critical: bool = False
    # A time-critical action stated with "later" or "after the release" does not count.
    # Defaults to ``critical``.
    immediate: bool | None = None
    examples: tuple[str, ...] = ()

    @property
    def must_be_immediate(self) -> bool:
        return self.critical if self.immediate is None else self.immediate


class Mistake(_Strict):
    id: str = Field(pattern=SLUG)
    text: str = Field(min_length=1)
    pattern: str | None = None
    examples: tuple[str, ...] = ()
    # Criteria this mistake undoes: an answer that lends the agent a human's token has not
    # refused every human token, whatever else it refused, so feedback must not say it did.
    contradicts: tuple[str, ...] = ()
    # Mistakes that also make this one while every criterion in ``contradicts`` is unmet:
    # reading the password to an unverified caller is trusting the caller, said or not.
    implied_by: tuple[str, ...] = ()

    @field_validator("pattern")
    @classmethod
    def _known_pattern(cls, value: str | None) -> str | None:
        if value is not None and value not in PATTERNS:
            raise ValueError(f"unknown mistake pattern {value!r}; known: {', '.join(PATTERNS)}")
        return value


class Rubric(_Strict):
    pass_score: float = Field(ge=0, le=1)
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    mistakes: tuple[Mistake, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        ids = [c.id for c in self.criteria] + [m.id for m in self.mistakes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"criterion and mistake ids must be unique; repeated: {dupes}")
        return self

    @model_validator(mode="after")
    def _known_contradictions(self) -> Rubric:
        criteria = {c.id for c in self.criteria}
        for mistake in self.mistakes:
            unknown = [c for c in mistake.contradicts if c not in criteria]
            if unknown:
                raise ValueError(
                    f"mistake {mistake.id!r} contradicts unknown criteria {unknown}; "
                    f"known: {', '.join(sorted(criteria))}"
                )
        return self

    @model_validator(mode="after")
    def _direct_implications(self) -> Rubric:
        """One level only: an implication that needs another would depend on their order."""
        mistakes = {m.id: m for m in self.mistakes}
        for mistake in self.mistakes:
            for other in mistake.implied_by:
                if other not in mistakes or other == mistake.id:
                    raise ValueError(
                        f"mistake {mistake.id!r} is implied_by {other!r}, which is not another "
                        f"mistake of this rubric; known: {', '.join(sorted(mistakes))}"
                    )
                if mistakes[other].implied_by:
                    raise ValueError(
                        f"mistake {mistake.id!r} is implied_by {other!r}, which is itself "
                        "implied; name the mistakes that imply it directly"
                    )
        return self

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.criteria)


class Scenario(_Strict):
    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    risks: tuple[str, ...] = Field(min_length=1)
    controls: tuple[str, ...] = ()
    roles: tuple[Role, ...] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=5)
    situation: str = Field(min_length=1)
    question: str = Field(min_length=1)
    persona: Persona | None = None
    artifacts: tuple[Artifact, ...] = ()
    hints: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    # The time of day at the moment of decision ("16:40"), when the situation states one: the
    # grader then reads "I deactivate it at 17:31" as put off, and "used at 02:14" as not.
    clock: str | None = Field(default=None, pattern=CLOCK)
    rubric: Rubric

    @field_validator("clock", mode="before")
    @classmethod
    def _clock_from_yaml(cls, value: object) -> object:
        """YAML 1.1 reads an unquoted ``16:40`` as the base-60 integer 1000; read it back."""
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"
        return value

    @property
    def clock_minutes(self) -> int | None:
        """Minutes since midnight at the moment of decision, if the scenario says."""
        if self.clock is None:
            return None
        hours, minutes = self.clock.split(":")
        return int(hours) * 60 + int(minutes)

    @field_validator("risks")
    @classmethod
    def _known_risks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in value if not frameworks.is_risk(r)]
        if unknown:
            raise ValueError(
                f"unknown risk ID(s) {unknown}; use NHI1..NHI10 (OWASP NHI Top 10 2025) "
                "or ASI01..ASI10 (OWASP Agentic Top 10)"
            )
        return tuple(frameworks.canonical(r) for r in value)

    @field_validator("controls")
    @classmethod
    def _known_controls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in value if not frameworks.is_control(c)]
        if unknown:
            hint = [
                f"{c} -> {'/'.join(frameworks.CSF11_TO_CSF2[c])}"
                for c in unknown
                if c in frameworks.CSF11_TO_CSF2
            ]
            extra = f" (CSF 1.1 IDs; use the CSF 2.0 ones: {', '.join(hint)})" if hint else ""
            raise ValueError(f"unknown CSF 2.0 control ID(s) {unknown}{extra}")
        return value

    @property
    def mistake_patterns(self) -> tuple[str, ...]:
        return tuple(m.pattern for m in self.rubric.mistakes if m.pattern)
