"""The bundled ONNX model, through the encoder and the Chroma embedding function."""

from __future__ import annotations

import json
import os
import platform
import shutil
import site
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from tutor.knowledge.embedding import EMBEDDING_FUNCTION_NAME, MiniLMEmbeddingFunction
from tutor.knowledge.encoder import DIMENSIONS, MAX_TOKENS, Encoder

SHORT = "Rotate the leaked API key."
LONG = " ".join(["The deploy bot's token was copied into a public repository by mistake."] * 6)
REFERENCE = Path(__file__).with_name("model_reference.json")


@pytest.fixture(scope="module")
def ef() -> MiniLMEmbeddingFunction:
    return MiniLMEmbeddingFunction()


def test_shape_unit_norm_and_determinism(ef: MiniLMEmbeddingFunction) -> None:
    first = ef.encode([SHORT, LONG])
    again = ef.encode([SHORT, LONG])
    assert first.shape == (2, DIMENSIONS)
    assert first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(first, again)


def _reference_cosines(ours: np.ndarray) -> dict[str, float]:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    expected = np.asarray(reference["embeddings"], dtype=np.float32)
    cosines = (ours * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    return dict(zip(reference["sentences"], (float(c) for c in cosines), strict=True))


# Float rounding alone stays above this (measured under emulation: cosine 1.0, largest component
# difference 3e-8). Weights that a CPU's kernel saturates fall below it: full 8-bit signed weights
# gave 0.986 on an AVX2 CPU without VNNI, and 8-bit weights stored as uint8 gave 0.99965.
SAME_VECTOR = 0.99999


def test_this_cpu_gives_the_embeddings_the_model_was_exported_with() -> None:
    """Grades and the fitted calibration rest on these vectors being the same on every machine."""
    sentences = json.loads(REFERENCE.read_text(encoding="utf-8"))["sentences"]
    cosines = _reference_cosines(Encoder().encode(sentences))
    assert min(cosines.values()) > SAME_VECTOR, cosines


_EMULATED_RUN = """
import json, sys
from tutor.knowledge.encoder import Encoder
print(json.dumps(Encoder(threads=1).encode(json.load(sys.stdin)).tolist()))
"""


@pytest.mark.skipif(
    platform.machine() != "x86_64" or shutil.which("qemu-x86_64") is None,
    reason="needs qemu-x86_64 (Debian package qemu-user) to emulate an older x86 CPU",
)
def test_an_avx2_cpu_without_vnni_gives_the_same_embeddings() -> None:
    """onnxruntime picks its integer kernel by CPU; qemu's Haswell model (AVX2, no AVX-512, no
    VNNI) runs the kernel that sums products in saturating 16-bit lanes."""
    sentences = json.loads(REFERENCE.read_text(encoding="utf-8"))["sentences"]
    paths = [str(Path(__file__).resolve().parents[2]), *site.getsitepackages()]
    run = subprocess.run(
        ["qemu-x86_64", "-cpu", "Haswell", sys.executable, "-c", _EMULATED_RUN],
        input=json.dumps(sentences),
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        check=True,
    )
    emulated = np.asarray(json.loads(run.stdout), dtype=np.float32)
    cosines = _reference_cosines(emulated)
    assert min(cosines.values()) > SAME_VECTOR, cosines


def test_alone_or_beside_a_longer_text_gives_the_same_vector(ef: MiniLMEmbeddingFunction) -> None:
    alone = ef.encode([SHORT])[0]
    in_batch = ef.encode([LONG, SHORT, "ok"])[1]
    np.testing.assert_allclose(alone, in_batch, atol=1e-5)


def test_texts_embedded_side_by_side_get_the_vectors_they_get_one_at_a_time() -> None:
    texts = [SHORT, LONG, "ok", "Call the owner on the number in the directory.", SHORT]
    together = Encoder(threads=3).encode(texts)
    one_by_one = np.stack([Encoder(threads=1).encode([t])[0] for t in texts])
    np.testing.assert_array_equal(together, one_by_one)


def test_padding_is_dynamic_and_truncates_at_256() -> None:
    encoder = Encoder()
    ids, mask = encoder.tokenize([SHORT, LONG])
    n_short, n_long = (int(m.sum()) for m in mask)
    assert ids.shape == (2, n_long)  # padded to the longest, not the tokenizer's fixed 128
    assert n_short < n_long and not mask[0, n_short:].any()
    ids, mask = encoder.tokenize([LONG * 5])
    assert ids.shape == (1, MAX_TOKENS)


def test_multi_text_batches_mask_their_padding() -> None:
    # int8 activations share one scale per batch, so batch-mates shift a vector a little;
    # unmasked padding would shift it a lot.
    batched = Encoder(batch_size=8).encode([SHORT, LONG])[0]
    alone = Encoder().encode([SHORT])[0]
    assert float(batched @ alone) > 0.98


def test_similar_texts_are_closer_than_unrelated_ones(ef: MiniLMEmbeddingFunction) -> None:
    a, b, c = ef.encode(
        ["rotate the leaked credential", "revoke the exposed API key", "a recipe for lemon cake"]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_chroma_protocol_round_trips(ef: MiniLMEmbeddingFunction) -> None:
    assert known_embedding_functions[EMBEDDING_FUNCTION_NAME] is MiniLMEmbeddingFunction
    rebuilt = MiniLMEmbeddingFunction.build_from_config(ef.get_config())
    assert rebuilt.get_config() == ef.get_config()
    assert not ef.is_legacy()
    assert ef.default_space() == "cosine"
    vectors = ef([SHORT])  # through Chroma's validating __call__ wrapper
    assert len(vectors) == 1 and len(vectors[0]) == DIMENSIONS


def test_config_refuses_another_model(ef: MiniLMEmbeddingFunction) -> None:
    with pytest.raises(ValueError, match="model"):
        MiniLMEmbeddingFunction.build_from_config({"model": "something-else"})
    with pytest.raises(ValueError, match="model"):
        ef.validate_config_update(ef.get_config(), {"model": "something-else"})
