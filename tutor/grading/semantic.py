"""A second reading for criteria: sentence-embedding similarity to the rubric's examples.

The concept lexicon misses paraphrases it has no words for ("ring his manager on the number
in the org chart" for "verify out of band"). The bundled MiniLM model (run locally through
onnxruntime, no network) catches many of them. Embeddings cannot see negation or deferral, so
only clauses the lexical reading found affirmative are compared, and only to grant a criterion,
never to find a mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from tutor.scenarios.model import Scenario

THRESHOLD = 0.55


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from tutor.knowledge.encoder import Encoder

    return Encoder(batch_size=1)


def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    vectors: npt.NDArray[np.float32] = _encoder().encode(list(texts))
    return vectors


@lru_cache(maxsize=256)
def criterion_vectors(scenario: Scenario) -> dict[str, npt.NDArray[np.float32]]:
    """Each criterion's examples (and its text), embedded once per scenario."""
    return {c.id: encode([*c.examples, c.text]) for c in scenario.rubric.criteria}


def best_matches(
    scenario: Scenario, criterion_ids: Sequence[str], clauses: Sequence[str]
) -> dict[str, tuple[float, int]]:
    """For each criterion, the highest similarity to any clause and that clause's index."""
    if not clauses or not criterion_ids:
        return {}
    vectors = criterion_vectors(scenario)
    clause_vecs = encode(clauses)
    out: dict[str, tuple[float, int]] = {}
    for cid in criterion_ids:
        sims = clause_vecs @ vectors[cid].T
        flat = int(np.argmax(sims))
        out[cid] = (float(sims.flat[flat]), flat // sims.shape[1])
    return out
