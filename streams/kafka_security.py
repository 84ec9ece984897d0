"""How every Kafka client of ClaimFlow reaches and authenticates to the broker: one place.

`Settings.kafka()` builds a `KafkaConnection` from the `CLAIMFLOW_KAFKA_*` settings; each client
library gets its configuration from it and from nowhere else: confluent-kafka (librdkafka) through
`librdkafka()`, aiokafka through `aiokafka()` and Faust through `faust_credentials()`. A client
built any other way would silently connect without the credentials, which a broker that enforces
them refuses and one that does not accepts, so a forgotten client is only found in production.

Protocols are Kafka's own: `PLAINTEXT`, `SSL` (TLS; with a client certificate and key it is mutual
TLS), `SASL_PLAINTEXT` and `SASL_SSL` (SASL over TLS), with the SASL mechanisms `PLAIN`,
`SCRAM-SHA-256` and `SCRAM-SHA-512`. Certificates are checked against `ssl_cafile` (else the
system's trust store) and the broker's host name, by every client alike.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import SecretStr

from streams.errors import ClaimFlowError, ConfigurationError

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
SECURITY_PROTOCOLS: tuple[str, ...] = get_args(SecurityProtocol)
SASL_MECHANISMS: tuple[str, ...] = get_args(SaslMechanism)


class KafkaAuthenticationFailed(ClaimFlowError):
    """The broker refused this client's credentials (or its TLS handshake); a retry cannot help."""


@dataclass(frozen=True)
class KafkaConnection:
    """Where the brokers are and how to authenticate to them; validated when made.

    Raises:
        ConfigurationError: A combination no broker could accept (SASL without a user or password,
            a client certificate without its key, TLS files or SASL credentials that the chosen
            protocol would ignore); the message names the settings to change.
    """

    bootstrap: str
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    sasl_username: str = ""
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.security_protocol not in SECURITY_PROTOCOLS:
            problems.append(
                f"CLAIMFLOW_KAFKA_SECURITY_PROTOCOL={self.security_protocol!r} "
                f"is not one of {SECURITY_PROTOCOLS}"
            )
        if self.sasl_mechanism not in SASL_MECHANISMS:
            problems.append(
                f"CLAIMFLOW_KAFKA_SASL_MECHANISM={self.sasl_mechanism!r} is not one of {SASL_MECHANISMS}"
            )
        password = self.sasl_password.get_secret_value() if self.sasl_password is not None else ""
        if self.uses_sasl and not (self.sasl_username and password):
            problems.append(
                f"{self.security_protocol} needs CLAIMFLOW_KAFKA_SASL_USERNAME and "
                "CLAIMFLOW_KAFKA_SASL_PASSWORD"
            )
        if not self.uses_sasl and (self.sasl_username or password):
            problems.append(
                "CLAIMFLOW_KAFKA_SASL_USERNAME/PASSWORD are set but CLAIMFLOW_KAFKA_SECURITY_PROTOCOL is "
                f"{self.security_protocol}: set it to SASL_SSL (or SASL_PLAINTEXT), or unset them"
            )
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            problems.append(
                "mutual TLS needs both CLAIMFLOW_KAFKA_SSL_CERTFILE and CLAIMFLOW_KAFKA_SSL_KEYFILE"
            )
        tls_files = [f for f in (self.ssl_cafile, self.ssl_certfile, self.ssl_keyfile) if f is not None]
        if tls_files and not self.uses_tls:
            problems.append(
                f"CLAIMFLOW_KAFKA_SSL_* files are set but CLAIMFLOW_KAFKA_SECURITY_PROTOCOL is "
                f"{self.security_protocol}: set it to SSL or SASL_SSL, or unset them"
            )
        if problems:
            raise ConfigurationError("Kafka settings: " + "; ".join(problems))

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    def describe(self) -> str:
        """What a log line may say about this connection: no secret, no file content."""
        how: str = self.security_protocol
        if self.uses_sasl:
            how += f" {self.sasl_mechanism} as {self.sasl_username!r}"
        if self.ssl_certfile is not None:
            how += " with a client certificate"
        return f"{self.bootstrap} ({how})"

    # -- client configurations ------------------------------------------------------------------

    def librdkafka(self) -> dict[str, Any]:
        """`bootstrap.servers` and the security keys of any confluent-kafka Producer, Consumer or admin."""
        conf: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": self.security_protocol.lower(),
        }
        if self.uses_sasl:
            assert self.sasl_password is not None  # checked in __post_init__
            conf["sasl.mechanism"] = self.sasl_mechanism
            conf["sasl.username"] = self.sasl_username
            conf["sasl.password"] = self.sasl_password.get_secret_value()
        if self.uses_tls:
            # librdkafka verifies the broker's certificate and host name by default (2.0+); said
            # here so that the behaviour does not hang on a library default.
            conf["enable.ssl.certificate.verification"] = True
            conf["ssl.endpoint.identification.algorithm"] = "https"
            if self.ssl_cafile is not None:
                conf["ssl.ca.location"] = str(self.ssl_cafile)
            if self.ssl_certfile is not None and self.ssl_keyfile is not None:
                conf["ssl.certificate.location"] = str(self.ssl_certfile)
                conf["ssl.key.location"] = str(self.ssl_keyfile)
        return conf

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context of the asyncio clients (aiokafka, Faust): None without TLS.

        Raises:
            ConfigurationError: A CA, certificate or key file cannot be read or does not parse.
        """
        if not self.uses_tls:
            return None
        try:
            context = ssl.create_default_context(
                cafile=str(self.ssl_cafile) if self.ssl_cafile is not None else None
            )
            if self.ssl_certfile is not None and self.ssl_keyfile is not None:
                context.load_cert_chain(str(self.ssl_certfile), str(self.ssl_keyfile))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(f"Kafka TLS files: {exc}") from exc
        return context

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments of an aiokafka `AIOKafkaConsumer`, `AIOKafkaProducer` or admin client."""
        kwargs: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": self.security_protocol,
        }
        if self.uses_sasl:
            assert self.sasl_password is not None
            kwargs["sasl_mechanism"] = self.sasl_mechanism
            kwargs["sasl_plain_username"] = self.sasl_username
            kwargs["sasl_plain_password"] = self.sasl_password.get_secret_value()
        if self.uses_tls:
            kwargs["ssl_context"] = self.ssl_context()
        return kwargs

    @property
    def faust_broker(self) -> str:
        """Faust's `broker` URL (its `kafka://` transport is aiokafka)."""
        return f"kafka://{self.bootstrap}"

    def faust_credentials(self) -> Any:
        """Faust's `broker_credentials`: None (PLAINTEXT), `faust.SSLCredentials` or `faust.SASLCredentials`.

        Faust turns them into exactly the aiokafka arguments of `aiokafka()` for its consumer,
        producer and admin client.
        """
        import faust

        if self.uses_sasl:
            assert self.sasl_password is not None
            return faust.SASLCredentials(
                username=self.sasl_username,
                password=self.sasl_password.get_secret_value(),
                mechanism=self.sasl_mechanism,
                ssl_context=self.ssl_context(),  # Faust: a context makes it SASL_SSL
            )
        if self.uses_tls:
            return faust.SSLCredentials(self.ssl_context())
        return None
