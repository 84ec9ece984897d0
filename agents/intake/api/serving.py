"""How the intake API is served: uvicorn with TLS, and mutual TLS when a client CA is given."""

from __future__ import annotations

import ssl
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from streams import ConfigurationError


def server_config(
    app: FastAPI,
    *,
    host: str,
    port: int,
    certfile: Path | None,
    keyfile: Path | None,
    ca_certs: Path | None = None,
    allow_http: bool = False,
    log_level: str = "info",
) -> uvicorn.Config:
    """uvicorn's configuration: HTTPS with `certfile`/`keyfile`; with `ca_certs`, a client certificate
    signed by that CA is required (mutual TLS). Plain HTTP only when asked for (behind a TLS proxy)."""
    if (certfile is None) != (keyfile is None):
        raise ConfigurationError("give both --certfile and --keyfile")
    if certfile is None and not allow_http:
        raise ConfigurationError(
            "the intake API serves HTTPS: give --certfile and --keyfile (or --allow-http)"
        )
    if ca_certs is not None and certfile is None:
        raise ConfigurationError("mutual TLS (--ca-certs) needs --certfile and --keyfile")
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        ssl_ca_certs=str(ca_certs) if ca_certs else None,
        ssl_cert_reqs=ssl.CERT_REQUIRED if ca_certs else ssl.CERT_NONE,
        log_level=log_level,
        access_log=False,
        proxy_headers=False,
    )
