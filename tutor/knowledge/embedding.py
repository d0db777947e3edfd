"""Chroma embedding function for the bundled MiniLM ONNX model.

Registered with Chroma under :data:`EMBEDDING_FUNCTION_NAME` so a persisted collection records it
in its configuration and reopens with it, even when a later client does not pass one: Chroma
must never fall back to its default embedding function, which downloads a model at run time.
Importing this module is what registers the class, so :mod:`tutor.knowledge.index` imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from tutor.knowledge.encoder import DEFAULT_BATCH_SIZE, DIMENSIONS, MODEL_DIR, Encoder

EMBEDDING_FUNCTION_NAME = "nhi_tutor_minilm_l6_v2_int8"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (int8 ONNX)"


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 through onnxruntime: 384-d unit vectors, compared by cosine."""

    def __init__(
        self,
        model_dir: str | Path | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        threads: int | None = None,
    ) -> None:
        # None means the model shipped in the package; a path is kept only when given, so a
        # persisted config does not pin one installation's site-packages folder.
        self._model_dir = None if model_dir is None else str(model_dir)
        self._encoder = Encoder(
            MODEL_DIR if model_dir is None else Path(model_dir),
            batch_size=batch_size,
            threads=threads,
        )

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._encoder.encode(list(input)))

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The (n, 384) array itself, skipping Chroma's per-row validation."""
        return self._encoder.encode(texts)

    @property
    def fingerprint(self) -> str:
        """Which model file made a vector, so an index re-embeds after the model changes."""
        return self._encoder.fingerprint

    @staticmethod
    def name() -> str:
        return EMBEDDING_FUNCTION_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]  # unit vectors: all three rank alike

    def get_config(self) -> dict[str, Any]:
        return {
            "model": MODEL_NAME,
            "dimensions": DIMENSIONS,
            "model_dir": self._model_dir,
            "batch_size": self._encoder.batch_size,
        }

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        MiniLMEmbeddingFunction.validate_config(config)
        return MiniLMEmbeddingFunction(
            model_dir=config.get("model_dir"),
            batch_size=int(config.get("batch_size") or DEFAULT_BATCH_SIZE),
        )

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if config.get("model", MODEL_NAME) != MODEL_NAME:
            raise ValueError(f"expected model {MODEL_NAME!r}, got {config.get('model')!r}")
        if config.get("dimensions", DIMENSIONS) != DIMENSIONS:
            raise ValueError(f"expected {DIMENSIONS} dimensions, got {config.get('dimensions')}")

    def validate_config_update(
        self, old_config: dict[str, Any], new_config: dict[str, Any]
    ) -> None:
        # Vectors already stored came from this model; another one would make them meaningless.
        for key in ("model", "dimensions"):
            if key in new_config and new_config[key] != old_config.get(key):
                raise ValueError(f"cannot change {key} of an existing collection; rebuild it")
