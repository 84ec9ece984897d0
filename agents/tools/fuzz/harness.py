"""What the fuzz targets (and tests/fuzz) run the product with: the OCR contract and the decode path.

`ContractOcr` stands in for the OCR helper process: real OCR takes about two seconds a page,
and what is fuzzed is the reader's handling of what decoding produced (the real models run in
tests/agents/documents/test_ocr.py). `DecodeHarness` is one agent of the real topology with
its real codecs and input model, driven by the real `Processor`, whose handler only keeps
what the decode path let through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agents.documents.ocr import MAX_SIDE, OcrEngine, OcrResult
from streams import Event, Settings, StreamAgent, get_settings
from streams.codec import load_codecs
from streams.dead_letter import Coordinates
from streams.processing import Inbound
from streams.runner import load_agent_class
from streams.testing import AgentHarness
from streams.topology import Topology, load_topology

# What a record that is not an event of its topic may be dead-lettered as.
DECODE_FAILURES = frozenset({"DecodeError", "SchemaError", "ValidationError", "RegionNotServed"})


class ContractOcr(OcrEngine):
    """Checks each page image against the OCR helper's contract and reads one line from it."""

    def recognise(self, image: np.ndarray, *, timeout: float) -> OcrResult:
        # pdfium rounds a page scaled to MAX_SIDE up by a pixel at most.
        if (
            image.dtype != np.uint8
            or image.ndim != 2
            or min(image.shape) < 1
            or max(image.shape) > MAX_SIDE + 1
        ):
            raise AssertionError(
                f"the OCR helper would get an image it cannot read: {image.dtype} {image.shape}"
            )
        if timeout <= 0:
            raise AssertionError(f"an OCR time limit of {timeout} s")
        return OcrResult(lines=["read by OCR"], scores=[0.9], seconds=0.0)


class Collector(StreamAgent[Event]):
    """Keeps every event it is handed: what the decode path let through."""

    handled: list[Event]

    async def handle_batch(self, events: Sequence[Event]) -> list[Event]:
        self.handled.extend(events)
        return []


class DecodeHarness:
    """One agent's decode path: bytes in, then exactly one dead letter or one handled event out."""

    def __init__(self, agent: str, settings: Settings, topology: Topology) -> None:
        handler = load_agent_class(topology.agent(agent).handler)
        model = getattr(handler, "input_model")  # noqa: B009  (a StreamAgent's, checked by the caller)
        collector = type(f"Collect{model.__name__}", (Collector,), {"input_model": model, "handled": []})
        self.harness = AgentHarness(agent, settings=settings, topology=topology, factory=collector)
        self.collector: Collector = self.harness.agent  # type: ignore[assignment]
        self.topic = self.harness.ctx.spec.consumes[0]
        self.dead_letter_topic = topology.dead_letter_for(self.topic).name

    @classmethod
    def every_agent(cls, settings: Settings | None = None) -> list[DecodeHarness]:
        """One harness per stream agent of the topology (raw agents never decode)."""
        settings = settings or get_settings()
        topology = load_topology(settings.topology_file)
        return [
            cls(name, settings, topology)
            for name, spec in sorted(topology.agents.items())
            if issubclass(load_agent_class(spec.handler), StreamAgent)
        ]

    async def deliver(self, value: bytes, *, offset: int = 41) -> Any:
        """Process `value` as one record; check it was handled or dead-lettered with its coordinates.

        Returns the event handled, or the dead letter.
        """
        self.collector.handled.clear()
        self.harness.outbox.sent.clear()
        record = Inbound(Coordinates(self.topic, 2, offset, 1_700_000_000_000), b"key", value, (("h", b"v"),))
        await self.harness.processor.process([record])
        letters = self.harness.dead_letters()
        if self.collector.handled:
            if letters or len(self.collector.handled) != 1:
                raise AssertionError(f"handled {self.collector.handled} and dead-lettered {letters}")
            return self.collector.handled[0]
        if len(letters) != 1 or [s.topic for s in self.harness.outbox.sent] != [self.dead_letter_topic]:
            raise AssertionError(
                f"expected one dead letter on {self.dead_letter_topic}, sent {self.harness.outbox.sent}"
            )
        [letter] = letters
        coordinates = (letter.source_topic, letter.source_partition, letter.source_offset)
        kept = letter.original_value == value or letter.content_withheld  # residency: see dead_letter.py
        if coordinates != (self.topic, 2, offset) or not kept:
            raise AssertionError(f"dead letter without its coordinates or bytes: {letter}")
        if letter.error_type not in DECODE_FAILURES or letter.retryable or not letter.error_message:
            raise AssertionError(
                f"unexpected failure for undecodable bytes: {letter.error_type}: {letter.error_message}"
            )
        return letter


def codecs_by_schema(settings: Settings | None = None) -> dict[str, Any]:
    """Every schema's codec, for building seeds and checks."""
    return dict(load_codecs((settings or get_settings()).schemas_dir))
