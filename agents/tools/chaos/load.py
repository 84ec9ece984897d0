"""The run's load: sequence-numbered sample claims, a known set of poison inputs, published through faults.

Claims reuse a corpus of at most `CORPUS_MAX` distinct sample claims (born-digital, a few
scans), each submitted under its own id `CHAOS-<tag>-<seq>`: a chaos run checks what happens to
every claim, not what was read from it, so 10,000 claims need not mean 10,000 rendered PDFs.
The sequence number is the order of submission, so a gap is a lost claim at a glance.

The poison inputs are garbage bytes (not Avro) and a well-formed claim of a region the topology
does not declare, both on claim.ingested: the retriever must dead-letter exactly these, once
each, whatever the faults did.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Message

from agents.events import ClaimIngested
from agents.intake import build_claim
from agents.tools import samples
from agents.tools.bench.load import claim_documents
from streams import ClaimFlowError, Settings, Topology, get_codec
from streams.kafka_io import make_producer
from streams.telemetry import headers_for

log = logging.getLogger(__name__)

CORPUS_MAX = 200
UNKNOWN_REGION = "ATLANTIS"
# A first byte of 0x01 is the zigzag varint -1: a negative string length, which no Avro
# reader accepts, so the garbage can never decode as a claim by chance.
GARBAGE_PREFIX = b"\x01"


class SubmitFailed(ClaimFlowError, RuntimeError):
    """Some inputs were never acknowledged by the broker before the submission deadline."""


@dataclass(frozen=True)
class Input:
    """One record for claim.ingested: its key and bytes, and what it is (`claim` or a poison kind)."""

    seq: int
    key: bytes
    value: bytes
    kind: str  # "claim", "garbage", "unknown-region"
    claim_id: str


def claim_id(tag: str, seq: int) -> str:
    return f"CHAOS-{tag}-{seq:06d}"


def build_inputs(
    settings: Settings,
    topology: Topology,
    corpus: samples.SampleCorpus,
    rows: Sequence[dict[str, Any]],
    *,
    claims: int,
    tag: str,
    garbage: int,
    unknown_region: int,
    seed: int,
) -> list[Input]:
    """`claims` claims cycling over `rows`, with the poison inputs spread evenly among them.

    Every input gets the next sequence number, poison included, so the sequence is the
    order of submission.
    """
    topic = topology.topic_for_schema(ClaimIngested.avro_schema)
    codec = get_codec(settings.schemas_dir, topic.schema_name)
    rng = random.Random(seed)
    poison_kinds = ["garbage"] * garbage + ["unknown-region"] * unknown_region
    rng.shuffle(poison_kinds)
    total = claims + len(poison_kinds)
    poison_at = {round((i + 1) * total / (len(poison_kinds) + 1)): k for i, k in enumerate(poison_kinds)}
    inputs: list[Input] = []
    next_row = 0
    for seq in range(total):
        cid = claim_id(tag, seq)
        kind = poison_at.get(seq, "claim")
        if kind == "garbage":
            value = GARBAGE_PREFIX + rng.randbytes(rng.randint(8, 200))
            inputs.append(Input(seq, cid.encode(), value, kind, cid))
            continue
        row = rows[next_row % len(rows)]
        next_row += kind == "claim"
        event = build_claim(
            settings, claim_documents(corpus, row), region=row["region"], claim_id=cid, submitted_by="chaos"
        )
        record = event.to_record()
        if kind == "unknown-region":
            # Its documents sit in a declared region's store (an undeclared region has no bucket);
            # the event names a region no deployment serves, as a foreign producer might write it.
            record["region"] = UNKNOWN_REGION
        inputs.append(Input(seq, cid.encode(), codec.encode(record), kind, cid))
    return inputs


class Submitter(threading.Thread):
    """Publishes the inputs in order, at `rate` per second or at once, until the broker took every one.

    The broker is killed during a run, so a message can fail (timed out, or the producer's
    idempotence state lost with the broker). Failed inputs are sent again by a fresh producer
    until acknowledged or `deadline_s` passes; a resent input can land twice on the log, which
    is at-least-once delivery and the pipeline's to absorb (same event id, same claim).
    """

    def __init__(
        self,
        settings: Settings,
        topic: str,
        inputs: Sequence[Input],
        *,
        rate: float | None,
        deadline_s: float,
        on_progress: Callable[[int], None] = lambda _: None,
    ) -> None:
        super().__init__(name="chaos-submit", daemon=True)
        self.settings = settings
        self.topic = topic
        self.inputs = list(inputs)
        self.rate = rate
        self.deadline_s = deadline_s
        self.on_progress = on_progress
        self.acked: set[int] = set()
        self.resent = 0
        self.error: BaseException | None = None
        self.finished_ms = 0

    def run(self) -> None:
        try:
            self._publish()
        except BaseException as exc:  # re-raised by `check` in the main thread
            self.error = exc
        self.finished_ms = int(time.time() * 1000)

    def check(self) -> None:
        if self.error is not None:
            raise SubmitFailed(f"submitting claims failed: {self.error}") from self.error

    def _send(self, todo: Sequence[Input], paced: bool) -> set[int]:
        """Produce `todo`, wait for the broker; returns the sequence numbers it acknowledged."""
        producer = make_producer(self.settings.kafka())
        acked: set[int] = set()

        def delivered(seq: int) -> Callable[[KafkaError | None, Message], None]:
            def report(err: KafkaError | None, _msg: Message) -> None:
                if err is None:
                    acked.add(seq)
                    self.acked.add(seq)

            return report

        started = time.monotonic()
        for i, item in enumerate(todo):
            if paced and self.rate:
                delay = started + i / self.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)  # pacing the load, not waiting for a condition
            while True:
                try:
                    producer.produce(
                        self.topic,
                        key=item.key,
                        value=item.value,
                        headers=headers_for(),
                        on_delivery=delivered(item.seq),
                    )
                    break
                except BufferError:  # the local queue is full while the broker is away
                    producer.poll(0.5)
                except KafkaException as exc:  # a fatal producer error: this producer is done
                    log.warning("chaos submit: producer failed (%s); resending with a new one", exc)
                    producer.flush(5)
                    return acked
            producer.poll(0)
            self.on_progress(len(self.acked))
        producer.flush(60)
        self.on_progress(len(self.acked))
        return acked

    def _publish(self) -> None:
        todo = self.inputs
        deadline = time.monotonic() + self.deadline_s
        first = True
        while todo:
            acked = self._send(todo, paced=first)
            first = False
            todo = [i for i in todo if i.seq not in acked and i.seq not in self.acked]
            if todo:
                self.resent += len(todo)
                log.warning("chaos submit: %d input(s) not acknowledged; sending them again", len(todo))
                if time.monotonic() > deadline:
                    raise SubmitFailed(
                        f"{len(todo)} input(s) never acknowledged within {self.deadline_s:.0f} s"
                    )
