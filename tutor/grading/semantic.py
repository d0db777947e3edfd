"""A second reading for criteria: sentence-embedding similarity to the rubric's examples.

The concept lexicon misses paraphrases it has no words for ("ring his manager on the number
in the org chart" for "verify out of band"). The bundled MiniLM model (run locally through
onnxruntime, no network) catches many of them. Embeddings cannot see negation or deferral, so
only clauses the lexical reading found affirmative are compared, and only to grant a criterion,
never to find a mistake.

A clause is granted a criterion when it is very close to it (``THRESHOLD``), or fairly close
(``DISTINCT_THRESHOLD``) and clearly closer to it than to any other criterion or mistake of
the rubric (``DISTINCT_MARGIN``): "try Daniel on the number HR has" is not near any wording
of "verify the caller", but it is nearer to it than to anything else the rubric describes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from tutor.scenarios.model import Scenario

THRESHOLD = 0.55
DISTINCT_THRESHOLD = 0.50
DISTINCT_MARGIN = 0.10
# A clause the lexicon reads as a mistake is kept as one unless it is this much nearer to the
# rubric's closest right action than to the mistake (negative: the benefit of the doubt).
MISTAKE_MARGIN = -0.05
_MISTAKE = "mistake:"


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from tutor.knowledge.encoder import Encoder

    return Encoder(batch_size=1)


def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    vectors: npt.NDArray[np.float32] = _encoder().encode(list(texts))
    return vectors


@lru_cache(maxsize=256)
def item_vectors(scenario: Scenario) -> dict[str, npt.NDArray[np.float32]]:
    """Each criterion's and mistake's examples (and text), embedded once per scenario."""
    vectors = {c.id: encode([*c.examples, c.text]) for c in scenario.rubric.criteria}
    for m in scenario.rubric.mistakes:
        vectors[_MISTAKE + m.id] = encode([*m.examples, m.text])
    return vectors


def best_matches(
    scenario: Scenario, criterion_ids: Sequence[str], clauses: Sequence[str]
) -> dict[str, int]:
    """For each criterion some clause paraphrases, the index of the closest such clause."""
    if not clauses or not criterion_ids:
        return {}
    clause_vecs = encode(clauses)
    sims = {
        item: (clause_vecs @ vecs.T).max(axis=1) for item, vecs in item_vectors(scenario).items()
    }
    out: dict[str, int] = {}
    for cid in criterion_ids:
        own = sims[cid]
        rivals = [s for item, s in sims.items() if item != cid]
        nearest_rival = np.max(np.stack(rivals), axis=0) if rivals else np.zeros_like(own)
        for k in np.argsort(-own):
            close = own[k] >= THRESHOLD
            distinct = own[k] >= DISTINCT_THRESHOLD and own[k] - nearest_rival[k] >= DISTINCT_MARGIN
            if close or distinct:
                out[cid] = int(k)
                break
    return out


def mistake_margins(scenario: Scenario, mistake_id: str, clauses: Sequence[str]) -> list[float]:
    """How much nearer each clause is to the mistake than to the nearest criterion."""
    if not clauses:
        return []
    clause_vecs = encode(clauses)
    vectors = item_vectors(scenario)
    own = (clause_vecs @ vectors[_MISTAKE + mistake_id].T).max(axis=1)
    criteria = [(clause_vecs @ vectors[c.id].T).max(axis=1) for c in scenario.rubric.criteria]
    nearest = np.max(np.stack(criteria), axis=0) if criteria else np.zeros_like(own)
    return [float(x) for x in own - nearest]
