"""The bench's load generator: sample claims as events, published in a burst or at a fixed rate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agents.events import ClaimIngested
from agents.intake import build_claim
from agents.tools import samples
from streams import ClaimFlowError, Settings, Topology, get_codec
from streams.kafka_io import flush_or_fail, make_producer, publish_events
from streams.telemetry import headers_for, setup_tracing, tracer


class SubmitError(ClaimFlowError, RuntimeError):
    """Publishing the measured claims failed; the run cannot be measured."""


def claim_documents(corpus: samples.SampleCorpus, row: dict[str, Any]) -> list[Path]:
    """The files submitted together as one claim: the form, plus estimates or reports where drawn."""
    files = [doc["file"] for doc in row.get("documents", [])] or [row["file"]]
    return [corpus.claims_dir / name for name in files]


def build_claims(
    settings: Settings, rows: Sequence[dict[str, Any]], corpus: samples.SampleCorpus, tag: str
) -> list[ClaimIngested]:
    """Ingest events for `rows` of the ground truth, documents already in the object store."""
    return [
        build_claim(
            settings,
            claim_documents(corpus, row),
            region=row["region"],
            claim_id=f"{tag}-{i:05d}",
            submitted_by="bench",
        )
        for i, row in enumerate(rows)
    ]


def publish_at_rate(
    settings: Settings, topology: Topology, events: Sequence[ClaimIngested], rate: float | None
) -> None:
    """Publish at full speed (one producer burst) or paced at `rate` claims per second."""
    topic = topology.topic_for_schema(ClaimIngested.avro_schema)
    codec = get_codec(settings.schemas_dir, topic.schema_name)
    if rate is None:
        publish_events(settings.kafka(), topic, codec, events)
        return
    setup_tracing("claimflow-bench")
    producer = make_producer(settings.kafka())
    started = time.monotonic()
    for i, event in enumerate(events):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # pacing the load generator, not waiting for a condition
        with tracer().start_as_current_span(f"submit {topic.name}", attributes={"claim.id": event.claim_id}):
            producer.produce(
                topic.name,
                key=event.claim_id.encode(),
                value=codec.encode(event.to_record()),
                headers=headers_for(),
            )
        producer.poll(0)
    flush_or_fail(producer)


class Submitter(threading.Thread):
    """Publishes the measured claims while the main thread watches the log."""

    def __init__(self, publish: Callable[[], None]) -> None:
        super().__init__(name="bench-submit", daemon=True)
        self.publish = publish
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.publish()
        except BaseException as exc:  # re-raised in the main thread by `check`
            self.error = exc

    def check(self) -> None:
        if self.error is not None:
            raise SubmitError(f"submitting claims failed: {self.error}") from self.error
