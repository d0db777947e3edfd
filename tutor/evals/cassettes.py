"""Recorded model calls (vcrpy cassettes): one configuration for every recorded path.

The judge eval, the recorded generation, role-play and practice-turn paths
(``recorded_paths``, ``recorded_practice``) and ``tests/llm_recorded`` all replay real
recordings of the local llama.cpp server (``scripts/local_model/``) from
``evals/cassettes/``. They share this module so that they match requests the same way:

- on method, scheme, host, port, path, query and the JSON body, so a changed prompt without
  re-recording fails loudly instead of replaying a stale answer;
- with auth headers filtered, so no key is ever written to a cassette;
- replay only (``record_mode="none"``) unless recording, when the cassette is deleted first
  (vcrpy's ``all`` mode would otherwise keep stale interactions next to the new ones).

Beside each cassette, ``<name>.recording.json`` (written when recording, never by hand) says
which model, server, schema mode and token limit made it: the model name and those options are
part of every request body, so a replay must ask exactly the same way.

The gateways made here have no fallbacks but keep the gateway's retries: while recording, a
dropped keep-alive connection would otherwise lose an answer (no response, so nothing is
recorded, and the replay then asks for something the cassette does not hold). litellm reports
a cassette mismatch as a connection error, which a retry would hide if nothing counted it, so
every replay compares the requests the gateway sent (its ledger) with the recordings played
(``unmatched``), and any difference fails.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tutor.llm import ModelGateway, SchemaMode

LOCAL_API_BASE = "http://127.0.0.1:8765/v1"  # fixed: host and port are part of the match
LOCAL_API_KEY = "sk-local-not-a-secret"  # the local server checks no key; filtered anyway
LOCAL_MODEL = "openai/smollm2-135m-instruct"  # alias given by scripts/local_model/serve.sh
RECORD_ENV = "TUTOR_RECORD"
RETRIES = 2  # connection drops while recording; see the module docstring

_PACKAGE = Path(__file__).resolve().parents[1]
_EVALS = _PACKAGE.parent / "evals"  # the source checkout's; a wheel has its copy bundled
CASSETTES_DIR = (_EVALS if _EVALS.is_dir() else _PACKAGE / "_bundled" / "evals") / "cassettes"

VCR_CONFIG: dict[str, Any] = {
    "match_on": ["method", "scheme", "host", "port", "path", "query", "json_body"],
    "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization"],
    "decode_compressed_response": True,
    "serializer": "yaml",
}


@lru_cache(maxsize=8192)
def _canonical(body: bytes) -> str:
    """The body as sorted, compact JSON (as text, if it is not JSON), computed once per body:
    vcrpy compares a request with every recorded one, and parsing both sides each time made
    replaying a judge split take a minute."""
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return body.decode("utf-8", "replace")


def json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: the same JSON body (what vcrpy's ``body`` matcher checks, but cached)."""
    b1, b2 = r1.body or b"", r2.body or b""
    b1 = b1.encode("utf-8") if isinstance(b1, str) else bytes(b1)
    b2 = b2.encode("utf-8") if isinstance(b2, str) else bytes(b2)
    if b1 != b2 and _canonical(b1) != _canonical(b2):
        raise AssertionError("the JSON bodies differ")


def make_vcr(**options: Any) -> Any:
    """A ``vcr.VCR`` with the shared configuration (``options`` override it)."""
    import vcr as vcrpy  # a dev dependency: only recorded paths need it

    vcr = vcrpy.VCR(**{**VCR_CONFIG, **options})
    vcr.register_matcher("json_body", json_body)
    return vcr


def recording() -> bool:
    """Whether ``TUTOR_RECORD=1`` asks for cassettes to be recorded afresh."""
    return os.environ.get(RECORD_ENV) == "1"


@dataclass(frozen=True)
class Recording:
    """How a cassette was (or will be) recorded: what every request it holds was sent with.

    The defaults are the fixed local llama.cpp server (``scripts/local_model/serve.sh``) and
    the ``json_object`` + schema form it understands (it answers HTTP 500 to ``json_schema``).
    """

    model: str = LOCAL_MODEL
    api_base: str | None = LOCAL_API_BASE
    schema_mode: SchemaMode = "json_object"
    max_tokens: int | None = 400

    def gateway(self, *, recording: bool = False, timeout_s: float = 120.0) -> ModelGateway:
        """A gateway asking exactly this way: temperature 0, no fallbacks, default retries.

        The local server checks no key, so it gets a dummy one; so does a replay, which sends
        nothing (and auth headers are not matched). Recording against any other server leaves
        the key to litellm, which reads the provider's usual environment variable.
        """
        local = self.api_base == LOCAL_API_BASE or not recording
        return ModelGateway(
            self.model,
            api_base=self.api_base,
            api_key=LOCAL_API_KEY if local else None,
            schema_mode=self.schema_mode,
            retries=RETRIES,
            timeout_s=timeout_s,
            max_tokens=self.max_tokens,
        )

    @staticmethod
    def sidecar(cassette_path: Path) -> Path:
        return cassette_path.with_name(cassette_path.stem + ".recording.json")

    def save(self, cassette_path: Path) -> None:
        text = json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"
        self.sidecar(cassette_path).write_text(text, encoding="utf-8")

    @classmethod
    def of(cls, cassette_path: Path, default: Recording | None = None) -> Recording:
        """How ``cassette_path`` was recorded; ``default`` (or the local server) without a
        sidecar."""
        path = cls.sidecar(cassette_path)
        if not path.exists():
            return default or cls()
        return cls(**json.loads(path.read_text(encoding="utf-8")))


@contextmanager
def cassette(
    path: Path, *, record: bool | None = None, recorded_with: Recording | None = None
) -> Iterator[Any]:
    """Replay ``path`` (no server, no network), or with ``record`` delete it and record afresh
    (and write ``recorded_with`` beside it, when given).

    Yields vcrpy's ``Cassette``: ``len()`` is the number of recorded interactions and
    ``all_played`` says whether a replay used every one of them.
    """
    record = recording() if record is None else record
    if record:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        if recorded_with is not None:
            recorded_with.save(path)
    elif not path.exists():
        raise FileNotFoundError(
            f"no cassette {path}: record it against a live model (see README, "
            "'Recording model calls')"
        )
    vcr = make_vcr(cassette_library_dir=str(path.parent), record_mode="all" if record else "none")
    with vcr.use_cassette(path.name) as recorded:
        yield recorded
