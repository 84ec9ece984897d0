"""The retriever agent: reads a claim's documents, redacts them, embeds the query, asks for clauses."""

from agents.retriever.handler import Retriever, match_policy, policy_of

__all__ = ["Retriever", "match_policy", "policy_of"]
