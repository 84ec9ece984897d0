"""Embedding and clause-index settings (`CLAIMFLOW_EMBEDDING_*`, `CLAIMFLOW_FAISS_*`, top-k)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_cache_dir
from pydantic import Field

from streams import SettingsSection


class RetrievalSettings(SettingsSection):
    """How claims are embedded and how each region's clause index is built and searched."""

    retrieval_top_k: int = Field(default=5, ge=1, description="Clauses retrieved per claim.")
    embedding_threads: int | None = Field(
        default=1,
        ge=1,
        description="Threads of the retriever's embedder (None = every core). One, and more "
        "retriever replicas, wins where agents share the cores: on 2 cores 92k vs 73k claims/h.",
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="onnxruntime (on a CPU; the graph exported once from the bundled weights) or torch.",
    )
    model_cache_dir: Path = Field(
        default_factory=lambda: Path(user_cache_dir("claimflow")),
        description="Where models derived on this machine are kept (the exported ONNX graph).",
    )
    faiss_index: Literal["flat", "ivf", "hnsw"] = Field(
        default="flat", description="FAISS index per region: exact flat, IVF (trained) or HNSW."
    )
    faiss_nlist: int = Field(default=0, ge=0, description="IVF lists per region; 0 = about 4*sqrt(clauses).")
    faiss_threads: int = Field(
        default=1,
        ge=1,
        description="OpenMP threads per FAISS search; more wait at a barrier where agents share cores.",
    )
    faiss_nprobe: int = Field(default=16, ge=1, description="IVF lists searched per query.")
    faiss_hnsw_m: int = Field(default=32, ge=2, description="HNSW neighbours per node.")
    faiss_hnsw_ef_search: int = Field(default=64, ge=1, description="HNSW candidates kept per search.")
    faiss_ivf_min_vectors: int = Field(
        default=1000, ge=1, description="Below this many clauses a region uses flat even when IVF is asked."
    )
