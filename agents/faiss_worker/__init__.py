"""The FAISS worker agent: batched top-k clause search over the region shards it owns."""

from agents.faiss_worker.handler import FaissWorker

__all__ = ["FaissWorker"]
