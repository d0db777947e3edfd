"""KnowledgeBase: incremental builds, filters, and a persisted collection that reopens safely."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from tutor.knowledge import encoder as encoder_module
from tutor.knowledge import index as index_module
from tutor.knowledge.embedding import EMBEDDING_FUNCTION_NAME, MiniLMEmbeddingFunction
from tutor.knowledge.index import COLLECTION_NAME, IndexReport, KnowledgeBase, Passage
from tutor.settings import Settings

SECTIONS = 7  # sections in the conftest fixture documents


def test_search_returns_cited_passages(kb: KnowledgeBase) -> None:
    hits = kb.search("a token was pushed to a public git repository", k=3)
    assert hits and isinstance(hits[0], Passage)
    top = hits[0]
    assert top.doc_id == "NHI2" and top.framework.startswith("OWASP Non-Human")
    assert top.related == ("RS.MI-01", "NHI7") and top.source.startswith("https://")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert kb.search("a token was pushed to a public git repository", k=3) == hits


def test_exact_framework_ids_in_queries_win(kb: KnowledgeBase) -> None:
    assert kb.search("NHI5", k=1)[0].doc_id == "NHI5"
    # A CSF 1.1 ID finds the CSF 2.0 document it maps to, and the one that cites it.
    assert kb.search("what does RS.IM-1 expect after an incident?", k=1)[0].doc_id == "ID.IM-03"


def test_id_filter_keeps_documents_that_are_or_relate_to_the_ids(kb: KnowledgeBase) -> None:
    hits = kb.search("least privilege", k=10, ids=["PR.AA-05"])
    assert {h.doc_id for h in hits} == {"PR.AA-05", "NHI5"}
    hits = kb.search("leak", k=10, ids=["NHI7", "RS.IM-1"])
    assert {h.doc_id for h in hits} == {"NHI2", "ID.IM-03"}
    assert kb.search("leak", ids=["NHI10"]) == []


def test_framework_filter(kb: KnowledgeBase) -> None:
    hits = kb.search("rotate the leaked key", k=10, framework="NIST CSF 2.0")
    assert hits and {h.framework for h in hits} == {"NIST CSF 2.0"}


def test_search_documents_is_distinct(kb: KnowledgeBase) -> None:
    docs = kb.search_documents("least privilege for service accounts", k=5)
    assert len(docs) == len({d.doc_id for d in docs}) == 4
    assert docs[0].doc_id in {"NHI5", "PR.AA-05"}


def test_passages_for_returns_whole_documents_in_order(kb: KnowledgeBase) -> None:
    passages = kb.passages_for(["NHI5", "NHI2"])
    assert [(p.doc_id, p.section) for p in passages] == [
        ("NHI5", "What the risk is"),
        ("NHI5", "Mitigations"),
        ("NHI2", "Overview"),
        ("NHI2", "How it happens"),
        ("NHI2", "First response"),
    ]
    assert kb.passages_for(["nope"]) == []


def test_incremental_build(fresh_kb: Callable[..., KnowledgeBase]) -> None:
    kb = fresh_kb()
    progress: list[tuple[int, int]] = []
    assert kb.build(lambda done, total: progress.append((done, total))) == IndexReport(
        SECTIONS, 0, 0, 0
    )
    assert progress[0] == (0, SECTIONS) and progress[-1] == (SECTIONS, SECTIONS)
    assert kb.build() == IndexReport(0, 0, 0, SECTIONS)

    docs = kb.settings.docs_dir
    nhi5 = docs / "nhi" / "NHI5.md"
    nhi5.write_text(nhi5.read_text().replace("on a schedule", "every quarter"))
    assert kb.build() == IndexReport(0, 1, 0, SECTIONS - 1)
    assert "every quarter" in kb.passages_for(["NHI5"])[1].text

    nhi2 = docs / "nhi" / "NHI2.md"
    nhi2.write_text(nhi2.read_text() + "\n## Prevention\n\nUse a secrets manager.\n")
    assert kb.build() == IndexReport(1, 0, 0, SECTIONS)

    nhi2.unlink()
    assert kb.build() == IndexReport(0, 0, 4, SECTIONS - 3)
    assert "NHI2" not in kb.document_ids()
    assert kb.collection.count() == SECTIONS - 3


def test_a_new_model_file_re_embeds_every_section(
    fresh_kb: Callable[..., KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = fresh_kb()
    kb.build()
    monkeypatch.setattr(MiniLMEmbeddingFunction, "fingerprint", property(lambda self: "other"))
    assert kb.build() == IndexReport(0, SECTIONS, 0, 0)
    assert kb.build() == IndexReport(0, 0, 0, SECTIONS)


def test_search_builds_an_empty_index(fresh_kb: Callable[..., KnowledgeBase]) -> None:
    kb = fresh_kb()
    assert kb.collection.count() == 0
    assert kb.search("least privilege", k=1)[0].doc_id in {"NHI5", "PR.AA-05"}
    assert kb.collection.count() == SECTIONS


def test_persisted_collection_reopens_with_our_embedding_function(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real_encode = encoder_module.Encoder.encode

    def counting_encode(self: encoder_module.Encoder, texts: list[str]) -> object:
        calls.append(len(texts))
        return real_encode(self, texts)

    monkeypatch.setattr(encoder_module.Encoder, "encode", counting_encode)
    # A new client object reads the collection's stored configuration, as a new process would.
    client = chromadb.PersistentClient(
        path=str(kb.settings.resolved_chroma_path),
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    collection = client.get_collection(COLLECTION_NAME)  # no embedding function passed
    assert collection.configuration_json["embedding_function"]["name"] == EMBEDDING_FUNCTION_NAME
    result = collection.query(query_texts=["a leaked key in a public repo"], n_results=1)
    assert calls, "the query was not embedded by MiniLMEmbeddingFunction"
    assert result["metadatas"] and result["metadatas"][0][0]["doc_id"] == "NHI2"


def test_default_embedding_function_is_really_forbidden(kb: KnowledgeBase) -> None:
    # Guards the guard: a collection without our function would reach Chroma's default.
    client = chromadb.PersistentClient(
        path=str(kb.settings.resolved_chroma_path),
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    collection = client.create_collection("no-embedding-function", embedding_function=None)
    collection.add(ids=["x"], embeddings=[[1.0, 0.0]])
    with pytest.raises(AssertionError, match="default embedding function"):
        client.get_collection("no-embedding-function").query(query_texts=["hi"], n_results=1)


def test_chroma_host_selects_a_server_client_without_telemetry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_http_client(**kwargs: Any) -> object:
        seen.update(kwargs)
        return object()

    monkeypatch.setattr(index_module.chromadb, "HttpClient", fake_http_client)
    settings = Settings(data_dir=tmp_path, chroma_host="chroma.internal", chroma_port=8123)
    KnowledgeBase(settings)
    assert (seen["host"], seen["port"]) == ("chroma.internal", 8123)
    assert seen["settings"].anonymized_telemetry is False
    assert not (tmp_path / "chroma").exists()
