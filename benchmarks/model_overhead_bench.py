"""Tutor overhead around a model call: a learner turn answered by a model-played persona
versus a raw litellm call to the same endpoint.

A stub OpenAI-compatible server on 127.0.0.1 answers every chat completion (streamed) after a
fixed artificial latency, so the figures measure our code, not a model. The tutor turn is the
whole of ``TutorSession.reply`` as ``tutor practice`` calls it: clean and redact the answer,
store it (SQLite), read the learner's stance (offline grader), one streamed persona call through
the gateway (redaction, validation, ledger) shown piece by piece, checkpoints (the SQLite
checkpointer on disk that ``tutor practice`` uses, unless ``--checkpointer memory``), and the
view the front end shows.

Method, so the ratio means something:

- warm-up: the first ``--warmup`` raw calls and tutor turns are not timed (imports, the first
  client, first-use caches); their times are printed, so the first-turn cost is not hidden;
- raw calls and tutor turns are interleaved, alternating which goes first, so machine load
  (this often runs beside other work) falls on both alike;
- ``--turns`` timed samples of each (default 50: with nearest-rank percentiles, p95 of 20
  samples is the second-slowest call, little more than the maximum);
- each timed turn is split by stage (timers wrapped around the session's collaborators; they
  add microseconds and never skip work). The stages add up to the turn; checkpoint writes run
  in LangGraph's background threads, partly while the persona speaks, so they are shown apart
  and their share on the critical path is inside "the rest".

Target: turn / raw <= 1.05 at p50 and <= 1.10 at p95.

    python benchmarks/model_overhead_bench.py [--latency-ms 500] [--turns 50] [--warmup 3]
        [--checkpointer sqlite|memory]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402

import tutor.graph.nodes.roleplay as roleplay_node  # noqa: E402
import tutor.graph.session as session_module  # noqa: E402
from tutor.cli.context import Context  # noqa: E402
from tutor.evals.machine import describe_machine  # noqa: E402
from tutor.evals.metrics import percentile  # noqa: E402
from tutor.graph import Deps, TutorSession  # noqa: E402
from tutor.graph.session import open_checkpointer  # noqa: E402
from tutor.learner.store import Store  # noqa: E402
from tutor.llm import ModelGateway  # noqa: E402
from tutor.roleplay import PersonaVoice  # noqa: E402

REPLY = "We have fifty minutes. Can it really not wait until after the release, just this once?"
ANSWER = "No. I am not doing that; I will escalate to security now."

# Stages of a timed turn, in the order they happen; they add up to the turn.
STAGES = {
    "redact": "clean + redact the answer",
    "store": "store the answer (SQL)",
    "stance": "read the stance (grader)",
    "persona": "persona call (gateway)",
    "rest": "the rest: graph, checkpoints",
}
# Shown apart: inside the stages above, or overlapping them.
APART = {
    "reads": "  of which state reads",
    "writes": "checkpoint writes (background)",
}


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


class _Stages:
    """Seconds spent per stage in the current turn (stages run in graph worker threads and
    checkpoint writes in background threads, hence the lock)."""

    def __init__(self) -> None:
        self.now: dict[str, float] = {}
        self._lock = threading.Lock()

    def timed(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self.now[stage] = self.now.get(stage, 0.0) + time.perf_counter() - start

        return wrapper


def _row(label: str, values: list[float]) -> str:
    mean = sum(values) / len(values)
    return (
        f"  {label:30} p50 {percentile(values, 50):7.1f}  p95 {percentile(values, 95):7.1f}"
        f"  mean {mean:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=500, help="stub latency (500)")
    parser.add_argument("--turns", type=int, default=50, help="timed samples of each (50)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed first calls of each (3)")
    parser.add_argument(
        "--checkpointer",
        choices=("sqlite", "memory"),
        default="sqlite",
        help="sqlite: on disk, as tutor practice (default); memory: LangGraph's InMemorySaver",
    )
    args = parser.parse_args()
    if args.turns < 1 or args.warmup < 0:
        parser.error("--turns must be 1 or more and --warmup 0 or more")
    print(f"machine: {describe_machine()}")
    _Stub.latency_s = args.latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)  # a free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    base, model, key = f"http://127.0.0.1:{port}/v1", "openai/stub", "sk-bench-not-a-secret"

    import litellm  # noqa: TID251 - the baseline is deliberately a raw litellm call

    messages = [{"role": "user", "content": "Can we wait until after the release?"}]

    def raw_call() -> float:
        start = time.perf_counter()
        for _ in litellm.completion(
            model=model, api_base=base, api_key=key, messages=messages, stream=True
        ):
            pass
        return (time.perf_counter() - start) * 1000

    stages = _Stages()
    ctx = Context()
    gateway = ModelGateway(model, api_base=base, api_key=key, retries=0)
    voice = PersonaVoice(gateway)
    voice.speak = stages.timed("persona", voice.speak)  # type: ignore[method-assign]
    # The module-level functions the session and the role-play node look up at call time.
    session_module.redact = stages.timed("redact", session_module.redact)  # type: ignore[assignment]
    roleplay_node.stance = stages.timed("stance", roleplay_node.stance)  # type: ignore[assignment]
    raw: list[float] = []
    turn: list[float] = []
    by_stage: dict[str, list[float]] = {stage: [] for stage in (*STAGES, *APART)}
    warm_raw: list[float] = []
    warm_turn: list[float] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        store.record_reply = stages.timed("store", store.record_reply)  # type: ignore[method-assign]
        saver: Any = (
            open_checkpointer(Path(tmp) / "checkpoints.sqlite")
            if args.checkpointer == "sqlite"
            else InMemorySaver()
        )
        saver.put = stages.timed("writes", saver.put)
        saver.put_writes = stages.timed("writes", saver.put_writes)
        saver.get_tuple = stages.timed("reads", saver.get_tuple)
        # As ``tutor practice`` builds it: the offline grader grades and reads the stance.
        deps = Deps(
            library=[s for s in ctx.library if s.persona is not None], grader=ctx.grader,
            stance_grader=ctx.grader, store=store, voice=voice, pushback_rounds=1,
        )  # fmt: skip
        session = TutorSession(deps, saver)
        session.start("bench")

        def tutor_turn() -> tuple[float, dict[str, float]]:
            # One learner turn: the first answer to a new scenario, which the persona answers,
            # streamed piece by piece to the front end as ``tutor practice`` shows it.
            shown: list[str] = []
            stages.now = {}
            start = time.perf_counter()
            view = session.reply(ANSWER, on_persona_text=shown.append)
            elapsed = (time.perf_counter() - start) * 1000
            # A real persona reply, not the scripted stand-in after a failed call.
            assert view.kind == "decision" and view.transcript[-1]["text"] == REPLY, view
            assert "".join(shown) == REPLY, shown
            parts = {stage: seconds * 1000 for stage, seconds in stages.now.items()}
            session.reply("Still no.")  # graded (untimed); then the next scenario
            session.next_turn()
            return elapsed, parts

        for i in range(args.warmup + args.turns):
            first_raw = i % 2 == 0  # alternate the order, so neither side always goes first
            if first_raw:
                raw_ms = raw_call()
            turn_ms, parts = tutor_turn()
            if not first_raw:
                raw_ms = raw_call()
            if i < args.warmup:
                warm_raw.append(raw_ms)
                warm_turn.append(turn_ms)
                continue
            raw.append(raw_ms)
            turn.append(turn_ms)
            for stage in (*STAGES, *APART):
                by_stage[stage].append(parts.get(stage, 0.0))
            by_stage["rest"][-1] = turn_ms - sum(parts.get(stage, 0.0) for stage in STAGES)
        if args.checkpointer == "sqlite":
            saver.conn.close()
    server.shutdown()
    wall = time.perf_counter() - started

    p50 = percentile(turn, 50) / percentile(raw, 50)
    p95 = percentile(turn, 95) / percentile(raw, 95)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"artificial latency {args.latency_ms} ms; {args.turns} timed calls each, interleaved; "
        f"checkpointer {args.checkpointer}; {wall:.0f} s; load average {load} on "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"excluded warm-up ({args.warmup} of each): raw "
        + ", ".join(f"{x:.0f}" for x in warm_raw)
        + " ms; tutor turn "
        + ", ".join(f"{x:.0f}" for x in warm_turn)
        + " ms"
    )
    print(_row("raw litellm (streamed)", raw))
    print(_row("tutor turn (persona)", turn))
    print("tutor turn by stage:")
    for stage, label in STAGES.items():
        print(_row(label, by_stage[stage]))
        if stage == "rest":
            print(_row(APART["reads"], by_stage["reads"]))
    print(_row(APART["writes"], by_stage["writes"]))
    extra = [t - r for t, r in zip(turn, raw, strict=True)]
    print(_row("turn - raw, same iteration", extra))
    print(f"ratio turn/raw:  p50 {p50:.3f} (target <= 1.05)   p95 {p95:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
