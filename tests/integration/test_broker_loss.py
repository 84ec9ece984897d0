"""A broker that comes back without its log: the worker says so once and stops, a fresh one carries on.

Seen before: about 70 error lines a second per agent while the embedded broker was away;
then commits of offsets that no longer existed, retried forever, and every topic re-created
by the clients with the broker's default partition count (4), which every worker started
later refused. One agent on a stack of its own, so the session's pipeline keeps its broker.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from confluent_kafka import KafkaError, Message

from streams import agent_processes, devstack
from streams.broker_watch import EXIT_BROKER_LOST
from streams.kafka_admin import admin_client, broker_partitions
from streams.kafka_io import log_bounds, make_consumer, make_producer
from streams.settings import Settings
from streams.topology import Topology, load_topology
from tests.fixtures.waiting import NotYet, eventually

pytestmark = pytest.mark.integration

AGENT = "reporter"  # light to start: no model, one PostgreSQL pool
OUTAGE_S = 3.0  # how long the broker stays away once the worker noticed: ~200 error lines unthrottled
_LINE = re.compile(r"^\[[^]]+\] \[\d+\] \[(?P<level>[A-Z]+)\] (?P<message>.*)$")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[devstack.StackInfo]:
    state_dir = tmp_path_factory.mktemp("broker-loss")
    info = devstack.up(state_dir, broker_storage="memory")  # a broker back without its log
    try:
        yield info
    finally:
        agent_processes.stop_agents(state_dir)
        devstack.down(state_dir)


def _start(stack: devstack.StackInfo, topology: Topology) -> agent_processes.AgentProcess:
    env = {**stack.env(), "CLAIMFLOW_BREAKER_RESET_S": "2", "CLAIMFLOW_DEPENDENCY_TIMEOUT_S": "3"}
    process = next(
        p
        for p in agent_processes.start_agents(stack.state_dir, topology, [AGENT], env=env)
        if p.name == AGENT
    )
    return process


def _dead_letters(settings: Settings, topology: Topology) -> int:
    spec = topology.dead_letter_for(topology.agent(AGENT).consumes[0])
    consumer = make_consumer(settings.kafka())
    try:
        return sum(high - low for low, high in log_bounds(consumer, spec.name, spec.partitions))
    finally:
        consumer.close()


def _wait_until_declared(settings: Settings, topology: Topology) -> None:
    """Until a starting worker has declared its topics (the test's producer never creates one)."""
    declared = {t.name: t.partitions for t in topology.topics_of(AGENT)}

    def declared_now() -> None:
        found = broker_partitions(admin_client(settings.kafka()))
        if {name: n for name, n in found.items() if name in declared} != declared:
            raise NotYet(f"the topics are not declared yet: {found}")

    eventually(declared_now, timeout_s=120)


def _poison_until_dead_lettered(settings: Settings, topology: Topology) -> None:
    """Publish bytes that are no event and wait for the worker's dead letter: it runs, and commits."""
    errors: list[KafkaError] = []

    def on_delivery(err: KafkaError | None, _msg: Message) -> None:
        if err is not None:
            errors.append(err)

    producer = make_producer(settings.kafka())
    producer.produce(
        topology.agent(AGENT).consumes[0], key=b"CLM-POISON", value=b"\x00 not avro", on_delivery=on_delivery
    )
    assert producer.flush(30) == 0 and not errors

    def dead_lettered() -> None:
        if _dead_letters(settings, topology) < 1:
            raise NotYet("no dead letter yet")

    eventually(dead_lettered, timeout_s=120)


def _lines(log_file: Path, start: int = 0) -> list[tuple[str, str]]:
    text = log_file.read_bytes()[start:].decode(errors="replace")
    return [(m["level"], m["message"].strip()) for line in text.splitlines() if (m := _LINE.match(line))]


def test_a_worker_stops_once_when_the_broker_lost_its_log_and_a_fresh_one_carries_on(
    stack: devstack.StackInfo,
) -> None:
    settings = Settings(kafka_bootstrap=stack.kafka_bootstrap, state_dir=stack.state_dir)
    topology = load_topology(settings.topology_file)
    worker = _start(stack, topology)
    log_file = Path(worker.log_file)
    _wait_until_declared(settings, topology)
    _poison_until_dead_lettered(settings, topology)

    outage_starts = log_file.stat().st_size
    os.kill(stack.pids["kafka"], signal.SIGKILL)

    def outage_reported() -> None:
        if not any("does not answer" in m for _, m in _lines(log_file, outage_starts)):
            raise NotYet("the worker has not reported the outage yet")

    eventually(outage_reported, timeout_s=30)
    threading.Event().wait(OUTAGE_S)  # the fault itself: the broker stays away this long
    during = _lines(log_file, outage_starts)
    devstack.up(stack.state_dir)  # the embedded broker comes back on memory storage: empty

    assert psutil.Process(worker.pid).wait(timeout=60) == EXIT_BROKER_LOST
    repeated = {
        m: n for m, n in Counter(m for level, m in during if level in {"WARNING", "ERROR"}).items() if n > 1
    }
    assert not repeated, f"repeated while the broker was away: {repeated}"
    lost = [m for level, m in _lines(log_file, outage_starts) if "lost the log" in m]
    assert len(lost) == 1 and "no longer exist" in lost[0], lost
    # Nobody re-created the topics with the broker's defaults while the worker looked.
    declared = {t.name: t.partitions for t in topology.topics.values()}
    found = broker_partitions(admin_client(settings.kafka()))
    assert {name: n for name, n in found.items() if name in declared and n != declared[name]} == {}

    fresh = _start(stack, topology)
    assert fresh.pid != worker.pid
    _wait_until_declared(settings, topology)  # by the fresh worker, as topology.yaml says
    _poison_until_dead_lettered(settings, topology)  # and it works
