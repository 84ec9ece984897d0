"""`claimflow api`: serve the intake API, mint dev tokens, make a dev CA and certificates.

Needs the `api` extra (FastAPI, uvicorn, PyJWT, limits, trustme).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from streams import get_settings

console = Console(stderr=True)
api_app = typer.Typer(help="The HTTPS intake API: serve it, mint dev tokens, make dev certificates.")


@api_app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8443,
    certfile: Annotated[
        Path | None, typer.Option(exists=True, help="Server certificate chain (PEM).")
    ] = None,
    keyfile: Annotated[Path | None, typer.Option(exists=True, help="Server private key (PEM).")] = None,
    ca_certs: Annotated[
        Path | None,
        typer.Option(exists=True, help="CA of client certificates: mutual TLS, a client cert required."),
    ] = None,
    allow_http: Annotated[
        bool, typer.Option(help="Serve plain HTTP (only behind a TLS-terminating proxy).")
    ] = False,
) -> None:
    """Serve the intake API (POST /v1/claims, GET /v1/claims/{id}, /trail, /docs) with uvicorn."""
    import uvicorn

    from agents.intake.api import create_app
    from agents.intake.api.serving import server_config

    settings = get_settings()
    config = server_config(
        create_app(settings),
        host=host,
        port=port,
        certfile=certfile,
        keyfile=keyfile,
        ca_certs=ca_certs,
        allow_http=allow_http,
        log_level=settings.log_level.lower(),
    )
    scheme = "https" if certfile else "http"
    console.print(f"intake API on {scheme}://{host}:{port}/ (OpenAPI at /openapi.json, docs at /docs)")
    uvicorn.Server(config).run()


@api_app.command("token")
def token(
    client: Annotated[str, typer.Option(help="The client id (the token's subject).")] = "dev-client",
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="claims:submit, claims:read, review:decide or admin; repeat for several. "
            "Default: submit and read."
        ),
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="A region the client may use; repeat for several. Default: EU.")
    ] = None,
    minutes: Annotated[
        float | None, typer.Option(help="Lifetime (default CLAIMFLOW_API_TOKEN_MINUTES).")
    ] = None,
) -> None:
    """Print a bearer token signed with this deployment's local key (dev; production uses its IdP)."""
    from agents.intake.api import READ, SUBMIT, ApiSettings, local_tokens, mint

    tokens = local_tokens(get_settings(), ApiSettings.current())
    scopes, regions = scope or [SUBMIT, READ], region or ["EU"]
    typer.echo(mint(tokens, client, scopes, regions, ttl_s=minutes * 60 if minutes else None))


@dataclass(frozen=True)
class DevCerts:
    """Where `make_dev_certs` wrote the CA, the server's and a client's certificates."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_dev_certs(folder: Path, hosts: list[str], client: str = "dev-client") -> DevCerts:
    """A local CA, a server certificate for `hosts` and a client certificate for mutual TLS (trustme)."""
    import trustme

    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="ClaimFlow dev CA")
    server = ca.issue_cert(*hosts)
    client_cert = ca.issue_cert(f"{client}@claimflow.invalid", common_name=client)
    certs = DevCerts(
        folder / "ca.pem",
        folder / "server.pem",
        folder / "server.key",
        folder / "client.pem",
        folder / "client.key",
    )
    ca.cert_pem.write_to_path(str(certs.ca))
    server.private_key_pem.write_to_path(str(certs.server_key))
    client_cert.private_key_pem.write_to_path(str(certs.client_key))
    certs.server_cert.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    certs.client_cert.write_bytes(b"".join(blob.bytes() for blob in client_cert.cert_chain_pems))
    for key in (certs.server_key, certs.client_key):
        key.chmod(0o600)
    return certs


@api_app.command("dev-certs")
def dev_certs(
    folder: Annotated[Path, typer.Argument(help="Where to write ca.pem, server.pem/.key, client.pem/.key.")],
    host: Annotated[
        list[str] | None,
        typer.Option(help="Host names of the server certificate (default localhost, 127.0.0.1)."),
    ] = None,
) -> None:
    """Make a local CA and certificates for HTTPS and mutual TLS (never for production)."""
    certs = make_dev_certs(folder, host or ["localhost", "127.0.0.1"])
    console.print(
        f"CA {certs.ca}; server {certs.server_cert} + {certs.server_key}; client {certs.client_cert}"
    )


def register(app: typer.Typer) -> None:
    """Add `claimflow api` to the CLI."""
    app.add_typer(api_app, name="api")
