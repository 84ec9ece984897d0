"""CPU time per agent per claim: measured by the processor, carried in a header, visible to the next agent."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import ClassVar

from prometheus_client import REGISTRY

from streams import Event, Settings, StreamAgent, upstream_cpu
from streams.cost import CPU_HEADER, cpu_header, cpu_of_headers, with_share
from streams.testing import AgentHarness
from streams.topology import parse_topology
from tests.streams.test_processing import ME, TOPOLOGY, Ping, Pong, make_settings, ping

COST_TOPOLOGY = TOPOLOGY.replace("tests.streams.test_processing:Doubler", "tests.streams.test_cost:Burner")


class Burner(StreamAgent[Ping]):
    """Spends about `n` ms of CPU per event and remembers what its inputs said earlier agents spent."""

    input_model = Ping
    upstream: ClassVar[list[dict[str, float]]] = []

    async def handle_batch(self, events: Sequence[Ping]) -> list[Event]:
        outputs: list[Event] = []
        for e in events:
            Burner.upstream.append(upstream_cpu(e))
            until = time.process_time() + e.n / 1000
            while time.process_time() < until:
                pass
            outputs.append(e.follow(Pong, by=ME, n=e.n))
        return outputs


def test_the_header_round_trips_and_ignores_what_it_cannot_read() -> None:
    name, value = cpu_header({"retriever": 0.0123456789, "faiss_worker": 0.002})
    assert name == CPU_HEADER
    assert cpu_of_headers([("other", b"x"), (name, value)]) == {"retriever": 0.012346, "faiss_worker": 0.002}
    assert cpu_of_headers([(CPU_HEADER, b"not json")]) == {}
    assert cpu_of_headers([(CPU_HEADER, b"[1, 2]")]) == {}
    assert cpu_of_headers([]) == {}
    assert with_share({"a": 1.0}, "a", 0.5) == {"a": 1.5}
    assert with_share({"a": 1.0}, "b", 0.5) == {"a": 1.0, "b": 0.5}


async def test_each_output_carries_its_causes_cpu_plus_this_agents_share_of_the_batch(tmp_path) -> None:
    settings: Settings = make_settings(tmp_path)
    Burner.upstream.clear()
    h = AgentHarness("doubler", settings=settings, topology=parse_topology(COST_TOPOLOGY))
    before = REGISTRY.get_sample_value("claimflow_agent_cpu_seconds_count", {"agent": "doubler"}) or 0
    upstream = h.record(ping(20, claim="C1"))
    upstream = dataclasses.replace(upstream, headers=(cpu_header({"retriever": 0.25}),))
    await h.deliver(upstream, h.record(ping(20, claim="C2")))

    assert Burner.upstream == [{"retriever": 0.25}, {}]  # what each input's record said, during handling
    spent = [cpu_of_headers(sent.headers) for sent in h.outbox.sent]
    assert spent[0]["retriever"] == 0.25
    # The batch burnt at least 40 ms; each of its two events is charged half.
    assert spent[0]["doubler"] == spent[1]["doubler"] >= 0.02
    assert set(spent[1]) == {"doubler"}
    after = REGISTRY.get_sample_value("claimflow_agent_cpu_seconds_count", {"agent": "doubler"})
    assert after == before + 2
    assert upstream_cpu(ping(1)) == {}  # outside an agent's handling there is nothing to read
