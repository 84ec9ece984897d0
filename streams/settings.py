"""Every connection and knob, read once from `CLAIMFLOW_*` environment variables.

`claimflow dev up` writes the embedded stack's addresses to `<state_dir>/stack.env`;
settings read that file after the environment, so a shell that exported production
addresses always wins and a developer on the embedded stack needs to export nothing.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_cache_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from streams.resilience import RetryPolicy

ENV_PREFIX = "CLAIMFLOW_"
STACK_ENV_FILE = "stack.env"


def default_state_dir() -> Path:
    """The embedded stack's folder: `CLAIMFLOW_STATE_DIR`, else `.claimflow` in the working directory."""
    return Path(os.environ.get(f"{ENV_PREFIX}STATE_DIR", ".claimflow")).resolve()


class Settings(BaseSettings):
    """ClaimFlow's configuration; one instance per process via `get_settings()`."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    state_dir: Path = Field(default_factory=default_state_dir, description="Embedded stack state folder.")
    topology_file: Path = Field(
        default=Path(__file__).resolve().parent.parent / "topology.yaml",
        description="The topology (topics and agents) this deployment runs.",
    )
    schemas_dir: Path = Field(default=Path(__file__).resolve().parent.parent / "schemas")

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_session_timeout_ms: int = 6000
    kafka_heartbeat_interval_ms: int = 1000
    kafka_fetch_max_wait_ms: int = Field(
        default=25,
        ge=1,
        description="Longest a consumer fetch waits for records while they flow; bounds the latency "
        "each hop adds.",
    )
    kafka_idle_fetch_max_wait_ms: int = Field(
        default=400,
        ge=1,
        description="The fetch wait an idle consumer backs off to (doubling per empty fetch), so idle "
        "agents stop costing the broker CPU; the first record after a lull waits at most this long.",
    )
    postgres_dsn: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    redis_url: str = "redis://127.0.0.1:6379/0"
    milvus_uri: str = "http://127.0.0.1:19530"
    object_store_url: str = Field(
        default="", description="file:// folder for claim documents; default state_dir/objects"
    )

    regions: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Regions this deployment serves; empty = all declared."
    )
    deployment_version: str = "0.1.0"

    dependency_timeout_s: float = Field(
        default=10.0, gt=0, description="Per-attempt timeout of an external call."
    )
    dependency_attempts: int = Field(
        default=4, ge=1, description="Attempts of one external call before it fails."
    )
    breaker_fail_max: int = Field(
        default=5, ge=1, description="Failures in a row that open a circuit breaker."
    )
    breaker_reset_s: float = Field(default=30.0, gt=0, description="How long an open breaker refuses calls.")
    processing_attempts: int = Field(default=3, description="Tries per message before it is dead-lettered.")
    max_document_bytes: int = Field(default=20 * 1024 * 1024, ge=1, description="Largest document accepted.")
    max_document_pages: int = Field(default=50, ge=1, description="Most pages read from one document.")
    ocr_seconds_per_page: float = Field(default=30.0, gt=0, description="OCR time limit of one page.")
    max_image_pixels: int = Field(default=50_000_000, ge=1, description="Largest image decoded (bomb guard).")
    retrieval_top_k: int = 5
    ocr_threads: int | None = Field(
        default=1,
        ge=1,
        description="onnxruntime threads of each OCR helper process (None = every core).",
    )
    ocr_helpers: int | None = Field(
        default=None,
        ge=1,
        description="OCR helper processes per retriever worker, each reading one page at a time "
        "(None = one per core). With one thread each they read more pages per second than one "
        "helper on every core.",
    )
    embedding_threads: int | None = Field(
        default=1,
        ge=1,
        description="Threads of the retriever's embedder (None = every core). One, and more "
        "retriever replicas, wins where agents share the cores: on 2 cores 92k vs 73k claims/h.",
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="onnxruntime (on a CPU; the graph exported once from the bundled weights) or torch.",
    )
    model_cache_dir: Path = Field(
        default_factory=lambda: Path(user_cache_dir("claimflow")),
        description="Where models derived on this machine are kept (the exported ONNX graph).",
    )
    faiss_index: Literal["flat", "ivf", "hnsw"] = Field(
        default="flat", description="FAISS index per region: exact flat, IVF (trained) or HNSW."
    )
    faiss_nlist: int = Field(default=0, ge=0, description="IVF lists per region; 0 = about 4*sqrt(clauses).")
    faiss_threads: int = Field(
        default=1,
        ge=1,
        description="OpenMP threads per FAISS search; more wait at a barrier where agents share cores.",
    )
    faiss_nprobe: int = Field(default=16, ge=1, description="IVF lists searched per query.")
    faiss_hnsw_m: int = Field(default=32, ge=2, description="HNSW neighbours per node.")
    faiss_hnsw_ef_search: int = Field(default=64, ge=1, description="HNSW candidates kept per search.")
    faiss_ivf_min_vectors: int = Field(
        default=1000, ge=1, description="Below this many clauses a region uses flat even when IVF is asked."
    )
    review_threshold: float = 0.9
    reporting_window_days: int = Field(
        default=30, ge=0, description="Days after the incident a claim may be filed."
    )

    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama-cpp server), e.g. "
        "http://127.0.0.1:8000/v1; unset = the deterministic extractor only.",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Model name sent with every LLM request.")
    llm_api_key: SecretStr = Field(
        default=SecretStr("unused"), description="API key; local servers accept any value."
    )
    llm_response_format: Literal["auto", "json_schema", "json_object"] = Field(
        default="auto",
        description="How the answer's JSON schema is sent: json_schema (OpenAI, Azure, vLLM, Ollama), "
        "json_object with a schema (llama-cpp server); auto tries json_schema, then json_object.",
    )
    llm_timeout_s: float = Field(default=30.0, gt=0, description="Time limit of one LLM request.")
    llm_attempts: int = Field(
        default=2, ge=1, description="Tries of one LLM request before the rules answer."
    )
    llm_max_tokens: int = Field(default=600, ge=16, description="Longest answer the LLM may write.")
    llm_cache_ttl_s: int = Field(
        default=7 * 24 * 3600,
        ge=0,
        description="How long an LLM answer is reused for the same prompt; 0 = never.",
    )

    log_level: str = "INFO"

    @field_validator("regions", mode="before")
    @classmethod
    def _split_regions(cls, value: object) -> object:
        if isinstance(value, str):
            return [r.strip().upper() for r in value.split(",") if r.strip()]
        return value

    def retry_policy(self) -> RetryPolicy:
        """The timeout, retry and breaker policy every external call of this process uses."""
        return RetryPolicy(
            timeout_s=self.dependency_timeout_s,
            attempts=self.dependency_attempts,
            breaker_fail_max=self.breaker_fail_max,
            breaker_reset_s=self.breaker_reset_s,
        )

    def llm_retry_policy(self) -> RetryPolicy:
        """The LLM's own policy: its time limit and tries, the breaker of every other dependency."""
        return RetryPolicy(
            timeout_s=self.llm_timeout_s,
            attempts=self.llm_attempts,
            breaker_fail_max=self.breaker_fail_max,
            breaker_reset_s=self.breaker_reset_s,
        )

    @property
    def ocr_pool_size(self) -> int:
        """OCR helpers per retriever worker: the setting, else one per core."""
        return self.ocr_helpers or os.cpu_count() or 1

    @property
    def object_store_root(self) -> str:
        return self.object_store_url or (self.state_dir / "objects").as_uri()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        stack_env = DotEnvSettingsSource(
            settings_cls, env_file=default_state_dir() / STACK_ENV_FILE, env_prefix=ENV_PREFIX
        )
        return init_settings, env_settings, stack_env, file_secret_settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated on first use."""
    return Settings()
