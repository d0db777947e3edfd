"""Sentence embeddings from the bundled int8 all-MiniLM-L6-v2 ONNX model, without torch.

Kept free of Chroma so ``scripts/export_onnx.py`` can check this exact code path against the
torch reference. The ONNX session and tokenizer are loaded once per process and shared: Chroma
rebuilds embedding-function objects from their config on every query, so per-instance loading
would cost a model load per search.

Batch size defaults to 1. Dynamic int8 quantisation picks one activation scale per tensor, so in
a batch of several texts each embedding shifts with its batch-mates (measured: up to 0.02 per
component, cosine 0.99). Run alone, a text always gets the same vector, which the content-hash
incremental index relies on; and on 2 cores batching bought under 5% throughput (10.2 vs 10.7 ms
per 150-token chunk). Larger batches still work, padded to the batch's longest text.

Several texts are embedded side by side, one core each, rather than one after another with
every core on each: a clause of a dozen tokens is too small to split across cores (measured on a
2-core EPYC, eight clauses: 13.8 ms side by side, 19.3 ms one after another on two threads,
20.0 ms on one), and each text still runs alone, so its vector is the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tutor.hashing import file_sha256

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "model_int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
DIMENSIONS = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
DEFAULT_BATCH_SIZE = 1


def default_threads() -> int:
    """Every core, up to 4: how many texts are embedded at once, one core each.

    The vectors are bit-identical whatever the count. Under load (the other core kept busy) a
    second worker buys little but costs little, as earlier measurements found.
    """
    return max(1, min(4, os.cpu_count() or 1))


@lru_cache(maxsize=4)
def _workers(threads: int) -> ThreadPoolExecutor:
    """One pool per process: every encoder shares it, so all callers together run at most
    ``threads`` texts at once and never fight over the cores."""
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tutor-embed")


@lru_cache(maxsize=4)
def _load(model_dir: Path) -> tuple[Any, Any]:
    """One (session, tokenizer) pair per model folder, for the whole process.

    The session runs each text on the calling thread (one intra-op thread, so no worker
    threads to spin or stall); ``Encoder.encode`` runs several at once. onnxruntime sessions are
    safe to run from several threads."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model_path, tokenizer_path = model_dir / MODEL_FILE, model_dir / TOKENIZER_FILE
    for path in (model_path, tokenizer_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: embedding model file is missing")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    session = ort.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    # The shipped tokenizer pads and truncates everything to 128: pad to the batch's longest
    # instead, and truncate where sentence-transformers does.
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return session, tokenizer


@lru_cache(maxsize=4)
def model_fingerprint(model_dir: Path) -> str:
    """A short digest of the model file: vectors stored under another digest are stale."""
    return file_sha256(model_dir / MODEL_FILE)[:16]


class Encoder:
    """Mean-pooled, L2-normalised MiniLM embeddings (the sentence-transformers recipe)."""

    def __init__(
        self,
        model_dir: Path | str = MODEL_DIR,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        threads: int | None = None,
    ) -> None:
        self.model_dir = Path(model_dir).resolve()
        self.batch_size = max(1, batch_size)
        self.threads = threads or default_threads()

    @property
    def fingerprint(self) -> str:
        return model_fingerprint(self.model_dir)

    def tokenize(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Token ids and attention mask, padded to the longest text and cut at 256 tokens."""
        _, tokenizer = _load(self.model_dir)
        encodings = tokenizer.encode_batch(list(texts))
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` as an (n, 384) float32 array of unit vectors, in input order."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Similar lengths share a batch, so padding wastes little compute when batch_size > 1;
        # the longest batches start first, so no core is left with a long one at the end.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        tokens = [self.tokenize([texts[i] for i in idx]) for idx in batches]
        for idx, vectors in zip(
            batches, _workers(self.threads).map(self._embed, tokens), strict=True
        ):
            out[idx] = vectors
        return out

    def _embed(
        self, tokens: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
    ) -> npt.NDArray[np.float32]:
        session, _ = _load(self.model_dir)
        ids, mask = tokens
        (hidden,) = session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)
