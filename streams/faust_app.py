"""A Faust app whose consumers wait for records only as long as settings say.

Faust 0.15 hard-codes aiokafka's `fetch_max_wait_ms` to 1500 ms. Tansu holds a fetch
that spans several partitions for the whole wait even after records arrive (measured
against `claimflow dev up`: 715 ms median delivery at 1500 ms, 15 ms at 100 ms, six
partitions), which put most of a second on every hop of the chain. Apache Kafka answers
as soon as there is data, so a short wait there only costs a few idle fetches.

A short wait is not free on Tansu, though: every fetch costs the broker and the client
CPU (one consumer polling every 25 ms: 5 % of a core in Tansu and 4 % in the client), and
a pipeline has eight consumers. So the wait adapts: short while records flow, doubling
with every empty fetch up to a longer idle wait, and short again with the first record.

A short wait can also starve a partition: Tansu 0.6.0 answers a partition with no records
when reading them from its storage outlasts the fetch's wait, and on `s3://` storage that
read lists the partition's objects, so it grows with the log. While records flowed on the
other partitions the wait stayed short, and a long partition behind them was never read
(`claimflow chaos`, finding 9: the extractor stopped at 63 of 181 records of one partition
for ten minutes). A fetch that leaves a partition empty though the broker reports records
past its offset counts as empty, so the wait grows until the broker can answer it.

A worker process's clients also never create a topic by asking about it
(`refuse_topic_auto_creation`): topics come from topology.yaml, with its partition counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

import aiokafka
import aiokafka.client
import faust
from aiokafka.protocol.metadata import MetadataRequest
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TransportT

log = logging.getLogger(__name__)


@dataclass
class AdaptiveFetchWait:
    """The next fetch's wait: `busy_ms` after records came, doubling up to `idle_ms` while none come."""

    busy_ms: int
    idle_ms: int
    current_ms: int = field(init=False)

    def __post_init__(self) -> None:
        self.idle_ms = max(self.idle_ms, self.busy_ms)
        self.current_ms = self.busy_ms

    def after_fetch(self, got_records: bool) -> int:
        self.current_ms = self.busy_ms if got_records else min(self.idle_ms, self.current_ms * 2)
        return self.current_ms


def starved_partitions(fetcher: Any, assignment: Any, request: Any) -> list[Any]:
    """The partitions a fetch asked for that came back without records though the broker has some past
    the fetch's offset (its high watermark, from the same response)."""
    starved = []
    for topic, partitions in request.topics:
        for partition, offset, *_ in partitions:
            tp = aiokafka.TopicPartition(topic, partition)
            state = assignment.state_value(tp)
            highwater = getattr(state, "highwater", None)
            if highwater is not None and highwater > offset and tp not in fetcher._records:
                starved.append(tp)
    return starved


def adapt_fetch_wait(fetcher: Any, wait: AdaptiveFetchWait) -> None:
    """Make aiokafka's fetcher take each fetch's wait from `wait`, told whether the last one brought records.

    aiokafka reads `_fetch_max_wait_ms` for every request it builds and `_proc_fetch_request`
    answers whether records were added; Faust exposes neither, so the instance is wrapped. A fetch
    that starved a partition (`starved_partitions`) counts as one without records.
    """
    fetch = fetcher._proc_fetch_request

    async def fetch_and_adapt(assignment: Any, node_id: Any, request: Any) -> bool:
        got_records = bool(await fetch(assignment, node_id, request))
        fed = got_records and not starved_partitions(fetcher, assignment, request)
        fetcher._fetch_max_wait_ms = wait.after_fetch(fed)
        return got_records

    fetcher._fetch_max_wait_ms = wait.current_ms
    fetcher._proc_fetch_request = fetch_and_adapt


class _MetadataRequestWithoutAutoCreation(MetadataRequest):
    """A metadata request that tells the broker not to create the topics it names."""

    def __init__(self, topics: list[str] | None = None, allow_auto_topic_creation: bool = False) -> None:
        super().__init__(topics, allow_auto_topic_creation)


def refuse_topic_auto_creation() -> None:
    """Make every aiokafka client of this process ask for metadata without creating topics.

    aiokafka asks with `allow_auto_topic_creation=true` and offers no setting (0.14), and Tansu
    honours it, as does an Apache Kafka with `auto.create.topics.enable`: a consumer or producer
    that names a missing topic creates it with the broker's default partition count (4 on
    Tansu). After the embedded broker lost its log, every agent re-created its topics that way
    within a second, keys then hashed to the wrong partitions and every worker started later
    refused the topics (`TopicPartitionsMismatch`). A missing topic must stay missing until
    `ensure_topics` declares it, so the client's metadata requests are built with the flag off.
    aiokafka builds them from this module attribute only (`AIOKafkaClient._metadata_update`).
    """
    aiokafka.client.MetadataRequest = _MetadataRequestWithoutAutoCreation


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka hands this to its Fetcher in start(); Faust exposes no setting for it.
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms
        return consumer

    async def on_start(self) -> None:
        await super().on_start()
        fetcher = getattr(self._consumer, "_fetcher", None)
        if self.app.idle_fetch_max_wait_ms <= self.app.fetch_max_wait_ms:
            return
        if fetcher is None or not hasattr(fetcher, "_proc_fetch_request"):
            log.warning(
                "this aiokafka has no fetcher to adapt; idle consumers keep polling every %d ms",
                self.app.fetch_max_wait_ms,
            )
        else:
            adapt_fetch_wait(
                fetcher, AdaptiveFetchWait(self.app.fetch_max_wait_ms, self.app.idle_fetch_max_wait_ms)
            )


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def _unfinished(self, tp: Any) -> set[int]:
        """Offsets of `tp` handed to a stream and not acknowledged yet (held strongly: Faust's own
        `_unacked_messages` is a weak set, which forgets the events it drops at shutdown)."""
        found: dict[Any, set[int]] = self.__dict__.setdefault("_claimflow_unfinished", {})
        return found.setdefault(tp, set())

    def track_message(self, message: Any) -> None:
        self._unfinished(message.tp).add(message.offset)
        super().track_message(message)

    def ack(self, message: Any) -> bool:
        done = bool(super().ack(message))
        if message.acked:
            self._unfinished(message.tp).discard(message.offset)
        return done

    async def on_partitions_revoked(self, revoked: set[Any]) -> None:
        for tp in revoked:
            self.__dict__.get("_claimflow_unfinished", {}).pop(tp, None)
        await super().on_partitions_revoked(revoked)

    def _new_offset(self, tp: Any) -> int | None:
        """The offset to commit for `tp`, never past an event still being processed.

        Faust (faust-streaming 0.15) commits the first run of consecutive acknowledged offsets,
        and its check that the run starts where the last commit ended is off by one and skipped
        when that commit was offset 0 or unknown. With two actors on one stream (`concurrency: 2`)
        acknowledgements come out of order: one actor's batch 10, 12, 14 done while the other's
        9, 11, 13, 15 was still in OCR committed past 9, and the worker stopped before finishing
        it (finding 8, docs/chaos.md). So nothing is committed while the lowest offset handed to a
        stream and not acknowledged lies below every acknowledged one; otherwise Faust's run, which
        then ends before that offset, is committed. Events Faust drops unprocessed at shutdown
        stay unfinished here, so the commit at shutdown cannot pass them either.
        """
        acked = self._acked[tp]
        unfinished = self._unfinished(tp)
        if acked and unfinished and min(unfinished) < min(acked):
            return None
        return cast("int | None", super()._new_offset(tp))


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class ClaimFlowApp(faust.App):
    """faust.App on the aiokafka transport, with the fetch waits (busy and idle) from settings."""

    def __init__(
        self, *args: Any, fetch_max_wait_ms: int, idle_fetch_max_wait_ms: int = 0, **kwargs: Any
    ) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.idle_fetch_max_wait_ms = idle_fetch_max_wait_ms
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> TransportT:
        return _Transport(self.conf.broker_consumer, self)
