"""The gates of the recorded judge eval (``tutor eval --judge``), kept apart from the eval itself
so the CLI can show them as option defaults without importing the model stack.

``judge_gate`` (``tutor.evals.judge_eval``) fails a split when:

- a request is not in the recording, or a recorded one is not replayed (a prompt, a setting or
  the eval set changed without re-recording);
- any of the judge, offline and reconciled graders passes an injection;
- the judge alone agrees with the labels less than ``JUDGE_FLOOR`` of the time;
- the reconciled grade trails the offline grader by more than ``RECONCILED_MARGIN``;
- the reconciled grade agrees less often than the worse of its two inputs: whatever the model,
  reconciling must not do worse than both the judge and the offline grader.

The recorded model is SmolLM2-135M, which judges badly. It fails nearly every answer, so its
agreement is about the share of answers labelled "fail" (52.5 % on dev, 55.5 % on test) with
a kappa of 0, and the reconciliation (on a critical disagreement the stricter verdict stands)
inherits that: 53.5 % and 56.8 %, 36 and 26 points below the offline grader (89.5 % and
82.8 %). The floors are set so that these recordings pass, which makes them regression floors
for the replay and the reconciliation code, not a quality bar: they catch a broken replay, an
injection let through or a reconciliation that gets worse than its inputs, and passing them
says nothing in favour of turning the judge on. The margin grows as the offline grader
improves while the SmolLM2 recordings stay as they are; re-recording with a real judge should
bring it to 0. Before setting ``TUTOR_JUDGE=1`` with a real model, record it
(``tutor eval --record --model M``) and require ``--min-judge-agreement 0.85
--max-reconciled-drop 0``: reconciling must not cost agreement.
"""

from __future__ import annotations

JUDGE_FLOOR = 0.50  # judge-alone pass/fail agreement (SmolLM2: 0.525 dev, 0.555 test)
RECONCILED_MARGIN = 0.40  # reconciled may trail offline by this much (SmolLM2: 0.36, 0.26)
