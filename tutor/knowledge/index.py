"""The knowledge base: framework documents indexed in Chroma, searched dense + lexical.

``build`` is incremental by content hash, so re-running it after editing one document embeds only
the sections that changed (a new model file re-embeds them all). ``search`` fuses rankings by
reciprocal rank: Chroma's cosine neighbours of the query, BM25 over the chunk texts, and exact
framework-ID matches ("NHI5", "RS.IM-1"), because each catches what the others miss. Documents
edited after the first build are picked up by calling ``build`` again (the CLI does); ``search``
only builds an empty index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from tutor.frameworks import canonical
from tutor.knowledge.docs import Chunk, KnowledgeDocError, load_chunks
from tutor.knowledge.embedding import MiniLMEmbeddingFunction
from tutor.knowledge.lexical import BM25, framework_ids, fuse, ranked, with_successors
from tutor.settings import Settings

COLLECTION_NAME = "nhi-knowledge"
EMBED_BATCH = 16  # chunks per Chroma upsert; also how often progress is reported
DENSE_CANDIDATES = 100
# Fusion weights, tuned on the dev split of evals/retrieval/queries.yaml.
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0
ID_WEIGHT = 2.0  # sections of the document a query names by ID ("NHI5")
RELATED_ID_WEIGHT = 0.5  # sections of documents citing that ID

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Passage:
    """One section of a knowledge document, as search and feedback hand it out."""

    doc_id: str
    title: str
    framework: str
    source: str
    section: str
    text: str
    related: tuple[str, ...]
    score: float  # fused rank score in (0, 1]; 1.0 = first in every ranking; 0.0 = no query


@dataclass(frozen=True)
class IndexReport:
    added: int
    updated: int
    removed: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class _Record:
    chunk_id: str
    doc_id: str
    order: int
    tags: frozenset[str]
    framework: str
    passage: Passage


class _Corpus:
    """Every chunk's text and metadata in memory: a few hundred sections, a few hundred KB."""

    def __init__(self, records: list[_Record]) -> None:
        self.records = {r.chunk_id: r for r in records}
        self.bm25 = BM25({r.chunk_id: _lexical_text(r.passage) for r in records})

    def allowed(self, framework: str | None, ids: frozenset[str] | None) -> set[str]:
        return {
            key
            for key, r in self.records.items()
            if (framework is None or r.framework == framework) and (ids is None or r.tags & ids)
        }


def _lexical_text(p: Passage) -> str:
    return f"{p.doc_id} {p.title} {p.section} {' '.join(p.related)}\n{p.text}"


def _metadata(chunk: Chunk, embedder: str) -> dict[str, Any]:
    doc = chunk.doc
    return {
        "doc_id": doc.id,
        "title": doc.title,
        "framework": doc.framework,
        "source": doc.source,
        "section": chunk.section,
        "related": "\n".join(doc.related),
        "tags": [doc.id, *doc.related],  # array metadata, for the $contains ID filter
        "order": chunk.order,
        "hash": chunk.content_hash,
        "embedder": embedder,  # the model file's digest: a new model re-embeds everything
    }


def _record(chunk_id: str, text: str, meta: dict[str, Any]) -> _Record:
    related = tuple(r for r in str(meta.get("related") or "").split("\n") if r)
    passage = Passage(
        doc_id=str(meta["doc_id"]),
        title=str(meta["title"]),
        framework=str(meta["framework"]),
        source=str(meta["source"]),
        section=str(meta["section"]),
        text=text,
        related=related,
        score=0.0,
    )
    return _Record(
        chunk_id,
        passage.doc_id,
        int(meta.get("order") or 0),
        frozenset((passage.doc_id, *related)),
        passage.framework,
        passage,
    )


def _batches(items: Sequence[Chunk], size: int) -> Iterator[Sequence[Chunk]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _id_filter(ids: Sequence[str] | None) -> frozenset[str] | None:
    return None if ids is None else with_successors(canonical(i.strip()) for i in ids)


def _where(framework: str | None, ids: frozenset[str] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if framework is not None:
        clauses.append({"framework": framework})
    if ids:
        any_id = [{"tags": {"$contains": i}} for i in sorted(ids)]
        clauses.append(any_id[0] if len(any_id) == 1 else {"$or": any_id})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def make_client(settings: Settings) -> ClientAPI:
    """A Chroma server when ``chroma_host`` is set, else a folder; telemetry off either way."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    path = settings.resolved_chroma_path
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class KnowledgeBase:
    """Build and search the knowledge index for one ``Settings``."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedding_function: MiniLMEmbeddingFunction | None = None,
        client: ClientAPI | None = None,
    ) -> None:
        self.settings = settings
        self._ef = embedding_function or MiniLMEmbeddingFunction()
        self._client = client or make_client(settings)
        self._collection_obj: Collection | None = None
        self._corpus_cache: _Corpus | None = None

    # -- index ---------------------------------------------------------------------------------

    @property
    def collection(self) -> Collection:
        if self._collection_obj is None:
            # Always our embedding function: Chroma's default would download a model.
            self._collection_obj = self._client.get_or_create_collection(
                COLLECTION_NAME,
                embedding_function=self._ef,  # type: ignore[arg-type]
            )
        return self._collection_obj

    def build(self, on_progress: ProgressCallback | None = None) -> IndexReport:
        """Bring the index in line with the documents: embed new and changed sections only."""
        docs_dir = self.settings.docs_dir
        if not docs_dir.is_dir():
            raise KnowledgeDocError(str(docs_dir), None, "knowledge documents folder not found")
        chunks = load_chunks(docs_dir)
        stored = self.collection.get(include=["metadatas"])
        stored_meta = dict(zip(stored["ids"], stored["metadatas"] or [], strict=False))
        current = {c.chunk_id for c in chunks}
        removed = sorted(set(stored_meta) - current)
        total = len(chunks) + len(removed)

        embedder = self._ef.fingerprint
        to_embed: list[Chunk] = []
        moved: list[Chunk] = []  # same content, new position in its document
        for chunk in chunks:
            meta = stored_meta.get(chunk.chunk_id)
            if (
                meta is None
                or meta.get("hash") != chunk.content_hash
                or meta.get("embedder") != embedder
            ):
                to_embed.append(chunk)
            elif meta.get("order") != chunk.order:
                moved.append(chunk)
        added = sum(1 for c in to_embed if c.chunk_id not in stored_meta)
        unchanged = len(chunks) - len(to_embed)
        done = unchanged
        if on_progress:
            on_progress(done, total)
        for batch in _batches(to_embed, EMBED_BATCH):
            self.collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=self._ef.encode([c.embed_text for c in batch]),
                documents=[c.text for c in batch],
                metadatas=[_metadata(c, embedder) for c in batch],
            )
            done += len(batch)
            if on_progress:
                on_progress(done, total)
        if moved:
            self.collection.update(
                ids=[c.chunk_id for c in moved], metadatas=[_metadata(c, embedder) for c in moved]
            )
        if removed:
            self.collection.delete(ids=removed)
            if on_progress:
                on_progress(total, total)
        self._corpus_cache = None
        return IndexReport(added, len(to_embed) - added, len(removed), unchanged)

    def _corpus(self) -> _Corpus:
        """The in-memory copy of the index, building the index first if it is empty."""
        if self._corpus_cache is None:
            if self.collection.count() == 0:
                self.build()
            got = self.collection.get(include=["documents", "metadatas"])
            records = [
                _record(key, text or "", dict(meta or {}))
                for key, text, meta in zip(
                    got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
                )
            ]
            self._corpus_cache = _Corpus(records)
        return self._corpus_cache

    # -- retrieval -----------------------------------------------------------------------------

    def _rank(
        self, query: str, framework: str | None, ids: Sequence[str] | None
    ) -> dict[str, float]:
        """Fused score of every allowed chunk that any of the three rankings found."""
        corpus = self._corpus()
        id_filter = _id_filter(ids)
        allowed = corpus.allowed(framework, id_filter)
        if not allowed or not query.strip():
            return {}
        vector = self._ef.encode([query])[0]
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=min(len(allowed), DENSE_CANDIDATES),
            where=_where(framework, id_filter),
            include=["distances"],
        )
        distances = (result["distances"] or [[]])[0]
        dense = sorted(zip(result["ids"][0], distances, strict=True), key=lambda p: (p[1], p[0]))
        dense_order = [key for key, _ in dense if key in allowed]
        lexical_order = ranked(corpus.bm25.scores(query, allowed))
        rankings = [(dense_order, DENSE_WEIGHT), (lexical_order, LEXICAL_WEIGHT)]
        named = framework_ids(query)
        if named:
            # Sections of the document about a named ID, then sections citing it (or, for a
            # CSF 1.1 ID, its CSF 2.0 successors); dense order within each.
            expanded = with_successors(named)
            position = {key: i for i, key in enumerate(dense_order)}
            cited = sorted(
                (key for key in allowed if corpus.records[key].tags & expanded),
                key=lambda key: (position.get(key, len(position)), key),
            )
            own = [key for key in cited if corpus.records[key].doc_id in named]
            citing = [key for key in cited if corpus.records[key].doc_id not in named]
            rankings += [(own, ID_WEIGHT), (citing, RELATED_ID_WEIGHT)]
        return fuse(rankings)

    def _passage(self, key: str, score: float) -> Passage:
        return replace(self._corpus().records[key].passage, score=round(score, 6))

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        framework: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Passage]:
        """The ``k`` best sections for ``query``; ``ids`` keeps sections of documents that are,
        or relate to, any of those framework IDs; ``framework`` keeps one framework's."""
        scores = self._rank(query, framework, ids)
        return [self._passage(key, scores[key]) for key in ranked(scores)[:k]]

    def search_documents(self, query: str, k: int = 5) -> list[Passage]:
        """The ``k`` best distinct documents, each as its best-scoring section."""
        scores = self._rank(query, None, None)
        records = self._corpus().records
        best: dict[str, str] = {}  # doc id -> its best chunk
        for key in ranked(scores):
            best.setdefault(records[key].doc_id, key)
            if len(best) == k:
                break
        return [self._passage(key, scores[key]) for key in best.values()]

    def passages_for(self, doc_ids: Sequence[str]) -> list[Passage]:
        """Every section of the given documents, in document then reading order; no query."""
        wanted = {d: i for i, d in enumerate(dict.fromkeys(canonical(d) for d in doc_ids))}
        records = [r for r in self._corpus().records.values() if r.doc_id in wanted]
        records.sort(key=lambda r: (wanted[r.doc_id], r.order, r.chunk_id))
        return [r.passage for r in records]

    def document_ids(self) -> list[str]:
        return sorted({r.doc_id for r in self._corpus().records.values()})
