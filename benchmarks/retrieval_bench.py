"""Retrieval benchmark: index build time, search latency after warm-up, and memory.

Targets: p50 ``search`` latency <= 20 ms on the 2-core reference machine. Not a test: run it by
hand after changing the model, chunking or fusion::

    .venv/bin/python benchmarks/retrieval_bench.py            # fresh index in a temp folder
    .venv/bin/python benchmarks/retrieval_bench.py --repeat 5 --queries evals/retrieval/queries.yaml
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from tutor.evals.machine import describe_machine
from tutor.evals.metrics import percentile
from tutor.evals.retrieval import load_queries
from tutor.knowledge.index import KnowledgeBase
from tutor.settings import Settings

FALLBACK_QUERIES = [
    "a leaked AWS key in a public repository",
    "NHI5 overprivileged service account",
    "what does RS.IM-1 ask for after an incident?",
    "an agent was tricked into calling a tool",
    "rotate long-lived secrets",
]


def rss_mb() -> float:
    """Current resident set size, from /proc (Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(fn: object, queries: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            fn(q)  # type: ignore[operator]
            out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=None, help="queries.yaml")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the query set")
    args = parser.parse_args()

    base = Settings()
    queries_path = args.queries or base.evals_dir / "retrieval" / "queries.yaml"
    queries = (
        [q.query for q in load_queries(queries_path)]
        if queries_path.is_file()
        else FALLBACK_QUERIES
    )
    print(f"machine: {describe_machine()}")
    print(f"queries: {len(queries)} from {queries_path if queries_path.is_file() else 'built-in'}")
    print(f"rss before: {rss_mb():.0f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={"data_dir": Path(tmp), "chroma_path": None})
        kb = KnowledgeBase(settings)
        start = time.perf_counter()
        report = kb.build()
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        kb.build()
        rebuild_s = time.perf_counter() - start
        chunks = report.added
        print(f"build (cold, {chunks} chunks, includes model load): {build_s:.2f} s")
        print(f"build (incremental, nothing changed): {rebuild_s * 1000:.0f} ms")
        print(f"rss after build: {rss_mb():.0f} MB")

        for q in queries[:5]:  # warm-up: session, corpus cache, allocator
            kb.search(q)
        search_ms = timed(kb.search, queries, args.repeat)
        docs_ms = timed(kb.search_documents, queries, args.repeat)
        for name, values in (("search", search_ms), ("search_documents", docs_ms)):
            print(
                f"{name:>16}: p50 {percentile(values, 50):6.2f} ms   "
                f"p95 {percentile(values, 95):6.2f} ms   (n={len(values)})"
            )
        print(f"rss after search: {rss_mb():.0f} MB (peak {peak_rss_mb():.0f} MB)")


if __name__ == "__main__":
    main()
