"""The retriever agent: reads a claim's documents, redacts them, embeds the query, asks for clauses."""

from agents.retriever.handler import (
    ResolvedClaim,
    Retriever,
    kept_spans,
    match_policy,
    policy_of,
    resolve_claim,
)

__all__ = ["ResolvedClaim", "Retriever", "kept_spans", "match_policy", "policy_of", "resolve_claim"]
