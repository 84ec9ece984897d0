"""`claimflow infra`: render the production deployment from topology.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from streams.deploy import RenderOptions, render, write
from streams.deploy.k8s import DEFAULT_IMAGE
from streams.settings import get_settings
from streams.topology import load_topology

infra_app = typer.Typer(help="Production deployment: Kubernetes manifests rendered from topology.yaml.")
console = Console()


@infra_app.command("render")
def render_manifests(
    out: Annotated[Path, typer.Option(help="Folder to write the manifests to (one sub-folder per region).")],
    region: Annotated[
        list[str] | None, typer.Option(help="Render only this region; repeat for several. Default: all.")
    ] = None,
    image: Annotated[str, typer.Option(help="The ClaimFlow image (infra/Dockerfile).")] = DEFAULT_IMAGE,
    gpu_image: Annotated[
        str | None,
        typer.Option(help="The faiss-gpu build for GPU agents. Default: IMAGE with -gpu appended."),
    ] = None,
    topology_file: Annotated[
        Path | None, typer.Option("--topology", help="Default: CLAIMFLOW_TOPOLOGY_FILE (topology.yaml).")
    ] = None,
) -> None:
    """Render Namespaces, Deployments, KafkaUsers (ACLs), KafkaTopics, autoscaling and policies."""
    topology = load_topology((topology_file or get_settings().topology_file).resolve())
    options = RenderOptions(image=image, gpu_image=gpu_image, regions=tuple(r.upper() for r in region or ()))
    written = write(render(topology, options), out)
    console.print(f"wrote {len(written)} manifest files under {out}")
