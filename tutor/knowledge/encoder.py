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
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
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

_run_lock = threading.Lock()


def default_threads() -> int:
    """Every core, up to 4, with idle workers sleeping rather than spinning.

    Measured on a 2-core AVX2 machine, grading 300 answers (about 7 clause embeddings each):
    p50 31.5 ms with one thread, 24.6 ms with two; with the other core kept busy, 34.7 and
    36.5 ms (p95 94 and 84 ms): under load a second thread buys nothing but costs little, as an
    earlier measurement found; spinning workers, which did stall under load, stay off. The
    vectors are bit-identical whatever the thread count.
    """
    return max(1, min(4, os.cpu_count() or 1))


@lru_cache(maxsize=4)
def _load(model_dir: Path, threads: int) -> tuple[Any, Any]:
    """One (session, tokenizer) pair per model folder and thread count, for the whole process."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model_path, tokenizer_path = model_dir / MODEL_FILE, model_dir / TOKENIZER_FILE
    for path in (model_path, tokenizer_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: embedding model file is missing")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    # Spinning workers burn a core while idle and stall when Chroma or the web server runs.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
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
        _, tokenizer = _load(self.model_dir, self.threads)
        encodings = tokenizer.encode_batch(list(texts))
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` as an (n, 384) float32 array of unit vectors, in input order."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Similar lengths share a batch, so padding wastes little compute when batch_size > 1.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self._encode_batch([texts[i] for i in idx])
        return out

    def _encode_batch(self, texts: list[str]) -> npt.NDArray[np.float32]:
        session, _ = _load(self.model_dir, self.threads)
        ids, mask = self.tokenize(texts)
        with _run_lock:  # sessions are thread-safe, but two runs would fight over 2 cores
            (hidden,) = session.run(
                ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask}
            )
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)
