"""Measure the local llama-cpp-python server: latency, structured output, streaming, timeouts.

Talks to the server started by ``serve.sh`` (127.0.0.1:8765) with the standard library only,
plus pydantic to validate structured output. Prints a JSON report; the numbers in README.md
came from it.

    scripts/local_model/serve.sh smollm2
    .venv/bin/python scripts/local_model/measure.py --runs 5 > /tmp/smollm2.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

BASE = "http://127.0.0.1:8765/v1"


class Verdict(BaseModel):
    """The small schema used for every structured-output check."""

    passed: bool
    score: int = Field(ge=0, le=10)
    reason: str


class GrammarVerdict(BaseModel):
    """The same, with only constraints llama-cpp's grammar enforces (enum, maxLength).

    llama_cpp.llama_grammar ignores minimum/maximum on numbers (a TODO in its source), so a
    bounded ``int`` can come back out of range; an enum of the allowed values cannot.
    """

    passed: bool
    score: Literal[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    reason: str = Field(max_length=200)


SCHEMA = Verdict.model_json_schema()
GRAMMAR_SCHEMA = GrammarVerdict.model_json_schema()
PROMPT_JSON = (
    "A learner says: 'I would revoke the leaked AWS key immediately.' "
    "Judge the answer. Reply with JSON with keys passed (boolean), score (0-10) and reason."
)
PROMPT_CHAT = "In one short sentence: what is a service account?"


def post(path: str, body: dict[str, Any], timeout: float = 120) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def model_name() -> str:
    with urllib.request.urlopen(BASE + "/models", timeout=5) as resp:
        return json.loads(resp.read())["data"][0]["id"]


def chat_body(model: str, prompt: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "temperature": 0,
        "seed": 42,
        **extra,
    }


def latency(model: str, runs: int) -> dict[str, Any]:
    times, tokens, text = [], [], ""
    for _ in range(runs):
        t0 = time.perf_counter()
        status, data = post("/chat/completions", chat_body(model, PROMPT_CHAT, max_tokens=32))
        times.append(time.perf_counter() - t0)
        assert status == 200, data
        tokens.append(data["usage"]["completion_tokens"])
        text = data["choices"][0]["message"]["content"]
    return {
        "runs": runs,
        "max_tokens": 32,
        "seconds_median": round(statistics.median(times), 3),
        "seconds_min": round(min(times), 3),
        "seconds_max": round(max(times), 3),
        "completion_tokens": tokens,
        "sample": text,
    }


def structured(
    model: str, response_format: dict[str, Any], schema: type[BaseModel] = Verdict
) -> dict[str, Any]:
    t0 = time.perf_counter()
    status, data = post(
        "/chat/completions",
        chat_body(model, PROMPT_JSON, max_tokens=128, response_format=response_format),
    )
    out: dict[str, Any] = {"http_status": status, "seconds": round(time.perf_counter() - t0, 3)}
    if status != 200:
        out["error"] = json.dumps(data)[:300]
        return out
    content = data["choices"][0]["message"]["content"]
    out["content"] = content
    out["finish_reason"] = data["choices"][0]["finish_reason"]
    try:
        json.loads(content)
        out["valid_json"] = True
    except json.JSONDecodeError:
        out["valid_json"] = False
    try:
        schema.model_validate_json(content)
        out["matches_schema"] = True
    except ValidationError as err:
        out["matches_schema"] = False
        out["validation_error"] = str(err).splitlines()[0]
    return out


def streaming(model: str) -> dict[str, Any]:
    body = chat_body(model, PROMPT_CHAT, max_tokens=32, stream=True)
    req = urllib.request.Request(
        BASE + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    t0 = time.perf_counter()
    first = None
    chunks, parts, done, content_type = 0, [], False, ""
    with urllib.request.urlopen(req, timeout=120) as resp:
        content_type = resp.headers.get("content-type", "")
        for raw in resp:
            line = raw.decode().strip()
            if not line.startswith("data:"):
                continue
            payload = line[len("data:") :].strip()
            if payload == "[DONE]":
                done = True
                break
            if first is None:
                first = time.perf_counter() - t0
            chunks += 1
            delta = json.loads(payload)["choices"][0].get("delta", {})
            parts.append(delta.get("content") or "")
    return {
        "content_type": content_type,
        "chunks": chunks,
        "seconds_to_first_chunk": round(first or -1, 3),
        "seconds_total": round(time.perf_counter() - t0, 3),
        "done_marker": done,
        "text": "".join(parts),
    }


def client_timeout(model: str) -> dict[str, Any]:
    """A client timeout shorter than the generation: the client gives up, the server survives."""
    body = chat_body(model, "Write a long story about API keys.", max_tokens=512)
    t0 = time.perf_counter()
    try:
        post("/chat/completions", body, timeout=0.3)
        raised = None
    except (TimeoutError, urllib.error.URLError) as err:
        raised = type(err).__name__
    elapsed = time.perf_counter() - t0
    # Does the server still answer afterwards?
    t1 = time.perf_counter()
    status, _ = post("/chat/completions", chat_body(model, PROMPT_CHAT, max_tokens=8))
    return {
        "client_timeout_s": 0.3,
        "raised": raised,
        "seconds_until_raise": round(elapsed, 3),
        "next_request_status": status,
        "next_request_seconds": round(time.perf_counter() - t1, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    model = model_name()
    # Warm-up: the first request after start pays for the prompt cache and page faults.
    post("/chat/completions", chat_body(model, "hi", max_tokens=4))
    report = {
        "model": model,
        "chat_latency": latency(model, args.runs),
        "json_schema (OpenAI style)": structured(
            model,
            {
                "type": "json_schema",
                "json_schema": {"name": "verdict", "schema": SCHEMA, "strict": True},
            },
        ),
        "json_object + schema (llama-cpp style)": structured(
            model, {"type": "json_object", "schema": SCHEMA}
        ),
        "json_object + grammar-enforceable schema (enum, maxLength)": structured(
            model, {"type": "json_object", "schema": GRAMMAR_SCHEMA}, GrammarVerdict
        ),
        "json_object without schema": structured(model, {"type": "json_object"}),
        "streaming": streaming(model),
        "timeout": client_timeout(model),
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
