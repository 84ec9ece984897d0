"""The retriever agent: reads a claim's documents, redacts them, embeds the query, asks for clauses."""

from agents.retriever.handler import Retriever, find_policy

__all__ = ["Retriever", "find_policy"]
