"""Retrieving the knowledge passages a scenario must be grounded in.

Any object with a ``search`` method like ``KnowledgeBase.search`` will do (a Protocol), so tests
can use a tiny in-memory fake instead of building a Chroma index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tutor import frameworks
from tutor.generation.target import GenerationTarget
from tutor.redaction import redact

PASSAGES_PER_QUERY = 6
MAX_PASSAGES = 10


class PassageLike(Protocol):
    """The fields of ``tutor.knowledge.Passage`` that generation uses."""

    @property
    def doc_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def source(self) -> str: ...


class KnowledgeSource(Protocol):
    """What the generator needs from the knowledge base."""

    def search(
        self, query: str, k: int = 5, *, ids: Sequence[str] | None = None
    ) -> Sequence[PassageLike]: ...


def passage_key(passage: PassageLike) -> str:
    """How a scenario cites a passage: ``doc_id#section``."""
    return f"{passage.doc_id}#{passage.section}"


def sent_key(key: str) -> str:
    """A key as the model saw it: the gateway redacts everything it sends, so a key (or a
    citation of it) is compared in its redacted form."""
    return redact(key).text


def retrieve(knowledge: KnowledgeSource, target: GenerationTarget) -> list[PassageLike]:
    """Passages about the target's risks, plus ones matching the event summary; no duplicates.

    Two queries rather than one so that a specific event ("AWS key in a public commit") does
    not crowd out the general guidance on the risk, and vice versa.
    """
    risk_query = "; ".join(frameworks.label(r) for r in target.risks)
    queries = [risk_query]
    if target.event_summary:
        queries.append(target.event_summary)
    found: dict[str, PassageLike] = {}
    for query in queries:
        for passage in knowledge.search(query, PASSAGES_PER_QUERY, ids=list(target.risks)):
            found.setdefault(passage_key(passage), passage)
    return list(found.values())[:MAX_PASSAGES]
