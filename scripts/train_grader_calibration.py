"""Re-fit the offline grader's criterion calibration on the development split.

Run it after changing ``evals/grader/dev.jsonl``, a scenario's rubric, the lexicon or the
grader's readings (a test fails until you do)::

    .venv/bin/python scripts/train_grader_calibration.py          # writes calibration.json
    .venv/bin/python scripts/train_grader_calibration.py --cv     # also held-out-scenario CV

then run ``tutor eval`` to see both splits. The held-out test split is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    from tutor.evals.calibration_training import cross_validate, prepare, train
    from tutor.grading.calibration import CALIBRATION_FILE
    from tutor.scenarios.loader import load_all, scenario_files

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT / "evals/grader/dev.jsonl")
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    parser.add_argument("--cv", action="store_true", help="print held-out-scenario agreement")
    args = parser.parse_args(argv)
    if "test" in args.dev.name:
        print(f"{args.dev}: the held-out test split is never used for fitting", file=sys.stderr)
        return 2
    scenarios = {s.id: s for s in load_all(scenario_files(ROOT / "knowledge/scenarios"))}
    training = prepare(args.dev, scenarios)
    calibration = train(training)
    args.out.write_text(calibration.to_json() + "\n", encoding="utf-8")
    weights = ", ".join(
        f"{n} {w:+.2f}" for n, w in zip(calibration.features, calibration.weights, strict=True)
    )
    print(f"wrote {args.out} ({calibration.trained_on['criterion_labels']} labels): {weights}")
    if args.cv:
        cv = cross_validate(training, scenarios)
        print(
            f"held-out-scenario CV on {cv.answers} dev answers: rules alone "
            f"{cv.rules_agreement:.1%}, calibrated {cv.calibrated_agreement:.1%} (per verdict "
            f"{cv.rules_verdicts:.1%} and {cv.calibrated_verdicts:.1%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
