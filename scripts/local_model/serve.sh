#!/usr/bin/env bash
# Start (or stop) a local OpenAI-compatible llama-cpp-python server for recording cassettes.
#
#   scripts/local_model/serve.sh [smollm2|gemma3]   start in the background, wait for /v1/models
#   scripts/local_model/serve.sh stop               stop the server this script started
#   scripts/local_model/serve.sh status             say whether it is up and which model
#
# Always 127.0.0.1:8765 (fixed: cassettes record host and port and are matched on them),
# fixed seed. Context size 2048 tokens unless LLM_SERVER_N_CTX says otherwise (SmolLM2 was
# trained to 8192; the scenario-generation prompt needs more than 2048:
# LLM_SERVER_N_CTX=8192 scripts/local_model/serve.sh smollm2). Run setup.sh first. See
# README.md in this folder.
set -euo pipefail

VENV="${LLM_SERVER_VENV:-/opt/llm-server-venv}"
STATE_DIR="${LLM_SERVER_STATE_DIR:-${TMPDIR:-/tmp}/tutor-local-model}"
HOST="127.0.0.1"
PORT="8765"
SEED="42"
N_CTX="${LLM_SERVER_N_CTX:-2048}"
N_THREADS="${LLM_SERVER_THREADS:-$(nproc)}"
START_TIMEOUT="${LLM_SERVER_START_TIMEOUT:-120}"
PID_FILE="$STATE_DIR/server.pid"
LOG_FILE="$STATE_DIR/server.log"
URL="http://$HOST:$PORT/v1/models"

up() { curl -fsS --max-time 2 "$URL" 2>/dev/null; }

stop_server() {
  if [[ -f "$PID_FILE" ]]; then
    local pid
    pid="$(cat "$PID_FILE")"
    if kill -0 "$pid" 2>/dev/null; then
      echo "[serve] stopping server pid $pid"
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$PID_FILE"
  else
    echo "[serve] no pid file at $PID_FILE: nothing started by this script"
  fi
}

case "${1:-smollm2}" in
  smollm2)
    MODEL_FILE="$VENV/models/smollm2.gguf"
    ALIAS="smollm2-135m-instruct"
    CHAT_FORMAT="chatml"  # SmolLM2-Instruct uses <|im_start|>/<|im_end|> turns
    ;;
  gemma3)
    MODEL_FILE="$VENV/models/gemma3.gguf"
    ALIAS="gemma3-270m"
    CHAT_FORMAT="gemma"   # base (not instruction-tuned) model; this format DROPS system messages
    ;;
  stop)
    stop_server
    exit 0
    ;;
  status)
    if out="$(up)"; then echo "[serve] up at $URL: $out"; else echo "[serve] not answering at $URL"; exit 1; fi
    exit 0
    ;;
  *)
    echo "usage: $0 [smollm2|gemma3|stop|status]" >&2
    exit 2
    ;;
esac

if [[ ! -x "$VENV/bin/python" || ! -e "$MODEL_FILE" ]]; then
  echo "[serve] $VENV or $MODEL_FILE missing: run scripts/local_model/setup.sh first" >&2
  exit 1
fi

if out="$(up)"; then
  if grep -q "\"$ALIAS\"" <<<"$out"; then
    echo "[serve] $ALIAS already serving at http://$HOST:$PORT/v1"
    exit 0
  fi
  echo "[serve] port $PORT already answers with another model: $out" >&2
  echo "[serve] stop it first: $0 stop" >&2
  exit 1
fi

mkdir -p "$STATE_DIR"
start=$(date +%s.%N)
# --interrupt_requests False: by default the server cuts a running stream short (a bare
# [DONE], no finish reason) as soon as another request waits, so a recording would depend on
# other traffic. setsid: the server gets its own process group, so it outlives this script
# and `stop` ends exactly the pid recorded here.
setsid "$VENV/bin/python" -m llama_cpp.server \
  --model "$MODEL_FILE" \
  --model_alias "$ALIAS" \
  --chat_format "$CHAT_FORMAT" \
  --host "$HOST" --port "$PORT" \
  --n_ctx "$N_CTX" \
  --seed "$SEED" \
  --interrupt_requests False \
  --n_threads "$N_THREADS" --n_threads_batch "$N_THREADS" \
  --verbose False \
  >"$LOG_FILE" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PID_FILE"

deadline=$(( $(date +%s) + START_TIMEOUT ))
until out="$(up)"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "[serve] server exited during start; log: $LOG_FILE" >&2
    tail -20 "$LOG_FILE" >&2
    rm -f "$PID_FILE"
    exit 1
  fi
  if (( $(date +%s) > deadline )); then
    echo "[serve] /v1/models did not answer within ${START_TIMEOUT}s; log: $LOG_FILE" >&2
    stop_server
    exit 1
  fi
  sleep 0.2
done
elapsed=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
echo "[serve] $ALIAS up in ${elapsed}s at http://$HOST:$PORT/v1 (pid $pid, chat_format $CHAT_FORMAT, n_ctx $N_CTX, seed $SEED)"
echo "[serve] log: $LOG_FILE ; stop with: $0 stop"
