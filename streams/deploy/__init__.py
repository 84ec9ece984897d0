"""Production deployment rendered from topology.yaml: Kubernetes manifests and the log's ACLs."""

from streams.deploy.acls import Acl, Principal, principal_for_agent, principal_for_producer, principals
from streams.deploy.k8s import RenderOptions, render, replica_bound, write

__all__ = [
    "Acl",
    "Principal",
    "RenderOptions",
    "principal_for_agent",
    "principal_for_producer",
    "principals",
    "render",
    "replica_bound",
    "write",
]
