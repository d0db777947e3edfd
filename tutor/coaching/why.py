"""Why a missed step or a mistake matters: the knowledge-base sentence nearest to it.

A learner who was marked down needs the reason behind that one step, not the opening lines of
whichever passage shares a word with it. Every sentence of the passages retrieved for the turn
is compared with the step's (or mistake's) text through the bundled sentence embedding; the
nearest sentence not yet quoted in this feedback is shown when it is near enough, and no line is
shown otherwise: an unrelated line teaches the wrong thing.

Measured on 2026-12-02 by a blind rating of the line shown under each of the 234 criteria and
mistakes of the 32 scenarios, as if all were missed (0 = off the point, 1 = on the topic,
2 = explains this step): choosing the passage by shared words showed 180 lines, 94 of them off
the point and 36 explaining the step; this shows 146, 46 off the point and 39 explaining it. The
rater gave the same score again to 31 of 35 lines shown twice. ``MIN_SIMILARITY`` was chosen on
that rating, which has no held-out part.

A sentence from a document of the scenario's own risks is preferred (``OWN_RISK_BONUS``): a
near sentence from a neighbouring risk's document is often about that other risk ("a spray
against a service account" under "keep the offboarding ticket open"). Measured on 2026-12-03 by
a second blind rating (a stricter rater; 764 candidate lines, the top three per item and the
best of the item's own risks; 30 lines shown twice, all scored the same): with no preference,
158 lines, 52 off the point, 18 explaining the step; with it, 139 lines, 27 off the point, 18
explaining it. Few knowledge-base sentences give a reason rather than an instruction: at best
57 of the 234 items have a candidate that explains the step. A "Related" section only points to
other items ("Improper offboarding (NHI1) connects to several other items.") and is never
quoted; on the rating that changed 3 lines and no total.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

MIN_SIMILARITY = 0.45
OWN_RISK_BONUS = 0.10
# Sections that point to other items ("NHI1 connects to several other items") explain nothing.
CROSS_REFERENCES = frozenset({"Related"})
MIN_SENTENCE_CHARS = 30  # "Then review the logs." says too little on its own
# Not after "e.g." or "i.e.": "note the key ID (e.g. `AKIA...`) and where it leaked" is one
# sentence, and its second half quoted alone starts mid-thought.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)\s+")
_FINISHED = re.compile(r"[.!?][\"')\u201d]?$")  # not a fragment cut off by the excerpt limit
_CACHE_LIMIT = 4096
_vectors: dict[str, npt.NDArray[np.float32]] = {}


@dataclass(frozen=True)
class Why:
    """The sentence to quote and the passage it comes from (for its ID and source)."""

    passage: dict[str, Any]
    sentence: str


def sentences(text: str) -> list[str]:
    """The whole sentences of a passage excerpt, long enough to stand alone."""
    body = re.sub(r"\s+", " ", text).strip()
    return [
        s for s in _SENTENCE_END.split(body) if len(s) >= MIN_SENTENCE_CHARS and _FINISHED.search(s)
    ]


def _embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit vectors for ``texts``, kept across turns: the same passages recur turn after turn,
    and each text is embedded alone, so a kept vector is the one a new encoding would give."""
    from tutor.grading.semantic import encode_once

    if len(_vectors) + len(texts) > _CACHE_LIMIT:
        _vectors.clear()
    return encode_once(texts, _vectors)


def pick(
    text: str,
    passages: Sequence[dict[str, Any]],
    shown: set[str],
    risks: Collection[str] = (),
) -> Why | None:
    """The sentence of ``passages`` nearest to ``text`` that is not in ``shown``, counting one
    from a document of ``risks`` ``OWN_RISK_BONUS`` nearer, if it is at least
    ``MIN_SIMILARITY`` near; ties go to the earlier passage."""
    candidates: dict[str, dict[str, Any]] = {}
    for passage in passages:
        if passage.get("section") in CROSS_REFERENCES:
            continue
        for sentence in sentences(str(passage.get("text", ""))):
            if sentence not in shown:
                candidates.setdefault(sentence, passage)
    if not candidates:
        return None
    found = list(candidates)
    vectors = _embed([text, *found])
    similarity = vectors[1:] @ vectors[0]
    own = np.array([candidates[s].get("doc_id") in risks for s in found], dtype=np.float32)
    best = int(np.argmax(similarity + OWN_RISK_BONUS * own))
    if float(similarity[best]) < MIN_SIMILARITY:
        return None
    return Why(candidates[found[best]], found[best])
