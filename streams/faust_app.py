"""A Faust app whose consumers wait for records only as long as settings say.

Faust 0.15 hard-codes aiokafka's `fetch_max_wait_ms` to 1500 ms. Tansu holds a fetch
that spans several partitions for the whole wait even after records arrive (measured
against `claimflow dev up`: 715 ms median delivery at 1500 ms, 15 ms at 100 ms, six
partitions), which put most of a second on every hop of the chain. Apache Kafka answers
as soon as there is data, so a short wait there only costs a few idle fetches.
"""

from __future__ import annotations

from typing import Any

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TransportT


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka hands this to its Fetcher in start(); Faust exposes no setting for it.
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class ClaimFlowApp(faust.App):
    """faust.App on the aiokafka transport, with the fetch wait from settings."""

    def __init__(self, *args: Any, fetch_max_wait_ms: int, **kwargs: Any) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> TransportT:
        return _Transport(self.conf.broker_consumer, self)
