"""Knowledge base: framework documents, chunked and indexed in Chroma with a bundled ONNX model.

``KnowledgeBase``, ``Passage`` and ``IndexReport`` are imported on first use, so importing
``tutor.knowledge.encoder`` (as the grader and the export script do) does not load Chroma.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.knowledge.index import IndexReport, KnowledgeBase, Passage

__all__ = ["IndexReport", "KnowledgeBase", "Passage"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tutor.knowledge import index

        return getattr(index, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
