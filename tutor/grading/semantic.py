"""A second reading for criteria: sentence-embedding similarity to the rubric's examples.

The concept lexicon misses paraphrases it has no words for ("ring his manager on the number
in the org chart" for "verify out of band"). The bundled MiniLM model (run locally through
onnxruntime, no network) catches many of them. Embeddings cannot see negation or deferral, so
a criterion is only compared with clauses of its own polarity (refusing or not) that are not
put off, and never through an example the clause contradicts (``allowed``: "approve" is near
"do not approve the ticket yet"). Embeddings never find a mistake on their own: they only veto
a lexical one (``MISTAKE_MARGIN``). The similarities also feed the fitted calibration
(``calibration.py``), which has the last word on each criterion.

A clause is granted a criterion when it is very close to it (``THRESHOLD``), or fairly close
(``DISTINCT_THRESHOLD``) and clearly closer to it than to any other criterion or mistake of
the rubric (``DISTINCT_MARGIN``): "try Daniel on the number HR has" is not near any wording
of "verify the caller", but it is nearer to it than to anything else the rubric describes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from tutor.scenarios.model import Scenario

THRESHOLD = 0.53
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


Seen = dict[str, npt.NDArray[np.float32]]


def encode_once(texts: Sequence[str], seen: Seen) -> npt.NDArray[np.float32]:
    """Encode texts, reusing vectors already made while grading the same answer.

    The criteria pass and the mistake check often read the same clause; each text is embedded
    alone (batch size 1), so a kept vector is exactly the one a new encoding would give."""
    missing = list(dict.fromkeys(t for t in texts if t not in seen))
    if missing:
        seen.update(zip(missing, encode(missing), strict=True))
    return np.stack([seen[t] for t in texts])


@lru_cache(maxsize=256)
def item_vectors(scenario: Scenario) -> dict[str, npt.NDArray[np.float32]]:
    """Each criterion's and mistake's examples (and text), embedded once per scenario."""
    vectors = {c.id: encode([*c.examples, c.text]) for c in scenario.rubric.criteria}
    for m in scenario.rubric.mistakes:
        vectors[_MISTAKE + m.id] = encode([*m.examples, m.text])
    return vectors


@dataclass(frozen=True)
class Closeness:
    """Per criterion, each clause's similarity to it (``own``) and how much nearer the clause is
    to it than to the nearest other criterion or mistake of the rubric (``lead``)."""

    own: dict[str, npt.NDArray[np.float32]]
    lead: dict[str, npt.NDArray[np.float32]]


def closeness(
    scenario: Scenario,
    clauses: Sequence[str],
    seen: Seen,
    allowed: dict[str, list[list[bool]]] | None = None,
) -> Closeness:
    """Embed the clauses once and compare them with every rubric item; ``allowed`` says, per
    criterion, which of its examples (then its text) each clause may be compared with."""
    vectors = item_vectors(scenario)
    allowed = allowed or {}
    if not clauses:
        empty = np.zeros(0, dtype=np.float32)
        ids = [c.id for c in scenario.rubric.criteria]
        return Closeness({cid: empty for cid in ids}, {cid: empty for cid in ids})
    clause_vecs = encode_once(clauses, seen)
    pairs = {item: clause_vecs @ vecs.T for item, vecs in vectors.items()}
    sims = {item: pair.max(axis=1) for item, pair in pairs.items()}
    own: dict[str, npt.NDArray[np.float32]] = {}
    lead: dict[str, npt.NDArray[np.float32]] = {}
    for c in scenario.rubric.criteria:
        rivals = [s for item, s in sims.items() if item != c.id]
        nearest = np.max(np.stack(rivals), axis=0) if rivals else np.zeros_like(sims[c.id])
        mine = sims[c.id]
        if c.id in allowed:
            keep = np.asarray(allowed[c.id], dtype=bool)
            mine = np.where(keep, pairs[c.id], np.float32(-1.0)).max(axis=1)
        own[c.id], lead[c.id] = mine, mine - nearest
    return Closeness(own, lead)


def best_match(near: Closeness, criterion_id: str, pool: Sequence[int]) -> int | None:
    """The clause of ``pool`` that paraphrases the criterion most closely, if any does."""
    if not pool:
        return None
    index = np.asarray(pool)
    own, lead = near.own[criterion_id][index], near.lead[criterion_id][index]
    for k in np.argsort(-own, kind="stable"):
        close = own[k] >= THRESHOLD
        distinct = own[k] >= DISTINCT_THRESHOLD and lead[k] >= DISTINCT_MARGIN
        if close or distinct:
            return int(index[k])
    return None


def mistake_margins(
    scenario: Scenario, mistake_id: str, clauses: Sequence[str], seen: Seen
) -> list[float]:
    """How much nearer each clause is to the mistake than to the nearest criterion."""
    if not clauses:
        return []
    clause_vecs = encode_once(clauses, seen)
    vectors = item_vectors(scenario)
    own = (clause_vecs @ vectors[_MISTAKE + mistake_id].T).max(axis=1)
    criteria = [(clause_vecs @ vectors[c.id].T).max(axis=1) for c in scenario.rubric.criteria]
    nearest = np.max(np.stack(criteria), axis=0) if criteria else np.zeros_like(own)
    return [float(x) for x in own - nearest]
