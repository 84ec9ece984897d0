"""Embeddings (MiniLM), the per-region FAISS clause index, and what a claim's query is made of."""

from agents.retrieval.clause_index import ClauseHit, ClauseIndex, IndexSpec
from agents.retrieval.embedder import MINILM_DIMENSION, Embedder, EmbedderIdentity, MiniLMEmbedder
from agents.retrieval.query import focused_query, head_query, prose_lines
from agents.retrieval.settings import RetrievalSettings

__all__ = [
    "MINILM_DIMENSION",
    "ClauseHit",
    "ClauseIndex",
    "Embedder",
    "EmbedderIdentity",
    "IndexSpec",
    "MiniLMEmbedder",
    "RetrievalSettings",
    "focused_query",
    "head_query",
    "prose_lines",
]
