"""Every connection and knob, read once from `CLAIMFLOW_*` environment variables.

`claimflow dev up` writes the embedded stack's addresses to `<state_dir>/stack.env`;
settings read that file after the environment, so a shell that exported production
addresses always wins and a developer on the embedded stack needs to export nothing.

Settings come in sections: `Settings` here holds the platform's (where the services are,
Kafka, timeouts and breakers, regions); each domain library declares its own section by
subclassing `SettingsSection` (documents and OCR, retrieval, the LLM, the assessment), with
the same prefix and sources. `Section.current()` is the process-wide instance of a section;
`reload_settings()` forgets every instance, for a process that just started a stack.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from streams.kafka_security import KafkaConnection, SaslMechanism, SecurityProtocol
from streams.resilience import RetryPolicy

ENV_PREFIX = "CLAIMFLOW_"
STACK_ENV_FILE = "stack.env"


def default_state_dir() -> Path:
    """The embedded stack's folder: `CLAIMFLOW_STATE_DIR`, else `.claimflow` in the working directory."""
    return Path(os.environ.get(f"{ENV_PREFIX}STATE_DIR", ".claimflow")).resolve()


class SettingsSection(BaseSettings):
    """A group of `CLAIMFLOW_*` settings, read from the environment, then from the stack's `stack.env`."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    _instances: ClassVar[dict[type, Any]] = {}

    @classmethod
    def current(cls) -> Self:
        """This process's instance of the section, validated on first use."""
        found = SettingsSection._instances.get(cls)
        if found is None:
            found = SettingsSection._instances[cls] = cls()
        return found

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


def reload_settings() -> None:
    """Forget every section's instance: the next `current()` reads the environment and stack.env again."""
    SettingsSection._instances.clear()


class Settings(SettingsSection):
    """The platform's settings: where the services are, Kafka, regions, timeouts and breakers."""

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
    kafka_security_protocol: SecurityProtocol = Field(
        default="PLAINTEXT",
        description="PLAINTEXT, SSL (TLS; mutual with a client certificate), SASL_PLAINTEXT or SASL_SSL.",
    )
    kafka_sasl_mechanism: SaslMechanism = Field(
        default="SCRAM-SHA-512", description="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (SASL protocols only)."
    )
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(
        default=None,
        description="CA bundle the broker's certificate is checked against; unset: the system's.",
    )
    kafka_ssl_certfile: Path | None = Field(default=None, description="Client certificate (mutual TLS).")
    kafka_ssl_keyfile: Path | None = Field(default=None, description="Its private key (mutual TLS).")
    postgres_dsn: SecretStr = Field(
        default=SecretStr("postgresql://postgres@127.0.0.1:5432/postgres"),
        description="libpq URI; its password and `sslmode` (require / verify-full with `sslrootcert`) "
        "are the connection's credentials, so the whole DSN is kept secret.",
    )
    redis_url: SecretStr = Field(
        default=SecretStr("redis://127.0.0.1:6379/0"),
        description="redis:// (or rediss:// for TLS) URL; a password goes in it (redis://:pw@host:port/0).",
    )
    milvus_uri: str = "http://127.0.0.1:19530"
    milvus_token: SecretStr | None = Field(
        default=None,
        description="Milvus token (`user:password`, or an API key) sent with every request; Milvus Lite "
        "ignores it.",
    )
    object_store_url: str = Field(
        default="",
        description="Where claim documents are: s3://bucket/prefix (a prefix per region), "
        "s3://name-{region}/prefix (a bucket per region) or file:///folder; default state_dir/objects",
    )

    audit_key: SecretStr | None = Field(
        default=None,
        description="Secret key of the audit log's HMAC chain (32+ characters). Never stored in the "
        "database: from a secret manager in production; `claimflow dev up` makes one per stack.",
    )
    audit_head_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="How often the auditor publishes the chain head outside the database (when it moved).",
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
    metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="Port of an agent process's /metrics, /livez and /readyz; 0 picks a free one and "
        "publishes it in the state folder (local `agents up`); a container sets a fixed one.",
    )
    metrics_refresh_s: float = Field(
        default=15.0, gt=0, description="How often an agent refreshes the gauges it reads from its stores."
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the metrics and probe server binds; 0.0.0.0 in a container, so that the "
        "kubelet and Prometheus reach it.",
    )
    log_level: str = "INFO"

    @field_validator("regions", mode="before")
    @classmethod
    def _split_regions(cls, value: object) -> object:
        if isinstance(value, str):
            return [r.strip().upper() for r in value.split(",") if r.strip()]
        return value

    def kafka(self) -> KafkaConnection:
        """The brokers and credentials every Kafka client of this process uses (`streams.kafka_security`).

        Raises:
            ConfigurationError: The Kafka security settings do not fit together.
        """
        return KafkaConnection(
            bootstrap=self.kafka_bootstrap,
            security_protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            sasl_username=self.kafka_sasl_username,
            sasl_password=self.kafka_sasl_password,
            ssl_cafile=self.kafka_ssl_cafile,
            ssl_certfile=self.kafka_ssl_certfile,
            ssl_keyfile=self.kafka_ssl_keyfile,
        )

    def retry_policy(self) -> RetryPolicy:
        """The timeout, retry and breaker policy every external call of this process uses."""
        return RetryPolicy(
            timeout_s=self.dependency_timeout_s,
            attempts=self.dependency_attempts,
            breaker_fail_max=self.breaker_fail_max,
            breaker_reset_s=self.breaker_reset_s,
        )

    @property
    def object_store_root(self) -> str:
        return self.object_store_url or (self.state_dir / "objects").as_uri()


def get_settings() -> Settings:
    """The process-wide platform settings, validated on first use."""
    return Settings.current()
