"""Tutor overhead around a model call: a learner turn answered by a model-played persona
versus a raw litellm call to the same endpoint.

A stub OpenAI-compatible server on 127.0.0.1 answers every chat completion (streamed) after a
fixed artificial latency, so the figures measure our code, not a model. The tutor turn is
``TutorSession.reply``: store the answer, read the learner's stance (offline grader), one
streamed persona call through the gateway (redaction, validation, ledger), checkpoint.

Target: turn / raw <= 1.05 at p50 and <= 1.10 at p95.

    python benchmarks/model_overhead_bench.py [--latency-ms 500] [--turns 20]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402

from tutor.cli.context import Context  # noqa: E402
from tutor.evals.metrics import percentile  # noqa: E402
from tutor.graph import Deps, TutorSession  # noqa: E402
from tutor.learner.store import Store  # noqa: E402
from tutor.llm import ModelGateway  # noqa: E402
from tutor.roleplay import PersonaVoice  # noqa: E402

PORT = 8799
REPLY = "We have fifty minutes. Can it really not wait until after the release, just this once?"


class _Stub(BaseHTTPRequestHandler):
    latency_s = 0.5

    def log_message(self, *args: object) -> None:  # quiet
        return

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(self.latency_s)
        words = REPLY.split(" ")
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i, word in enumerate(words):
                chunk = {
                    "id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "stub",
                    "choices": [{"index": 0, "delta": {"content": (" " if i else "") + word},
                                 "finish_reason": None}],
                }  # fmt: skip
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            done = {
                "id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "stub",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }  # fmt: skip
            self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
            return
        payload = {
            "id": "c1", "object": "chat.completion", "created": 0, "model": "stub",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
        }  # fmt: skip
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=500)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    _Stub.latency_s = args.latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", PORT), _Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base, model, key = f"http://127.0.0.1:{PORT}/v1", "openai/stub", "sk-bench-not-a-secret"

    import litellm  # noqa: TID251 - the baseline is deliberately a raw litellm call

    messages = [{"role": "user", "content": "Can we wait until after the release?"}]
    raw: list[float] = []
    for i in range(args.turns + 2):
        start = time.perf_counter()
        for _ in litellm.completion(
            model=model, api_base=base, api_key=key, messages=messages, stream=True
        ):
            pass
        if i >= 2:  # warm-up
            raw.append((time.perf_counter() - start) * 1000)

    ctx = Context()
    gateway = ModelGateway(model, api_base=base, api_key=key, retries=0)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        deps = Deps(
            library=[s for s in ctx.library if s.persona is not None],
            grader=ctx.grader, store=store, voice=PersonaVoice(gateway), pushback_rounds=1,
        )  # fmt: skip
        session = TutorSession(deps, InMemorySaver())
        session.start("bench")
        turn: list[float] = []
        for i in range(args.turns + 2):
            # One learner turn: the first answer to a new scenario, which the persona answers.
            start = time.perf_counter()
            session.reply("No. I am not doing that; I will escalate to security now.")
            if i >= 2:
                turn.append((time.perf_counter() - start) * 1000)
            session.reply("Still no.")  # graded; then the next scenario
            session.next_turn()
    server.shutdown()
    p50 = percentile(turn, 50) / percentile(raw, 50)
    p95 = percentile(turn, 95) / percentile(raw, 95)
    print(f"artificial latency: {args.latency_ms} ms, {args.turns} timed calls each")
    for label, values in (("raw litellm (streamed)", raw), ("tutor turn (persona)", turn)):
        p50_ms, p95_ms = percentile(values, 50), percentile(values, 95)
        print(f"{label + ':':26}p50 {p50_ms:7.1f} ms  p95 {p95_ms:7.1f} ms")
    print(
        f"ratio turn/raw:           p50 {p50:.3f} (target <= 1.05)   p95 {p95:.3f} (target <= 1.10)"
    )


if __name__ == "__main__":
    main()
