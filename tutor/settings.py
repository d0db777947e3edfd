"""The one place for settings: environment (``TUTOR_`` prefix), ``.env``, then defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_REPO_ROOT = Path(__file__).resolve().parent.parent
_BUNDLED = Path(__file__).resolve().parent / "_bundled"


def _shipped(name: str) -> Path:
    """Prefer the source checkout's folder; fall back to the copy bundled into a wheel."""
    in_repo = _REPO_ROOT / name
    return in_repo if in_repo.is_dir() else _BUNDLED / name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TUTOR_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("nhi-tutor", appauthor=False)),
        description="Where the database, checkpoints and the Chroma index live.",
    )
    knowledge_dir: Path = Field(default_factory=lambda: _shipped("knowledge"))
    evals_dir: Path = Field(default_factory=lambda: _shipped("evals"))
    model: str | None = Field(
        default=None, description="A litellm model string; unset means the offline engine."
    )
    model_fallbacks: list[str] = Field(
        default_factory=list, description="Tried in order after TUTOR_MODEL fails."
    )
    model_timeout_s: float = Field(
        default=30.0, gt=0, description="Wait for an answer, or between two streamed chunks."
    )
    model_retries: int = Field(
        default=2, ge=0, le=10, description="Extra tries per model on timeouts, 429 and 5xx."
    )
    model_backoff_s: float = Field(
        default=0.5, ge=0, description="First backoff wait; doubles per retry, capped at 8 s."
    )
    model_api_base: str | None = Field(
        default=None, description="Base URL for the primary model, e.g. a local server."
    )
    model_max_tokens: int | None = Field(
        default=None,
        gt=0,
        description="Cap on the tokens of one model reply (unset: the provider's default); "
        "small local models can otherwise ramble until the context is full.",
    )
    # The same values as ``tutor.llm.gateway.SchemaMode`` (a test keeps them equal); spelled
    # out here so that reading settings does not import the model stack.
    model_schema_mode: Literal["auto", "json_schema", "json_object", "none"] = Field(
        default="auto",
        description="How structured answers are requested: json_schema (OpenAI form), "
        "json_object (llama-cpp-python's server), none (schema in the prompt only), or auto "
        "(json_schema where litellm knows the model supports it, else none).",
    )
    judge: bool = Field(
        default=False,
        description="Grade with the model judge reconciled with the offline grader (needs a "
        "model measured with `tutor eval --judge`); off: the offline grader alone.",
    )
    judge_votes: int = Field(default=1, ge=1, le=9, description="Judges per answer (majority).")
    generate: bool = Field(
        default=False,
        description="Have the model write each scenario from the knowledge base (checked by "
        "code and a critic); the curated library stands in when it fails.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is a SQLite file in data_dir."
    )
    chroma_path: Path | None = Field(
        default=None, description="Chroma PersistentClient folder; default data_dir/chroma."
    )
    chroma_host: str | None = Field(
        default=None, description="Use a Chroma server (HttpClient) instead of a local folder."
    )
    chroma_port: int = 8000
    log_level: str = Field(
        default="ERROR",
        description="Python log level for the CLI; model retries and fallbacks log at WARNING.",
    )
    pushback_rounds: int = Field(default=1, ge=0, le=5)
    answer_max_chars: int = Field(default=20_000, ge=100)

    @property
    def scenarios_dir(self) -> Path:
        return self.knowledge_dir / "scenarios"

    @property
    def docs_dir(self) -> Path:
        return self.knowledge_dir / "docs"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'tutor.sqlite'}"

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def generated_dir(self) -> Path:
        return self.data_dir / "generated"

    @property
    def checkpoint_path(self) -> Path:
        return self.data_dir / "checkpoints.sqlite"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
