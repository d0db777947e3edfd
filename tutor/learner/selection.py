"""Pick the next exercise from the mistakes a learner actually makes.

Order of preference, each with a one-line reason shown to the learner:
1. a mistake pattern repeated recently -> another scenario that tests the same habit;
2. the weakest risk the learner has struggled with -> a new context for it;
3. a mastered risk whose spaced review is due -> a review;
4. a risk not yet practised -> an introduction at an easy level;
5. otherwise the least-mastered risk, a step harder.
The same scenario is never given twice in a row; ties break by scenario ID, so selection is
deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tutor import frameworks
from tutor.learner.bkt import DEFAULT
from tutor.learner.store import LearnerHistory
from tutor.learner.update import MASTERED
from tutor.scenarios.model import Scenario
from tutor.scenarios.patterns import PATTERNS

RECENT_TURNS = 8
WEAK = 0.6
_TIMES = {2: "twice", 3: "three times", 4: "four times"}


@dataclass(frozen=True)
class Selection:
    scenario: Scenario
    reason: str
    target: str  # "pattern:<id>", "risk:<id>", "review:<id>", "new:<id>", "grow:<id>"


def target_difficulty(mastery: float) -> int:
    return max(1, min(5, 1 + round(mastery * 4)))


def _times(n: int) -> str:
    return _TIMES.get(n, f"{n} times")


def _choose(
    candidates: Sequence[Scenario], history: LearnerHistory, difficulty: int, avoid: str | None
) -> Scenario | None:
    """Prefer scenarios never seen, then least recently seen; then closest difficulty."""
    last_seen: dict[str, int] = {}
    for a in history.attempts:
        last_seen[a.scenario_id] = a.turn
    pool = [s for s in candidates if s.id != avoid]
    if not pool:
        return None
    return min(
        pool,
        key=lambda s: (
            s.id in last_seen,
            last_seen.get(s.id, -1),
            abs(s.difficulty - difficulty),
            s.difficulty,
            s.id,
        ),
    )


def _mastery(history: LearnerHistory, risk: str) -> float:
    view = history.risks.get(risk)
    return view.mastery if view else DEFAULT.p_init


def _repeated_pattern(
    history: LearnerHistory, library: Sequence[Scenario]
) -> tuple[str, int, Counter[str]] | None:
    """The most repeated recent mistake pattern not yet resolved by a later pass."""
    horizon = history.last_turn - RECENT_TURNS
    recent = [m for m in history.mistakes if m.pattern and m.turn > horizon]
    counts = Counter(m.pattern for m in recent if m.pattern)
    last_event = {m.pattern: m.turn for m in recent}
    for pattern, count in sorted(
        counts.items(), key=lambda kv: (-kv[1], -last_event[kv[0]], kv[0])
    ):
        if count < 2:
            break
        testing = {s.id for s in library if pattern in s.mistake_patterns}
        resolved = any(
            a.passed and a.turn > last_event[pattern] and a.scenario_id in testing
            for a in history.attempts
        )
        if not resolved:
            risks = Counter(r for m in recent if m.pattern == pattern for r in m.risks)
            return pattern, count, risks
    return None


def select_next(
    library: Sequence[Scenario], history: LearnerHistory, last_scenario: str | None = None
) -> Selection:
    """The next scenario and why, for this learner."""
    if not library:
        raise ValueError("the scenario library is empty")
    if last_scenario is None and history.attempts:
        last_scenario = history.attempts[-1].scenario_id

    repeated = _repeated_pattern(history, library)
    if repeated:
        pattern, count, risks = repeated
        made_in = {m.scenario_id for m in history.mistakes if m.pattern == pattern}
        with_pattern = [s for s in library if pattern in s.mistake_patterns]
        # A new context first: never the scenario where the habit already showed.
        fresh = [s for s in with_pattern if s.id not in made_in] or with_pattern
        same_risk = [s for s in fresh if set(s.risks) & set(risks)]
        top_risk = risks.most_common(1)[0][0] if risks else None
        difficulty = target_difficulty(_mastery(history, top_risk)) if top_risk else 2
        choice = _choose(same_risk, history, difficulty, last_scenario) or _choose(
            fresh, history, difficulty, last_scenario
        )
        if choice:
            info = PATTERNS[pattern]
            return Selection(
                choice, f"You {info.did} {_times(count)}; {info.next}.", f"pattern:{pattern}"
            )

    struggling = sorted(
        (v for v in history.risks.values() if v.mastery < WEAK and v.passed < v.attempts),
        key=lambda v: (v.mastery, v.risk_id),
    )
    for view in struggling:
        choice = _choose(
            [s for s in library if view.risk_id in s.risks],
            history,
            target_difficulty(view.mastery),
            last_scenario,
        )
        if choice:
            misses = sum(1 for m in history.mistakes if view.risk_id in m.risks)
            if misses > 1:
                what = f"you made {misses} mistakes on it"
            elif misses == 1:
                what = "you made a mistake on it"
            else:
                what = "it is your weakest area"
            seen = any(a.scenario_id == choice.id for a in history.attempts)
            where = "here is that exercise again" if seen else "here it is in a new situation"
            return Selection(
                choice,
                f"{frameworks.label(view.risk_id)} needs work ({what}, mastery "
                f"{view.mastery:.0%}); {where}.",
                f"risk:{view.risk_id}",
            )

    due = sorted(
        (
            v
            for v in history.risks.values()
            if v.mastery >= MASTERED
            and v.next_review_turn is not None
            and v.next_review_turn <= history.last_turn
        ),
        key=lambda v: (v.next_review_turn or 0, v.risk_id),
    )
    for view in due:
        choice = _choose([s for s in library if view.risk_id in s.risks], history, 5, last_scenario)
        if choice:
            return Selection(
                choice,
                f"Review: you mastered {frameworks.label(view.risk_id)}; "
                f"a spaced check {history.last_turn - view.last_turn} turns later that it sticks.",
                f"review:{view.risk_id}",
            )

    practised = set(history.risks)
    unseen = [r for r in frameworks.RISK_IDS if r not in practised]
    for risk in unseen:
        pool = [s for s in library if s.risks[0] == risk] or [s for s in library if risk in s.risks]
        choice = _choose(pool, history, 1, last_scenario)
        if choice:
            return Selection(
                choice,
                f"New topic: {frameworks.label(risk)}, starting at difficulty {choice.difficulty}.",
                f"new:{risk}",
            )

    growing = sorted(
        (v for v in history.risks.values() if v.mastery < MASTERED),
        key=lambda v: (v.mastery, v.risk_id),
    )
    for view in growing:
        difficulty = target_difficulty(view.mastery)
        choice = _choose(
            [s for s in library if view.risk_id in s.risks], history, difficulty, last_scenario
        )
        if choice:
            return Selection(
                choice,
                f"Building on {frameworks.label(view.risk_id)} (mastery {view.mastery:.0%}): "
                f"a case at difficulty {choice.difficulty}.",
                f"grow:{view.risk_id}",
            )

    fallback = _choose(library, history, 5, last_scenario) or library[0]
    return Selection(fallback, "Everything is mastered; here is a hard case to stay sharp.", "any")
