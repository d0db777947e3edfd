"""Reconciling the offline grade with the model judge's grade.

Policy (both grades are for the same scenario and answer):

Criteria, one by one:
  - both agree -> keep that verdict (evidence from the judge if it validates, else offline);
  - they disagree on a CRITICAL criterion -> take the stricter verdict (not met) and flag the
    grade ``needs_review``: a pass must never hinge on one grader overruling the other on
    something critical, and a person should look;
  - they disagree on a non-critical criterion -> take the judge's verdict only if its
    evidence quote is found in the answer (whitespace and case aside); otherwise keep the
    offline verdict. The judge's "not met" carries no quote, so in practice the judge can
    add credit it can prove, and cannot remove the offline grader's credit.

Mistakes, one by one: made if the offline grader says made (deterministic code, trusted as
is) or the judge says made with a quote found in the answer -- the stricter reading.

Flags: the union of both grades' flags (so ``prompt_injection`` from either fails the grade),
plus ``needs_review`` when a critical criterion was disputed.

Score and pass are computed by ``finalise`` from the reconciled verdicts; the result is
marked ``grader="reconciled"``.
"""

from __future__ import annotations

from tutor.grading.result import CriterionVerdict, Grade, MistakeVerdict, finalise
from tutor.judging.evidence import quote_in_answer
from tutor.scenarios.model import Scenario

GRADER_NAME = "reconciled"
NEEDS_REVIEW = "needs_review"


def reconcile(
    scenario: Scenario,
    answer: str,
    offline: Grade,
    judged: Grade,
    *,
    answer_id: str | None = None,
) -> Grade:
    """One grade from two, by the policy in the module docstring."""
    off_c = {v.id: v for v in offline.criteria}
    jud_c = {v.id: v for v in judged.criteria}
    off_m = {v.id: v for v in offline.mistakes}
    jud_m = {v.id: v for v in judged.mistakes}
    flags = list(dict.fromkeys([*offline.flags, *judged.flags]))

    def proven(evidence: str) -> bool:
        return quote_in_answer(evidence, answer)

    criteria: list[CriterionVerdict] = []
    for c in scenario.rubric.criteria:
        o = off_c.get(c.id) or CriterionVerdict(id=c.id, met=False)
        j = jud_c.get(c.id) or CriterionVerdict(id=c.id, met=False)
        if o.met == j.met:
            evidence = j.evidence if j.met and proven(j.evidence) else o.evidence
            criteria.append(
                CriterionVerdict(id=c.id, met=o.met, evidence=evidence if o.met else "")
            )
        elif c.critical:
            criteria.append(CriterionVerdict(id=c.id, met=False))
            if NEEDS_REVIEW not in flags:
                flags.append(NEEDS_REVIEW)
        elif j.met and proven(j.evidence):
            criteria.append(CriterionVerdict(id=c.id, met=True, evidence=j.evidence))
        else:
            criteria.append(o)

    mistakes: list[MistakeVerdict] = []
    for m in scenario.rubric.mistakes:
        om = off_m.get(m.id) or MistakeVerdict(id=m.id, made=False)
        jm = jud_m.get(m.id) or MistakeVerdict(id=m.id, made=False)
        if om.made:
            mistakes.append(om)
        elif jm.made and proven(jm.evidence):
            mistakes.append(MistakeVerdict(id=m.id, made=True, evidence=jm.evidence))
        else:
            mistakes.append(MistakeVerdict(id=m.id, made=False))

    return finalise(
        scenario,
        criteria,
        mistakes,
        flags,
        answer_id=answer_id if answer_id is not None else offline.id,
        grader=GRADER_NAME,
    )
