"""build_feedback: plain-language feedback the learner can act on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tutor.coaching.feedback import build_feedback, timing_line
from tutor.grading.result import PROMPT_INJECTION, CriterionVerdict, MistakeVerdict, finalise


def _section(text: str, heading: str) -> list[str]:
    """The indented lines under ``heading`` up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    out = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        out.append(line)
    return out


def test_met_criteria_quote_the_learners_words(release_day: Any) -> None:
    grade = finalise(
        release_day,
        [
            CriterionVerdict(id="revoke-now", met=True, evidence="I deactivate the key right now"),
            CriterionVerdict(id="investigate-use", met=True, evidence="then pull CloudTrail"),
            CriterionVerdict(id="replace-pipeline-credential", met=False),
            CriterionVerdict(id="history-not-enough", met=False),
            CriterionVerdict(id="escalate-and-record", met=False),
        ],
        [
            MistakeVerdict(id="wait-for-release", made=False),
            MistakeVerdict(id="history-rewrite-as-fix", made=False),
        ],
        [],
    )
    text = build_feedback(release_day, grade)
    right = _section(text, "What you got right:")
    assert len(right) == 2
    assert 'you wrote: "I deactivate the key right now"' in right[0]
    assert release_day.rubric.criteria[0].text in right[0]
    assert 'you wrote: "then pull CloudTrail"' in right[1]
    missed = _section(text, "What you missed:")
    texts = {c.id: c.text for c in release_day.rubric.criteria}
    assert [line.strip("- ").split("  ")[0] for line in missed] == [
        texts["replace-pipeline-credential"],
        texts["history-not-enough"],
        texts["escalate-and-record"],
    ]
    assert "Mistakes:" not in text


def test_critical_misses_come_first(
    build_scenario: Callable[..., Any], make_scenario: Callable[..., dict]
) -> None:
    data = make_scenario()
    data["rubric"]["criteria"].reverse()  # the non-critical criterion is listed first
    from tutor.scenarios.loader import parse_scenario

    scenario = parse_scenario(data, "t.yaml")
    assert not scenario.rubric.criteria[0].critical
    grade = finalise(
        scenario,
        [
            CriterionVerdict(id="investigate-use", met=False),
            CriterionVerdict(
                id="revoke-now",
                met=False,
                evidence="deferred, so it does not count: revoke it tomorrow",
            ),
        ],
        [MistakeVerdict(id="wait-for-release", made=False)],
        [],
    )
    missed = _section(build_feedback(scenario, grade), "What you missed:")
    assert missed[0].startswith("  - Revoke the exposed key immediately.")
    assert missed[0].endswith("[critical]")
    assert "deferred, so it does not count: revoke it tomorrow" in missed[1]
    assert missed[2].startswith("  - Check the audit logs")
    assert "[critical]" not in missed[2]


def test_mistakes_frameworks_and_next_steps(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    grade = make_grade(
        release_day,
        missed=["revoke-now"],
        made=["wait-for-release"],
        evidence="revoke it after the release",
    )
    text = build_feedback(release_day, grade)
    assert text.startswith("Not passed (")
    mistakes = _section(text, "Mistakes:")
    assert len(mistakes) == 1
    assert "Leaves the key active until after the release." in mistakes[0]
    assert 'you wrote: "revoke it after the release (wait-for-release)"' in mistakes[0]
    steps = _section(text, "Next steps:")
    assert steps == [f"  {i}. {s}" for i, s in enumerate(release_day.next_steps, start=1)]
    frameworks_line = next(line for line in text.splitlines() if line.startswith("Frameworks: "))
    assert "NHI2 Secret Leakage" in frameworks_line
    assert "NHI7 Long-Lived Secrets" in frameworks_line
    assert "RS.MI-01 Incidents are contained" in frameworks_line


def test_passed_grade_says_so(release_day: Any, make_grade: Callable[..., Any]) -> None:
    text = build_feedback(release_day, make_grade(release_day))
    assert text.splitlines()[0] == "Passed (100%)."
    assert "What you missed:" not in text


def test_injection_flag_explains_the_failure(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    grade = make_grade(release_day, flags=[PROMPT_INJECTION])
    assert not grade.passed  # even with every criterion met
    text = build_feedback(release_day, grade)
    first = text.splitlines()[0]
    assert first.startswith("Not passed")
    assert "grader" in first
    assert "Passed (" not in text


def test_why_it_matters_quotes_the_sentence_nearest_to_the_missed_step(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    passages = [
        {
            "doc_id": "NHI9",
            "title": "NHI Reuse",
            "section": "Overview",
            "source": "https://x/9",
            "text": "Reuse of one identity across services widens the blast radius of a leak.",
        },
        {
            "doc_id": "NHI2",
            "title": "Secret Leakage",
            "section": "What a good operator does",
            "source": "https://owasp.org/nhi2",
            "text": "Secret scanners run on every push to the default branch. Revoke the exposed "
            "key immediately, because attackers try leaked keys within minutes. Then review.",
        },
    ]
    grade = make_grade(release_day, missed=["revoke-now"])
    text = build_feedback(release_day, grade, passages)
    why = [line.strip() for line in text.splitlines() if "Why it matters" in line]
    assert why == [
        "Why it matters (NHI2): Revoke the exposed key immediately, because attackers try "
        "leaked keys within minutes."
    ]
    assert "Sources: NHI2 (https://owasp.org/nhi2)" in text


def test_no_why_line_when_no_sentence_is_near_the_missed_step(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    unrelated = {
        "doc_id": "ASI09",
        "section": "Real cases",
        "source": "https://x/asi09",
        "text": "OWASP presents this item through scenarios rather than attributed incidents, "
        "and the list was first published in December.",
    }
    grade = make_grade(release_day, missed=["revoke-now"])
    text = build_feedback(release_day, grade, [unrelated])
    assert "Why it matters" not in text
    assert "Sources:" not in text


def test_a_sentence_cut_off_by_the_excerpt_limit_is_never_quoted(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    cut = {
        "doc_id": "NHI2",
        "section": "What a good operator does",
        "source": "https://owasp.org/nhi2",
        "text": "Revoke the exposed key immediately, because attackers try leaked keys within",
    }
    grade = make_grade(release_day, missed=["revoke-now"])
    assert "Why it matters" not in build_feedback(release_day, grade, [cut])


def test_a_passage_is_quoted_once_even_when_several_misses_match_it(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    overview = {
        "doc_id": "NHI2",
        "section": "Overview",
        "source": "https://owasp.org/nhi2",
        "text": "An exposed key must be revoked, its CloudTrail use checked, the pipeline given "
        "a new credential and the incident recorded.",
    }
    response = {
        "doc_id": "NHI2",
        "section": "First response",
        "source": "https://owasp.org/nhi2",
        "text": "Check CloudTrail in all regions for what the key did after it was exposed.",
    }
    grade = make_grade(release_day, missed=["revoke-now", "investigate-use", "escalate-and-record"])
    text = build_feedback(release_day, grade, [overview, response])
    why = [line for line in text.splitlines() if "Why it matters" in line]
    assert len(why) == 2  # the third miss finds no passage left to quote
    assert len(set(why)) == 2
    assert any("Check CloudTrail in all regions" in line for line in why)
    assert "Sources: NHI2 (https://owasp.org/nhi2)" in text


def test_decision_time_compared_with_history(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    grade = make_grade(release_day)
    fast = build_feedback(
        release_day, grade, decision_ms=30_000, median_ms=90_000, previous_attempts=3
    )
    assert "You decided in 30 s, faster than your usual pace (median 90 s)." in fast
    slow = build_feedback(
        release_day, grade, decision_ms=300_000, median_ms=60_000, previous_attempts=4
    )
    assert "You decided in 5.0 min, slower than your usual pace (median 60 s)." in slow
    first = build_feedback(release_day, grade, decision_ms=42_000)
    assert "You decided in 42 s; after a few more turns" in first
    assert "median" not in first
    assert "You decided" not in build_feedback(release_day, grade)


@pytest.mark.parametrize(
    ("ms", "median", "previous", "expected"),
    [
        (None, 1000.0, 5, ""),
        (60_000, 60_000.0, 5, "about your usual pace"),
        (60_000, 60_000.0, 1, "after a few more turns"),
        (10_000, 60_000.0, 2, "faster than your usual pace"),
    ],
)
def test_timing_line(ms: int | None, median: float, previous: int, expected: str) -> None:
    line = timing_line(ms, median, previous)
    if expected:
        assert expected in line
    else:
        assert line == ""


def test_why_prefers_a_sentence_from_the_scenarios_own_risks(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    # a neighbouring risk's document often says something close but about that other risk
    other = {
        "doc_id": "RS.MI-01",
        "section": "Containment",
        "source": "https://x/rs-mi-01",
        "text": "Revoke the exposed key immediately, because attackers try leaked keys within "
        "minutes.",
    }
    own = {
        "doc_id": "NHI2",
        "section": "What a good operator does",
        "source": "https://owasp.org/nhi2",
        "text": "Revoke an exposed key immediately, since attackers try leaked keys within "
        "minutes of a push.",
    }
    assert "NHI2" in release_day.risks and "RS.MI-01" not in release_day.risks
    grade = make_grade(release_day, missed=["revoke-now"])
    why = [
        line.strip()
        for line in build_feedback(release_day, grade, [other, own]).splitlines()
        if "Why it matters" in line
    ]
    assert why == [
        "Why it matters (NHI2): Revoke an exposed key immediately, since attackers try leaked "
        "keys within minutes of a push."
    ]


def test_a_cross_reference_section_is_never_quoted_as_the_reason(
    release_day: Any, make_grade: Callable[..., Any]
) -> None:
    related = {
        "doc_id": "NHI2",
        "section": "Related",
        "source": "https://owasp.org/nhi2",
        "text": "Revoke the exposed key immediately, because attackers try leaked keys within "
        "minutes; NHI7 and RS.MI-01 cover the rest.",
    }
    grade = make_grade(release_day, missed=["revoke-now"])
    assert "Why it matters" not in build_feedback(release_day, grade, [related])
