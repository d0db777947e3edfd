"""Retrieval recall against the labelled queries in ``evals/retrieval/queries.yaml``.

Each entry: ``{query, relevant: [doc ids], split: dev|test}``. recall@5 is, per query, the share
of its relevant documents among the top five distinct documents, averaged over queries; the hit
rate is the share of queries with at least one relevant document there. Retrieval is tuned on
``dev`` only; ``test`` is held out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from tutor.errors import InputError
from tutor.evals.metrics import percentile

SPLITS = ("dev", "test")
K = 5


class DocumentSearch(Protocol):
    """What the eval needs of a knowledge base (``tutor.knowledge.index.KnowledgeBase``)."""

    def search_documents(self, query: str, k: int = 5) -> Sequence[Any]: ...


@dataclass(frozen=True)
class RetrievalQuery:
    query: str
    relevant: tuple[str, ...]
    split: str


@dataclass
class QueryMiss:
    query: str
    relevant: list[str]
    retrieved: list[str]
    missing: list[str]


@dataclass
class RetrievalReport:
    split: str
    n: int
    k: int
    recall: float  # mean recall@k
    hit_rate: float
    p50_ms: float
    p95_ms: float
    misses: list[QueryMiss] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "n": self.n,
            f"recall@{self.k}": round(self.recall, 4),
            "hit_rate": round(self.hit_rate, 4),
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "misses": [asdict(m) for m in self.misses],
        }


def load_queries(path: Path) -> list[RetrievalQuery]:
    """Parse and check the query file; errors name the file and the entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: invalid YAML: {exc}") from None
    if isinstance(data, dict) and "queries" in data:
        data = data["queries"]
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of queries")
    out: list[RetrievalQuery] = []
    for i, row in enumerate(data):
        where = f"{path}: [{i}]"
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected a mapping with query, relevant, split")
        query, relevant, split = row.get("query"), row.get("relevant"), row.get("split")
        if not isinstance(query, str) or not query.strip():
            raise InputError(f"{where}.query: expected non-empty text")
        if isinstance(relevant, str):
            relevant = [relevant]
        if (
            not isinstance(relevant, list)
            or not relevant
            or not all(isinstance(r, str) and r for r in relevant)
        ):
            raise InputError(f"{where}.relevant: expected a non-empty list of document IDs")
        if split not in SPLITS:
            raise InputError(f"{where}.split: expected one of {', '.join(SPLITS)}, got {split!r}")
        out.append(RetrievalQuery(query.strip(), tuple(dict.fromkeys(relevant)), split))
    return out


def evaluate_retrieval(
    kb: DocumentSearch, queries_path: Path, split: str | None = None, *, k: int = K
) -> RetrievalReport:
    """recall@k, hit rate, misses and search latency over one split (``None``: all queries)."""
    if split is not None and split not in SPLITS:
        raise InputError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    queries = [q for q in load_queries(queries_path) if split is None or q.split == split]
    if queries:
        kb.search_documents(queries[0].query, k=k)  # warm-up: model and index load once
    recalls: list[float] = []
    hits = 0
    latencies: list[float] = []
    misses: list[QueryMiss] = []
    for q in queries:
        start = time.perf_counter()
        found = [p.doc_id for p in kb.search_documents(q.query, k=k)]
        latencies.append((time.perf_counter() - start) * 1000)
        missing = [r for r in q.relevant if r not in found]
        recalls.append(1 - len(missing) / len(q.relevant))
        hits += len(missing) < len(q.relevant)
        if missing:
            misses.append(QueryMiss(q.query, list(q.relevant), found, missing))
    n = len(queries)
    return RetrievalReport(
        split=split or "all",
        n=n,
        k=k,
        recall=sum(recalls) / n if n else 0.0,
        hit_rate=hits / n if n else 0.0,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        misses=misses,
    )
