"""Lexical side of hybrid retrieval: BM25 over chunks, framework-ID matching, rank fusion.

Why: a 384-d MiniLM vector blurs exact identifiers. "RS.IM-1" or "NHI5" in a query should find
the document about that item every time, and rare terms ("SPIFFE", "IMDSv2") are matched better
by words than by meaning. Everything here is pure Python and deterministic (ties break on the
chunk ID), so a query always returns the same ranking.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence

from tutor.frameworks import CSF11_TO_CSF2, ID_PATTERN, REGISTRY, canonical

# IDs stay whole ("rs.im-1", "llm01:2025"); other words split on punctuation.
_TOKEN = re.compile(r"[a-z0-9]+(?:[.:\-][a-z0-9]+)*")
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be but by can do does for from has have how i if in into is it its "
        "me my no not of on or our should so that the their them then there these they this to "
        "was we what when where which who why will with you your",
    )
)


def tokenize(text: str) -> list[str]:
    """Lower-cased terms; compound IDs also yield their parts, so "pr.aa-05" matches "pr"."""
    out: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token in _STOPWORDS:
            continue
        out.append(token)
        if any(ch in token for ch in ".:-"):
            out.extend(p for p in re.split(r"[.:\-]", token) if p and p not in _STOPWORDS)
    return out


def framework_ids(text: str) -> list[str]:
    """Known framework IDs named in ``text``, in canonical form ("NHI5:2025" -> "NHI5")."""
    found: list[str] = []
    for raw in ID_PATTERN.findall(text.upper()):
        ident = canonical(raw)
        if ident in REGISTRY and ident not in found:
            found.append(ident)
    return found


def with_successors(ids: Iterable[str]) -> frozenset[str]:
    """``ids`` plus the CSF 2.0 IDs that replaced any CSF 1.1 ones among them: documents cite
    only CSF 2.0 IDs, so "RS.IM-1" must reach the documents about ID.IM-03 and ID.IM-04."""
    out = set(ids)
    for ident in list(out):
        out.update(CSF11_TO_CSF2.get(ident, ()))
    return frozenset(out)


class BM25:
    """Okapi BM25 over a fixed set of texts (the chunks), with an inverted index for speed."""

    def __init__(self, docs: Mapping[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        tfs = {key: Counter(tokenize(text)) for key, text in docs.items()}
        lengths = {key: sum(tf.values()) for key, tf in tfs.items()}
        avg = (sum(lengths.values()) / len(lengths)) if lengths else 1.0
        self._norm = {key: k1 * (1 - b + b * n / (avg or 1.0)) for key, n in lengths.items()}
        self._postings: dict[str, dict[str, int]] = {}
        for key, tf in tfs.items():
            for term, count in tf.items():
                self._postings.setdefault(term, {})[key] = count
        n = len(tfs)
        self._idf = {
            t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self._postings.items()
        }

    def scores(self, query: str, allowed: Container[str] | None = None) -> dict[str, float]:
        """BM25 score of every text (limited to ``allowed``) sharing a term with ``query``."""
        out: dict[str, float] = {}
        for term in dict.fromkeys(tokenize(query)):
            idf = self._idf.get(term)
            if idf is None:
                continue
            for key, count in self._postings[term].items():
                if allowed is None or key in allowed:
                    gain = idf * count * (self.k1 + 1) / (count + self._norm[key])
                    out[key] = out.get(key, 0.0) + gain
        return out


def ranked(scores: Mapping[str, float]) -> list[str]:
    """Keys by descending score; ties by key, so the order never depends on dict order."""
    return sorted(scores, key=lambda key: (-scores[key], key))


def fuse(rankings: Sequence[tuple[Sequence[str], float]], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion, scaled so first place in every list scores 1.0."""
    total = sum(weight for _, weight in rankings) / (k + 1)
    fused: dict[str, float] = {}
    for keys, weight in rankings:
        for rank, key in enumerate(keys, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return {key: score / total for key, score in fused.items()} if total else fused
