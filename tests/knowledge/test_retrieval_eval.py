"""recall@5 arithmetic and the query file's checks, on the fixture knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.errors import InputError
from tutor.evals.retrieval import evaluate_retrieval, load_queries
from tutor.knowledge.index import KnowledgeBase

QUERIES = """
- {query: "a key was committed to a public repository", relevant: [NHI2], split: dev}
- {query: "least privilege for service accounts", relevant: [NHI5, PR.AA-05], split: dev}
- {query: "lessons learned after an incident", relevant: [ID.IM-03, NOT-A-DOC], split: test}
"""


def test_recall_hit_rate_and_misses(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "queries.yaml"
    path.write_text(QUERIES, encoding="utf-8")
    dev = evaluate_retrieval(kb, path, "dev")
    assert (dev.n, dev.recall, dev.hit_rate, dev.misses) == (2, 1.0, 1.0, [])
    test = evaluate_retrieval(kb, path, "test")
    assert (test.n, test.recall, test.hit_rate) == (1, 0.5, 1.0)
    assert test.misses[0].missing == ["NOT-A-DOC"]
    every = evaluate_retrieval(kb, path, None)
    assert every.split == "all" and every.n == 3
    assert 0 < every.p50_ms <= every.p95_ms
    assert every.as_dict()["recall@5"] == round(2.5 / 3, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {query: q, relevant: [A], split: train}", r"\[0\]\.split"),
        ("- {query: '', relevant: [A], split: dev}", r"\[0\]\.query"),
        ("- {query: q, relevant: [], split: dev}", r"\[0\]\.relevant"),
        ("query: q", "expected a list"),
    ],
)
def test_bad_query_files_name_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "queries.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_queries(path)
