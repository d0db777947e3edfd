"""The last word on each criterion: a small logistic model over the grader's own readings.

The lexical rules and the embedding thresholds were tuned by hand on the development answers,
and hand tuning carried over poorly to answers written later (batches graded on arrival scored
about 73% where the tuned set scored 89%). A criterion's evidence is several numbers, not one
yes/no: how much of an example one clause covers, how close the nearest clause comes in meaning
and how clearly it is closer to this criterion than to any other item of the rubric. Weighing
those numbers with weights fitted on the labelled development split (never the held-out test
split) generalises better than any single threshold did.

The weights live in ``calibration.json`` beside this module, written by
``scripts/train_grader_calibration.py`` together with a hash of the answers they were fitted
on, so a changed development set without re-training fails a test instead of drifting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tutor.errors import InputError

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"

# What the grader measures for one criterion of one answer (see ``rubric_grader``):
FEATURES: tuple[str, ...] = (
    "lexical",  # best example coverage by a clause that counts (not put off, for urgent ones)
    "semantic",  # similarity of the clause most distinctly near the criterion
    "semantic_margin",  # how much nearer that clause is to it than to any other rubric item
    "semantic_best",  # the best similarity of any clause, however distinct
    "rule",  # the hand-written rules' verdict (1 met, 0 not)
)


@dataclass(frozen=True)
class Calibration:
    """A fitted logistic model: standardised features, weights, bias and the decision line."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    trained_on: Mapping[str, object]

    def probability(self, row: Mapping[str, float]) -> float:
        """How likely a trained reader is to say the criterion is met."""
        columns = zip(self.features, self.mean, self.scale, self.weights, strict=True)
        z = self.bias + sum(w * (row[name] - m) / s for name, m, s, w in columns)
        return 1.0 / (1.0 + math.exp(-z))

    def met(self, row: Mapping[str, float]) -> bool:
        return self.probability(row) >= self.threshold

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(self.features),
                "mean": list(self.mean),
                "scale": list(self.scale),
                "weights": list(self.weights),
                "bias": self.bias,
                "threshold": self.threshold,
                "trained_on": dict(self.trained_on),
            },
            indent=2,
        )


def parse_calibration(text: str, source: str) -> Calibration:
    """Read a calibration file; a wrong or incomplete one is named, not half-used."""
    try:
        data = json.loads(text)
        features = tuple(str(f) for f in data["features"])
        cal = Calibration(
            features=features,
            mean=tuple(float(x) for x in data["mean"]),
            scale=tuple(float(x) for x in data["scale"]),
            weights=tuple(float(x) for x in data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            trained_on=dict(data.get("trained_on", {})),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{source}: not a grader calibration file ({exc})") from None
    if set(features) != set(FEATURES) or len(features) != len(FEATURES):
        raise InputError(
            f"{source}: calibration features {list(features)} do not match the grader's "
            f"{list(FEATURES)}; re-run scripts/train_grader_calibration.py"
        )
    if not len(cal.mean) == len(cal.scale) == len(cal.weights) == len(features):
        raise InputError(f"{source}: calibration vectors differ in length")
    if any(s <= 0 for s in cal.scale):
        raise InputError(f"{source}: calibration scale must be positive")
    return cal


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the grader calibration ({exc.strerror})") from None
    return parse_calibration(text, str(path))


def fit_calibration(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    *,
    l2: float = 30.0,
    threshold: float = 0.5,
    trained_on: Mapping[str, object] | None = None,
) -> Calibration:
    """Fit the logistic model by Newton's method with an L2 penalty: deterministic, and
    exact enough that re-fitting the same rows gives the committed weights back."""
    import numpy as np

    if len(rows) != len(labels) or not rows:
        raise ValueError("calibration needs one label per row, and at least one row")
    x = np.array([[float(r[name]) for name in FEATURES] for r in rows])
    y = np.array([1.0 if v else 0.0 for v in labels])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return Calibration(
        features=FEATURES,
        mean=tuple(round(float(v), 8) for v in mean),
        scale=tuple(round(float(v), 8) for v in scale),
        weights=tuple(round(float(v), 8) for v in w[:-1]),
        bias=round(float(w[-1]), 8),
        threshold=threshold,
        trained_on=dict(trained_on or {}),
    )
